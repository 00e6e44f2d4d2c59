#!/usr/bin/env bash
# make bench-scale: what idle connections cost, ours beside libzmq in the
# same run: resident memory per connection and set-up time, from
# bench/connscale (ours) and bench/c/connscale.c (libzmq), the same program
# twice with the same arguments and result lines. Each case runs ROUNDS
# times, ours and libzmq taking turns to go first; the tables give medians
# and ours/libzmq ratios. Every run's output is kept under $OUT.
#
# Cases, all over tcp on loopback, every DEALER making one round trip:
#   both:   one process holding a ROUTER and N DEALERs connected to it
#           (memory of both ends per connection): at SMALL (2,000), at the
#           largest count libzmq reaches within the descriptor limit (both
#           run it), and at the largest ours reaches (ours alone).
#   server: one ROUTER process echoing to SERVER_DEALERS (19,000) DEALERs
#           spread over CLIENTS client processes of the same implementation
#           (memory of the ROUTER's end only).
#
# Descriptors: the hard limit is 20,000 per process here. A connection
# whose two ends share a process costs ours 2 (one socket each end) and
# libzmq 3 (each libzmq socket also holds a mailbox eventfd), plus a few per
# process (libzmq: 5 per context, for its I/O and reaper threads). The
# largest counts are (limit - RESERVE) / 2 and / 3.
#
# Both programs set the ROUTER's listen backlog to 4,096 and turn the
# handshake timer off: bench/c/connscale.c says why.
#
# Ports: loopback has about 28,000 ephemeral ports per address pair. Each
# run's ROUTER binds a fresh port (tcp://127.0.0.1:*), so the TIME_WAIT
# connections a previous run left (to another port) do not count against
# it, and 19,000 connections fit one address pair.
#
#   QUICK=1 bash bench/connscale.sh     # smoke test: small counts, 1 round
#   ROUNDS=5 bash bench/connscale.sh
#   SECTIONS=server CLIENTS=8 bash bench/connscale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SECTIONS=${SECTIONS:-"both server"}
SMALL=${SMALL:-2000}
SERVER_DEALERS=${SERVER_DEALERS:-19000}
CLIENTS=${CLIENTS:-4}
RESERVE=${RESERVE:-32}
RUN_TIMEOUT=${RUN_TIMEOUT:-600}
OUT=${OUT:-bench/out/connscale}

ulimit -n "$(ulimit -Hn)"
LIMIT=$(ulimit -n)
LZ_MAX=${LZ_MAX:-$(((LIMIT - RESERVE) / 3))}
OURS_MAX=${OURS_MAX:-$(((LIMIT - RESERVE) / 2))}
if [ -n "${QUICK:-}" ]; then
  ROUNDS=1 SMALL=200 LZ_MAX=500 OURS_MAX=700 SERVER_DEALERS=600 CLIENTS=2
fi
mkdir -p "$OUT"

bash scripts/install-libzmq.sh
make -s -C bench/c bench-c-scale >/dev/null
mkdir -p bench/bin/ours
go build -o bench/bin/ours/connscale ./bench/connscale
LZ=bench/bin
OURS=bench/bin/ours
source bench/lib.sh
bin() { if [ "$1" = libzmq ]; then echo "$LZ/connscale"; else echo "$OURS/connscale"; fi; }

# both1 IMPL OUTFILE N: one run of the one-process case. A failed run
# leaves OUTFILE.failed and a line on standard error.
both1() {
  if ! timeout "$RUN_TIMEOUT" "$(bin "$1")" both "tcp://127.0.0.1:*" "$3" >"$2"; then
    mv "$2" "$2.failed"
    echo "failed: $1 connscale both $3 (output: $2.failed)" >&2
  fi
}

