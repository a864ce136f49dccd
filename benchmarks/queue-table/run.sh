#!/usr/bin/env bash
# Queue and Table throughput of the emulator, in one run, on its durable on-disk store:
#   100k table upserts (single Insert-or-Replace requests, wrk, 2 threads x 64 connections),
#   100k table upserts as 1,000 entity group transactions ($batch) of 100 (wrk),
#   a filtered query over a 10k-entity table, all pages (azure-data-tables),
#   100k enqueue (wrk) and 100k dequeue = Get Messages x32 + Delete Message each (wrk).
# Figures go to standard output and benchmarks/results/queue-table.txt.
# Usage: benchmarks/queue-table/run.sh   (from anywhere; builds the emulator in release mode once)
#        TOTAL=5000 EMULATOR_BIN=.build/debug/ironviper-emulator benchmarks/queue-table/run.sh   (a quick smoke run)
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benchmarks/queue-table
TOTAL=${TOTAL:-100000}
scripts/setup >/dev/null
if [ -z "${EMULATOR_BIN:-}" ]; then
  swift build -c release --product ironviper-emulator >/dev/null
fi
BIN=${EMULATOR_BIN:-"$(swift build -c release --show-bin-path)/ironviper-emulator"}
WORK=$(mktemp -d /tmp/ironviper-qt-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
PY=.venv/bin/python

"$BIN" --location "$WORK/data" --services queue,table --queuePort 0 --tablePort 0 --silent > "$WORK/emulator.out" &
EMU_PID=$!
until grep -q "ironviper-emulator ready" "$WORK/emulator.out" 2>/dev/null; do sleep 0.05; done
QUEUE_URL=$(grep -o 'Queue service is successfully listening at http://[0-9.:]*' "$WORK/emulator.out" | grep -o 'http://.*')
TABLE_URL=$(grep -o 'Table service is successfully listening at http://[0-9.:]*' "$WORK/emulator.out" | grep -o 'http://.*')

# Creates the table and queue and prints account SAS tokens (so wrk can repeat signed requests).
$PY "$HERE/bench.py" prepare "$QUEUE_URL" "$TABLE_URL" > "$WORK/sas"
TABLE_SAS=$(sed -n 1p "$WORK/sas")
QUEUE_SAS=$(sed -n 2p "$WORK/sas")
calc() { $PY -c "print($1)"; }

timed_wrk() {  # timed_wrk SCRIPT URL SAS -> prints elapsed seconds, from start to the last thread's finish
  local start end wrk_pid
  rm -rf "$WORK/done" && mkdir -p "$WORK/done"
  start=$(date +%s.%N)
  SAS="$3" TABLE=bench QUEUE=bench TOTAL=$TOTAL THREADS=2 DONE_DIR="$WORK/done" \
    wrk -t2 -c64 -d900s --timeout 60s -s "$1" "$2" > "$WORK/wrk.out" &
  wrk_pid=$!
  # Each wrk thread writes its finish time once its share is answered; wrk itself would wait for -d.
  while [ "$(ls "$WORK/done" | wc -l)" -lt 2 ] && kill -0 $wrk_pid 2>/dev/null; do sleep 0.1; done
  kill -INT $wrk_pid 2>/dev/null || true
  wait $wrk_pid || true
  end=$(cat "$WORK"/done/* | awk '{print $1}' | sort -n | tail -1)
  if grep -qv ' 0$' "$WORK"/done/*; then echo "warning: $1 saw failed requests: $(cat "$WORK"/done/*)" >&2; fi
  calc "round($end - $start, 3)"
}

rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$EMU_PID/status"; }

UPSERT_S=$(timed_wrk "$HERE/upsert.lua" "$TABLE_URL" "$TABLE_SAS")
UPSERT_ROWS=$($PY "$HERE/bench.py" count-table "$TABLE_URL" bench)
BATCH_S=$(timed_wrk "$HERE/batch.lua" "$TABLE_URL" "$TABLE_SAS")
BATCH_ROWS=$($PY "$HERE/bench.py" count-table "$TABLE_URL" benchbatch)
QUERY=$($PY "$HERE/bench.py" query "$TABLE_URL" 10000)
ENQUEUE_S=$(timed_wrk "$HERE/enqueue.lua" "$QUEUE_URL" "$QUEUE_SAS")
QUEUED=$($PY "$HERE/bench.py" queue-count "$QUEUE_URL")
DEQUEUE_S=$(timed_wrk "$HERE/dequeue.lua" "$QUEUE_URL" "$QUEUE_SAS")
LEFT=$($PY "$HERE/bench.py" queue-count "$QUEUE_URL")
RSS=$(rss)

mkdir -p benchmarks/results
{
  echo "ironviper emulator, Queue and Table, durable store (SQLite WAL, synchronous=FULL), $(nproc) cores, $(date -u +%F)"
  printf "table upserts, single requests:   %d entities stored in %.1f s  (%.0f upserts/s)\n" "$UPSERT_ROWS" "$UPSERT_S" "$(calc "$TOTAL / $UPSERT_S")"
  printf "table upserts, \$batch of 100:     %d entities stored in %.1f s  (%.0f upserts/s)\n" "$BATCH_ROWS" "$BATCH_S" "$(calc "$TOTAL / $BATCH_S")"
  echo "filtered query, 10k-entity table: $QUERY"
  printf "enqueue:                           %d messages in %.1f s  (%.0f/s)\n" "$QUEUED" "$ENQUEUE_S" "$(calc "$TOTAL / $ENQUEUE_S")"
  printf "dequeue (get x32 + delete each):   %d messages in %.1f s  (%.0f/s), %d left\n" "$QUEUED" "$DEQUEUE_S" "$(calc "$TOTAL / $DEQUEUE_S")" "$LEFT"
  echo "emulator RSS after the run:        ${RSS} MiB"
  echo "anchor: Azurite users report 100k table upserts taking over an hour; the goal here is under a minute."
} | tee benchmarks/results/queue-table.txt
