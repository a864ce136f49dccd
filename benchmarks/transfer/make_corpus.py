#!/usr/bin/env python3
"""Writes the transfer benchmark's corpus: files shaped like a photo library (many JPEG-sized
files, some RAW-sized, a few videos), filled with incompressible pseudo-random bytes so neither
side gains from compression. Deterministic and idempotent: an existing, complete corpus is kept.

    make_corpus.py DIR [SCALE]     # SCALE 1 ~ 900 MB; 0.25 ~ 225 MB
"""
import os
import random
import sys

directory = sys.argv[1]
scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
MiB = 1024 * 1024
# (folder, count, size): previews and JPEGs, RAW masters, videos.
shape = [("jpeg", 48, 6 * MiB), ("raw", 12, 24 * MiB), ("video", 2, 160 * MiB)]

rng = random.Random(20250107)
written = 0
for folder, count, size in shape:
    count = max(1, round(count * scale))
    os.makedirs(os.path.join(directory, folder), exist_ok=True)
    for index in range(count):
        # Sizes vary a little, as real files do.
        length = size + rng.randrange(0, MiB)
        path = os.path.join(directory, folder, f"{folder}-{index:03d}.bin")
        if os.path.exists(path) and os.path.getsize(path) == length:
            continue
        with open(path, "wb") as out:
            remaining = length
            while remaining:
                chunk = min(remaining, 4 * MiB)
                out.write(rng.randbytes(chunk))
                remaining -= chunk
        written += length
total = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(directory) for f in files)
print(f"corpus: {directory}: {total / 1e6:.0f} MB ({written / 1e6:.0f} MB written now)")
