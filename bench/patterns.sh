#!/usr/bin/env bash
# make bench-patterns: PUB/SUB fan-out and ROUTER/DEALER, ours beside
# libzmq in the same run. Each case runs ROUNDS times, ours and libzmq
# taking turns to go first; the tables give medians and ours/libzmq ratios.
#
# The two sides are the same program twice, with the same arguments and
# result lines: bench/c/{pubsub,router}_thr.c over libzmq (Debian's
# libzmq3-dev) and bench/{pubsub,router}_thr/main.go over purezmq. Every
# run's output is kept under $OUT.
#
#   ROUNDS=5 bash bench/patterns.sh            # more rounds
#   QUICK=1 bash bench/patterns.sh             # 16 B, filter "all" only
#   TRANSPORTS=tcp SECTIONS=pubsub bash bench/patterns.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
TRANSPORTS=${TRANSPORTS:-"tcp inproc"}
SECTIONS=${SECTIONS:-"pubsub router lossy"}
SUBS=${SUBS:-"1 10"}
SIZES=${SIZES:-"16 1024"}
FILTERS=${FILTERS:-"all half"}
if [ -n "${QUICK:-}" ]; then SIZES=16 FILTERS=all; fi
OUT=${OUT:-bench/out/patterns}
mkdir -p "$OUT"

bash scripts/install-libzmq.sh
make -s -C bench/c bench-c-patterns >/dev/null
mkdir -p bench/bin/ours
go build -o bench/bin/ours/pubsub_thr ./bench/pubsub_thr
go build -o bench/bin/ours/router_thr ./bench/router_thr
LZ=bench/bin
OURS=bench/bin/ours

source bench/lib.sh
# droppct: the percentage of "dropped: N [msg] (P%)".
droppct() { awk -F'[(%]' '/^dropped:/ {print $2; exit}'; }
ep() { if [ "$1" = inproc ]; then echo "inproc://bench-$$"; else echo "tcp://127.0.0.1:*"; fi; }

# Message counts giving each run about a second on a 2-core machine.
pubsub_count() { # TRANSPORT SUBS SIZE
  case "$1/$2/$3" in
    tcp/1/16) echo 1000000 ;; tcp/10/16) echo 200000 ;;
    tcp/1/1024) echo 200000 ;; tcp/10/1024) echo 30000 ;;
    inproc/1/16) echo 2000000 ;; inproc/10/16) echo 100000 ;;
    inproc/1/1024) echo 500000 ;; inproc/10/1024) echo 50000 ;;
    *) echo 100000 ;;
  esac
}

if [[ " $SECTIONS " == *" pubsub "* ]]; then
  echo "PUB/SUB fan-out: one PUB, N SUBs, HWM 0 (nothing dropped), msg/s delivered"
  printf '%-28s %11s %11s %6s %12s %12s %6s %6s\n' case "libzmq/sub" "ours/sub" ratio "libzmq total" "ours total" ratio cpu
  for tr in $TRANSPORTS; do
    for n in $SUBS; do
      for size in $SIZES; do
        for filter in $FILTERS; do
          name="pubsub-$tr-$n-$size-$filter"
          runcase "$name" pubsub_thr "$(ep "$tr")" "$n" "$size" "$(pubsub_count "$tr" "$n" "$size")" "$filter" 0
          lps=$(med "$name" libzmq field "mean throughput per subscriber")
          ops=$(med "$name" ours field "mean throughput per subscriber")
          lt=$(med "$name" libzmq field "total throughput")
          ot=$(med "$name" ours field "total throughput")
          printf '%-28s %11.0f %11.0f %6s %12.0f %12.0f %6s %6s\n' "$tr N=$n ${size}B $filter" \
            "$lps" "$ops" "$(ratio "$ops" "$lps")" "$lt" "$ot" "$(ratio "$ot" "$lt")" "$(cpuratio "$name")"
        done
      done
    done
  done
  echo
fi

if [[ " $SECTIONS " == *" lossy "* ]] && [[ " $TRANSPORTS " == *" tcp "* ]]; then
  echo "PUB/SUB at libzmq's default HWM 1000, tcp, 16 B: dropping (PUB's default) and XPUB_NODROP (PUB waits)"
  printf '%-28s %11s %11s %6s %12s %12s %6s %8s %8s\n' case "libzmq/sub" "ours/sub" ratio "libzmq total" "ours total" ratio "lz drop%" "our drop%"
  for n in $SUBS; do
    for mode in drop nodrop; do
      name="pubsub-hwm1000-$n-$mode"
      extra=()
      [ "$mode" = nodrop ] && extra=(nodrop)
      runcase "$name" pubsub_thr "tcp://127.0.0.1:*" "$n" 16 "$(pubsub_count tcp "$n" 16)" all 1000 "${extra[@]}"
      lps=$(med "$name" libzmq field "mean throughput per subscriber")
      ops=$(med "$name" ours field "mean throughput per subscriber")
      lt=$(med "$name" libzmq field "total throughput")
      ot=$(med "$name" ours field "total throughput")
      printf '%-28s %11.0f %11.0f %6s %12.0f %12.0f %6s %8s %8s\n' "tcp N=$n 16B hwm1000 $mode" \
        "$lps" "$ops" "$(ratio "$ops" "$lps")" "$lt" "$ot" "$(ratio "$ot" "$lt")" \
        "$(med "$name" libzmq droppct)" "$(med "$name" ours droppct)"
    done
  done
  echo
fi

if [[ " $SECTIONS " == *" router "* ]]; then
  echo "ROUTER/DEALER, 16 B: K DEALERs each making round trips to a ROUTER echo; a ROUTER sending to 100 DEALERs by id"
  printf '%-28s %12s %12s %6s %12s %12s %6s %6s\n' case "libzmq" "ours" ratio "libzmq us" "ours us" ratio cpu
  for tr in $TRANSPORTS; do
    for k in 1 100; do
      case "$tr/$k" in
        tcp/1) c=10000 ;; tcp/100) c=200 ;; inproc/1) c=30000 ;; *) c=300 ;;
      esac
      name="router-rtt-$tr-$k"
      runcase "$name" router_thr rtt "$(ep "$tr")" "$k" 16 "$c"
      l=$(med "$name" libzmq field throughput)
      o=$(med "$name" ours field throughput)
      lu=$(med "$name" libzmq field "average round trip")
      ou=$(med "$name" ours field "average round trip")
      printf '%-28s %12.0f %12.0f %6s %12.1f %12.1f %6s %6s\n' "rtt $tr K=$k [rt/s, rtt]" \
        "$l" "$o" "$(ratio "$o" "$l")" "$lu" "$ou" "$(ratio "$ou" "$lu")" "$(cpuratio "$name")"
    done
    c=500000
    [ "$tr" = inproc ] && c=100000
    name="router-fanout-$tr-100"
    runcase "$name" router_thr fanout "$(ep "$tr")" 100 16 "$c"
    l=$(med "$name" libzmq field throughput)
    o=$(med "$name" ours field throughput)
    printf '%-28s %12.0f %12.0f %6s %12s %12s %6s %6s\n' "fanout $tr 100 [msg/s]" "$l" "$o" "$(ratio "$o" "$l")" "" "" "" "$(cpuratio "$name")"
  done
  echo
fi
echo "ratio: ours/libzmq (throughput: above 1 is ours faster; round trip in us: below 1 is ours faster)."
echo "cpu: ours/libzmq user+system CPU time of the whole run, same work (below 1 is ours cheaper);"
echo "     it is less sensitive than msg/s to other load on the machine."
echo "outputs of every run: $OUT/"
