#!/usr/bin/env bash
# make-corpus.sh - photo-like 24 MP JPEGs for the imaging benchmark, deterministic (fixed seeds).
#
# Usage: make-corpus.sh [-n COUNT] [-s WxH] OUTDIR
#   -n COUNT  number of JPEGs (default 8); EXIF Orientation cycles 1..8 over them
#   -s WxH    size (default 6000x4000 = 24 MP)
# Each image: a plasma "landscape" blended with a seeded colour gradient, a yellow bar top-left and
# a blue dot (so orientation is visible), Gaussian noise for sensor-like texture, 4:2:0 JPEG
# quality 90, then camera EXIF (make, model, date, orientation; GPS on odd images) with exiftool.
# Needs only Debian tools installed by scripts/setup: ImageMagick's convert and exiftool.
set -euo pipefail
COUNT=8 SIZE=6000x4000
while [ $# -gt 0 ]; do
  case "$1" in
    -n) COUNT=$2; shift 2 ;;
    -s) SIZE=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [-n COUNT] [-s WxH] OUTDIR" >&2; exit 2; }
OUT=$1 W=${SIZE%x*} H=${SIZE#*x}
IM=/usr/bin/convert   # by full path: another `convert` may come first in PATH
mkdir -p "$OUT"
export MAGICK_THREAD_LIMIT=1  # seeded random operations stay reproducible
colors=('#1e3a5f' '#d9a441' '#2f6b3a' '#c05a3c' '#6a4c93' '#88b0c8' '#e8d5b0' '#3b3b3b')
cameras=('FUJIFILM|X-T3' 'Canon|Canon EOS 5D Mark IV' 'NIKON CORPORATION|NIKON D850' 'SONY|ILCE-7M3')
for i in $(seq 1 "$COUNT"); do
  f=$(printf '%s/img_%03d.jpg' "$OUT" "$i")
  [ -s "$f" ] && continue
  c1=${colors[$((i % 8))]} c2=${colors[$(((i * 5 + 3) % 8))]}
  "$IM" -seed "$i" -size "$((W / 4))x$((H / 4))" plasma:fractal -resize "${W}x${H}!" \
    \( -size "${W}x${H}" gradient:"${c1}-${c2}" \) -compose softlight -composite -compose over \
    -fill '#ffd030' -draw "rectangle $((W / 20)),$((H / 20)) $((W / 3)),$((H / 8))" \
    -fill '#2050ff' -draw "circle $((W / 10)),$((H / 3)) $((W / 10 + W / 25)),$((H / 3))" \
    -seed "$i" -attenuate 0.4 +noise Gaussian -strip -sampling-factor 2x2 -quality 90 "$f"
  cam=${cameras[$((i % 4))]}
  args=(-q -overwrite_original -Make="${cam%%|*}" -Model="${cam#*|}" "-Orientation#=$(((i - 1) % 8 + 1))"
    -DateTimeOriginal="2024:06:$(printf %02d $((i % 28 + 1))) 10:$(printf %02d $((i % 60))):00")
  [ $((i % 2)) -eq 1 ] && args+=(-GPSLatitude=41.89 -GPSLatitudeRef=N -GPSLongitude=12.49 -GPSLongitudeRef=E)
  exiftool "${args[@]}" "$f" >/dev/null
done
ls -l "$OUT"
