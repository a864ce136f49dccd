#!/usr/bin/env bash
# `ironviper search` latency on catalogs of 100k and 1M synthetic photos (issue 14: a common word over
# 50,000 files took 9 s). Each catalog is made once with the app's own schema (`ironviper scan` of an
# empty folder runs the migrations), then filled by make_catalog.py, and kept under benchmarks/.work/search.
# Each query runs as its own process (start, catalog open, search, output to /dev/null) under hyperfine, beside
# `search --help` (the process floor: start, dynamic linking, argument parsing, no catalog);
# p50/p95 go to standard output and benchmarks/results/search.md.
#   benchmarks/search/run.sh                                  (release build, 100k and 1M files, 20 runs)
#   SIZES=20000 RUNS=5 IRONVIPER_BIN=.build/debug/ironviper benchmarks/search/run.sh   (a quick smoke run)
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benchmarks/search
command -v hyperfine >/dev/null || scripts/setup >/dev/null  # the Debian package
if [ -z "${IRONVIPER_BIN:-}" ]; then
  nice -n 15 swift build -j 1 -c release --product ironviper >/dev/null
fi
BIN=${IRONVIPER_BIN:-"$(swift build -c release --show-bin-path)/ironviper"}
PY=python3  # the standard library only
WORK=benchmarks/.work/search
mkdir -p "$WORK" benchmarks/results

# Common word, rare word, a negative term, words with facets, and no words (newest first).
QUERIES=("sunset" "aurora" "dog -cat" "beach camera:canon taken:2019 has:gps" "")

for size in ${SIZES:-100000 1000000}; do
  data="$WORK/$size"
  if [ ! -f "$data/complete" ]; then
    rm -rf "$data" && mkdir -p "$data/empty"
    "$BIN" scan --data-dir "$data" "$data/empty" >/dev/null
    nice -n 15 $PY "$HERE/make_catalog.py" "$data/catalog.sqlite" "$size"
    touch "$data/complete"
  fi
  # The floor: the same process start and argument parsing without opening the catalog.
  commands=("$BIN search --help")
  for query in "${QUERIES[@]}"; do
    # One argument (hyperfine splits the command like a shell): `-cat` alone would be taken for an option.
    commands+=("$BIN search --data-dir $data '$query'")
  done
  nice -n 15 hyperfine --shell=none --runs "${RUNS:-20}" --warmup 2 --style none \
    --export-json "$WORK/$size.json" "${commands[@]}" >/dev/null
done
$PY "$HERE/report.py" "$WORK" ${SIZES:-100000 1000000} | tee benchmarks/results/search.md
