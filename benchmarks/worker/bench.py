#!/usr/bin/env python3
"""What previews in the cloud save the daemon's machine, and what they cost the worker (see run.sh).

Each phase runs against a fresh emulator process (release builds) with the same corpus copied into
the watched folder; CPU is user+system seconds of the process alone (/proc for the daemon, from its
ready state to an empty outbox; wait4's rusage for a worker, from start to its idle exit).

local        the daemon hashes, converts (ten previews), uploads masters and previews, writes rows
cloud        the daemon with `[previews] where = "cloud"`: hashes, uploads masters, sends messages
worker x1/x2 then 1 or 2 `ironviper worker` processes (concurrency 1 each) drain that queue

Figures: the daemon's CPU seconds per photo, cloud / local (goal <= 0.2); the worker's images per
CPU-second vs the daemon's local conversion, measured as photos / (local CPU - cloud CPU), the part of
the daemon's CPU that making previews costs (goal >= 0.9); wall times.

    bench.py IRONVIPER EMULATOR CORPUS WORKDIR
"""
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

ironviper, emulator_bin, corpus, work = sys.argv[1:5]
TICKS = os.sysconf("SC_CLK_TCK")
READY = re.compile(r"^(Blob|Queue|Table) service is successfully listening at (http://\S+)$")
ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
photos = sorted(f for f in os.listdir(corpus) if f.endswith(".jpg"))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Emulator:
    def __init__(self, name):
        location = os.path.join(work, name, "emulator")
        shutil.rmtree(location, ignore_errors=True)
        self.process = subprocess.Popen(
            [emulator_bin, "--location", location, "--silent", "--blobPort", "0", "--queuePort", "0", "--tablePort", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        endpoints = {}
        while len(endpoints) < 3:
            line = self.process.stdout.readline()
            if not line:
                sys.exit("the emulator exited before it was ready")
            match = READY.match(line.strip())
            if match:
                endpoints[match.group(1)] = match.group(2)
        self.connection = (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                           + "".join(f"{s}Endpoint={u}/{ACCOUNT};" for s, u in endpoints.items()))

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


def daemon_phase(name, emulator, previews):
    folder = os.path.join(work, name)
    library, state = os.path.join(folder, "photos"), os.path.join(folder, "state")
    shutil.rmtree(library, ignore_errors=True)
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(library)
    config = os.path.join(folder, "config.toml")
    with open(config, "w") as f:
        f.write(f'device = "bench"\nstate_directory = "{state}"\n[[library]]\nname = "photos"\npath = "{library}"\n'
                f'[storage]\nconnection_string = "{emulator.connection}"\n[previews]\nwhere = "{previews}"\n'
                '[web]\nlisten = ""\n')  # the daemon alone, as measured before the gallery
    log = open(os.path.join(folder, "daemon.log"), "w")
    process = subprocess.Popen([ironviper, "run", "--config", config], stdout=log, stderr=subprocess.STDOUT)

    def status():
        out = subprocess.run([ironviper, "status", "--json", "--config", config], capture_output=True, text=True)
        return json.loads(out.stdout) if out.returncode == 0 else {}

    def wait(predicate):
        while True:
            if process.poll() is not None:
                sys.exit(f"the daemon exited; see {log.name}")
            s = status()
            if s and predicate(s):
                return s
            time.sleep(0.1)

    wait(lambda s: s.get("state") == "running")
    before, started = cpu_seconds(process.pid), time.monotonic()
    for photo in photos:
        shutil.copy(os.path.join(corpus, photo), library)
    catalog = os.path.join(state, "catalog.sqlite")

    def finished():
        # Not just an empty outbox: a new photo's master goes out before its previews exist.
        with sqlite3.connect(f"file:{catalog}?mode=ro", uri=True) as db:
            if previews == "local":
                done = db.execute("SELECT count(DISTINCT asset_id) FROM renditions").fetchone()[0]
            else:
                done = db.execute("SELECT count(*) FROM outbox WHERE kind = 'event' AND done_at IS NOT NULL").fetchone()[0]
            pending = db.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0]
        return done == len(photos) and pending == 0

    wait(lambda s: sum(l["files"]["present"] for l in s["libraries"]) == len(photos) and finished())
    cpu, wall = cpu_seconds(process.pid) - before, time.monotonic() - started
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    return {"cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "cpu_s_per_photo": round(cpu / len(photos), 3)}


def workers_phase(emulator, count):
    env = dict(os.environ, AZURE_STORAGE_CONNECTION_STRING=emulator.connection, IRONVIPER_WORKER_CONCURRENCY="1",
               IRONVIPER_WORKER_IDLE_EXIT="2", IRONVIPER_LOG_LEVEL="warning")
    started = time.monotonic()
    processes = [subprocess.Popen([ironviper, "worker"], env=env) for _ in range(count)]
    cpu = 0.0
    for p in processes:
        _, code, usage = os.wait4(p.pid, 0)
        p.returncode = code
        if code != 0:
            sys.exit(f"a worker failed with status {code}")
        cpu += usage.ru_utime + usage.ru_stime
    wall = time.monotonic() - started - 2  # less the idle wait before the exit
    return {"processes": count, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
            "images_per_cpu_s": round(len(photos) / cpu, 3)}


results = {"photos": len(photos), "megapixels": 24}
emulator = Emulator("local")
results["local"] = daemon_phase("local", emulator, "local")
emulator.stop()
for count in (1, 2):
    emulator = Emulator(f"cloud{count}")
    results[f"cloud_for_x{count}"] = daemon_phase(f"cloud{count}", emulator, "cloud")
    results[f"worker_x{count}"] = workers_phase(emulator, count)
    emulator.stop()

local, cloud = results["local"], results["cloud_for_x1"]
conversion_cpu = local["cpu_s"] - cloud["cpu_s"]
daemon_rate = len(photos) / conversion_cpu
results["ratios"] = {
    "daemon_cpu_cloud_over_local": round(cloud["cpu_s"] / local["cpu_s"], 3),
    "daemon_local_conversion_images_per_cpu_s": round(daemon_rate, 3),
    "daemon_local_whole_images_per_cpu_s": round(len(photos) / local["cpu_s"], 3),
    "worker_x1_over_daemon_conversion": round(results["worker_x1"]["images_per_cpu_s"] / daemon_rate, 3),
    "worker_x2_over_daemon_conversion": round(results["worker_x2"]["images_per_cpu_s"] / daemon_rate, 3),
    "worker_x2_wall_speedup": round(results["worker_x1"]["wall_s"] / results["worker_x2"]["wall_s"], 3),
}
print(json.dumps(results, indent=2))
