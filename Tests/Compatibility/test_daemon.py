"""The daemon end to end, checked by a client nobody here wrote.

`ironviper run` (the real binary, its bundled emulator on free ports) watches a folder; files are
copied in, renamed, modified, deleted, and changed while the daemon is down. After each step the
test waits for `ironviper status --json` to show an empty outbox, then checks with Microsoft's
`azure-storage-blob` and `azure-data-tables` that the cloud holds exactly what DESIGN.md's contracts
say: masters under their SHA-256 with the right Content-MD5, renditions for images, `files`,
`folders` and `history` rows.
"""
import base64
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from urllib.parse import quote

import pytest
from azure.data.tables import TableServiceClient
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient

from conftest import ACCOUNT, KEY, ROOT

RENDITIONS = ["hd", "1600", "800", "600", "400", "h400", "w400", "200", "100", "sq100"]


def ironviper_binary() -> str:
    path = os.environ.get("IRONVIPER_BIN") or os.path.join(ROOT, ".build", "debug", "ironviper")
    if not os.path.exists(path):
        raise RuntimeError(f"ironviper binary not found at {path}: run `swift build --product ironviper`")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_jpeg(path, seed):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    subprocess.run(["convert", "-size", "320x240", f"plasma:fractal", "-seed", str(seed), path], check=True)


def encode_key(text):
    """CloudKeys.encodeKey: %, /, \\, #, ? and control characters percent-encoded."""
    out = []
    for ch in text:
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "%/\\#?":
            out.append("".join(f"%{b:02X}" for b in ch.encode()))
        else:
            out.append(ch)
    return "".join(out)


class Daemon:
    def __init__(self, work):
        self.work = work
        self.library = os.path.join(work, "photos")
        self.state = os.path.join(work, "state")
        os.makedirs(self.library, exist_ok=True)
        self.ports = {"blob": free_port(), "queue": free_port(), "table": free_port()}
        self.config = os.path.join(work, "config.toml")
        with open(self.config, "w") as f:
            f.write(
                f'state_directory = "{self.state}"\n[[library]]\nname = "photos"\npath = "{self.library}"\n'
                f"[watch]\nsettle_seconds = 0.3\n"
                f'[emulator]\nblob_port = {self.ports["blob"]}\nqueue_port = {self.ports["queue"]}\n'
                f'table_port = {self.ports["table"]}\n'
            )
        self.process = None

    def start(self):
        env = dict(os.environ, IRONVIPER_LOG_LEVEL="info")
        self.log = open(os.path.join(self.work, "daemon.log"), "a")
        self.process = subprocess.Popen([ironviper_binary(), "run", "--config", self.config], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=env)
        self.wait_for(lambda s: s["running"] and s.get("state") == "running", "the daemon to start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=30) == 0, self.logtail()
        self.log.close()

    def status(self):
        out = subprocess.run([ironviper_binary(), "status", "--json", "--config", self.config],
                             capture_output=True, text=True)
        return json.loads(out.stdout) if out.returncode == 0 else None

    def logtail(self):
        with open(os.path.join(self.work, "daemon.log")) as f:
            return f.read()[-4000:]

    def wait_for(self, predicate, what, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the daemon exited while waiting for {what}:\n{self.logtail()}"
            status = self.status()
            if status is not None and predicate(status):
                return status
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for {what}; status {self.status()}\n{self.logtail()}")

    @property
    def connection_string(self):
        return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                f"BlobEndpoint=http://127.0.0.1:{self.ports['blob']}/{ACCOUNT};"
                f"TableEndpoint=http://127.0.0.1:{self.ports['table']}/{ACCOUNT};")


@pytest.fixture
def daemon():
    work = tempfile.mkdtemp(prefix="ironviper-daemon-")
    d = Daemon(work)
    yield d
    if d.process and d.process.poll() is None:
        d.process.kill()
        d.process.wait()
    shutil.rmtree(work, ignore_errors=True)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).digest()


