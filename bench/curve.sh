#!/usr/bin/env bash
# CURVE, ours beside libzmq in the same run: PUSH/PULL throughput and
# REQ/REP latency over tcp loopback with CURVE on. Each case runs ROUNDS
# times, ours and libzmq taking turns to go first; the tables give medians
# and ours/libzmq ratios.
#
# The two sides are the same program twice, with the same arguments and
# result lines: bench/c/curve_{thr,lat}.c over libzmq (Debian's
# libzmq3-dev, CURVE through libsodium) and bench/curve_{thr,lat}/main.go
# over purezmq. Every run's output is kept under $OUT.
#
#   ROUNDS=5 bash bench/curve.sh
#   SIZES="65536" bash bench/curve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"16 1024 65536"}
LAT_SIZES=${LAT_SIZES:-"16"}
OUT=${OUT:-bench/out/curve}
mkdir -p "$OUT"

bash scripts/install-libzmq.sh
make -s -C bench/c bench-c-curve >/dev/null
mkdir -p bench/bin/ours
go build -o bench/bin/ours/curve_thr ./bench/curve_thr
go build -o bench/bin/ours/curve_lat ./bench/curve_lat
LZ=bench/bin
OURS=bench/bin/ours

source bench/lib.sh

# Message counts giving each run a second or two on a 2-core machine.
thr_count() {
  case $1 in 16) echo 500000 ;; 1024) echo 200000 ;; 65536) echo 10000 ;; *) echo 20000 ;; esac
}

echo "load before: $(uptime)"
echo "CURVE PUSH/PULL throughput, tcp loopback (medians of $ROUNDS)"
printf '%9s %14s %14s %7s %12s %12s %7s\n' size "libzmq msg/s" "ours msg/s" ratio "libzmq MB/s" "ours MB/s" cpu
for size in $SIZES; do
  name="thr-$size"
  runcase "$name" curve_thr "$size" "$(thr_count "$size")"
  l=$(med "$name" libzmq field "mean throughput")
  o=$(med "$name" ours field "mean throughput")
  lc=$(med "$name" libzmq field cpu)
  oc=$(med "$name" ours field cpu)
  printf '%9s %14.0f %14.0f %7s %12.1f %12.1f %7s\n' "$size" "$l" "$o" "$(ratio "$o" "$l")" \
    "$(awk -v t="$l" -v s="$size" 'BEGIN {print t*s/1e6}')" \
    "$(awk -v t="$o" -v s="$size" 'BEGIN {print t*s/1e6}')" "$(ratio "$oc" "$lc")"
done
echo
echo "CURVE REQ/REP latency, tcp loopback (medians of $ROUNDS)"
printf '%9s %14s %14s %7s %7s\n' size "libzmq us" "ours us" ratio cpu
for size in $LAT_SIZES; do
  name="lat-$size"
  runcase "$name" curve_lat "$size" 10000
  l=$(med "$name" libzmq field "average latency")
  o=$(med "$name" ours field "average latency")
  printf '%9s %14.3f %14.3f %7s %7s\n' "$size" "$l" "$o" "$(ratio "$o" "$l")" \
    "$(cpuratio "$name")"
done
echo
echo "load after: $(uptime)"
echo "ratio: ours/libzmq (throughput: above 1 is ours faster; latency: below 1 is ours faster)."
echo "cpu: ours/libzmq user+system CPU time of the whole run, same work (below 1 is ours cheaper)."
echo "outputs of every run: $OUT/"
