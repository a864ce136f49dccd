#!/usr/bin/env python3
"""Fills an ironviper catalog with N synthetic photos for the search benchmark.

The catalog must already exist with the app's schema (run.sh makes it with `ironviper scan` of an
empty folder, so the migrations, not this script, own the schema). Rows are written the way the
app writes them (files, assets, and the FTS5 `search` row of SearchIndex.update: rowid = files.id,
path, name, "make model", lens, keywords joined by " ; ", title, caption), in one transaction.

Names come from 15 common words, so a common word matches about one file in seven and most of
those tie on rank (same token counts): the case that made search slow. `aurora` is a rare keyword
(one file in 5,000). Usage: make_catalog.py CATALOG COUNT [SEED]
"""
import json
import random
import sqlite3
import sys

WORDS = ["sunset", "beach", "dog", "cat", "family", "holiday", "birthday", "garden", "mountain", "city",
         "party", "snow", "river", "forest", "wedding"]
CAMERAS = [("FUJIFILM", "X-T3"), ("Canon", "Canon EOS R5"), ("SONY", "ILCE-7M3"), ("Apple", "iPhone 13 Pro")]
LENSES = ["XF35mmF1.4 R", "RF24-70mm F2.8 L IS USM", None]


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 14)
    db = sqlite3.connect(path, isolation_level=None)
    # A bulk load of a scratch catalog: no journal, no syncs (a million rows otherwise took 15 minutes).
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -262144")
    db.execute("BEGIN")
    now = "2026-01-01T00:00:00Z"
    libraries = [row[0] for row in db.execute("SELECT id FROM libraries ORDER BY id")]
    # A second library, so equal capture times are ordered by library name too.
    db.execute("INSERT INTO libraries(name, root, created_at) VALUES ('archive', '/bench/archive', ?)", (now,))
    libraries.append(db.execute("SELECT last_insert_rowid()").fetchone()[0])
    file_id = db.execute("SELECT coalesce(max(id), 0) FROM files").fetchone()[0]
    asset_id = db.execute("SELECT coalesce(max(id), 0) FROM assets").fetchone()[0]
    files, assets, search = [], [], []
    for i in range(count):
        file_id += 1
        asset_id += 1
        year = 2015 + rng.randrange(10)
        # Capture times to the minute: many collide, so the tie-breakers after rank matter.
        taken = "%04d-%02d-%02dT%02d:%02d:00" % (year, 1 + rng.randrange(12), 1 + rng.randrange(28),
                                                  rng.randrange(24), rng.randrange(60))
        words = [rng.choice(WORDS) for _ in range(1 + rng.randrange(2))]
        rel = "%d/%s/%s_%07d.%s" % (year, words[0], "_".join(words), i, "nef" if i % 10 == 0 else "jpg")
        make, model = CAMERAS[rng.randrange(len(CAMERAS))]
        lens = LENSES[i % 3]
        keywords = ["aurora"] if i % 5000 == 17 else (["dog", "cat"] if i % 9 == 0 else [])
        gps = i % 3 == 0
        sha = "%064x" % (asset_id * 2654435761)
        assets.append((asset_id, sha, "%032x" % i, 1000 + i, "raw" if i % 10 == 0 else "jpeg",
                       "image/jpeg", 6000, 4000, 1, taken, make, model, lens,
                       41.9 if gps else None, 12.5 if gps else None,
                       json.dumps(keywords) if keywords else None, i % 6,
                       rng.getrandbits(63), now))
        files.append((file_id, libraries[i % len(libraries)], rel, 1000 + i, 0, i, sha,
                      "missing" if i % 100 == 99 else "present", asset_id, now, now))
        search.append((file_id, rel, rel.rsplit("/", 1)[-1], make + " " + model, lens, " ; ".join(keywords),
                       None, None))
    db.executemany(
        """INSERT INTO assets(id, sha256, md5, size, kind, mime, width, height, orientation, taken_at,
                              camera_make, camera_model, lens, latitude, longitude, keywords, rating, phash,
                              analyzed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", assets)
    db.executemany(
        """INSERT INTO files(id, library_id, path, size, mtime_ns, inode, sha256, state, asset_id, first_seen,
                             last_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?)""", files)
    db.executemany(
        "INSERT INTO search(rowid, path, name, camera, lens, keywords, title, caption) VALUES (?,?,?,?,?,?,?,?)",
        search)
    db.execute("COMMIT")
    db.execute("PRAGMA journal_mode = WAL")  # as the app keeps it
    db.close()


if __name__ == "__main__":
    main()
