#!/usr/bin/env bash
# Installs the Node peers of the interop tests (interop/node: npm's zeromq
# 6.8.0, which ships libzmq 4.3.5 built with the draft API and ws, and
# jszmq) from the lock file, when they are missing or stale.
set -euo pipefail
cd "$(dirname "$0")/../interop/node"
if ! command -v npm >/dev/null; then
  # A fresh machine: Debian's Node.js and npm, as install-libzmq.sh does
  # for libzmq.
  if [ "$(id -u)" != 0 ]; then
    echo "npm is missing; run as root or: sudo apt-get install -y nodejs npm" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq nodejs npm >/dev/null
fi
stamp=node_modules/.lock-stamp
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
