#!/usr/bin/env bash
# make bench: our perf tools beside libzmq's (bench/c, built against
# Debian's libzmq3-dev) and beside what a Go user would pick instead:
# pebbe/zmq4 (libzmq through cgo) and go-zeromq/zmq4 (pure Go), whose perf
# tools live in their own module, bench/alt, so the main module depends on
# neither. Every case runs each implementation ROUNDS times, taking turns
# (the first to go rotates with each round); the tables give medians and
# each one's ratio to libzmq. Also runs ours against libzmq in both roles.
#
#   ROUNDS=5 SIZES="16 256" bash bench/run.sh
#   ALT=0 bash bench/run.sh        # libzmq and ours only
#   TRANSPORTS=tcp bash bench/run.sh
#
# A "-" is a case the library cannot run: go-zeromq/zmq4's inproc transport
# corrupts frames of 256 B or more (see altcan below and
# docs/PERFORMANCE.md). "fail" is a case whose every run failed; each
# failure is reported on standard error.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SIZES=${SIZES:-"16 256 4096 65536 1048576"}
TRANSPORTS=${TRANSPORTS:-"tcp ipc inproc"}
ALT=${ALT:-1}
# Each run is cut short after this many seconds, so a stuck peer shows as
# a failure rather than a hung benchmark.
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
bash scripts/install-libzmq.sh
make -s -C bench/c >/dev/null
go build -o bench/bin/zmq ./cmd/zmq
IMPLS="libzmq ours"
if [ "$ALT" != 0 ]; then
  (cd bench/alt && CGO_ENABLED=1 go build -o ../bin/pebbe ./pebbe &&
    CGO_ENABLED=0 go build -o ../bin/gozeromq ./gozeromq)
  IMPLS="libzmq ours pebbe gozeromq"
fi
LZ=bench/bin

# impl IMPL TOOL ARGS...: one perf tool of one implementation.
impl() {
  local which=$1 tool=$2
  shift 2
  case $which in
    libzmq) timeout "$RUN_TIMEOUT" "$LZ/$tool" "$@" ;;
    ours) timeout "$RUN_TIMEOUT" bench/bin/zmq perf "$tool" "$@" ;;
    pebbe | gozeromq) timeout "$RUN_TIMEOUT" "bench/bin/$which" "$tool" "$@" ;;
  esac
}

# altcan IMPL TRANSPORT SIZE: whether the implementation can run the case.
# go-zeromq/zmq4 v0.17.0's inproc pipe passes each Write as one chunk and
# a Read shorter than the chunk drops the rest (io.ErrShortBuffer, which
# io.ReadFull does not look at); its ZMTP reader reads 2 header bytes where
# a long frame's header was written as 9, so any frame of 256 B or more
# arrives cut ("message of incorrect size received").
altcan() {
  [ "$1" = gozeromq ] && [ "$2" = inproc ] && [ "$3" -ge 256 ] && return 1
  return 0
}

