#!/usr/bin/env bash
# The daemon's memory (issue 16): peak resident size while it backs up a batch of photos (conversion included)
# and its size once idle, split into anonymous memory (its own heap: what it really costs) and file-backed pages
# (the code of the binary and its libraries, clean and shared, dropped by the kernel under pressure).
#
#   benchmarks/daemon/memory.sh [PHOTOS] [IRONVIPER_BIN...]     # default 12 photos of 6 MP, this checkout's build
#
# Each binary runs the same library with its bundled emulator; with two binaries (before/after) they alternate.
# Needs ImageMagick's `convert` (scripts/setup installs it).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
photos="${1:-12}"
shift || true
binaries=("$@")
[ ${#binaries[@]} -gt 0 ] || binaries=("$root/.build/release/ironviper")
work="$(mktemp -d /tmp/ironviper-memory.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/photos"
for i in $(seq 1 "$photos"); do convert -size 3000x2000 plasma:fractal -seed "$i" "$work/photos/p$i.jpg"; done

kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$2/status"; }

measure() {
  local binary="$1" state="$work/state" config="$work/config.toml"
  rm -rf "$state" "$config"
  "$binary" init --library "photos=$work/photos" --config "$config" >/dev/null
  sed -i "1i state_directory = \"$state\"" "$config"
  sed -i 's|^# listen = "127.0.0.1:9780".*|listen = "off"|' "$config"
  "$binary" run --config "$config" >"$work/run.log" 2>&1 &
  local pid=$! peak=0 rss done
  # Until every photo's work is done: the outbox empty and a row done per photo at least.
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(kb VmRSS "$pid"); (( rss > peak )) && peak=$rss
    done=$("$binary" status --json --config "$config" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin); o = d.get("outbox", {})
print(int(sum(o.get("pending", {}).values()) == 0 and o.get("done", 0) >= '"$photos"'))' 2>/dev/null || echo 0)
    [ "$done" = 1 ] && break
    sleep 0.2
  done
  # Idle: the daemon's keep-alive beat (every 5 s) returns the heap; wait for two beats.
  sleep 11
  awk -v name="$binary" -v peak="$peak" -v rss="$(kb VmRSS "$pid")" -v anon="$(kb RssAnon "$pid")" \
      -v file="$(kb RssFile "$pid")" 'BEGIN {
    printf "%s: peak RSS %.1f MB; idle RSS %.1f MB = anonymous %.1f + file-backed %.1f\n",
      name, peak / 1024, rss / 1024, anon / 1024, file / 1024 }'
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

for round in 1 2 3; do
  for binary in "${binaries[@]}"; do echo -n "round $round: "; measure "$binary"; done
done
