# bench/lib.sh: the harness bench/patterns.sh and bench/curve.sh share.
# Sourced after LZ (libzmq's tools), OURS (ours), OUT (where every run's
# output is kept) and ROUNDS are set.

# field KEY: the first word after "KEY: " (the number) of the matching line.
field() { awk -v k="$1" -F': ' '$1==k {split($2,a," "); print a[1]; exit}'; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) print "nan"; else print v[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b+0 == 0) print "-"; else printf "%.2f", a/b}'; }
# cpuratio NAME: ours/libzmq CPU time for the same work (below 1: ours cheaper).
cpuratio() { ratio "$(med "$1" ours field cpu)" "$(med "$1" libzmq field cpu)"; }

# runcase NAME TOOL ARGS...: ROUNDS runs of each side, alternating which
# goes first, outputs kept as $OUT/NAME.{libzmq,ours}.N. Outputs of an
# earlier run with more rounds are removed first, so medians see this run's
# alone.
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

# run1 BIN OUTFILE ARGS...: one run; its user and system time is appended
# as "cpu: S [s]". A failed run stops the script.
exec 3>&2 # the tools' own errors, past the capture of time's output
run1() {
  local bin=$1 out=$2 t
  shift 2
  if ! t=$( { TIMEFORMAT='%U %S'; time "$bin" "$@" >"$out" 2>&3; } 2>&1 ); then
    echo "failed: $bin $*" >&2
    exit 1
  fi
  echo "$t" | awk '{printf "cpu: %.3f [s]\n", $1 + $2}' >>"$out"
}

# med NAME SIDE EXTRACTOR ARGS...: the median of one figure over the rounds.
med() {
  local name=$1 side=$2 f
  shift 2
  for f in "$OUT/$name.$side".*; do "$@" <"$f"; done | median
}