count_for() { # IMPL SIZE: a message count giving each run about a second
  local n
  case $2 in 16) n=2000000 ;; 256) n=1000000 ;; 4096) n=200000 ;; 65536) n=20000 ;; *) n=2000 ;; esac
  # go-zeromq/zmq4 moves 30-150 k msg/s (two writes per frame, no
  # batching): a tenth of the count keeps its runs to seconds. Rates are
  # timed from the first message, so the count changes only how much
  # start-up is averaged in.
  [ "$1" = gozeromq ] && n=$((n / 10))
  echo "$n"
}
# A fresh endpoint per run: no port in TIME_WAIT, and no ipc file left by
# a run that failed (go-zeromq cannot bind over one; libzmq unlinks it).
endpoint_for() {
  case $1 in
    tcp) echo "tcp://127.0.0.1:$((20000 + RANDOM % 12000))" ;;
    ipc) echo "ipc:///tmp/purezmq-bench-$$-$RANDOM.ipc" ;;
  esac
}
forget() { case $1 in ipc://*) rm -f "${1#ipc://}" ;; esac; }
field() { awk -v k="$1" -F': ' '$1==k {split($2,a," "); print a[1]; exit}'; }
# median: of the numeric lines; "fail" when there are none.
median() { grep -E '^[0-9.]+$' | sort -g | awk '{v[NR]=$1} END {if (NR==0) print "fail"; else print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b+0 == 0) print "-"; else printf "%.2f", a/b}'; }

# thr LOCAL REMOTE TRANSPORT SIZE: one throughput run, prints msg/s (or
# nothing, with the reason on standard error, if it failed).
thr() {
  local local=$1 remote=$2 tr=$3 size=$4 count ep out pid
  count=$(count_for "$local" "$size")
  if [ "$tr" = inproc ]; then
    impl "$local" inproc_thr "$size" "$count" | field "mean throughput" ||
      echo "failed: $local inproc_thr $size $count" >&2
    return 0
  fi
  ep=$(endpoint_for "$tr")
  out=$(mktemp)
  impl "$local" local_thr "$ep" "$size" "$count" >"$out" &
  pid=$!
  impl "$remote" remote_thr "$ep" "$size" "$count" >/dev/null ||
    echo "failed: $remote remote_thr $ep $size $count" >&2
  if wait "$pid"; then
    field "mean throughput" <"$out"
  else
    echo "failed: $local local_thr $ep $size $count" >&2
  fi
  rm -f "$out"
  forget "$ep"
}

# lat LOCAL REMOTE TRANSPORT: one 16-byte latency run, prints microseconds.
lat() {
  local local=$1 remote=$2 tr=$3 ep out count=20000 pid
  if [ "$tr" = inproc ]; then
    impl "$local" inproc_lat 16 "$count" | field "average latency" ||
      echo "failed: $local inproc_lat 16 $count" >&2
    return 0
  fi
  ep=$(endpoint_for "$tr")
  out=$(mktemp)
  impl "$local" local_lat "$ep" 16 "$count" >/dev/null &
  pid=$!
  if impl "$remote" remote_lat "$ep" 16 "$count" >"$out"; then
    field "average latency" <"$out"
  else
    echo "failed: $remote remote_lat $ep 16 $count" >&2
  fi
  wait "$pid" || echo "failed: $local local_lat $ep 16 $count" >&2
  rm -f "$out"
  forget "$ep"
}

# measure KIND TRANSPORT [SIZE]: ROUNDS runs of every implementation that
# can run the case, the one going first rotating with each round; sets
# MED[impl] to each one's median ("-" where it cannot).
declare -A MED
measure() {
  local kind=$1 tr=$2 size=${3:-16} r i n which
  local -a impls order
  local -A runs=()
  read -ra impls <<<"$IMPLS"
  n=${#impls[@]}
  for r in $(seq "$ROUNDS"); do
    order=()
    for i in $(seq 0 $((n - 1))); do order+=("${impls[$(((i + r - 1) % n))]}"); done
    for which in "${order[@]}"; do
      altcan "$which" "$tr" "$size" || continue
      if [ "$kind" = thr ]; then
        runs[$which]+="$(thr "$which" "$which" "$tr" "$size")"$'\n'
      else
        runs[$which]+="$(lat "$which" "$which" "$tr")"$'\n'
      fi
    done
  done
  for which in "${impls[@]}"; do
    if altcan "$which" "$tr" "$size"; then
      MED[$which]=$(printf '%s' "${runs[$which]:-}" | median)
    else
      MED[$which]=-
    fi
  done
}

# row LABEL...: the medians of IMPLS, then each one's ratio to libzmq.
row() {
  local which
  printf '%-7s %9s' "$@"
  for which in $IMPLS; do printf ' %14s' "${MED[$which]}"; done
  for which in $IMPLS; do
    [ "$which" = libzmq ] && continue
    printf ' %11s' "$(ratio "${MED[$which]}" "${MED[libzmq]}")"
  done
  echo
}
header() {
  local unit=$1 which
  printf '%-7s %9s' transport "$2"
  for which in $IMPLS; do printf ' %14s' "$which $unit"; done
  for which in $IMPLS; do
    [ "$which" = libzmq ] && continue
    printf ' %11s' "$which/lz"
  done
  echo
}

echo "throughput, PUSH to PULL, msg/s, medians of $ROUNDS"
header msg/s size
for tr in $TRANSPORTS; do
  for size in $SIZES; do
    measure thr "$tr" "$size"
    row "$tr" "$size"
  done
done
echo
echo "latency, REQ/REP, 16 B, half the round trip in us, medians of $ROUNDS"
header us ""
for tr in $TRANSPORTS; do
  measure lat "$tr"
  row "$tr" ""
done
echo
echo "cross-check over tcp, 16 B: ours local + libzmq remote, libzmq local + ours remote"
printf '  ours<-libzmq thr: %s msg/s\n' "$(thr ours libzmq tcp 16)"
printf '  libzmq<-ours thr: %s msg/s\n' "$(thr libzmq ours tcp 16)"
printf '  ours<-libzmq lat: %s us\n' "$(lat ours libzmq tcp)"
printf '  libzmq<-ours lat: %s us\n' "$(lat libzmq ours tcp)"
