"""`ironviper worker`: previews made in the cloud from the extract queue, end to end.

The daemon runs with `[previews] where = "cloud"` against an emulator process of the test's own
(its request log is read), so it only hashes, catalogs and uploads masters, and sends one extract
message per new content. A first worker is SIGKILLed while it holds a message (the emulator holds
that message's rendition uploads back, so the kill lands mid-job by construction); three more
workers drain the queue. Microsoft's SDKs then check every master, rendition and row, the poison
queue, and the request log shows no rendition blob written twice.
"""
import hashlib
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import urllib.request
import zlib

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import QueueClient

from conftest import start_emulator
from daemon_harness import RENDITIONS, Daemon, ironviper_binary, rendition_blobs, sha256

UNIQUE = 126       # distinct images
DUPLICATES = 22    # copies of some of them under other paths
VISIBILITY = 3     # seconds: how soon a killed worker's message comes back


def png(width, height, pixels):
    """A PNG of raw RGB rows; `pixels` is width*height*3 bytes (the declared size may lie)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + pixels[y * width * 3:(y + 1) * width * 3] for y in range(min(height, 48)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def make_corpus(library):
    """UNIQUE small PNGs (deterministic noise), DUPLICATES copies, a damaged PNG and a decompression bomb."""
    paths = {}
    for index in range(UNIQUE):
        seed = index.to_bytes(4, "big")
        pixels = b"".join(zlib.crc32(seed + i.to_bytes(4, "big")).to_bytes(4, "big")[:3] for i in range(64 * 48))
        relative = f"set{index % 6}/img{index:03}.png"
        paths[relative] = png(64, 48, pixels)
    for index in range(DUPLICATES):
        paths[f"copies/copy{index:02}.png"] = paths[f"set{index % 6}/img{index:03}.png"]
    paths["odd/damaged.png"] = b"\x89PNG\r\n\x1a\n" + os.urandom(0) + b"\x00" * 40 + b"not really a png" * 20
    paths["odd/bomb.png"] = png(60000, 60000, b"\x00" * (64 * 3))
    for relative, data in paths.items():
        target = os.path.join(library, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
    return paths


def admin(emulator, body):
    request = urllib.request.Request(f"{emulator.endpoints['Blob']}/_ironviper/faults", method="PUT",
                                     data=json.dumps(body).encode())
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


class Worker:
    def __init__(self, work, name, connection, extra_env=None):
        self.log_path = os.path.join(work, f"worker-{name}.log")
        self.log = open(self.log_path, "w")
        env = dict(os.environ, AZURE_STORAGE_CONNECTION_STRING=connection,
                   IRONVIPER_WORKER_VISIBILITY_TIMEOUT=str(VISIBILITY), IRONVIPER_WORKER_CONCURRENCY="2",
                   IRONVIPER_WORKER_MAX_DEQUEUE_COUNT="4")
        env.update(extra_env or {})
        self.process = subprocess.Popen([ironviper_binary(), "worker"], stdout=self.log, stderr=subprocess.STDOUT,
                                        env=env)

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_for_line(self, *needles, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"worker exited early:\n{self.text()[-3000:]}"
            if any(all(n in line for n in needles) for line in self.text().splitlines()):
                return
            time.sleep(0.1)
        raise AssertionError(f"worker never logged {needles}:\n{self.text()[-3000:]}")


def diagnosis(daemon, relative, row, workers, request_log):
    """What a failing row's story was: the row, every worker's and the request log's lines about its content,
    the daemon's last words and the catalog's view of the path."""
    sha = row["sha256"]
    lines = [f"path {relative}", f"row {dict(row)!r}"]
    for worker in workers:
        lines += [f"{os.path.basename(worker.log_path)}: {l}" for l in worker.text().splitlines() if sha in l]
    with open(request_log) as f:
        lines += [f"request: {l.rstrip()}" for l in f if sha in l or "/files" in l and relative.split("/")[-1] in l]
    shown = subprocess.run([ironviper_binary(), "show", "--json", "--data-dir", daemon.state, "--config", daemon.config,
                            os.path.join(daemon.library, relative)], capture_output=True, text=True)
    lines.append(f"show: {shown.stdout[-3000:]} {shown.stderr[-1000:]}")
    with open(os.path.join(daemon.work, "daemon.log")) as f:
        lines.append("daemon log:\n" + f.read()[-8000:])
    return "\n".join(lines)


@pytest.fixture
def work():
    path = tempfile.mkdtemp(prefix="ironviper-worker-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_daemon_in_the_cloud_with_workers_killed_and_scaled(work):
    request_log = os.path.join(work, "requests.log")
    emulator = start_emulator(location=os.path.join(work, "emulator"), extra_args=["--debug", request_log])
    workers = []
    daemon = Daemon(work, storage=emulator.connection_string, previews='where = "cloud"\nlearn_seconds = 0.5')
    try:
        corpus = make_corpus(daemon.library)
        assert len(corpus) == 150
        contents = {relative: sha256(os.path.join(daemon.library, relative)) for relative in corpus}
        images = {sha for relative, sha in contents.items() if not relative.startswith("odd/")}
        damaged, bomb = contents["odd/damaged.png"], contents["odd/bomb.png"]

        daemon.start()
        daemon.wait_for(lambda s: sum(l["files"]["present"] for l in s["libraries"]) == 150 and s["outbox"]["pending"] == {},
                        "150 files cataloged and their masters and messages sent", timeout=300)
        status = daemon.status()
        assert status["previews"] == "cloud" and status["previewsAwaitingCloud"] == len(images) + 2, status

        # The daemon made no previews: nothing in its previews folder, nothing in pv-store yet.
        blobs = BlobServiceClient.from_connection_string(emulator.connection_string)
        made = [name for _, _, names in os.walk(os.path.join(daemon.state, "previews")) for name in names]
        assert made == [], made[:5]
        queue = QueueClient.from_connection_string(emulator.connection_string, "extract-queue")
        assert queue.get_queue_properties().approximate_message_count == len(images) + 2
        # A message nobody can read ends in the poison queue with its reason.
        queue.send_message("this is not an extract message")

        # The victim: its rendition uploads are held back, so its first worker is mid-job when killed.
        victim = sorted(images)[0]
        admin(emulator, {"seed": 1, "rules": [{"service": "blob", "method": "PUT", "path": f"/devstoreaccount1/pv-store/{victim}/*",
                                               "rate": 1, "kinds": ["latency"], "latencyMs": 600000}]})
        first = Worker(work, "killed", emulator.connection_string)
        workers.append(first)
        first.wait_for_line("working", victim)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        admin(emulator, {"seed": 1, "rules": []})
        assert "described" not in "\n".join(l for l in first.text().splitlines() if victim in l)

        scaled = [Worker(work, f"w{index}", emulator.connection_string, {"IRONVIPER_WORKER_IDLE_EXIT": "4"})
                  for index in range(3)]
        workers += scaled
        for worker in scaled:
            assert worker.process.wait(timeout=600) == 0, worker.text()[-3000:]
        logs = "\n".join(worker.text() for worker in scaled)
        assert any("working" in line and victim in line for line in logs.splitlines()), "no worker took the victim"

        # Queues: the work queue is empty, the poison queue holds the unreadable message and its reason.
        assert queue.peek_messages(max_messages=32) == []
        poison = QueueClient.from_connection_string(emulator.connection_string, "extract-queue-poison")
        poisoned = [json.loads(m.content) for m in poison.peek_messages(max_messages=32)]
        assert len(poisoned) == 1 and poisoned[0]["raw"] == "this is not an extract message", poisoned
        assert "not an extract message" in poisoned[0]["lastError"]

        masters = {b.name for b in blobs.get_container_client("file-store").list_blobs()}
        assert masters == set(contents.values())
        previews = {}
        for blob in blobs.get_container_client("pv-store").list_blobs():
            previews.setdefault(blob.name.split("/")[0], set()).add(blob.name)
        assert set(previews) == images  # the damaged file and the bomb have none

        # No rendition blob was written twice (the request log: one 201 per blob), though the killed
        # worker's message was worked twice.
        created = {}
        with open(request_log) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 5 and parts[2] == "PUT" and "/pv-store/" in parts[3] and parts[4] == "201":
                    created[parts[3]] = created.get(parts[3], 0) + 1
        assert len(created) == sum(len(names) for names in previews.values()) and set(created.values()) == {1}, \
            {k: v for k, v in created.items() if v != 1}

        # Byte for byte what the daemon would have made: render one master locally and compare.
        sample = "set1/img001.png"
        out = os.path.join(work, "rendered")
        subprocess.run([ironviper_binary(), "render", "--output", out, os.path.join(daemon.library, sample)],
                       check=True, capture_output=True)
        for rendition in ("hd", "sq100"):
            with open(os.path.join(out, "img001.png", f"{rendition}.jpg"), "rb") as f:
                local = f.read()
            cloud = blobs.get_blob_client("pv-store", f"{contents[sample]}/{rendition}.jpg").download_blob().readall()
            assert cloud == local, rendition

        # The daemon learns the descriptions from the rows: nothing waits, the two failures are problems.
        learned = daemon.wait_for(lambda s: s["previewsAwaitingCloud"] == 0 and s.get("extractMessagesPoisoned") == 1,
                                  "the descriptions learned and the poison queue counted", timeout=120)
        problems = {p["path"] for p in learned["problems"]}
        assert problems == {"odd/damaged.png", "odd/bomb.png"}, (learned["problems"], "\n".join(
            f"{os.path.basename(w.log_path)}: {l}" for w in workers for l in w.text().splitlines()
            if "no previews" in l or "error" in l or "warning" in l))
        # Every path's row holds its description once the daemon has settled (it rewrites the rows of a content's
        # other paths from what it learned): ten renditions for images (duplicates included), stored as the
        # blobs the row names (identical ones once: a 64×48 image's ten are two), the reason otherwise.
        daemon.wait_for(lambda s: s["outbox"]["pending"] == {}, "the rows rewritten from what was learned", timeout=120)
        table = TableServiceClient.from_connection_string(emulator.connection_string).get_table_client("files")
        rows = {r["path"]: r for r in table.query_entities(f"PartitionKey eq '{daemon.files_partition}'")}
        assert set(rows) == set(corpus)
        for relative, row in rows.items():
            assert row["sha256"] == contents[relative]
            if relative.startswith("odd/"):
                assert "renditions" not in row and row["problem"], row
            else:
                # On a failure, the row's story (it found a copy recorded before its content, with no asset and
                # so no reference: the worker never merged into it, nor did the daemon rewrite it).
                assert sorted(row.get("renditions", "").split(",")) == sorted(RENDITIONS), \
                    diagnosis(daemon, relative, row, workers, request_log)
                assert previews[row["sha256"]] == rendition_blobs(row), row
                assert row["width"] == 64 and row["height"] == 48 and len(row["phash"]) == 16, row
        assert rows["odd/bomb.png"]["problem"].startswith("resourceLimit"), rows["odd/bomb.png"]

        # `show` fetches the previews it shows into the local folder, once, from the configured storage.
        shown = subprocess.run([ironviper_binary(), "show", "--json", "--fetch-previews", "--data-dir", daemon.state,
                                "--config", daemon.config, os.path.join(daemon.library, sample)],
                               capture_output=True, text=True)
        assert shown.returncode == 0, shown
        view = json.loads(shown.stdout)
        assert view["asset"]["width"] == 64 and view["asset"]["height"] == 48
        assert sorted(p["name"] for p in view["previews"]) == sorted(RENDITIONS)
        for preview in view["previews"]:
            with open(preview["path"], "rb") as f:
                cached = f.read()
            blob = f"{contents[sample]}/{os.path.basename(preview['path'])}"
            assert cached == blobs.get_blob_client("pv-store", blob).download_blob().readall()
        cached = [n for _, _, names in os.walk(os.path.join(daemon.state, "previews")) for n in names]
        assert len(cached) == len(previews[contents[sample]]), cached
        daemon.stop()
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.process.kill()
                worker.process.wait()
        if daemon.process and daemon.process.poll() is None:
            daemon.process.kill()
        emulator.stop(signal.SIGKILL)  # a held-back upload would keep a graceful stop waiting


def test_sigterm_releases_the_message_a_worker_holds(work):
    """SIGTERM while a message is held (its uploads held back by the emulator): the worker exits 0 and
    the message is visible again at once, not after its 10-minute visibility timeout."""
    emulator = start_emulator(location=os.path.join(work, "emulator"))
    try:
        library = os.path.join(work, "photos")
        corpus = make_corpus(library)
        data = corpus["set0/img000.png"]
        sha = hashlib.sha256(data).hexdigest()
        blobs = BlobServiceClient.from_connection_string(emulator.connection_string)
        blobs.create_container("file-store").upload_blob(sha, data)
        queue = QueueClient.from_connection_string(emulator.connection_string, "extract-queue")
        queue.create_queue()
        queue.send_message(json.dumps({"version": 1, "sha256": sha, "container": "file-store", "blob": sha,
                                       "size": len(data)}))
        admin(emulator, {"seed": 1, "rules": [{"service": "blob", "method": "PUT", "path": "/devstoreaccount1/pv-store/*",
                                               "rate": 1, "kinds": ["latency"], "latencyMs": 600000}]})
        worker = Worker(work, "stopped", emulator.connection_string, {"IRONVIPER_WORKER_VISIBILITY_TIMEOUT": "600"})
        worker.wait_for_line("working", sha)
        assert queue.peek_messages() == []  # held: invisible to everyone else
        stopping = time.monotonic()
        worker.process.send_signal(signal.SIGTERM)
        assert worker.process.wait(timeout=120) == 0, worker.text()[-3000:]
        print(f"stopped {time.monotonic() - stopping:.2f} s after SIGTERM")
        assert "released=1" in worker.text(), worker.text()[-3000:]
        released = queue.peek_messages()
        assert len(released) == 1 and json.loads(released[0].content)["sha256"] == sha
    finally:
        emulator.stop(signal.SIGKILL)  # a held-back upload would keep a graceful stop waiting


@pytest.mark.parametrize("variable, value", [
    ("IRONVIPER_WORKER_CONCURRENCY", "2.5"), ("IRONVIPER_WORKER_CONCURRENCY", "0"),
    ("IRONVIPER_WORKER_MAX_DEQUEUE_COUNT", "many"), ("IRONVIPER_WORKER_IDLE_EXIT", "-1"),
])
def test_a_bad_setting_in_the_environment_is_refused_by_name(variable, value):
    """A count is a whole number (2.5 is refused, not truncated) and every setting has its floor; the error names
    the variable, since a container's operator set it, not a flag."""
    env = dict(os.environ, AZURE_STORAGE_CONNECTION_STRING="UseDevelopmentStorage=true", **{variable: value})
    out = subprocess.run([ironviper_binary(), "worker"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert variable in out.stderr and f'"{value}"' in out.stderr, out.stderr
