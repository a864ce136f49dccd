#!/usr/bin/env python3
"""The daemon's figures, in one run on one machine (see run.sh):

latency     files are written into a watched folder one at a time (a camera import's pace); for
            each, the time from its close to its master being listed in `file-store`, observed from
            outside with Microsoft's SDK polling the listing (resolution ~100 ms). p50 / p99.
throughput  a corpus is copied into the watched folder and timed until the outbox is empty
            (masters-only: files that are not images, so no previews are made), against
            `rclone copy` of the same corpus to the same kind of emulator (on disk).

    bench.py IRONVIPER EMULATOR CORPUS WORKDIR [FILES] [INTERVAL]
"""
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time

from azure.storage.blob import BlobServiceClient

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
ironviper, emulator, corpus, work = sys.argv[1:5]
files = int(sys.argv[5]) if len(sys.argv) > 5 else 300
interval = float(sys.argv[6]) if len(sys.argv) > 6 else 0.5


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connection(port):
    return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
            f"BlobEndpoint=http://127.0.0.1:{port}/{ACCOUNT};")


class Daemon:
    def __init__(self, name):
        self.dir = os.path.join(work, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.library = os.path.join(self.dir, "photos")
        os.makedirs(self.library)
        self.port = free_port()
        self.config = os.path.join(self.dir, "config.toml")
        with open(self.config, "w") as f:
            f.write(f'state_directory = "{self.dir}/state"\n[[library]]\nname = "photos"\npath = "{self.library}"\n'
                    f'[emulator]\nblob_port = {self.port}\nqueue_port = {free_port()}\ntable_port = {free_port()}\n'
                    '[web]\nlisten = ""\n')  # the daemon alone, as measured before the gallery
        self.log = open(os.path.join(self.dir, "daemon.log"), "w")
        self.process = subprocess.Popen([ironviper, "run", "--config", self.config], stdout=self.log, stderr=subprocess.STDOUT)
        self.wait(lambda s: s.get("state") == "running")

    def status(self):
        out = subprocess.run([ironviper, "status", "--json", "--config", self.config], capture_output=True, text=True)
        return json.loads(out.stdout) if out.returncode == 0 else {}

    def wait(self, predicate, timeout=3600):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the daemon exited; see {self.log.name}")
            status = self.status()
            if status and predicate(status):
                return status
            time.sleep(0.05)
        sys.exit("timed out")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def latency():
    sources = os.path.join(work, "latency-sources")
    os.makedirs(sources, exist_ok=True)
    # Distinct 2 MP photos (a different seed each), made before the clock starts.
    for i in range(files):
        path = os.path.join(sources, f"img-{i:04d}.jpg")
        if not os.path.exists(path):
            subprocess.run(["convert", "-size", "1600x1200", "plasma:fractal", "-seed", str(i), "-quality", "90", path], check=True)
    daemon = Daemon("latency")
    blobs = BlobServiceClient.from_connection_string(connection(daemon.port))
    closed, found = {}, {}
    done = threading.Event()

    def poll():
        container = blobs.get_container_client("file-store")
        while not done.is_set():
            try:
                names = {b.name for b in container.list_blobs()}
            except Exception:
                names = set()
            now = time.monotonic()
            for sha in list(closed):
                if sha in names and sha not in found:
                    found[sha] = now
            if len(found) == files:
                done.set()
            time.sleep(0.1)

    poller = threading.Thread(target=poll)
    poller.start()
    for i in range(files):
        data = open(os.path.join(sources, f"img-{i:04d}.jpg"), "rb").read()
        sha = hashlib.sha256(data).hexdigest()
        with open(os.path.join(daemon.library, f"img-{i:04d}.jpg"), "wb") as f:
            f.write(data)
        closed[sha] = time.monotonic()
        time.sleep(interval)
    done.wait(timeout=600)
    done.set()
    poller.join()
    daemon.stop()
    delays = sorted(found[s] - closed[s] for s in found)
    missing = files - len(delays)
    p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]
    return {"files": files, "interval_s": interval, "missing": missing, "p50_s": round(statistics.median(delays), 3),
            "p99_s": round(p(0.99), 3), "max_s": round(delays[-1], 3)}