def eventually(d, check, what, timeout=60):
    """Runs `check` until it passes: the daemon settles, batches and syncs on its own time."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            d.wait_for(lambda s: s["outbox"]["pending"] == {}, "an empty outbox")
            return check()
        except (AssertionError, ResourceNotFoundError):  # a container or table not created yet
            if time.monotonic() > deadline:
                print(d.logtail())
                raise
            time.sleep(0.3)


def check_cloud(d, expected):
    """`expected`: relative path -> local file with its content. Masters, renditions and rows must match."""
    blobs = BlobServiceClient.from_connection_string(d.connection_string)
    tables = TableServiceClient.from_connection_string(d.connection_string)
    masters = {b.name: b for b in blobs.get_container_client("file-store").list_blobs()}
    previews = {b.name for b in blobs.get_container_client("pv-store").list_blobs()}
    files = {e["RowKey"]: e for e in tables.get_table_client("files").query_entities("PartitionKey eq 'photos'")}
    for relative, local in expected.items():
        digest = sha256(local)
        assert digest in masters, f"no master for {relative}"
        props = blobs.get_blob_client("file-store", digest).get_blob_properties()
        assert props.size == os.path.getsize(local)
        assert bytes(props.content_settings.content_md5) == md5(local), f"Content-MD5 of {relative}"
        body = blobs.get_blob_client("file-store", digest).download_blob().readall()
        assert hashlib.sha256(body).hexdigest() == digest, f"the bytes of {relative}'s master"
        if relative.endswith(".jpg"):
            for name in RENDITIONS:
                assert f"{digest}/{name}.jpg" in previews, f"rendition {name} of {relative}"
        row = files.get(encode_key(relative))
        assert row is not None, f"no files row for {relative}: {sorted(files)}"
        assert row["sha256"] == digest and row["deleted"] is False
    return masters, files, tables


def test_daemon_backs_up_renames_versions_deletes_and_reconciles(daemon):
    d = daemon
    d.start()
    lib = d.library
    make_jpeg(f"{lib}/2024/rome/colosseum.jpg", 1)
    make_jpeg(f"{lib}/2024/été/plage à midi.jpg", 2)
    shutil.copy(f"{lib}/2024/rome/colosseum.jpg", f"{lib}/2024/rome/copy of colosseum.jpg")  # a duplicate
    with open(f"{lib}/notes #1.txt", "w") as f:
        f.write("not a photo, backed up all the same\n")
    expected = {p: os.path.join(lib, p) for p in
                ["2024/rome/colosseum.jpg", "2024/été/plage à midi.jpg", "2024/rome/copy of colosseum.jpg",
                 "notes #1.txt"]}
    masters, files, tables = eventually(d, lambda: check_cloud(d, expected), "the first sync")
    assert len(masters) == 3, "the duplicate is stored once"
    folders = {(e["PartitionKey"], e["RowKey"]) for e in tables.get_table_client("folders").list_entities()}
    assert ("photos", "2024") in folders and (encode_key("photos/2024"), "rome") in folders

    # A renamed folder uploads nothing: same masters, same blob versions.
    before = {name: b.etag for name, b in masters.items()}
    os.rename(f"{lib}/2024/rome", f"{lib}/2024/roma")
    expected = {p.replace("2024/rome/", "2024/roma/"): v.replace("/2024/rome/", "/2024/roma/") for p, v in expected.items()}
    def renamed():
        masters, files, _ = check_cloud(d, expected)
        assert files[encode_key("2024/rome/colosseum.jpg")]["deleted"] is True
        return masters, files
    masters, files = eventually(d, renamed, "the rename")
    assert {name: b.etag for name, b in masters.items()} == before, "a rename uploaded a master"

    # A modified file is a new version: a new master and a history row for each version.
    make_jpeg(f"{lib}/2024/été/plage à midi.jpg", 3)

    def new_version():
        _, _, tables = check_cloud(d, expected)
        history = list(tables.get_table_client("history").query_entities(
            f"PartitionKey eq '{encode_key('photos/2024/été/plage à midi.jpg')}'"))
        assert len(history) == 2, history
        assert {h["sha256"] for h in history} >= {sha256(f"{lib}/2024/été/plage à midi.jpg")}
    eventually(d, new_version, "the new version")

    # A delete under the default policy (keep): the row says deleted, the master stays.
    deleted_sha = sha256(f"{lib}/notes #1.txt")
    os.remove(f"{lib}/notes #1.txt")
    del expected["notes #1.txt"]
    def deleted():
        masters, files, _ = check_cloud(d, expected)
        assert files[encode_key("notes #1.txt")]["deleted"] is True
        assert deleted_sha in masters, "keep policy: the master of a deleted file stays"
    eventually(d, deleted, "the delete")

    # Changes made while the daemon is down are found by the reconcile scan at start.
    d.stop()
    make_jpeg(f"{lib}/offline/new while down.jpg", 4)
    os.remove(f"{lib}/2024/roma/copy of colosseum.jpg")
    del expected["2024/roma/copy of colosseum.jpg"]
    expected["offline/new while down.jpg"] = f"{lib}/offline/new while down.jpg"
    d.start()

    def reconciled():
        _, files, _ = check_cloud(d, expected)
        assert files[encode_key("2024/roma/copy of colosseum.jpg")]["deleted"] is True
    eventually(d, reconciled, "the reconcile at start")
    d.stop()


def test_daemon_speaks_sd_notify_on_a_real_socket(daemon):
    """READY once watching, WATCHDOG pings at half of WatchdogSec, RELOADING on SIGHUP, STOPPING on SIGTERM."""
    d = daemon
    path = os.path.join(d.work, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000")
    log = open(os.path.join(d.work, "daemon.log"), "a")
    process = subprocess.Popen([ironviper_binary(), "run", "--config", d.config], stdout=log, stderr=subprocess.STDOUT, env=env)
    d.process = process
    try:
        def next_message():
            return sock.recv(4096).decode()

        messages = [next_message() for _ in range(3)]
        assert messages[0].startswith("READY=1\n"), messages
        assert "WATCHDOG=1\n" in messages[1:], messages
        process.send_signal(signal.SIGHUP)
        seen = [next_message() for _ in range(4)]
        assert any(m.startswith("RELOADING=1\n") for m in seen), seen
        process.send_signal(signal.SIGTERM)
        rest = []
        while True:
            message = next_message()
            rest.append(message)
            if message.startswith("STOPPING=1"):
                break
        assert process.wait(timeout=30) == 0
    finally:
        sock.close()
        log.close()
