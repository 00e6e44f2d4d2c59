#!/usr/bin/env bash
# Installs Debian's libzmq3-dev (and a C compiler) if missing: the interop
# tests and the libzmq side of the benchmarks link against it.
set -euo pipefail
if pkg-config --exists libzmq 2>/dev/null && command -v cc >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "libzmq3-dev is missing; run as root or: sudo apt-get install -y libzmq3-dev pkg-config" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq libzmq3-dev pkg-config gcc >/dev/null
