#!/usr/bin/env bash
# Installs Debian's microsocks if missing: the interop tests run it as the
# real SOCKS5 server (RFC 1928, with RFC 1929 user names and passwords)
# that purezmq's WithSOCKSProxy connects through.
set -euo pipefail
if command -v microsocks >/dev/null; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "microsocks is missing; run as root or: sudo apt-get install -y microsocks" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq microsocks >/dev/null
