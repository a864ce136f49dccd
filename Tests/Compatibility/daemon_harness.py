"""The running daemon, for the suites that drive `ironviper run` end to end.

`Daemon` writes a configuration with the bundled emulator on free ports, starts the real binary
(optionally as an unprivileged user, so permissions mean something when the tests run as root),
reads `ironviper status --json`, and waits for conditions; `check_cloud` verifies a backup with
Microsoft's SDKs against docs/architecture.md's contracts.
"""
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

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
    """A port for a daemon's bundled emulator, kept across its restarts. Picked below the kernel's
    ephemeral range: a port from `bind(0)`, freed and bound again later, can meanwhile become the local
    port of any outgoing connection (an SDK's, another test's), and the daemon would fail to start. Below
    that range only an explicit bind takes a port, and this process never hands one out twice."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        ephemeral_low = int(f.read().split()[0])
    while True:
        port = _PORTS.randrange(10_240, min(ephemeral_low, 32_768))
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port


_PORTS = random.Random()
_HANDED_OUT = set()


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


# The uid and gid `Daemon(unprivileged=True)` runs as when the tests run as root (nobody/nogroup).
NOBODY = 65534


class Daemon:
    def __init__(self, work, unprivileged=False, storage=None, settle_seconds=0.3, device="test-device", extra="",
                 previews="", metrics="127.0.0.1:0", web=""):
        """`storage`: a connection string (an emulator process of the test's own, say); without one
        the daemon runs its bundled emulator on free ports. `device`: the name its rows are keyed
        under; `extra`: more TOML for the `[storage]` table (a delete policy, a tier); `previews`: TOML
        for the `[previews]` table (`where = "cloud"`); `metrics`: the `[metrics] listen` address (a
        free port by default, so daemons of parallel tests never collide; None writes no section, for
        binaries older than metrics); `web`: the gallery's `[web] listen` (off by default, so daemons of
        parallel suites do not compete for its port; `127.0.0.1:0` picks one)."""
        self.work = work
        self.storage = storage
        self.device = device
        # As root, a folder without read permission is still readable: run the daemon (and the
        # commands that share its state) as nobody so that permissions are what a user has.
        self.prefix = []
        if unprivileged and os.geteuid() == 0:
            self.prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        self.library = os.path.join(work, "photos")
        self.state = os.path.join(work, "state")
        os.makedirs(self.library, exist_ok=True)
        self.ports = {"blob": free_port(), "queue": free_port(), "table": free_port()}
        self.config = os.path.join(work, "config.toml")
        with open(self.config, "w") as f:
            f.write(
                f'device = "{device}"\nstate_directory = "{self.state}"\n'
                f'[[library]]\nname = "photos"\npath = "{self.library}"\n'
                f"[watch]\nsettle_seconds = {settle_seconds}\n"
            )
            f.write("[storage]\n" + (f'connection_string = "{storage}"\n' if storage else "") + extra + "\n")
            if previews:
                f.write("[previews]\n" + previews + "\n")
            if metrics:
                f.write(f'[metrics]\nlisten = "{metrics}"\n')
            f.write(f'[web]\nlisten = "{web}"\n')
            if not storage:
                f.write(f'[emulator]\nblob_port = {self.ports["blob"]}\nqueue_port = {self.ports["queue"]}\n'
                        f'table_port = {self.ports["table"]}\n')
        self.process = None
        self.binary = ironviper_binary()
        if self.prefix:
            os.chmod(work, 0o755)
            os.makedirs(self.state, exist_ok=True)
            os.chown(self.state, NOBODY, NOBODY)
            # A checkout under a private home folder is out of nobody's reach: run a copy.
            if subprocess.run(self.prefix + ["test", "-x", self.binary]).returncode != 0:
                copy = os.path.join(work, "ironviper")
                shutil.copy2(self.binary, copy)
                os.chmod(copy, 0o755)
                self.binary = copy

    def start(self, wait=True):
        env = dict(os.environ, IRONVIPER_LOG_LEVEL="info")
        self.log = open(os.path.join(self.work, "daemon.log"), "a")
        self.process = subprocess.Popen(self.prefix + [self.binary, "run", "--config", self.config], stdout=self.log,
                                        stderr=subprocess.STDOUT, env=env)
        if wait:
            self.wait_for(lambda s: s["running"] and s.get("state") == "running", "the daemon to start")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=30) == 0, self.logtail()
        self.log.close()

    def gallery_url(self):
        """The gallery's address, from the daemon's own line once it is listening (`[web] listen` with port 0)."""
        def listening(_):
            with open(os.path.join(self.work, "daemon.log")) as f:
                return re.search(r"gallery listening.*url=(http://\S+/)", f.read())
        return self.wait_for(lambda s: listening(s) is not None, "the gallery to listen") and listening(None).group(1)

    def status(self):
        out = subprocess.run(self.prefix + [self.binary, "status", "--json", "--config", self.config],
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

    def kill(self):
        """SIGKILL: no goodbye, whatever was in flight."""
        self.process.kill()
        self.process.wait()
        self.log.close()

    def ironviper(self, *args, timeout=600):
        """Runs another `ironviper` command with this daemon's configuration."""
        return subprocess.run(self.prefix + [self.binary, *args, "--config", self.config],
                              capture_output=True, text=True, timeout=timeout)

    def scoped(self, key):
        """A device-scoped Table key: the device's name, an encoded `/`, then the single-device key."""
        return f"{self.device}%2F{key}"

    @property
    def files_partition(self):
        """The `files` PartitionKey of the library `photos` on this device."""
        return self.scoped("photos")

    @property
    def connection_string(self):
        if self.storage:
            return self.storage
        return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                f"BlobEndpoint=http://127.0.0.1:{self.ports['blob']}/{ACCOUNT};"
                f"TableEndpoint=http://127.0.0.1:{self.ports['table']}/{ACCOUNT};")


