"""A library built to hurt (issue 18): thousands of empty files in one folder, a large sparse file, a
file replaced by a FIFO and a socket, a folder turned into a file, a 255-byte name and a path longer
than PATH_MAX. The daemon keeps running, backs up every regular file it can name, and says why for
the rest; checked with Microsoft's SDKs. Bounded here (1,000 empty files, a 64 MiB sparse file);
`benchmarks/hostile-library/run` makes the same library at full size: 100,000 empty files and a 10 GB
sparse file (`IRONVIPER_HOSTILE_FULL=1`)."""
import os
import shutil
import socket
import tempfile

from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from daemon_harness import Daemon, check_file, encode_key, eventually, make_jpeg

FULL = os.environ.get("IRONVIPER_HOSTILE_FULL") == "1"
EMPTY_FILES = 100_000 if FULL else 1000
SPARSE_BYTES = (10 << 30) if FULL else (64 << 20)


def deep_path(root, depth_bytes):
    """Creates folders under `root` until the path is longer than `depth_bytes`; returns the deepest
    folder's path relative to `root` (built with directory descriptors: the whole path cannot be opened)."""
    fd = os.open(root, os.O_RDONLY)
    parts = []
    try:
        while len(root) + sum(len(p) + 1 for p in parts) <= depth_bytes:
            name = "d" * 200
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
            parts.append(name)
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as f:
            f.write("beyond PATH_MAX\n")
    finally:
        os.close(fd)
    return "/".join(parts)


def test_a_hostile_library_is_backed_up_or_explained():
    work = tempfile.mkdtemp(prefix="ironviper-hostile-")
    d = Daemon(work)
    server = None
    try:
        lib = d.library
        os.makedirs(f"{lib}/empty")
        for index in range(EMPTY_FILES):
            open(f"{lib}/empty/{index:06d}.txt", "wb").close()
        with open(f"{lib}/sparse.bin", "wb") as f:
            f.truncate(SPARSE_BYTES)
            f.seek(SPARSE_BYTES // 2)
            f.write(b"a few bytes in the middle")
        make_jpeg(f"{lib}/turns into a fifo.jpg", 31)
        make_jpeg(f"{lib}/folder/inside.jpg", 32)
        long_name = "n" * 251 + ".txt"  # 255 bytes, the most a name may hold
        with open(os.path.join(lib, long_name), "w") as f:
            f.write("a long name\n")
        deep = deep_path(lib, 4200)
        d.start()
        blobs = BlobServiceClient.from_connection_string(d.connection_string)
        tables = TableServiceClient.from_connection_string(d.connection_string)

        def first_sync():
            status = d.status()
            assert status["libraries"][0]["files"]["present"] >= EMPTY_FILES + 4, status["libraries"]
            masters = {b.name: b for b in blobs.get_container_client("file-store").list_blobs()}
            rows = {e["RowKey"]: e for e in
                    tables.get_table_client("files").query_entities(f"PartitionKey eq '{d.files_partition}'")}
            for relative in ["sparse.bin", "turns into a fifo.jpg", "folder/inside.jpg", long_name,
                             "empty/000000.txt", f"empty/{EMPTY_FILES - 1:06d}.txt"]:
                check_file(blobs, masters, rows, relative, os.path.join(lib, relative))
            return status
        eventually(d, first_sync, "the first backup", timeout=7200 if FULL else 600)

        # Replaced behind the daemon's back: a FIFO for a photo, a socket beside it, a folder by a file.
        os.remove(f"{lib}/turns into a fifo.jpg")
        os.mkfifo(f"{lib}/turns into a fifo.jpg")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(f"{lib}/a socket")
        shutil.rmtree(f"{lib}/folder")
        with open(f"{lib}/folder", "w") as f:
            f.write("a file where a folder was\n")

        def settled():
            status = d.status()
            assert status["running"] and status["state"] == "running", status
            rows = {e["RowKey"]: e for e in
                    tables.get_table_client("files").query_entities(f"PartitionKey eq '{d.files_partition}'")}
            masters = {b.name: b for b in blobs.get_container_client("file-store").list_blobs()}
            check_file(blobs, masters, rows, "folder", f"{lib}/folder")
            assert rows[encode_key("folder/inside.jpg")]["deleted"] is True
            assert rows[encode_key("turns into a fifo.jpg")]["deleted"] is True  # not a file any more
            assert encode_key("a socket") not in rows
            return status
        status = eventually(d, settled, "the replacements", timeout=300)
        # Every problem names its path and reason; the deep file is one (or backed up, if it could be read).
        problems = {p["path"]: p for p in status.get("problems", [])}
        deep_file = f"{deep}/deep.txt"
        rows = {e["RowKey"] for e in
                tables.get_table_client("files").query_entities(f"PartitionKey eq '{d.files_partition}'")}
        assert encode_key(deep_file) in rows or any(deep_file.startswith(p) or p.startswith(deep[:300])
                                                    for p in problems), (sorted(problems), len(rows))
        for problem in problems.values():
            assert problem["code"] and problem["message"], problem
        d.stop()
    finally:
        if server:
            server.close()
        if d.process and d.process.poll() is None:
            d.process.kill()
            d.process.wait()
        shutil.rmtree(work, ignore_errors=True)
