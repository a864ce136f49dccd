"""Hostile files in a watched folder: the daemon keeps running, says what it could not take and why,
and backs up every file it can read, checked with Microsoft's SDKs.

The daemon runs as an unprivileged user when the tests run as root, so a folder without read
permission is unreadable to it as it would be on a user's machine.
"""
import hashlib
import os
import random
import shutil
import struct
import tempfile
import time
import zlib

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from daemon_harness import Daemon, check_file, encode_key, eventually, make_jpeg


def png_bomb(path, width=200_000, height=200_000):
    """A small, valid-looking PNG that declares 40 gigapixels: decoding it would exhaust memory."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = zlib.compress(b"\0" * (width + 1) * 4, 9)  # four rows of zeros; the rest never comes
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def test_hostile_files_are_reported_and_everything_readable_is_backed_up():
    work = tempfile.mkdtemp(prefix="ironviper-bad-input-")
    d = Daemon(work, unprivileged=True)
    try:
        run(d)
    finally:
        if d.process and d.process.poll() is None:
            d.process.kill()
            d.process.wait()
        for root, dirs, _ in os.walk(work):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
        shutil.rmtree(work, ignore_errors=True)


def run(d):
    lib = d.library
    d.start()
    make_jpeg(f"{lib}/good/photo.jpg", 11)
    with open(f"{lib}/good/photo.jpg", "rb") as f:
        whole = f.read()
    with open(f"{lib}/truncated.jpg", "wb") as f:
        f.write(whole[: len(whole) // 2])
    open(f"{lib}/empty.jpg", "wb").close()
    with open(f"{lib}/not an image.jpg", "w") as f:
        f.write("plain text with a .jpg name\n")
    png_bomb(f"{lib}/bomb.png")
    make_jpeg(f"{lib}/odd names/with space\nand a newline.jpg", 12)
    bad_name = os.fsencode(lib) + b"/odd names/bad\xffname.jpg"
    with open(bad_name, "wb") as f:
        f.write(whole)
    os.symlink(".", f"{lib}/odd names/loop")
    os.symlink("b", f"{lib}/odd names/a")
    os.symlink("a", f"{lib}/odd names/b")
    make_jpeg(f"{lib}/revoked/kept.jpg", 14)
    os.makedirs(f"{lib}/locked")
    make_jpeg(f"{lib}/locked/hidden.jpg", 13)
    os.chmod(f"{lib}/locked", 0o000)

    # A file rewritten again and again while it is being backed up: only whole versions may reach
    # the cloud, and the last one must.
    changing = f"{lib}/changing.bin"
    rng = random.Random(7)
    with open(changing, "wb") as f:
        f.write(rng.randbytes(24 << 20))
    for _ in range(6):
        time.sleep(0.25)
        with open(changing, "r+b") as f:
            f.seek(rng.randrange(24 << 20))
            f.write(rng.randbytes(64))

    readable = ["good/photo.jpg", "truncated.jpg", "empty.jpg", "not an image.jpg", "bomb.png",
                "odd names/with space\nand a newline.jpg", "changing.bin", "revoked/kept.jpg"]

    blobs = BlobServiceClient.from_connection_string(d.connection_string)
    tables = TableServiceClient.from_connection_string(d.connection_string)

    def backed_up():
        masters = {b.name: b for b in blobs.get_container_client("file-store").list_blobs()}
        rows = {e["RowKey"]: e for e in tables.get_table_client("files").query_entities(f"PartitionKey eq '{d.files_partition}'")}
        for relative in readable:
            check_file(blobs, masters, rows, relative, os.path.join(lib, relative))
        return masters, rows

    masters, rows = eventually(d, backed_up, "every readable file backed up", timeout=120)

    # Whatever reached file-store is whole: each master's bytes hash to its name.
    for name in masters:
        body = blobs.get_blob_client("file-store", name).download_blob().readall()
        assert hashlib.sha256(body).hexdigest() == name, f"master {name} holds other bytes"
    assert not any("bad" in key and "name" in key for key in rows), "a name that is not UTF-8 has no row"
    assert "locked%2Fhidden.jpg" not in rows

    status = d.wait_for(lambda s: s["problemCount"] >= 6, "the problems in status")
    assert d.process.poll() is None, "the daemon keeps running"
    problems = {p["path"]: p for p in status["problems"]}
    # The folder, or the file in it, depending on whether the watcher saw the file before the chmod.
    locked = [p for path, p in problems.items() if path == "locked" or path.startswith("locked/")]
    assert locked and locked[0]["stage"] == "read" and "Permission denied" in locked[0]["message"], problems
    bad = [p for path, p in problems.items() if path.startswith("odd names/bad")]
    assert bad and bad[0]["code"] == "badName", problems
    assert problems["empty.jpg"]["stage"] == "imaging"
    assert problems["not an image.jpg"]["stage"] == "imaging"
    assert problems["bomb.png"]["code"] == "resourceLimit", problems["bomb.png"]
    assert problems["truncated.jpg"]["code"] == "damaged"
    for path in problems:
        assert "loop" not in path and path not in ("odd names/a", "odd names/b"), "symbolic links are not followed"

    # A folder that becomes unreadable is a problem, not a deletion: its files stay backed up as present.
    os.chmod(f"{lib}/revoked", 0o000)
    d.wait_for(lambda s: any(p["path"].startswith("revoked") for p in s["problems"]), "the revoked folder's problem")
    d.wait_for(lambda s: s["outbox"]["pending"] == {}, "an empty outbox")
    row = tables.get_table_client("files").get_entity(d.files_partition, encode_key("revoked/kept.jpg"))
    assert row["deleted"] is False, "an unreadable folder's files were marked deleted"
    os.chmod(f"{lib}/revoked", 0o755)

    # Fixing the folder's permission brings its photo in.
    os.chmod(f"{lib}/locked", 0o755)
    readable.append("locked/hidden.jpg")
    eventually(d, backed_up, "the unlocked folder's photo", timeout=120)
    d.wait_for(lambda s: not any(p["path"].startswith("locked") for p in s["problems"]),
               "the permission problem to clear")
    d.stop()
