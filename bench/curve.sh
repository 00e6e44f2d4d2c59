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

# field KEY: the first word after "KEY: " (the number) of the matching line.
field() { awk -v k="$1" -F': ' '$1==k {split($2,a," "); print a[1]; exit}'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0 == 0) print "-"; else printf "%.2f", a/b}'; }

# Message counts giving each run a second or two on a 2-core machine.
thr_count() {
  case $1 in 16) echo 500000 ;; 1024) echo 200000 ;; 65536) echo 10000 ;; *) echo 20000 ;; esac
}

# run1 BIN OUTFILE ARGS...: one run; its user+system time is appended as
# "cpu: S [s]".
run1() {
  local bin=$1 out=$2 t
  shift 2
  t=$( { TIMEFORMAT='%U %S'; time "$bin" "$@" >"$out"; } 2>&1 )
  echo "$t" | awk '{printf "cpu: %.3f [s]\n", $1 + $2}' >>"$out"
}

# runcase NAME TOOL ARGS...: ROUNDS runs of each side, alternating which
# goes first, outputs kept as $OUT/NAME.{libzmq,ours}.N.
runcase() {
  local name=$1 tool=$2 r
  shift 2
  rm -f "$OUT/$name".*
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then
      run1 "$LZ/$tool" "$OUT/$name.libzmq.$r" "$@"
      run1 "$OURS/$tool" "$OUT/$name.ours.$r" "$@"
    else
      run1 "$OURS/$tool" "$OUT/$name.ours.$r" "$@"
      run1 "$LZ/$tool" "$OUT/$name.libzmq.$r" "$@"
    fi
  done
}

# med NAME SIDE KEY: the median of one figure over the rounds.
med() {
  local name=$1 side=$2 key=$3 f
  for f in "$OUT/$name.$side".*; do field "$key" <"$f"; done | median
}

echo "load before: $(uptime)"
echo "CURVE PUSH/PULL throughput, tcp loopback (medians of $ROUNDS)"
printf '%9s %14s %14s %7s %12s %12s %7s\n' size "libzmq msg/s" "ours msg/s" ratio "libzmq MB/s" "ours MB/s" cpu
for size in $SIZES; do
  name="thr-$size"
  runcase "$name" curve_thr "$size" "$(thr_count "$size")"
  l=$(med "$name" libzmq "mean throughput")
  o=$(med "$name" ours "mean throughput")
  lc=$(med "$name" libzmq cpu)
  oc=$(med "$name" ours cpu)
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
  l=$(med "$name" libzmq "average latency")
  o=$(med "$name" ours "average latency")
  printf '%9s %14.3f %14.3f %7s %7s\n' "$size" "$l" "$o" "$(ratio "$o" "$l")" \
    "$(ratio "$(med "$name" ours cpu)" "$(med "$name" libzmq cpu)")"
done
echo
echo "load after: $(uptime)"
echo "ratio: ours/libzmq (throughput: above 1 is ours faster; latency: below 1 is ours faster)."
echo "cpu: ours/libzmq user+system CPU time of the whole run, same work (below 1 is ours cheaper)."
echo "outputs of every run: $OUT/"