# server1 IMPL OUTFILE N: one ROUTER process, N DEALERs over CLIENTS client
# processes. The clients hold their DEALERs until their standard input, a
# fifo this shell holds open, closes, or they are told to end: after the
# ROUTER has reported.
server1() {
  local which=$1 out=$2 n=$3 b fifo hold spid ep c share first=0 ok=1 i
  local -a cpids=()
  b=$(bin "$which")
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/connscale-fifo.XXXXXX")
  mkfifo "$fifo"
  exec {hold}<>"$fifo"
  timeout "$RUN_TIMEOUT" "$b" server "tcp://127.0.0.1:*" "$n" >"$out" {hold}>&- &
  spid=$!
  ep=
  for i in $(seq 300); do
    ep=$(awk -F': ' '$1=="endpoint" {print $2; exit}' "$out")
    [ -n "$ep" ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$ep" ]; then
    ok=0
  else
    for c in $(seq "$CLIENTS"); do
      share=$((n / CLIENTS))
      [ "$c" = "$CLIENTS" ] && share=$((n - first))
      timeout "$RUN_TIMEOUT" "$b" client "$ep" "$share" "$first" <"$fifo" >"$out.client$c" {hold}>&- &
      cpids+=($!)
      first=$((first + share))
    done
  fi
  wait "$spid" || ok=0
  exec {hold}>&-
  # The ROUTER has reported and gone: the clients' DEALERs would now retry
  # their connections while they close one by one (minutes for 4,750 of
  # ours on a loaded machine); end them at once instead.
  for i in "${cpids[@]}"; do kill "$i" 2>/dev/null || true; done
  for i in "${cpids[@]}"; do wait "$i" 2>/dev/null || true; done
  rm -f "$fifo"
  if [ "$ok" = 0 ]; then
    mv "$out" "$out.failed"
    echo "failed: $which connscale server $n with $CLIENTS clients (output: $out.failed*)" >&2
  fi
}

# scalecase NAME MODE N IMPLS...: ROUNDS runs of each implementation, the
# first alternating; outputs kept as $OUT/NAME.IMPL.ROUND.
scalecase() {
  local name=$1 mode=$2 n=$3 r which
  shift 3
  local -a impls=("$@")
  rm -f "$OUT/$name".*
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 0 ] && [ ${#impls[@]} = 2 ]; then impls=("${impls[1]}" "${impls[0]}"); fi
    for which in "${impls[@]}"; do
      "${mode}1" "$which" "$OUT/$name.$which.$r" "$n"
    done
    impls=("$@")
  done
}

# fig NAME IMPL KEY: the median of one result line over the runs that
# succeeded ("-" if none did).
fig() {
  local f
  for f in "$OUT/$1.$2".*; do
    if [[ $f =~ \.[0-9]+$ ]]; then field "$3" <"$f"; fi
  done | median | sed 's/^nan$/-/'
}
per_us() { awk -v ms="$1" -v n="$2" 'BEGIN {if (ms !~ /^[0-9.]+$/) print "-"; else printf "%.0f", ms * 1000 / n}'; }

header() {
  printf '%-24s %6s | %9s %9s %6s | %9s %9s %6s | %8s %7s\n' "$1" conns \
    "libzmq" "ours" ratio "libzmq" "ours" ratio "ours" "ours"
  printf '%-24s %6s | %9s %9s %6s | %9s %9s %6s | %8s %7s\n' "" "" \
    "KiB/conn" "KiB/conn" "" "us/conn" "us/conn" "" returned "gor/c"
}
# row LABEL NAME N: memory and set-up time per connection of each side.
row() {
  local label=$1 name=$2 n=$3 lm om ls os
  lm=$(fig "$name" libzmq "rss per connection [KiB]")
  om=$(fig "$name" ours "rss per connection [KiB]")
  ls=$(per_us "$(fig "$name" libzmq "setup time [ms]")" "$n")
  os=$(per_us "$(fig "$name" ours "setup time [ms]")" "$n")
  printf '%-24s %6s | %9s %9s %6s | %9s %9s %6s | %8s %7s\n' "$label" "$n" \
    "$lm" "$om" "$(ratio "$om" "$lm")" "$ls" "$os" "$(ratio "$os" "$ls")" \
    "$(fig "$name" ours "rss returned per connection [KiB]")" \
    "$(fig "$name" ours "goroutines per connection")"
}

echo "idle connections over tcp, medians of $ROUNDS; descriptor limit $LIMIT per process"
echo "(KiB/conn: resident set per connection; us/conn: set-up time per connection;"
echo " ours returned: KiB/conn after the Go runtime gave free memory back; gor/c: goroutines per connection)"
if [[ " $SECTIONS " == *" both "* ]]; then
  header "ROUTER+DEALERs, 1 proc"
  scalecase both-small both "$SMALL" libzmq ours
  row "both ends, $SMALL" both-small "$SMALL"
  scalecase both-lzmax both "$LZ_MAX" libzmq ours
  row "both ends, libzmq's max" both-lzmax "$LZ_MAX"
  scalecase both-oursmax both "$OURS_MAX" ours
  row "both ends, ours' max" both-oursmax "$OURS_MAX"
  if [ -z "${QUICK:-}" ]; then
    echo "(libzmq's max is (limit-$RESERVE)/3 with 3 descriptors per connection, ours' (limit-$RESERVE)/2 with 2;"
    echo " libzmq cannot hold ours' max in one process)"
  else
    echo "(QUICK: counts cut down, not the maxima)"
  fi
  echo
fi
if [[ " $SECTIONS " == *" server "* ]]; then
  header "ROUTER alone, 1 proc"
  scalecase server server "$SERVER_DEALERS" libzmq ours
  row "ROUTER's end, $CLIENTS clients" server "$SERVER_DEALERS"
  lm=$(fig server libzmq "rss per connection [KiB]")
  om=$(fig server ours "rss per connection [KiB]")
  ls=$(fig server libzmq "setup time [ms]")
  os=$(fig server ours "setup time [ms]")
  echo "set-up of all $SERVER_DEALERS, first request to last distinct one at the ROUTER: libzmq $ls ms, ours $os ms"
  echo "on paper, the ROUTER's resident memory at this rate (no descriptor limit, several address pairs):"
  for n in 100000 1000000; do
    awk -v n="$n" -v l="$lm" -v o="$om" 'BEGIN {
      if (l !~ /^[0-9.]+$/ || o !~ /^[0-9.]+$/) { print "  -"; exit }
      printf "  %7d connections: libzmq %7.0f MiB, ours %7.0f MiB\n", n, l * n / 1024, o * n / 1024 }'
  done
fi
