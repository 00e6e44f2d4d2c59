#!/usr/bin/env bash
# make bench: our perf tools beside libzmq's (bench/c, built against
# Debian's libzmq3-dev) in the same run; medians of ROUNDS runs and the
# ours/libzmq ratio. Also runs ours against libzmq in both roles.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"16 256 4096 65536 1048576"}
TRANSPORTS=${TRANSPORTS:-"tcp ipc inproc"}
bash scripts/install-libzmq.sh
make -s -C bench/c >/dev/null
go build -o bench/bin/zmq ./cmd/zmq
LZ=bench/bin
OURS="bench/bin/zmq perf"

count_for() { # message count giving each run about a second
  case $1 in 16) echo 2000000 ;; 256) echo 1000000 ;; 4096) echo 200000 ;; 65536) echo 20000 ;; *) echo 2000 ;; esac
}
endpoint_for() {
  case $1 in tcp) echo "tcp://127.0.0.1:$((20000 + RANDOM % 20000))" ;; ipc) echo "ipc:///tmp/purezmq-bench-$$.ipc" ;; esac
}
field() { awk -v k="$1" -F': ' '$1==k {split($2,a," "); print a[1]}'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else print v[int((NR+1)/2)]}'; }

# thr LOCAL REMOTE TRANSPORT SIZE: one throughput run, prints msg/s.
thr() {
  local local=$1 remote=$2 tr=$3 size=$4 count ep out
  count=$(count_for "$size")
  if [ "$tr" = inproc ]; then
    $local inproc_thr "$size" "$count" | field "mean throughput" | head -1
    return
  fi
  ep=$(endpoint_for "$tr")
  out=$(mktemp)
  $local local_thr "$ep" "$size" "$count" >"$out" &
  local pid=$!
  $remote remote_thr "$ep" "$size" "$count" >/dev/null
  wait "$pid"
  field "mean throughput" <"$out" | head -1
  rm -f "$out"
}

# lat LOCAL REMOTE TRANSPORT: one 16-byte latency run, prints microseconds.
lat() {
  local local=$1 remote=$2 tr=$3 ep out count=20000
  if [ "$tr" = inproc ]; then
    $local inproc_lat 16 "$count" | field "average latency"
    return
  fi
  ep=$(endpoint_for "$tr")
  out=$(mktemp)
  $local local_lat "$ep" 16 "$count" >/dev/null &
  local pid=$!
  $remote remote_lat "$ep" 16 "$count" >"$out"
  wait "$pid"
  field "average latency" <"$out"
  rm -f "$out"
}

lzcmd() { local tool=$1; shift; "$LZ/$tool" "$@"; }
ourscmd() { $OURS "$@"; }

printf '%-7s %9s %14s %14s %7s\n' transport size "libzmq msg/s" "ours msg/s" ratio
for tr in $TRANSPORTS; do
  for size in $SIZES; do
    lz_runs=(); our_runs=()
    for _ in $(seq "$ROUNDS"); do
      lz_runs+=("$(thr lzcmd lzcmd "$tr" "$size")")
      our_runs+=("$(thr ourscmd ourscmd "$tr" "$size")")
    done
    lzm=$(printf '%s\n' "${lz_runs[@]}" | median)
    om=$(printf '%s\n' "${our_runs[@]}" | median)
    printf '%-7s %9s %14s %14s %7.2f\n' "$tr" "$size" "$lzm" "$om" "$(echo "$om $lzm" | awk '{print $1/$2}')"
  done
done
echo
printf '%-7s %14s %14s %7s\n' transport "libzmq us" "ours us" ratio
for tr in $TRANSPORTS; do
  lz_runs=(); our_runs=()
  for _ in $(seq "$ROUNDS"); do
    lz_runs+=("$(lat lzcmd lzcmd "$tr")")
    our_runs+=("$(lat ourscmd ourscmd "$tr")")
  done
  lzm=$(printf '%s\n' "${lz_runs[@]}" | median)
  om=$(printf '%s\n' "${our_runs[@]}" | median)
  printf '%-7s %14s %14s %7.2f\n' "$tr" "$lzm" "$om" "$(echo "$om $lzm" | awk '{print $1/$2}')"
done
echo
echo "cross-check over tcp, 16 B: ours local + libzmq remote, libzmq local + ours remote"
printf '  ours<-libzmq thr: %s msg/s\n' "$(thr ourscmd lzcmd tcp 16)"
printf '  libzmq<-ours thr: %s msg/s\n' "$(thr lzcmd ourscmd tcp 16)"
printf '  ours<-libzmq lat: %s us\n' "$(lat ourscmd lzcmd tcp)"
printf '  libzmq<-ours lat: %s us\n' "$(lat lzcmd ourscmd tcp)"
