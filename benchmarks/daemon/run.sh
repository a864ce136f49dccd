#!/usr/bin/env bash
# The daemon's latency (close → master committed, p50/p99) and masters-only throughput vs rclone copy,
# in one run. Release builds; the transfer benchmark's corpus (random bytes shaped like a library).
#   benchmarks/daemon/run.sh [FILES] [INTERVAL_SECONDS]      (defaults: 300 files, one every 0.5 s: a pace a 2-core machine converts 2 MP photos at)
#   CORPUS_SCALE=0.25 benchmarks/daemon/run.sh                (a smaller corpus)
# Also times the AzureStorage client alone putting the same files into the same emulator: the ceiling
# any sync of this corpus to this target can reach.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
swift build -c release --product ironviper >/dev/null
swift build -c release --product ironviper-emulator >/dev/null
swift build -c release --package-path benchmarks/transfer --product transfer-bench >/dev/null
export TRANSFER_BENCH="$(swift build -c release --package-path benchmarks/transfer --show-bin-path)/transfer-bench"
bin=$(swift build -c release --show-bin-path)
work=benchmarks/.work/daemon
mkdir -p "$work" benchmarks/results
.venv/bin/python benchmarks/transfer/make_corpus.py "$work/corpus" "${CORPUS_SCALE:-0.5}" >/dev/null
.venv/bin/python benchmarks/daemon/bench.py "$bin/ironviper" "$bin/ironviper-emulator" "$work/corpus" "$PWD/$work" \
  "${1:-300}" "${2:-0.5}" | tee benchmarks/results/daemon.json
