"""Daemon chaos: the proof that the daemon loses nothing and leaves no orphans when it is killed at random
moments (`kill`), or when the storage service fails ~10 % of requests in every way it can (`faults`).

Both modes run the real `ironviper` daemon against an `ironviper-emulator` process of their own, change a photo
library (new files, duplicates, big files sent in blocks, edits, renames, deletes) and at the end check, with
tools that are not the daemon:

- `ironviper verify --deep` is clean (every master hashed, renditions, rows, no orphan blob);
- Microsoft's `azure-storage-blob` / `azure-data-tables` find every local file's master with its MD5 and
  SHA-256, its `files` and `history` rows, its folders' rows, an image's ten renditions, and every deleted
  path marked deleted; every blob in `file-store` is referenced;
- the emulator's request log shows no master uploaded again once committed (a restart after a kill that cut
  off a row's `done` sends one conditional Put Blob, refused with 409, or cut short by the next kill; a block
  upload finds its blocks and
  the blob and sends nothing), and none committed twice;
- `ironviper restore` into an empty folder gives back the library byte for byte.

The schedule (file sizes, changes, kill moments, fault decisions) comes from one seed, printed first, so a
failing run can be replayed. Used by `benchmarks/chaos/daemon-kill` / `daemon-faults` and, bounded, by
`Tests/Compatibility/test_daemon_chaos.py`.
"""
import argparse
import filecmp
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Compatibility"))

from azure.data.tables import TableServiceClient  # noqa: E402
from azure.storage.blob import BlobServiceClient  # noqa: E402

from conftest import start_emulator  # noqa: E402
from daemon_harness import RENDITIONS, Daemon, check_file, encode_key, sha256  # noqa: E402

# Every way a request can fail, about 10 % in all: half fail before the operation, half after it was applied.
EVERY_FAULT = [
    "*:*:*:rate=0.05:kinds=500,503,408,reset,reset-mid-body,truncate,latency:phase=before:retry-after=1:latency=300",
    "*:*:*:rate=0.05:kinds=500,503,408,reset,truncate:phase=after:retry-after=1",
]
# The windows the aimed kills land in (issue 18): the emulator holds the first matching request for 1.5 s and the
# daemon is killed while it is held, so the kill is inside that piece of cloud work for certain. "before": the
# request has arrived and is not applied yet (a master or block mid-upload); "after": it is applied and its answer
# not yet sent (a master committed, a row or rendition written, and the daemon never hears so).
KILL_WINDOWS = {
    "master upload, not yet stored": "blob:PUT:/devstoreaccount1/file-store/*:rate=1:kinds=latency:phase=before",
    "master stored, answer not heard": "blob:PUT:/devstoreaccount1/file-store/*:rate=1:kinds=latency:phase=after",
    "files/history/folders row written, answer not heard": "table:*:*:rate=1:kinds=latency:phase=after",
    "rendition stored, answer not heard": "blob:PUT:/devstoreaccount1/pv-store/*:rate=1:kinds=latency:phase=after",
    "block of a big master, not yet stored": "blob:PUT:/devstoreaccount1/file-store/*:rate=1:kinds=latency:comp=block",
    # Last, so the bounded test's five cycles aim at the same four windows as before it.
    "files rows batch written, answer not heard": "table:POST:/devstoreaccount1/$batch:rate=1:kinds=latency:phase=after",
}
HOLD_MS = 1500
MASTER_PUT = re.compile(r" [Bb]lob PUT /devstoreaccount1/file-store/([0-9a-f]{64})(\?comp=block(?:list)?&?[^ ]*)? (\d{3})")


@dataclass
class Report:
    seed: int
    mode: str
    cycles: int = 0
    kills: int = 0
    kills_during_sync: int = 0
    kills_with_request_held: int = 0
    kills_by_window: dict = field(default_factory=dict)
    descriptions_finished_after_kill: int = 0
    files_written: int = 0
    files_verified: int = 0
    renditions_verified: int = 0
    deleted_verified: int = 0
    masters: int = 0
    uploads_after_commit: int = 0
    refused_after_commit: int = 0
    resends_cut_after_commit: int = 0
    masters_committed_twice: int = 0
    faults_injected: dict = field(default_factory=dict)
    requests_seen: int = 0
    restored_identical: int = 0
    lost: int = 0
    orphans: int = 0
    seconds: float = 0