def throughput():
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(corpus) for f in fs)
    count = sum(len(fs) for _, _, fs in os.walk(corpus))
    # ironviper: copy into the watched folder, until every master is committed and the outbox is empty.
    daemon = Daemon("throughput")
    subprocess.run(["sync"])
    start = time.monotonic()
    subprocess.run(["cp", "-r", corpus, os.path.join(daemon.library, "corpus")], check=True)
    # Watched through the catalog itself (read-only SQLite, WAL): spawning `ironviper status` 20 times a
    # second would take CPU from the daemon being measured.
    catalog = sqlite3.connect(f"file:{daemon.dir}/state/catalog.sqlite?mode=ro", uri=True)
    while True:
        present = catalog.execute("SELECT count(*) FROM files WHERE state = 'present'").fetchone()[0]
        pending = catalog.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL AND parked_at IS NULL").fetchone()[0]
        if present == count and pending == 0:
            break
        time.sleep(0.05)
    ironviper_s = time.monotonic() - start
    catalog.close()
    daemon.stop()
    # rclone copy of the same corpus to the same emulator, on disk, through a container SAS URL.
    location = os.path.join(work, "rclone-emulator")
    shutil.rmtree(location, ignore_errors=True)
    port = free_port()
    emu = subprocess.Popen([emulator, "--location", location, "--blobPort", str(port), "--services", "blob", "--silent"],
                           stdout=subprocess.PIPE, text=True)
    for line in emu.stdout:
        if line.startswith("ironviper-emulator ready"):
            break
    from datetime import datetime, timedelta, timezone
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas
    BlobServiceClient.from_connection_string(connection(port)).create_container("bench")
    token = generate_container_sas(ACCOUNT, "bench", account_key=KEY,
                                   permission=ContainerSasPermissions(read=True, add=True, create=True, write=True, list=True),
                                   expiry=datetime.now(timezone.utc) + timedelta(hours=2))
    env = dict(os.environ, RCLONE_CONFIG="/dev/null",
               RCLONE_AZUREBLOB_SAS_URL=f"http://127.0.0.1:{port}/{ACCOUNT}/bench?{token}")
    subprocess.run(["sync"])
    start = time.monotonic()
    subprocess.run(["rclone", "copy", corpus, ":azureblob:bench"], check=True, env=env)
    rclone_s = time.monotonic() - start
    # The ceiling: the AzureStorage client alone putting the same files into the same emulator (no
    # watching, settling, hashing or table rows). No tool can sync faster than the target ingests.
    ceiling_s = None
    if os.environ.get("TRANSFER_BENCH"):
        subprocess.run(["sync"])
        start = time.monotonic()
        subprocess.run([os.environ["TRANSFER_BENCH"], "upload", corpus, "ceiling"], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, AZURE_STORAGE_CONNECTION_STRING=connection(port)))
        ceiling_s = time.monotonic() - start
    emu.terminate()
    emu.wait()
    mb = size / 1e6
    return {"files": count, "MB": round(mb), "ironviper_s": round(ironviper_s, 2), "rclone_s": round(rclone_s, 2),
            "ironviper_MBps": round(mb / ironviper_s, 1), "rclone_MBps": round(mb / rclone_s, 1),
            "ratio": round(rclone_s / ironviper_s, 2),
            "ceiling_client_only_s": ceiling_s and round(ceiling_s, 2),
            "ceiling_ratio": ceiling_s and round(rclone_s / ceiling_s, 2)}


result = {"latency": latency(), "throughput_masters_only": throughput()}
print(json.dumps(result, indent=2))