def restore(d, target, *extra):
    """`ironviper restore` of the daemon's device into `target` (a library per folder), with only the connection
    string, as on a fresh machine; it must succeed."""
    out = subprocess.run([d.binary, "restore", "--connection-string", d.connection_string, "--device", d.device,
                          "--to", target, *extra], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def kill_all(daemons):
    """Kills every daemon a test started that is still running (a fixture's teardown)."""
    for d in daemons:
        if d.process and d.process.poll() is None:
            d.process.kill()
            d.process.wait()


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
    files = {e["RowKey"]: e for e in
             tables.get_table_client("files").query_entities(f"PartitionKey eq '{d.files_partition}'")}
    for relative, local in expected.items():
        check_file(blobs, masters, files, relative, local, previews if relative.endswith(".jpg") else None)
    return masters, files, tables


def rendition_blobs(row):
    """The `pv-store` blob names a `files` row's renditions are stored under: byte-identical renditions
    share one blob (`renditionBlobs` maps `name=blob`; a name not listed is its own blob)."""
    aliases = dict(pair.split("=", 1) for pair in row.get("renditionBlobs", "").split(",") if pair)
    return {f"{row['sha256']}/{aliases.get(name, name)}.jpg" for name in row["renditions"].split(",")}


def check_file(blobs, masters, rows, relative, local, previews=None):
    """One file's backup, as docs/architecture.md's contracts say: its master under its SHA-256 with the file's
    size, Content-MD5 and bytes, and its present `files` row naming that content; with `previews` (the
    names in pv-store), its ten renditions listed in the row and stored (identical ones once). Returns the
    content's SHA-256."""
    digest = sha256(local)
    assert digest in masters, f"no master for {relative!r}"
    props = blobs.get_blob_client("file-store", digest).get_blob_properties()
    assert props.size == os.path.getsize(local), f"size of {relative!r}'s master"
    assert bytes(props.content_settings.content_md5) == md5(local), f"Content-MD5 of {relative!r}"
    body = blobs.get_blob_client("file-store", digest).download_blob().readall()
    assert hashlib.sha256(body).hexdigest() == digest, f"the bytes of {relative!r}'s master"
    row = rows.get(encode_key(relative))
    assert row is not None, f"no files row for {relative!r}: {sorted(rows)}"
    assert row["sha256"] == digest and row["deleted"] is False, f"files row of {relative!r}"
    if previews is not None:
        assert sorted(row.get("renditions", "").split(",")) == sorted(RENDITIONS), f"renditions of {relative!r}"
        stored = {name for name in previews if name.startswith(digest + "/")}
        assert stored == rendition_blobs(row), f"rendition blobs of {relative!r}"
    return digest