class Library:
    """The photo folder and the changes made to it, from one random source."""

    def __init__(self, root, rng, big_every=7):
        self.root = root
        self.rng = rng
        self.big_every = big_every
        self.deleted = set()
        self.count = 0

    def files(self):
        found = []
        for folder, _, names in os.walk(self.root):
            found += [os.path.relpath(os.path.join(folder, n), self.root) for n in names]
        return sorted(found)

    def add(self):
        self.count += 1
        folder = self.rng.choice(["2024/rome", "2024/été", "2025", "scans", "raw files"])
        name = f"{folder}/file {self.count:03d}"
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        existing = self.files()
        if existing and self.rng.random() < 0.15:  # a duplicate: stored once
            shutil.copyfile(os.path.join(self.root, self.rng.choice(existing)), path + ".dup")
            self.deleted.discard(name + ".dup")
            return
        if self.rng.random() < 0.4:
            subprocess.run(["convert", "-size", "320x240", "plasma:fractal", "-seed", str(self.rng.randrange(1 << 30)),
                            path + ".jpg"], check=True)
            self.deleted.discard(name + ".jpg")
            return
        # Binary files of a few KB to a few MB; every `big_every`-th is above the single-upload limit
        # (32 MiB), so it goes up in blocks and a kill can land between them.
        size = 40 << 20 if self.count % self.big_every == 0 else self.rng.randrange(1, 6 << 20)
        with open(path + ".bin", "wb") as f:
            f.write(self.rng.randbytes(size))
        self.deleted.discard(name + ".bin")

    def change(self):
        files = self.files()
        if not files:
            return
        roll = self.rng.random()
        victim = self.rng.choice(files)
        path = os.path.join(self.root, victim)
        if roll < 0.3:  # edit: a new version
            with open(path, "ab") as f:
                f.write(self.rng.randbytes(1024))
        elif roll < 0.5:  # delete
            os.remove(path)
            self.deleted.add(victim)
        elif roll < 0.7:  # rename a file
            target = victim + ".renamed"
            os.rename(path, os.path.join(self.root, target))
            self.deleted.add(victim)
            self.deleted.discard(target)
        elif roll < 0.8:  # rename a folder
            folder = os.path.dirname(victim)
            if folder:
                target = folder + " moved"
                if not os.path.exists(os.path.join(self.root, target)):
                    before = [f for f in files if f.startswith(folder + "/")]
                    os.rename(os.path.join(self.root, folder), os.path.join(self.root, target))
                    for f in before:
                        self.deleted.add(f)
                        self.deleted.discard(target + f[len(folder):])


def wait_for_cloud_work(daemon, timeout):
    """Returns once the daemon's outbox holds rows not done (polled every 5 ms), or after `timeout`."""
    deadline = time.monotonic() + timeout
    while outbox_depth(daemon) == 0 and time.monotonic() < deadline and daemon.process.poll() is None:
        time.sleep(0.005)


def outbox_depth(daemon):
    """Outbox rows not done, read from the catalog directly (no process to spawn just before a kill)."""
    try:
        catalog = sqlite3.connect(f"file:{daemon.state}/catalog.sqlite?mode=ro", uri=True, timeout=1)
        try:
            return catalog.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0]
        finally:
            catalog.close()
    except sqlite3.Error:
        return 0


def converge(daemon, library, timeout):
    """Waits until the catalog holds every local file and the outbox is empty; parked rows are retried
    (`ironviper sync`) rather than accepted."""
    time.sleep(1.5)  # the last changes settle (0.3 s) and are batched before they show in the catalog
    count = len(library.files())
    deadline = time.monotonic() + timeout

    def settled(s):
        return s["libraries"][0]["files"]["present"] == count and (s["outbox"]["pending"] == {} or s["outbox"]["parked"])
    while True:
        status = daemon.wait_for(settled, "the sync", timeout=max(1, deadline - time.monotonic()))
        if status["outbox"]["pending"] == {} and not status["outbox"]["parked"]:
            return status
        assert time.monotonic() < deadline, f"parked rows do not clear: {status['outbox']['parked']}"
        daemon.ironviper("sync")
        time.sleep(1)


