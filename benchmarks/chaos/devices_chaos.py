"""Two machines, one account, SIGKILL at random moments (issue 19).

Two daemons (two state directories, both with the library name `photos`, `deletes = "mirror"` with no
retention and masters in Hot, so every delete is purged at once) back up into one emulator process.
Each cycle both add files drawn from one shared pool of contents under overlapping names (camera names
repeat) and delete some, then both are started and SIGKILLed at random moments (odd cycles: once cloud
work is queued). After the last cycle both run until their outboxes are empty, and an independent
reader with Microsoft's SDKs checks:

- every file on each machine has its master (size, Content-MD5, bytes hashing to its name), and its
  device's `files` row names that content; neither device's rows hold the other's content;
- no `refs` row (a live reference of any device) points to a missing master: 0 masters missing;
- no master is left that no `refs` row references: 0 orphans after both settle;
- `ironviper restore --device NAME` gives each machine's library back byte for byte.

The schedule comes from one seed, printed first, so a run can be replayed:
    benchmarks/chaos/devices-kill [--seed N] [--cycles 10]
"""
import argparse
import filecmp
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Compatibility"))
sys.path.insert(0, HERE)

from azure.data.tables import TableServiceClient  # noqa: E402
from azure.storage.blob import BlobServiceClient  # noqa: E402
from daemon_chaos import Storage, outbox_depth, wait_for_cloud_work  # noqa: E402
from daemon_harness import Daemon, check_file, encode_key, sha256  # noqa: E402

MIRROR = 'access_tier = "Hot"\ndeletes = "mirror"\nretention_days = 0'
NAMES = ["DCIM/IMG_0001.JPG", "DCIM/IMG_0002.JPG", "DCIM/IMG_0003.JPG", "shared/a.bin", "shared/b.bin", "c.bin"]


@dataclass
class Report:
    seed: int
    cycles: int = 0
    kills: int = 0
    kills_during_sync: int = 0
    files: dict = field(default_factory=dict)
    shared_contents: int = 0
    purged_on_both: int = 0
    references: int = 0
    masters: int = 0
    masters_missing: int = 0
    orphans: int = 0
    restored_identical: int = 0
    seconds: float = 0


