#!/usr/bin/env bash
# Installs Debian's JeroMQ 0.3.6 (libjeromq-java) and a JDK if missing: the
# interop tests of interop/jeromq compile a small Java peer against it.
set -euo pipefail
if [ -f /usr/share/java/jeromq.jar ] && command -v javac >/dev/null && command -v java >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "JeroMQ or a JDK is missing; run as root or: sudo apt-get install -y libjeromq-java default-jdk-headless" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq libjeromq-java default-jdk-headless >/dev/null