def check(daemon, library, emulator, report, work):
    """The independent checks of the module docstring; raises AssertionError on any loss."""
    blobs = BlobServiceClient.from_connection_string(daemon.connection_string)
    tables = TableServiceClient.from_connection_string(daemon.connection_string)
    verify = daemon.ironviper("verify", "--deep", "--json")
    assert verify.returncode == 0, f"verify --deep is not clean:\n{verify.stdout}\n{verify.stderr}"

    masters = {b.name: b for b in blobs.get_container_client("file-store").list_blobs()}
    rows = {e["RowKey"]: e for e in
            tables.get_table_client("files").query_entities(f"PartitionKey eq '{daemon.files_partition}'")}
    history_rows = list(tables.get_table_client("history").list_entities())
    history = {e["sha256"] for e in history_rows if "sha256" in e}
    versions = {(e["PartitionKey"], e.get("sha256")) for e in history_rows}
    folders = {(e["PartitionKey"], e["RowKey"]) for e in tables.get_table_client("folders").list_entities()}
    previews = {b.name for b in blobs.get_container_client("pv-store").list_blobs()}
    report.masters = len(masters)
    for relative in library.files():
        local = os.path.join(library.root, relative)
        if sha256(local) not in masters:
            report.lost += 1
        digest = check_file(blobs, masters, rows, relative, local, previews if relative.endswith(".jpg") else None)
        assert (daemon.scoped(encode_key(f"photos/{relative}")), digest) in versions, \
            f"no history row for this version of {relative}"
        parent, name = os.path.split(os.path.dirname(relative))
        if name:
            partition = daemon.scoped("photos" if not parent else encode_key(f"photos/{parent}"))
            assert (partition, name) in folders, f"no folders row for {os.path.dirname(relative)}"
        if relative.endswith(".jpg"):
            report.renditions_verified += len(RENDITIONS)
        report.files_verified += 1
    for relative in library.deleted:
        if os.path.exists(os.path.join(library.root, relative)):
            continue
        row = rows.get(encode_key(relative))
        assert row is None or row["deleted"] is True, f"{relative} was deleted but its row says present"
        report.deleted_verified += 1
    referenced = {r["sha256"] for r in rows.values() if "sha256" in r} | history
    orphans = set(masters) - referenced
    report.orphans = len(orphans)
    assert not orphans, f"masters no row references: {sorted(orphans)}"

    # A master is uploaded until it is committed, never after: once a Put Blob or Put Block List of it
    # answered 201, no later Put Blob, Put Block or Put Block List of the same name may come, except a Put Blob
    # refused with 409: a row whose commit a kill cut off before `done` runs again and Puts first (issue 15: no
    # Get Properties before a conditional Put), and `If-None-Match: *` refuses it without touching the blob.
    commits, after_commit = {}, {}
    with open(emulator.debug_log) as f:
        for line in f:
            match = MASTER_PUT.search(line)
            if not match:
                continue
            name, comp, status = match.groups()
            if name in commits and comp is None and status == "409":
                report.refused_after_commit += 1
            elif name in commits and not status.startswith("2"):
                # A conditional Put Blob sent again (its sender never heard the first commit: a kill while the
                # emulator held it) and itself cut short by the next kill: nothing stored.
                report.resends_cut_after_commit += 1
            elif name in commits:
                after_commit[name] = after_commit.get(name, 0) + 1
            if status == "201" and (comp is None or comp.startswith("?comp=blocklist")):
                commits[name] = commits.get(name, 0) + 1
    assert set(commits) == set(masters), "the request log does not account for every master"
    report.uploads_after_commit = sum(after_commit.values())
    report.masters_committed_twice = sum(1 for n in commits.values() if n > 1)
    assert report.masters_committed_twice == 0, {k: n for k, n in commits.items() if n > 1}
    # With faults, a commit whose success was hidden (phase=after) is rightly tried again, and refused
    # (If-None-Match: *): never committed twice.
    if report.mode == "kill":
        assert not after_commit, f"masters uploaded again after their commit: {after_commit}"

    restored = os.path.join(work, "restored")
    out = subprocess.run([daemon.binary, "restore", "--connection-string", daemon.connection_string,
                          "--library", "photos", "--to", restored],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    for relative in library.files():
        assert filecmp.cmp(os.path.join(library.root, relative), os.path.join(restored, relative), shallow=False), relative
        report.restored_identical += 1



def fault_rule(spec):
    """A `--faults` spec as the admin endpoint's JSON rule, holding its request for HOLD_MS."""
    service, method, path, *options = spec.split(":")
    rule = {"service": service, "method": method, "path": path, "latencyMs": HOLD_MS}
    for option in options:
        key, value = option.split("=", 1)
        rule[key] = [value] if key == "kinds" else float(value) if key == "rate" else value
    return rule


class Storage:
    """An emulator process of the run's own, on one data directory, with a request log (and faults)."""

    def __init__(self, work, faults=(), seed=0):
        self.location = os.path.join(work, "storage")
        self.debug_log = os.path.join(work, "requests.log")
        args = ["-d", self.debug_log]
        if faults:
            args += ["--faults-seed", str(seed)]
            for rule in faults:
                args += ["--faults", rule]
        self.emulator = start_emulator(location=self.location, extra_args=args)
        self.connection_string = self.emulator.connection_string

    def fault_counters(self):
        with urllib.request.urlopen(self.emulator.endpoints["Blob"] + "/_ironviper/faults") as answer:
            return json.load(answer)

    def hold(self, rule):
        """Holds the next requests matching `rule` (a --faults spec) for HOLD_MS, counting each one held."""
        request = urllib.request.Request(
            self.emulator.endpoints["Blob"] + "/_ironviper/faults", method="PUT",
            data=json.dumps({"rules": [fault_rule(rule)]}).encode())
        urllib.request.urlopen(request).close()

    def wait_for_hold(self, daemon, timeout):
        """True once the emulator holds a request of the rule (polled every 5 ms), False after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and daemon.process.poll() is None:
            if self.fault_counters()["counters"]["byKind"]["latency"] > 0:
                return True
            time.sleep(0.005)
        return False

    def clear_faults(self):
        request = urllib.request.Request(self.emulator.endpoints["Blob"] + "/_ironviper/faults", method="DELETE")
        urllib.request.urlopen(request).close()

    def stop(self):
        self.emulator.stop()


def run(mode, seed, cycles=20, files=40, work=None, log=print):
    """Runs one chaos session and returns its Report; raises AssertionError when something was lost."""
    rng = random.Random(seed)
    report = Report(seed=seed, mode=mode)
    started = time.monotonic()
    passed = False
    work = work or tempfile.mkdtemp(prefix=f"ironviper-chaos-{mode}-")
    storage = Storage(work, faults=EVERY_FAULT if mode == "faults" else (), seed=seed)
    daemon = Daemon(work, storage=storage.connection_string)
    library = Library(daemon.library, rng)
    try:
        if mode == "kill":
            per_cycle = max(1, files // cycles)
            for cycle in range(cycles):
                for _ in range(per_cycle):
                    library.add()
                if cycle % 2 == 1:
                    library.change()
                # One cycle in three: a random moment from the process's start, not its readiness, so start-up,
                # the reconcile scan and hashing get their share. The others: aimed, in turn, at one of the
                # KILL_WINDOWS, by a request the emulator holds (a clock alone landed few kills in cloud work).
                window = None if cycle % 3 == 0 else list(KILL_WINDOWS)[(cycle - cycle // 3 - 1) % len(KILL_WINDOWS)]
                if window:
                    storage.hold(KILL_WINDOWS[window])
                daemon.start(wait=False)
                started = time.monotonic()
                held = False
                if window:
                    held = storage.wait_for_hold(daemon, timeout=30)
                else:
                    time.sleep(rng.uniform(0.05, 1.5))
                moment = time.monotonic() - started
                busy = outbox_depth(daemon)
                daemon.kill()
                if window:
                    storage.clear_faults()
                report.kills_during_sync += busy > 0
                report.kills_with_request_held += held
                if held:
                    report.kills_by_window[window] = report.kills_by_window.get(window, 0) + 1
                report.kills += 1
                report.cycles += 1
                where = f"while the emulator held a request ({window})" if held else (
                    f"aimed at '{window}', but no such request came" if window else "at a random moment")
                log(f"cycle {cycle + 1}/{cycles}: killed after {moment:.2f} s {where}, {busy} outbox rows pending")
        else:
            daemon.start()
            for step in range(files):
                library.add()
                if step % 5 == 4:
                    library.change()
            report.cycles = 1
        if mode == "kill":
            daemon.start()
        converge(daemon, library, timeout=900)
        if mode == "faults":
            counters = storage.fault_counters()["counters"]
            report.faults_injected = {k: v for k, v in counters["byKind"].items() if v} | {"total": counters["injected"]}
            report.requests_seen = counters["requests"]
            storage.clear_faults()  # the checks below are the independent reader's, not the daemon's
        daemon.stop()
        report.files_written = len(library.files())
        with open(os.path.join(work, "daemon.log"), errors="replace") as f:
            report.descriptions_finished_after_kill = sum(
                int(m.group(1)) for m in re.finditer(r"finishing descriptions cut short contents=(\d+)", f.read()))
        check(daemon, library, storage, report, work)
        report.seconds = round(time.monotonic() - started, 1)
        passed = True
        return report
    finally:
        if daemon.process and daemon.process.poll() is None:
            daemon.process.kill()
        storage.stop()
        if passed:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"kept {work} for inspection (seed {seed})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["kill", "faults"])
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 31))
    parser.add_argument("--cycles", type=int, default=20, help="kill: daemon SIGKILLs (at least 20 for issue 7)")
    parser.add_argument("--files", type=int, default=60, help="files added over the run")
    args = parser.parse_args()
    print(f"daemon chaos {args.mode}: seed {args.seed}", flush=True)
    report = run(args.mode, args.seed, cycles=args.cycles, files=args.files, log=lambda m: print(m, flush=True))
    print(json.dumps(report.__dict__, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
