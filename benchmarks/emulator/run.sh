#!/usr/bin/env bash
# Emulator throughput and footprint, side by side with nginx on the same machine, in one run:
#   PUT and GET of 1 KiB and 1 MiB objects at concurrency 1, 4 and 16 (wrk, 2 threads, DURATION s each),
#   the emulator's start time to its ready line, and its RSS idle and after 100k blobs.
# Usage: benchmarks/emulator/run.sh [DURATION]   (from the repository root; builds in release mode
#        unless EMULATOR_BIN names the binary to measure)
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-5}
scripts/setup >/dev/null
# EMULATOR_BIN measures another build (say a debug one) instead of building in release mode.
if [ -z "${EMULATOR_BIN:-}" ]; then
  swift build -c release --product ironviper-emulator >/dev/null
fi
BIN=${EMULATOR_BIN:-"$(swift build -c release --show-bin-path)/ironviper-emulator"}
WORK=$(mktemp -d /tmp/ironviper-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT
PY=.venv/bin/python

# --- start-up time: from exec to the ready line, median of 10 --------------------------------------
startup=$($PY - "$BIN" "$WORK" <<'PYEOF'
import subprocess, sys, time, statistics, shutil, os
bin, work = sys.argv[1], sys.argv[2]
times = []
for i in range(10):
    loc = os.path.join(work, f"start{i}")
    t = time.perf_counter()
    p = subprocess.Popen([bin, "--location", loc, "--blobPort", "0", "--queuePort", "0", "--tablePort", "0", "--silent"],
                         stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        if line.startswith("ironviper-emulator ready"):
            break
    times.append((time.perf_counter() - t) * 1000)
    p.terminate(); p.wait()
print(f"{statistics.median(times):.1f}")
PYEOF
)

# --- the emulator under test, and nginx ------------------------------------------------------------
"$BIN" --location "$WORK/emulator" --blobPort 0 --services blob --silent > "$WORK/emulator.out" &
EMU_PID=$!
until grep -q "ready" "$WORK/emulator.out" 2>/dev/null; do sleep 0.05; done
EMU_URL=$(grep -o 'http://[0-9.:]*' "$WORK/emulator.out" | head -1)
rss() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
# What the process costs on its own. Anonymous memory (heap, stacks) is what only this process can use and the
# kernel can never drop; the rest of RSS is file-backed: the pages of the binary and of Swift's libraries that were
# read, clean, dropped under memory pressure and shared with every other process mapping the same files (USS counts
# them as private when no other process runs this binary, which is why it is shown but is not the cost). PSS beside.
memory() {
  awk '/^(Private_Clean|Private_Dirty):/ {uss += $2} /^Pss:/ {pss = $2} /^Rss:/ {rss = $2} /^Anonymous:/ {anon = $2}
       END {printf "RSS %.1f MB = %.1f MB anonymous (heap and stacks) + %.1f MB file-backed code pages; USS %.1f MB, PSS %.1f MB", rss/1024, anon/1024, (rss-anon)/1024, uss/1024, pss/1024}' \
    "/proc/$1/smaps_rollup"
}
sleep 1
IDLE_RSS=$(rss $EMU_PID)
IDLE_MEMORY=$(memory $EMU_PID)

NGINX_PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/www/bench" "$WORK/client_body"
# nginx's workers drop root for an unprivileged user: they must be able to read and write the bytes.
chmod 755 "$WORK" && chmod -R a+rwX "$WORK/www" "$WORK/client_body"
sed -e "s#@DIR@#$WORK#g" -e "s#@PORT@#$NGINX_PORT#g" benchmarks/emulator/nginx.conf.template > "$WORK/nginx.conf"
nginx -c "$WORK/nginx.conf"
head -c 1024 /dev/urandom > "$WORK/www/bench/obj1k"
head -c 1048576 /dev/urandom > "$WORK/www/bench/obj1m"

# A container SAS lets wrk repeat the same signed URL (SharedKey signatures carry a date).
SAS=$($PY - "$EMU_URL" <<'PYEOF'
import sys
from datetime import datetime, timedelta, timezone
from azure.storage.blob import BlobServiceClient, ContainerSasPermissions, generate_container_sas
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
url = sys.argv[1] + "/devstoreaccount1"
service = BlobServiceClient(url, credential={"account_name": "devstoreaccount1", "account_key": KEY})
container = service.create_container("bench")
container.upload_blob("obj1k", open("/dev/urandom", "rb").read(1024))
container.upload_blob("obj1m", open("/dev/urandom", "rb").read(1048576))
print(generate_container_sas("devstoreaccount1", "bench", account_key=KEY,
      permission=ContainerSasPermissions(read=True, write=True, create=True), expiry=datetime.now(timezone.utc) + timedelta(hours=2)))
PYEOF
)

# wrk prints "Requests/sec: N"; report requests/s and MB/s.
measure() {  # measure METHOD URL SIZE CONCURRENCY
  local method=$1 url=$2 size=$3 conns=$4 threads=2
  [ "$conns" -lt 2 ] && threads=1
  local args=(-t"$threads" -c"$conns" -d"${DURATION}s")
  [ "$method" = PUT ] && args+=(-s benchmarks/emulator/put.lua)
  local out
  out=$(BODY_SIZE=$size wrk "${args[@]}" "$url")
  # A rate of error answers measures nothing: stop rather than report it.
  if grep -q 'Non-2xx' <<<"$out"; then echo "error: $method $url answered non-2xx: $out" >&2; exit 1; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}

printf "%-5s %-6s %5s %14s %14s %8s\n" op size conc "emulator req/s" "nginx req/s" ratio
RESULTS=()
for size in 1024 1048576; do
  name=$([ $size = 1024 ] && echo 1k || echo 1m)
  for op in GET PUT; do
    for conns in 1 4 16; do
      emu=$(measure $op "$EMU_URL/devstoreaccount1/bench/obj$name?$SAS" $size $conns)
      ngx=$(measure $op "http://127.0.0.1:$NGINX_PORT/bench/obj$name" $size $conns)
      ratio=$(awk -v a="$emu" -v b="$ngx" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
      printf "%-5s %-6s %5s %14.0f %14.0f %8s\n" $op $name $conns "$emu" "$ngx" "$ratio"
    done
  done
done

# --- RSS after 100k blobs (1 KiB each, 16 concurrent writers) -------------------------------------
$PY - "$EMU_URL" "$SAS" <<'PYEOF'
import sys, concurrent.futures, urllib.request
base, sas = sys.argv[1], sys.argv[2]
body = b"x" * 1024
def put(i):
    req = urllib.request.Request(f"{base}/devstoreaccount1/bench/many/{i:06d}?{sas}", data=body, method="PUT",
                                 headers={"x-ms-blob-type": "BlockBlob"})
    urllib.request.urlopen(req).read()
with concurrent.futures.ThreadPoolExecutor(16) as pool:
    list(pool.map(put, range(100_000)))
PYEOF
sleep 1
FULL_RSS=$(rss $EMU_PID)
echo
echo "start to ready line (median of 10): ${startup} ms"
echo "RSS idle: ${IDLE_RSS} MB; after 100k blobs: ${FULL_RSS} MB"
echo "idle: ${IDLE_MEMORY}"
