#!/usr/bin/env bash
# Runs every fuzz target of the main module for the given time each.
set -euo pipefail
time=${1:-60s}
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
    echo "== $pkg $target ($time)"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$time" -parallel="${FUZZ_PARALLEL:-2}" "$pkg"
  done
done
