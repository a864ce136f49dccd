#!/usr/bin/env bash
# Fuzzes ironviper-emulator with seeded mutations of real SDK requests (issue 18); see fuzz.py's docstring.
#
#   benchmarks/fuzz/run.sh [REQUESTS] [fuzz.py options...]      # default 1,000,000 requests, a random seed
#   SEED=123 benchmarks/fuzz/run.sh 200000 --progress 10000      # replay a seed
#
# Prints the seed first (replay a finding with --seed and --show INDEX), then the JSON report; the report is also
# kept in $REPORT (default /tmp/ironviper-fuzz-SEED.json) and failing requests' bytes in /tmp/ironviper-fuzz-SEED/.
# Exits 1 when any check failed. EMULATOR_BIN picks the binary (default: this checkout's release, else debug build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"  # Microsoft's SDKs (scripts/setup) for the after-run check
[ -x "$python" ] || { echo "no $python: run scripts/setup first (or set PYTHON)" >&2; exit 2; }
requests="${1:-1000000}"
shift || true
seed="${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
seed=$((seed % 2147483648))
echo "seed $seed"
report="${REPORT:-/tmp/ironviper-fuzz-$seed.json}"
status=0
"$python" "$here/fuzz.py" --seed "$seed" --requests "$requests" --findings "/tmp/ironviper-fuzz-$seed" \
    --progress 10000 "$@" > "$report" || status=$?
cat "$report"
exit "$status"
