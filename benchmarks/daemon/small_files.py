#!/usr/bin/env python3
"""Many small files (issue 16): 5,000 files of 10 kB in 50 folders, from the daemon's start to every master and
row in the emulator, against `rclone copy` of the same folder into the same kind of emulator. Wall time and the
tool's own CPU seconds (the daemon's from /proc, rclone's from getrusage; never the emulator's), median of
ROUNDS alternating rounds.

    small_files.py IRONVIPER EMULATOR WORKDIR [FILES] [ROUNDS]
"""
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Compatibility"))

from azure.storage.blob import BlobServiceClient, ContainerSasPermissions, generate_container_sas  # noqa: E402

ironviper, emulator_bin, work = sys.argv[1:4]
files = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
os.environ["IRONVIPER_BIN"], os.environ["EMULATOR_BIN"] = ironviper, emulator_bin

from conftest import ACCOUNT, KEY, start_emulator  # noqa: E402
from daemon_harness import Daemon  # noqa: E402

corpus = os.path.join(work, "corpus")


def make_corpus():
    if os.path.isdir(corpus) and sum(len(n) for _, _, n in os.walk(corpus)) == files:
        return
    shutil.rmtree(corpus, ignore_errors=True)
    rng = random.Random(16)
    for index in range(files):
        folder = os.path.join(corpus, f"folder-{index % 50:02d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"note-{index:05d}.txt"), "wb") as f:
            f.write(rng.randbytes(10 * 1024))


def ironviper_round(index):
    location = os.path.join(work, f"iv-{index}")
    shutil.rmtree(location, ignore_errors=True)
    storage = start_emulator(location=os.path.join(location, "storage"), extra_args=["--silent"],
                             services=("blob", "table"))
    try:
        daemon = Daemon(os.path.join(location, "daemon"), storage=storage.connection_string, device="bench")
        shutil.copytree(corpus, daemon.library, dirs_exist_ok=True)
        subprocess.run(["sync"], check=True)
        start = time.monotonic()
        daemon.start(wait=False)
        pid = daemon.process.pid
        daemon.wait_for(lambda s: s["libraries"][0]["files"]["present"] == files and s["outbox"]["pending"] == {}
                        and s["outbox"]["done"] > 0, "the backup", timeout=3600)
        wall = time.monotonic() - start
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        daemon.stop()
        return wall, cpu
    finally:
        storage.stop()
        shutil.rmtree(location, ignore_errors=True)


def rclone_round(index):
    location = os.path.join(work, f"rc-{index}")
    shutil.rmtree(location, ignore_errors=True)
    storage = start_emulator(location=location, extra_args=["--silent"], services=("blob",))
    try:
        BlobServiceClient.from_connection_string(storage.connection_string).create_container("bench")
        sas = generate_container_sas(ACCOUNT, "bench", account_key=KEY,
                                     permission=ContainerSasPermissions(read=True, add=True, create=True, write=True,
                                                                        list=True),
                                     expiry=datetime.now(timezone.utc) + timedelta(hours=2))
        env = dict(os.environ, RCLONE_CONFIG="/dev/null", RCLONE_AZUREBLOB_SAS_URL=f"{storage.url('Blob')}/bench?{sas}")
        subprocess.run(["sync"], check=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        subprocess.run(["rclone", "copy", corpus, ":azureblob:bench"], check=True, env=env)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    finally:
        storage.stop()
        shutil.rmtree(location, ignore_errors=True)


make_corpus()
results = {"ironviper": [], "rclone": []}
for round_ in range(1, rounds + 1):
    results["ironviper"].append(ironviper_round(round_))
    results["rclone"].append(rclone_round(round_))
    print(f"   round {round_}: ironviper {results['ironviper'][-1][0]:.1f} s / {results['ironviper'][-1][1]:.1f} CPU-s; "
          f"rclone {results['rclone'][-1][0]:.1f} s / {results['rclone'][-1][1]:.1f} CPU-s", flush=True)
(iw, ic), (rw, rc) = [(statistics.median(w for w, _ in r), statistics.median(c for _, c in r))
                      for r in (results["ironviper"], results["rclone"])]
print(f"| {files} files of 10 kB in 50 folders (median of {rounds}) | wall | CPU (the tool only) |")
print("|---|---|---|")
print(f"| ironviper (daemon start to every master and row) | {iw:.1f} s | {ic:.1f} s |")
print(f"| rclone copy | {rw:.1f} s | {rc:.1f} s |")
print(f"| ratio ironviper / rclone | {iw / rw:.2f} | {ic / rc:.2f} |")
