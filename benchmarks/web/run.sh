#!/usr/bin/env bash
# The web gallery on a generated catalog of 100k photos, in one run:
#   p50/p95 of the API a browser tab uses (first grid page, a deep page, searches with facets, a detail, the
#   grid's HTML), sequential requests on one keep-alive connection (latency.py);
#   thumbnail throughput: 200-px previews by content hash (1,000 distinct files) from the gallery, from nginx
#   serving the same files by the same URLs, and from Hummingbird alone serving the same bytes from memory
#   (bare/: its router and nothing else, the HTTP stack's own ceiling) (wrk, 2 threads, 16 connections,
#   DURATION s each, three alternating rounds, medians), and the ratios.
# The catalog is written directly in SQLite (benchmarks/search/make_catalog.py: files, assets and search rows as
# the app writes them, no file scanned), then add_previews.py gives 1,000 assets a real 200-px JPEG.
#   benchmarks/web/run.sh [DURATION]        (release build unless IRONVIPER_BIN names a binary)
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=benchmarks/web
DURATION=${1:-5}
RUNS=${RUNS:-200}
SIZE=${SIZE:-100000}
command -v wrk >/dev/null && command -v nginx >/dev/null || scripts/setup >/dev/null
if [ -z "${IRONVIPER_BIN:-}" ]; then
  nice -n 15 swift build -j 1 -c release --product ironviper >/dev/null
fi
BIN=${IRONVIPER_BIN:-"$(swift build -c release --show-bin-path)/ironviper"}
(cd "$HERE/bare" && nice -n 15 swift build -j 1 -c release > .build-output.log 2>&1) \
  || { cat "$HERE/bare/.build-output.log"; exit 1; }
BARE="$(cd "$HERE/bare" && swift build -c release --show-bin-path)/bare-previews"
WORK=benchmarks/.work/web
DATA="$WORK/$SIZE"
mkdir -p "$WORK" benchmarks/results
if [ ! -f "$DATA/complete" ]; then
  rm -rf "$DATA" && mkdir -p "$DATA/empty"
  "$BIN" scan --data-dir "$DATA" "$DATA/empty" >/dev/null   # the app's own migrations make the schema
  nice -n 15 python3 benchmarks/search/make_catalog.py "$DATA/catalog.sqlite" "$SIZE"
  convert -size 200x150 plasma:fractal -seed 7 -quality 80 "$WORK/thumb.jpg"
  python3 "$HERE/add_previews.py" "$DATA" "$WORK/thumb.jpg" 1000
  touch "$DATA/complete"
fi
ABS_DATA=$(cd "$DATA" && pwd)

trap 'kill $(jobs -p) 2>/dev/null; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; true' EXIT
"$BIN" serve --data-dir "$DATA" --listen 127.0.0.1:0 > "$WORK/serve.out" 2>&1 &
until grep -q "listening on" "$WORK/serve.out" 2>/dev/null; do sleep 0.05; done
URL=$(grep -o 'http://[0-9.:]*' "$WORK/serve.out" | head -1)

latency=$(python3 "$HERE/latency.py" "$URL" "$RUNS")

NGINX_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
chmod -R a+rX "$ABS_DATA/previews"
sed -e "s#@WORK@#$(cd "$WORK" && pwd)#g" -e "s#@PORT@#$NGINX_PORT#g" -e "s#@PREVIEWS@#$ABS_DATA/previews#g" \
  "$HERE/nginx.conf.template" > "$WORK/nginx.conf"
nginx -c "$(cd "$WORK" && pwd)/nginx.conf"
"$BARE" "$ABS_DATA/previews" > "$WORK/bare.out" 2>&1 &
until grep -q "listening on" "$WORK/bare.out" 2>/dev/null; do sleep 0.05; done
BARE_URL=$(grep -o 'http://[0-9.:]*' "$WORK/bare.out" | head -1)
first=$(head -1 "$DATA/previews.txt")
curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT$first" && curl -sf -o /dev/null "$URL$first" \
  && curl -sf -o /dev/null "$BARE_URL$first"
rate() {  # requests/s of wrk against $1
  PREVIEWS_LIST="$DATA/previews.txt" wrk -t2 -c16 -d"${DURATION}s" -s "$HERE/previews.lua" "$1" \
    | awk '/Requests\/sec/ {print $2}'
}
# Three rounds, alternating, so both sides meet the same neighbours on a shared machine; medians are reported.
gallery_runs=(); nginx_runs=(); bare_runs=()
for round in 1 2 3; do
  gallery_runs+=("$(rate "$URL")")
  nginx_runs+=("$(rate "http://127.0.0.1:$NGINX_PORT")")
  bare_runs+=("$(rate "$BARE_URL")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
gallery_rps=$(median "${gallery_runs[@]}")
nginx_rps=$(median "${nginx_runs[@]}")
bare_rps=$(median "${bare_runs[@]}")
echo "thumbnails/s per round: ironviper ${gallery_runs[*]}; nginx ${nginx_runs[*]}; Hummingbird alone ${bare_runs[*]}" >&2

python3 - "$SIZE" "$latency" "$gallery_rps" "$nginx_rps" "$bare_rps" <<'PYEOF' | tee benchmarks/results/web.md
import json, sys
size, latency, gallery, nginx = int(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
bare = float(sys.argv[5])
print(f"Web gallery, {size:,} photos, one run (release build, shared 2-core machine).\n")
print("| request | runs | p50 ms | p95 ms | goal p95 < 50 ms |")
print("|---|---|---|---|---|")
for name, r in latency.items():
    print(f"| {name} | {r['runs']} | {r['p50']:.1f} | {r['p95']:.1f} | {'yes' if r['p95'] < 50 else 'no'} |")
print("\n| 200-px thumbnails (wrk -t2 -c16, median of 3 alternating rounds) | requests/s |")
print("|---|---|")
print(f"| ironviper serve | {gallery:,.0f} |")
print(f"| nginx (same files, same URLs) | {nginx:,.0f} |")
print(f"| Hummingbird alone (its router, the same bytes from memory, nothing else) | {bare:,.0f} |")
print(f"| ratio ironviper / nginx (goal >= 0.5) | {gallery / nginx:.2f} |")
print(f"| ratio Hummingbird alone / nginx (the HTTP stack's ceiling) | {bare / nginx:.2f} |")
print(f"| ratio ironviper / Hummingbird alone (what the gallery adds) | {gallery / bare:.2f} |")
PYEOF
