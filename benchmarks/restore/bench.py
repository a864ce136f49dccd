#!/usr/bin/env python3
"""`ironviper restore` against `rclone copy` of the same masters from the same emulator (issue 16).

What a person waiting for a restore feels (wall time) and what the client alone spends (user + system CPU
seconds of the client process and its children, from getrusage: not the emulator's), median of ROUNDS
alternating rounds. ironviper checks every file's SHA-256 (its name) and puts it in place with its path and
mtime from the tables; rclone copies the `file-store` container's blobs as they are (checking their MD5).

    bench.py IRONVIPER EMULATOR CORPUS WORKDIR [ROUNDS]
"""
import filecmp
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Compatibility"))

from azure.storage.blob import ContainerSasPermissions, generate_container_sas  # noqa: E402

from conftest import ACCOUNT, KEY, start_emulator  # noqa: E402
from daemon_harness import Daemon  # noqa: E402

ironviper, emulator_bin, corpus, work = sys.argv[1:5]
rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 3
os.environ["IRONVIPER_BIN"], os.environ["EMULATOR_BIN"] = ironviper, emulator_bin


def timed(command, env=None):
    """Runs `command` and returns (wall seconds, CPU seconds of the command and its children)."""
    subprocess.run(["sync"], check=True)  # no dirty pages of the last round slow this one
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    storage = start_emulator(location=os.path.join(work, "storage"), extra_args=["--silent"], services=("blob", "table"))
    try:
        daemon = Daemon(os.path.join(work, "daemon"), storage=storage.connection_string, device="bench")
        shutil.copytree(corpus, daemon.library, dirs_exist_ok=True)
        files = sum(len(names) for _, _, names in os.walk(corpus))
        size = sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(corpus) for n in names)
        print(f"== backing up {files} files, {size / 1e6:.0f} MB", flush=True)
        daemon.start()
        daemon.wait_for(lambda s: s["libraries"][0]["files"]["present"] == files and s["outbox"]["pending"] == {}
                        and s["outbox"]["done"] > 0, "the backup", timeout=3600)
        daemon.stop()

        sas = generate_container_sas(ACCOUNT, "file-store", account_key=KEY,
                                     permission=ContainerSasPermissions(read=True, list=True),
                                     expiry=datetime.now(timezone.utc) + timedelta(hours=4))
        rclone_env = dict(os.environ, RCLONE_CONFIG="/dev/null",
                          RCLONE_AZUREBLOB_SAS_URL=f"{storage.url('Blob')}/file-store?{sas}")
        results = {"ironviper": [], "rclone": []}
        for round_ in range(1, rounds + 1):
            ours, theirs = os.path.join(work, "restored"), os.path.join(work, "rclone")
            for folder in (ours, theirs):
                shutil.rmtree(folder, ignore_errors=True)
            results["ironviper"].append(timed([ironviper, "restore", "--connection-string", storage.connection_string,
                                               "--device", "bench", "--to", ours]))
            results["rclone"].append(timed(["rclone", "copy", ":azureblob:", theirs], env=rclone_env))
            print(f"   round {round_}: ironviper {results['ironviper'][-1][0]:.2f} s / {results['ironviper'][-1][1]:.2f} "
                  f"CPU-s; rclone {results['rclone'][-1][0]:.2f} s / {results['rclone'][-1][1]:.2f} CPU-s", flush=True)
        # Both got every byte: ours by path, rclone's by content name.
        comparison = filecmp.dircmp(corpus, os.path.join(ours, "photos"))
        assert not comparison.left_only and not comparison.diff_files, "the restore differs from the corpus"
        assert sum(len(n) for _, _, n in os.walk(theirs)) == files, "rclone did not copy every master"
    finally:
        storage.stop()

    gb = size / 1e9
    median = {tool: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
              for tool, runs in results.items()}
    (iw, ic), (rw, rc) = median["ironviper"], median["rclone"]
    report = {"files": files, "bytes": size, "rounds": rounds,
              "ironviper": {"seconds": round(iw, 3), "cpuSeconds": round(ic, 3), "cpuSecondsPerGB": round(ic / gb, 3)},
              "rclone": {"seconds": round(rw, 3), "cpuSeconds": round(rc, 3), "cpuSecondsPerGB": round(rc / gb, 3)},
              "wallRatio": round(iw / rw, 3), "cpuRatio": round(ic / rc, 3)}
    print(f"| restore of {files} files, {size / 1e6:.0f} MB (median of {rounds}) | wall | CPU (client) | CPU per GB |")
    print("|---|---|---|---|")
    print(f"| ironviper restore (SHA-256 of every file) | {iw:.2f} s | {ic:.2f} s | {ic / gb:.2f} s |")
    print(f"| rclone copy (MD5 of every blob) | {rw:.2f} s | {rc:.2f} s | {rc / gb:.2f} s |")
    print(f"| ratio ironviper / rclone | {iw / rw:.2f} | {ic / rc:.2f} | |")
    print(json.dumps(report))


main()