class Machine:
    """One daemon and the changes made to its folder."""

    def __init__(self, work, name, storage, rng, pool):
        self.daemon = Daemon(os.path.join(work, name), storage=storage, device=name, extra=MIRROR)
        self.rng = rng
        self.pool = pool
        self.gone = set()  # contents this machine held and deleted

    def files(self):
        found = []
        for folder, _, names in os.walk(self.daemon.library):
            found += [os.path.relpath(os.path.join(folder, n), self.daemon.library) for n in names]
        return sorted(found)

    def change(self, count):
        for _ in range(count):
            name = self.rng.choice(NAMES)
            if self.rng.random() < 0.3:
                name = f"more/{self.rng.randrange(1000):03d} {name.split('/')[-1]}"
            path = os.path.join(self.daemon.library, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.copyfile(self.rng.choice(self.pool), path)
        files = self.files()
        for victim in self.rng.sample(files, k=min(len(files), self.rng.randrange(0, 2))):
            path = os.path.join(self.daemon.library, victim)
            self.gone.add(sha256(path))
            os.remove(path)


def make_pool(folder, rng, size):
    """Contents both machines draw from: small JPEGs (previews made and purged) and binaries."""
    os.makedirs(folder)
    pool = []
    for index in range(size):
        path = os.path.join(folder, f"content-{index}")
        if index % 3 == 0:
            subprocess.run(["convert", "-size", "160x120", "plasma:fractal", "-seed", str(rng.randrange(1 << 30)),
                            "jpeg:" + path], check=True)
        else:
            with open(path, "wb") as f:
                f.write(rng.randbytes(rng.randrange(1, 300_000)))
        pool.append(path)
    return pool


def settle(daemon, timeout=600):
    """Until the daemon has taken every change and its outbox is empty (purges included); parked rows
    are retried (`ironviper sync`), never accepted."""
    time.sleep(1.5)  # the last changes settle and are batched before they show in the catalog
    deadline = time.monotonic() + timeout
    while True:
        status = daemon.wait_for(
            lambda s: s["outbox"]["pending"] == {} and s["outbox"]["scheduledPurges"] == 0,
            "an empty outbox", timeout=max(1, deadline - time.monotonic()))
        if not status["outbox"]["parked"]:
            return status
        assert time.monotonic() < deadline, f"parked rows do not clear: {status['outbox']['parked']}"
        daemon.ironviper("sync")


def check(machines, storage, report, work):
    connection = storage.connection_string
    blobs = BlobServiceClient.from_connection_string(connection)
    tables = TableServiceClient.from_connection_string(connection)
    masters = {b.name: b for b in blobs.get_container_client("file-store").list_blobs()}
    report.masters = len(masters)
    references = [r for r in tables.get_table_client("refs").list_entities() if r["RowKey"] != "~purge"]
    report.references = len(references)
    missing = {r["PartitionKey"] for r in references if r["PartitionKey"] not in masters}
    report.masters_missing = len(missing)
    assert not missing, f"references to missing masters: {sorted(missing)}"
    orphans = set(masters) - {r["PartitionKey"] for r in references}
    report.orphans = len(orphans)
    assert not orphans, f"masters no device references: {sorted(orphans)}"
    held = [set(sha256(os.path.join(m.daemon.library, f)) for f in m.files()) for m in machines]
    report.shared_contents = len(held[0] & held[1])
    report.purged_on_both = len((machines[0].gone - held[0] - held[1]) & (machines[1].gone - held[0] - held[1]))
    for machine in machines:
        d = machine.daemon
        rows = {e["RowKey"]: e for e in
                tables.get_table_client("files").query_entities(f"PartitionKey eq '{d.files_partition}'")}
        present = {k for k, e in rows.items() if e["deleted"] is False}
        assert present == {encode_key(f) for f in machine.files()}, f"{d.device}'s rows do not match its folder"
        for relative in machine.files():
            check_file(blobs, masters, rows, relative, os.path.join(d.library, relative))
        report.files[d.device] = len(machine.files())
        target = os.path.join(work, "restored-" + d.device)
        out = subprocess.run([d.binary, "restore", "--connection-string", connection, "--device", d.device,
                              "--library", "photos", "--to", target], capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stdout + out.stderr
        for relative in machine.files():
            assert filecmp.cmp(os.path.join(d.library, relative), os.path.join(target, relative), shallow=False)
            report.restored_identical += 1


def run(seed, cycles=10, pool_size=9, work=None, log=print):
    rng = random.Random(seed)
    report = Report(seed=seed)
    started = time.monotonic()
    work = work or tempfile.mkdtemp(prefix="ironviper-devices-chaos-")
    storage = Storage(work)
    pool = make_pool(os.path.join(work, "pool"), rng, pool_size)
    machines = [Machine(work, name, storage.connection_string, rng, pool) for name in ("nas", "laptop")]
    passed = False
    try:
        for cycle in range(cycles):
            for machine in machines:
                machine.change(rng.randrange(2, 5))
                machine.daemon.start(wait=False)
            if cycle % 2 == 0:
                time.sleep(rng.uniform(0.1, 1.5))
            else:
                wait_for_cloud_work(rng.choice(machines).daemon, timeout=60)
                time.sleep(rng.uniform(0, 0.05))
            busy = 0
            for machine in rng.sample(machines, k=2):
                busy += outbox_depth(machine.daemon)
                machine.daemon.kill()
                time.sleep(rng.uniform(0, 0.2))
            report.kills += 2
            report.kills_during_sync += busy > 0
            report.cycles += 1
            log(f"cycle {cycle + 1}/{cycles}: both killed with {busy} outbox rows pending")
        for machine in machines:
            machine.daemon.start()
        for machine in machines:
            settle(machine.daemon)
        for machine in machines:  # a purge by one may have waited on the other: settle both again
            settle(machine.daemon)
            machine.daemon.stop()
        check(machines, storage, report, work)
        report.seconds = round(time.monotonic() - started, 1)
        passed = True
        return report
    finally:
        for machine in machines:
            process = machine.daemon.process
            if process and process.poll() is None:
                process.kill()
        storage.stop()
        if passed:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work} for inspection (seed {seed})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 31))
    parser.add_argument("--cycles", type=int, default=10)
    args = parser.parse_args()
    print(f"devices chaos: seed {args.seed}", flush=True)
    report = run(args.seed, cycles=args.cycles, log=lambda m: print(m, flush=True))
    print(json.dumps(report.__dict__, indent=2))


if __name__ == "__main__":
    main()
