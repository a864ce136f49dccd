#!/usr/bin/env bash
# Many small files (issue 16): the daemon backing up 5,000 files of 10 kB in 50 folders vs rclone copy of the same
# folder, wall time and the tool's own CPU, median of 3 alternating rounds (see small_files.py). Release builds.
#   benchmarks/daemon/small-files.sh [FILES] [ROUNDS]
#   IRONVIPER_BIN=… EMULATOR_BIN=… benchmarks/daemon/small-files.sh      # binaries built elsewhere
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/setup >/dev/null
if [ -z "${IRONVIPER_BIN:-}" ] || [ -z "${EMULATOR_BIN:-}" ]; then
  swift build -c release --product ironviper >/dev/null
  swift build -c release --product ironviper-emulator >/dev/null
  IRONVIPER_BIN="$(swift build -c release --show-bin-path)/ironviper"
  EMULATOR_BIN="$(swift build -c release --show-bin-path)/ironviper-emulator"
fi
mkdir -p benchmarks/.work/small-files benchmarks/results
.venv/bin/python benchmarks/daemon/small_files.py "$IRONVIPER_BIN" "$EMULATOR_BIN" "$PWD/benchmarks/.work/small-files" \
  "${1:-5000}" "${2:-3}" | tee benchmarks/results/small-files.md
