#!/usr/bin/env bash
# Previews in the cloud vs on the daemon's machine, in one run on one corpus of 24 MP photos (see bench.py):
#   benchmarks/worker/run.sh [PHOTOS]        (default 12)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
swift build -c release --product ironviper >/dev/null
swift build -c release --product ironviper-emulator >/dev/null
bin=$(swift build -c release --show-bin-path)
work=benchmarks/.work/worker
mkdir -p "$work" benchmarks/results
benchmarks/imaging/make-corpus.sh -n "${1:-12}" "$work/corpus" >/dev/null
.venv/bin/python benchmarks/worker/bench.py "$bin/ironviper" "$bin/ironviper-emulator" "$work/corpus" "$PWD/$work" \
  | tee benchmarks/results/worker.json
