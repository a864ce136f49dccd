#!/usr/bin/env python3
"""Gives the first COUNT assets of a benchmark catalog a `200` rendition: one real 200-px JPEG written under
previews/ at the path PreviewStore uses (`aa/<sha256>/200.jpg`), and its `renditions` row, so the gallery and
nginx serve the very same files. Usage: add_previews.py DATA_DIR JPEG COUNT"""
import os
import shutil
import sqlite3
import sys


def main():
    data, jpeg, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    db = sqlite3.connect(os.path.join(data, "catalog.sqlite"), isolation_level=None)
    db.execute("BEGIN")
    size = os.path.getsize(jpeg)
    rows = db.execute("SELECT id, sha256 FROM assets ORDER BY id LIMIT ?", (count,)).fetchall()
    for asset_id, sha in rows:
        relative = f"{sha[:2]}/{sha}/200.jpg"
        target = os.path.join(data, "previews", relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(jpeg, target)
        db.execute("INSERT OR REPLACE INTO renditions(asset_id, name, width, height, bytes, path) VALUES (?,?,?,?,?,?)",
                   (asset_id, "200", 200, 150, size, relative))
    db.execute("COMMIT")
    with open(os.path.join(data, "previews.txt"), "w") as f:
        f.writelines(f"/previews/{sha}/200\n" for _, sha in rows)


if __name__ == "__main__":
    main()
