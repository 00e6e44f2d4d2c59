#!/usr/bin/env bash
# bench/ws.sh: ZeroMQ over WebSocket beside tcp, ours and libzmq 4.3.5's in
# the same run. PUSH/PULL throughput (SIZES) and REQ/REP round trips of 16 B
# over ws:// and tcp:// on loopback; medians of ROUNDS runs, the
# ours/libzmq ratio, and for each library the ratio of its ws to its tcp.
#
# libzmq 4.3.5 with ws is npm's zeromq 6.8.0 (interop/node), whose Node
# addon carries libzmq's whole C API: bench/c's perf tools (libzmq's own
# perf programs' twins) are linked against that addon, with a library of
# stubs standing in for the Node functions it refers to but the tools never
# reach. Debian's libzmq 4.3.4 (what `make bench` uses) is not the one
# tested over ws here. Ours are `zmq perf`, with the same arguments and
# output.
#
#   ROUNDS=5 SIZES="16 65536" bash bench/ws.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"16 256 65536"}
LZ=bench/bin/lz435

bash scripts/install-node-peers.sh
addon=$(cd interop/node && node -e 'require("zeromq"); process.stdout.write(require("fs").readFileSync("/proc/self/maps", "utf8").split("\n").filter((l) => l.endsWith("addon.node"))[0].split(/\s+/).pop())')
mkdir -p "$LZ"
ln -sf "$(realpath "$addon")" "$LZ/addon.node"
nm -D --undefined-only "$LZ/addon.node" | awk '$2 ~ /^(napi_|uv_)/ {print "void " $2 "(void) { __builtin_trap(); }"}' >"$LZ/napi_stub.c"
cc -shared -fPIC -o "$LZ/libnapistub.so" "$LZ/napi_stub.c"
for tool in local_thr remote_thr local_lat remote_lat; do
  cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -o "$LZ/$tool" "bench/c/$tool.c" \
    -L"$LZ" -l:addon.node -lnapistub -Wl,-rpath,"$(realpath "$LZ")" -Wl,--no-as-needed -pthread
done
go build -o bench/bin/zmq ./cmd/zmq
OURS="bench/bin/zmq perf"

count_for() {
  case $1 in 16) echo 1000000 ;; 256) echo 500000 ;; 4096) echo 100000 ;; 65536) echo 10000 ;; *) echo 1000 ;; esac
}
# endpoint_for TRANSPORT: a loopback port nothing listens on now (other
# programs' tests share the machine, so a random one can be taken).
endpoint_for() {
  local port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  case $1 in tcp) echo "tcp://127.0.0.1:$port" ;; ws) echo "ws://127.0.0.1:$port/bench" ;; esac
}
field() { awk -v k="$1" -F': ' '$1==k {split($2,a," "); print a[1]; exit}'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0 == 0) print "-"; else printf "%.2f", a/b}'; }

lzcmd() { local tool=$1; shift; "$LZ/$tool" "$@"; }
ourscmd() { $OURS "$@"; }

# thr SIDE TRANSPORT SIZE: one throughput run, prints msg/s.
thr() {
  local side=$1 tr=$2 size=$3 count ep out pid
  count=$(count_for "$size")
  ep=$(endpoint_for "$tr")
  out=$(mktemp)
  $side local_thr "$ep" "$size" "$count" >"$out" &
  pid=$!
  $side remote_thr "$ep" "$size" "$count" >/dev/null
  wait "$pid"
  field "mean throughput" <"$out"
  rm -f "$out"
}

# lat SIDE TRANSPORT: one 16-byte round-trip run, prints microseconds.
lat() {
  local side=$1 tr=$2 ep out pid
  ep=$(endpoint_for "$tr")
  out=$(mktemp)
  $side local_lat "$ep" 16 20000 >/dev/null &
  pid=$!
  $side remote_lat "$ep" 16 20000 >"$out"
  wait "$pid"
  field "average latency" <"$out"
  rm -f "$out"
}

declare -A M
echo "load before: $(uptime)"
for tr in tcp ws; do
  for size in $SIZES; do
    lz=(); ours=()
    for r in $(seq "$ROUNDS"); do
      lz+=("$(thr lzcmd "$tr" "$size")")
      ours+=("$(thr ourscmd "$tr" "$size")")
    done
    M[lz,$tr,$size]=$(printf '%s\n' "${lz[@]}" | median)
    M[ours,$tr,$size]=$(printf '%s\n' "${ours[@]}" | median)
  done
  lz=(); ours=()
  for r in $(seq "$ROUNDS"); do
    lz+=("$(lat lzcmd "$tr")")
    ours+=("$(lat ourscmd "$tr")")
  done
  M[lz,$tr,lat]=$(printf '%s\n' "${lz[@]}" | median)
  M[ours,$tr,lat]=$(printf '%s\n' "${ours[@]}" | median)
done
echo "load after: $(uptime)"

echo
echo "PUSH/PULL throughput, msg/s (medians of $ROUNDS); libzmq is 4.3.5"
printf '%-4s %7s %12s %12s %11s %13s %11s\n' tr size libzmq ours ours/libzmq "libzmq ws/tcp" "ours ws/tcp"
for tr in tcp ws; do
  for size in $SIZES; do
    printf '%-4s %7s %12s %12s %11s %13s %11s\n' "$tr" "$size" "${M[lz,$tr,$size]}" "${M[ours,$tr,$size]}" \
      "$(ratio "${M[ours,$tr,$size]}" "${M[lz,$tr,$size]}")" \
      "$(ratio "${M[lz,$tr,$size]}" "${M[lz,tcp,$size]}")" "$(ratio "${M[ours,$tr,$size]}" "${M[ours,tcp,$size]}")"
  done
done
echo
echo "REQ/REP round trip, 16 B, microseconds (medians of $ROUNDS)"
printf '%-4s %12s %12s %11s %13s %11s\n' tr libzmq ours ours/libzmq "libzmq ws/tcp" "ours ws/tcp"
for tr in tcp ws; do
  printf '%-4s %12s %12s %11s %13s %11s\n' "$tr" "${M[lz,$tr,lat]}" "${M[ours,$tr,lat]}" \
    "$(ratio "${M[ours,$tr,lat]}" "${M[lz,$tr,lat]}")" \
    "$(ratio "${M[lz,$tr,lat]}" "${M[lz,tcp,lat]}")" "$(ratio "${M[ours,$tr,lat]}" "${M[ours,tcp,lat]}")"
done
