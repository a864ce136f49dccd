#!/usr/bin/env python3
"""Many small files (issue 16): 5,000 files of 10 kB in 50 folders, from the daemon's start to every master and
row in the emulator, against `rclone copy` of the same folder into the same kind of emulator. Wall time and the
tool's own CPU seconds (the daemon's from /proc, rclone's from getrusage; never the emulator's), median of
ROUNDS alternating rounds. The emulator's CPU seconds are reported beside them: on two shared cores it is what the
wall time of a tool that sends more requests waits for.

    small_files.py IRONVIPER EMULATOR WORKDIR [FILES] [ROUNDS]
    IDLE_MEMORY=1 small_files.py … 100000 1     # also the idle daemon's memory with that many files cataloged
"""
import os
import random
import resource
import shutil
import sqlite3
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


def resident_by_mapping(pid):
    """Resident kB per mapped file (anonymous memory as "[anonymous]"), largest first, from /proc/PID/smaps."""
    totals, name = {}, None
    for line in open(f"/proc/{pid}/smaps"):
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5 and not fields[0].endswith(":"):
            name = os.path.basename(fields[5]) if len(fields) > 5 and fields[5].startswith("/") else "[anonymous]"
        elif fields[0] == "Rss:":
            totals[name] = totals.get(name, 0) + int(fields[1])
    return sorted(totals.items(), key=lambda item: -item[1])


def make_corpus():
    if os.path.isdir(corpus) and sum(len(n) for _, _, n in os.walk(corpus)) == files:
        return
    shutil.rmtree(corpus, ignore_errors=True)
    rng = random.Random(16)
    for index in range(files):
        folder = os.path.join(corpus, f"folder-{index % 50:02d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"note-{index:06d}.txt" if files > 99999 else f"note-{index:05d}.txt"), "wb") as f:
            f.write(rng.randbytes(10 * 1024))


def cpu_seconds(pid):
    """User + system CPU seconds of a running process, from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backed_up(daemon, catalog, timeout=3600):
    """Waits until the catalog holds every file and no cloud work is pending. Read straight from the catalog (a
    WAL reader never blocks the daemon) every 50 ms: `ironviper status` five times a second cost the machine a
    process start and an outbox summary each, CPU the daemon's wall time then waited for."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert daemon.process.poll() is None, f"the daemon exited during the backup:\n{daemon.logtail()}"
        try:
            with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True, timeout=5) as db:
                present, = db.execute("SELECT count(*) FROM files WHERE state = 'present'").fetchone()
                pending, done = db.execute("SELECT count(*) FILTER (WHERE done_at IS NULL AND parked_at IS NULL), "
                                           "count(*) FILTER (WHERE done_at IS NOT NULL) FROM outbox").fetchone()
            if present == files and pending == 0 and done > 0:
                return
        except sqlite3.OperationalError:
            pass  # not created or not migrated yet
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for the backup\n{daemon.logtail()}")


def ironviper_round(index):
    location = os.path.join(work, f"iv-{index}")
    shutil.rmtree(location, ignore_errors=True)
    storage = start_emulator(location=os.path.join(location, "storage"), extra_args=["--silent"],
                             services=("blob", "table"))
    try:
        daemon = Daemon(os.path.join(location, "daemon"), storage=storage.connection_string, device="bench")
        shutil.copytree(corpus, daemon.library, dirs_exist_ok=True)
        subprocess.run(["sync"], check=True)
        ready = cpu_seconds(storage.process.pid)
        start = time.monotonic()
        daemon.start(wait=False)
        pid = daemon.process.pid
        backed_up(daemon, os.path.join(daemon.state, "catalog.sqlite"))
        wall = time.monotonic() - start
        cpu, served = cpu_seconds(pid), cpu_seconds(storage.process.pid) - ready
        if os.environ.get("IDLE_MEMORY"):
            # The keep-alive beat (every 5 s) returns the heap once the daemon is idle: two beats.
            time.sleep(11)
            status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
            rss, anon, file_backed = (int(status[name].split()[0]) / 1024 for name in ("VmRSS", "RssAnon", "RssFile"))
            print(f"   idle with {files} files cataloged: RSS {rss:.1f} MB = anonymous {anon:.1f} MB + file-backed "
                  f"{file_backed:.1f} MB (peak {int(status['VmHWM'].split()[0]) / 1024:.1f} MB)", flush=True)
            print("   resident by mapping: " + ", ".join(
                f"{name} {kb / 1024:.1f} MB" for name, kb in resident_by_mapping(pid)[:int(os.environ.get("MAPPINGS", "6"))]), flush=True)
        daemon.stop()
        with sqlite3.connect(os.path.join(daemon.state, "catalog.sqlite")) as db:
            sent = dict(db.execute("SELECT operation, sum(requests) FROM cloud_requests GROUP BY operation"))
        print(f"   ironviper's requests: {sum(sent.values())} ({sum(sent.values()) / files:.2f} per file): "
              + ", ".join(f"{name} {count}" for name, count in sorted(sent.items(), key=lambda item: -item[1])),
              flush=True)
        return wall, cpu, served
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
        ready = cpu_seconds(storage.process.pid)
        start = time.monotonic()
        subprocess.run(["rclone", "copy", corpus, ":azureblob:bench"], check=True, env=env)
        wall = time.monotonic() - start
        served = cpu_seconds(storage.process.pid) - ready
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), served
    finally:
        storage.stop()
        shutil.rmtree(location, ignore_errors=True)


make_corpus()
results = {"ironviper": [], "rclone": []}
for round_ in range(1, rounds + 1):
    results["ironviper"].append(ironviper_round(round_))
    results["rclone"].append(rclone_round(round_))
    (iw, ic, ie), (rw, rc, re_) = results["ironviper"][-1], results["rclone"][-1]
    print(f"   round {round_}: ironviper {iw:.1f} s / {ic:.1f} CPU-s (emulator {ie:.1f}); "
          f"rclone {rw:.1f} s / {rc:.1f} CPU-s (emulator {re_:.1f})", flush=True)
(iw, ic, ie), (rw, rc, re_) = [tuple(statistics.median(r[k] for r in runs) for k in range(3))
                               for runs in (results["ironviper"], results["rclone"])]
print(f"| {files} files of 10 kB in 50 folders (median of {rounds}) | wall | CPU (the tool only) | emulator CPU |")
print("|---|---|---|---|")
print(f"| ironviper (daemon start to every master and row) | {iw:.1f} s | {ic:.1f} s | {ie:.1f} s |")
print(f"| rclone copy | {rw:.1f} s | {rc:.1f} s | {re_:.1f} s |")
print(f"| ratio ironviper / rclone | {iw / rw:.2f} | {ic / rc:.2f} | {ie / re_:.2f} |")
