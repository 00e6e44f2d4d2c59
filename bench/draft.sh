#!/usr/bin/env bash
# make bench-draft: the draft socket types, ours beside libzmq 4.3.5 in the
# same run: CLIENT/SERVER round trips (tcp, ipc, inproc) and RADIO/DISH
# throughput (tcp, inproc, udp). Each case runs ROUNDS times, ours and
# libzmq taking turns to go first; the table gives medians, ours/libzmq,
# and CPU time ours/libzmq for the same work.
#
# The two sides are one program twice, with the same arguments and result
# lines: bench/c/draft_thr.c over libzmq and bench/draft_thr/main.go over
# purezmq. Debian's libzmq lacks the draft API, so libzmq here is npm's
# zeromq 6.8.0 (interop/node), whose Node addon carries libzmq 4.3.5's whole
# C API: draft_thr is linked against the addon, with stubs for the Node
# functions it refers to but never reaches from draft_thr, as bench/ws.sh
# does for ws.
#
#   ROUNDS=5 bash bench/draft.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"16 256"}
OUT=${OUT:-bench/out/draft}
mkdir -p "$OUT"
LZ=bench/bin/lz435
OURS=bench/bin/ours

bash scripts/install-node-peers.sh
addon=$(cd interop/node && node -e 'require("zeromq"); process.stdout.write(require("fs").readFileSync("/proc/self/maps", "utf8").split("\n").filter((l) => l.endsWith("addon.node"))[0].split(/\s+/).pop())')
mkdir -p "$LZ" "$OURS"
ln -sf "$(realpath "$addon")" "$LZ/addon.node"
nm -D --undefined-only "$LZ/addon.node" | awk '$2 ~ /^(napi_|uv_)/ {print "void " $2 "(void) { __builtin_trap(); }"}' >"$LZ/napi_stub.c"
cc -shared -fPIC -o "$LZ/libnapistub.so" "$LZ/napi_stub.c"
cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -DZMQ_BUILD_DRAFT_API -Wall -o "$LZ/draft_thr" bench/c/draft_thr.c \
  -L"$LZ" -l:addon.node -lnapistub -Wl,-rpath,"$(realpath "$LZ")" -Wl,--no-as-needed -pthread
go build -o "$OURS/draft_thr" ./bench/draft_thr

source bench/lib.sh
# udp_ep: a loopback udp port nothing is bound to now (libzmq's udp bind
# takes no "*" port).
udp_ep() { python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print("udp://127.0.0.1:%d" % s.getsockname()[1])'; }
ipc_ep() { echo "ipc://$(mktemp -u /tmp/draft-XXXXXX).sock"; }

echo "load before: $(uptime)"
echo
echo "CLIENT/SERVER round trips, 16 B (medians of $ROUNDS)"
printf '%-8s %14s %14s %6s %6s\n' transport "libzmq rt/s" "ours rt/s" ratio cpu
for tr in tcp ipc inproc; do
  case $tr in tcp) ep="tcp://127.0.0.1:*" ;; ipc) ep=$(ipc_ep) ;; inproc) ep="inproc://draft-$$" ;; esac
  name="rtt-$tr"
  runcase "$name" draft_thr rtt "$ep" 16 20000
  l=$(med "$name" libzmq field "round trips per second")
  o=$(med "$name" ours field "round trips per second")
  printf '%-8s %14s %14s %6s %6s\n' "$tr" "$l" "$o" "$(ratio "$o" "$l")" "$(cpuratio "$name")"
done

echo
echo "RADIO/DISH throughput, msg/s received (medians of $ROUNDS); udp also: received/sent"
printf '%-8s %5s %12s %12s %6s %6s %9s %9s\n' transport size libzmq ours ratio cpu "lz recv" "ours recv"
for tr in tcp inproc udp; do
  for size in $SIZES; do
    case $tr in tcp) ep="tcp://127.0.0.1:*"; n=500000 ;; inproc) ep="inproc://draft-$$"; n=1000000 ;; udp) ep=$(udp_ep); n=100000 ;; esac
    name="radio-$tr-$size"
    runcase "$name" draft_thr radio "$ep" "$size" "$n"
    l=$(med "$name" libzmq field "mean throughput")
    o=$(med "$name" ours field "mean throughput")
    lr=$(med "$name" libzmq field "messages received")
    orr=$(med "$name" ours field "messages received")
    printf '%-8s %5s %12s %12s %6s %6s %9s %9s\n' "$tr" "$size" "$l" "$o" "$(ratio "$o" "$l")" "$(cpuratio "$name")" \
      "$(ratio "$lr" "$n")" "$(ratio "$orr" "$n")"
  done
done
echo
echo "load after: $(uptime)"
