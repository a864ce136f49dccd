#!/usr/bin/env bash
# run.sh - the imaging benchmark: the full rendition set of every image of a 24 MP corpus, in one run,
# by ironviper, by libvips decoding once and cascading (vips_cascade.c), by vipsthumbnail once per
# size, and by the seed's ten `convert` runs; then the renditions' PSNR and SHA-256+MD5 vs sha256sum.
#
# Usage: benchmarks/imaging/run.sh [CORPUS_DIR]   (default: a corpus made by make-corpus.sh in $WORK)
# Everything runs on one core (one worker, one thread), so images/s is throughput per core; CPU
# seconds (user+sys) are reported beside wall time because a shared machine inflates wall time.
# Needs: scripts/setup (libvips-dev, libvips-tools, imagemagick, exiftool). Builds ironviper in release
# (IRONVIPER=/path/to/ironviper uses that binary instead).
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-/tmp/ironviper-bench-imaging}
CORPUS=${1:-$WORK/corpus}
mkdir -p "$WORK"
[ -d "$CORPUS" ] && ls "$CORPUS"/*.jpg >/dev/null 2>&1 || benchmarks/imaging/make-corpus.sh "$CORPUS" >/dev/null
mapfile -t IMAGES < <(ls "$CORPUS"/*.jpg | sort)
N=${#IMAGES[@]}
SEED_N=${SEED_N:-2}  # the seed's way is slow: time it on the last SEED_N images
echo "corpus: $N images in $CORPUS ($(identify -format '%wx%h' "${IMAGES[0]}"), $(du -sh "$CORPUS" | cut -f1))"

if [ -n "${IRONVIPER:-}" ]; then
  IV=$IRONVIPER  # a given binary (e.g. a debug build when a release build is not affordable)
else
  swift build -c release --product ironviper >/dev/null
  IV="$(swift build -c release --show-bin-path)/ironviper"
fi
cc -O2 -o "$WORK/vips_cascade" benchmarks/imaging/vips_cascade.c $(pkg-config --cflags --libs vips)
export MAGICK_THREAD_LIMIT=1 VIPS_CONCURRENCY=1
cat "${IMAGES[@]}" >/dev/null  # warm the page cache for everyone

# measure NAME IMAGES COMMAND...: wall, CPU and peak RSS of one command.
declare -A WALL CPU RSS COUNT
measure() {
  local name=$1 count=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/$name.err" || { cat "$WORK/$name.err"; exit 1; }
  read -r wall user sys rss <"$WORK/time"
  WALL[$name]=$wall CPU[$name]=$(echo "$user + $sys" | bc) RSS[$name]=$rss COUNT[$name]=$count
}
vips_sizes() {  # one vipsthumbnail run per rendition size over all images
  local out=$1; shift
  for spec in "hd:1920x1080" "1600:1600x1600" "800:800x800" "600:600x600" "400:400x400" "h400:x400" \
      "w400:400x" "200:200x200" "100:100x100" "sq100:100x100 --smartcrop centre"; do
    # shellcheck disable=SC2086
    vipsthumbnail "$@" -s ${spec#*:} -o "$out/%s_${spec%%:*}.jpg[Q=80,strip,interlace]"
  done
}
seed_way() {  # the seed: one ImageMagick process per rendition, each decoding the original
  local out=$1; shift
  for f in "$@"; do
    b=$(basename "$f" .jpg)
    for spec in hd:1920x1080 1600:1600x1600 800:800x800 600:600x600 400:400x400 h400:x400 w400:400x \
        200:200x200 100:100x100; do
      /usr/bin/convert "$f" -auto-orient -resize "${spec#*:}>" -strip -interlace Plane -quality 80 "$out/${b}_${spec%%:*}.jpg"
    done
    /usr/bin/convert "$f" -auto-orient -resize '100x100^' -gravity center -extent 100x100 -strip \
      -interlace Plane -quality 80 "$out/${b}_sq100.jpg"
  done
}
SECTIONS=${SECTIONS:-renditions quality hashing}  # run a subset with e.g. SECTIONS="quality hashing"
if [[ $SECTIONS == *renditions* ]]; then
rm -rf "$WORK/out" && mkdir -p "$WORK/out/iv" "$WORK/out/vc" "$WORK/out/vt" "$WORK/out/seed"
measure ironviper "$N" "$IV" render --workers 1 --output "$WORK/out/iv" "${IMAGES[@]}"
measure vips-cascade "$N" "$WORK/vips_cascade" "$WORK/out/vc" "${IMAGES[@]}"
measure vipsthumbnail "$N" bash -c "$(declare -f vips_sizes); vips_sizes \"\$@\"" _ "$WORK/out/vt" "${IMAGES[@]}"
measure seed-convert "$SEED_N" bash -c "$(declare -f seed_way); seed_way \"\$@\"" _ "$WORK/out/seed" "${IMAGES[@]: -$SEED_N}"

echo
echo "## Renditions (10 per image, one core)"
echo
echo "| pipeline | images | wall s | CPU s | images/s (wall) | images/s per CPU-second | peak RSS MB | ironviper faster by (CPU) |"
echo "|---|---|---|---|---|---|---|---|"
ivcpu=$(echo "${CPU[ironviper]} / ${COUNT[ironviper]}" | bc -l)
for name in ironviper vips-cascade vipsthumbnail seed-convert; do
  n=${COUNT[$name]}
  per=$(echo "${CPU[$name]} / $n" | bc -l)
  printf "| %s | %d | %.2f | %.2f | %.2f | %.2f | %d | %.2fx |\n" "$name" "$n" "${WALL[$name]}" "${CPU[$name]}" \
    "$(echo "$n / ${WALL[$name]}" | bc -l)" "$(echo "1 / $per" | bc -l)" "$((${RSS[$name]} / 1024))" \
    "$(echo "$per / $ivcpu" | bc -l)"
done

fi

# Quality: PSNR of each rendition against a Lanczos resize of the full-resolution image (PNG, lossless),
# with both pipelines writing quality 100 4:4:4 so the figure measures the resizing, not JPEG's loss;
# and at the real setting (quality 80, 4:2:0) for the record.
if [[ $SECTIONS == *quality* ]]; then
[ -d "$WORK/out/iv" ] || { echo "quality needs the renditions section's output first" >&2; exit 1; }
echo
echo "## Quality (PSNR dB vs Lanczos from the full image; min over the first 2 images)"
echo
rm -rf "$WORK/q" && mkdir -p "$WORK/q/iv100" "$WORK/q/vc100" "$WORK/q/ref"
"$IV" render --quality 100 --workers 1 --output "$WORK/q/iv100" "${IMAGES[@]:0:2}" >/dev/null
QUALITY=100 "$WORK/vips_cascade" "$WORK/q/vc100" "${IMAGES[@]:0:2}"
echo "| rendition | ironviper q100 | vips cascade q100 | ironviper q80 | vips cascade q80 |"
echo "|---|---|---|---|---|"
for r in hd 1600 800 600 400 h400 w400 200 100; do
  row="| $r"
  for set in iv100 vc100 iv80 vc80; do
    min=999
    for f in "${IMAGES[@]:0:2}"; do
      b=$(basename "$f")
      case $set in iv100) out="$WORK/q/iv100/$b/$r.jpg" ;; vc100) out="$WORK/q/vc100/$b/$r.jpg" ;;
        iv80) out="$WORK/out/iv/$b/$r.jpg" ;; vc80) out="$WORK/out/vc/$b/$r.jpg" ;; esac
      size=$(identify -format '%wx%h' "$out")
      ref="$WORK/q/ref/${b}_$size.png"
      [ -f "$ref" ] || /usr/bin/convert "$f" -auto-orient -filter Lanczos -resize "$size!" "$ref"
      p=$(compare -metric PSNR "$out" "$ref" null: 2>&1 || true)
      [[ $p =~ ^[0-9.]+$ ]] || { echo "compare $out: $p" >&2; continue; }  # "inf" (identical) or an error
      min=$(echo "if ($p < $min) $p else $min" | bc -l)
    done
    row="$row | $(printf %.1f "$min")"
  done
  echo "$row |"
done

fi

# Hashing: one read pass computing SHA-256 and MD5, against sha256sum alone, on a file in the page cache.
[[ $SECTIONS == *hashing* ]] || exit 0
echo
echo "## Hashing (1 GiB file in the page cache)"
echo
big="$WORK/hash.bin"
[ -f "$big" ] || head -c $((1 << 30)) /dev/urandom >"$big"
cat "$big" >/dev/null
for i in 1 2 3; do
  measure "sha256sum-$i" 1 sha256sum "$big"
  measure "ironviper-hash-$i" 1 "$IV" hash "$big"
done
best() {  # best of three: best "wall" or "cpu"
  local m=999 v
  for i in 1 2 3; do
    if [ "$2" = wall ]; then v=${WALL[$1-$i]}; else v=${CPU[$1-$i]}; fi
    m=$(echo "if ($v < $m) $v else $m" | bc -l)
  done
  echo "$m"
}
sw=$(best sha256sum wall) hw=$(best ironviper-hash wall) sc=$(best sha256sum cpu) hc=$(best ironviper-hash cpu)
printf "| tool | best wall s of 3 | MB/s (wall) | best CPU s of 3 | MB/s per CPU-second |\n|---|---|---|---|---|\n"
printf "| sha256sum | %.2f | %.0f | %.2f | %.0f |\n" "$sw" "$(echo "1073.741824 / $sw" | bc -l)" "$sc" "$(echo "1073.741824 / $sc" | bc -l)"
printf "| ironviper hash (SHA-256 + MD5) | %.2f | %.0f | %.2f | %.0f |\n" "$hw" "$(echo "1073.741824 / $hw" | bc -l)" "$hc" \
  "$(echo "1073.741824 / $hc" | bc -l)"
printf "\nironviper hash / sha256sum: wall %.2f, CPU %.2f\n" "$(echo "$hw / $sw" | bc -l)" "$(echo "$hc / $sc" | bc -l)"
