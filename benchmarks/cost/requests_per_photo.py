"""Billed requests per photo: a known corpus backed up by `ironviper run` into an emulator process whose request
log (`--debug`) is counted by Azure's billing classes, the way the 26-27 per photo of the README were counted.

    benchmarks/cost/requests-per-photo [--photos 12] [--baseline OLD_IRONVIPER_BIN] [--corpus DIR]

With --baseline, the same corpus is backed up by that binary first, then by this checkout's (IRONVIPER_BIN or
.build/debug/ironviper), each into a fresh emulator and state directory, and both results are printed: the
before and after of one run. Prints one JSON object per binary, then the comparison. --corpus backs up the
JPEGs of DIR instead (say benchmarks/imaging/make-corpus.sh's 24 MP photos); the current binary's result then
carries `ironviper cost --json`'s profiles, scaled per 10,000 photos.
"""
import argparse
import collections
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Compatibility"))

from conftest import start_emulator  # noqa: E402
from daemon_harness import Daemon, make_jpeg  # noqa: E402

LINE = re.compile(r"^\S+ (\w+) (\w+) (\S+) (\d{3})")


def billing_class(service, method, path):
    """Azure's price class of one logged request (standard general-purpose v2), as BillingClass has it."""
    service = service.lower()
    if service == "table":
        return "table"
    if service == "queue":
        return "queue"
    query = path.split("?", 1)[1] if "?" in path else ""
    params = dict(p.split("=", 1) if "=" in p else (p, "") for p in query.split("&") if p)
    comp, restype = params.get("comp"), params.get("restype")
    if method == "DELETE":
        return "delete"
    if comp == "list" or (method == "PUT" and restype == "container" and comp is None):
        return "list"
    if method == "PUT" and comp in (None, "block", "blocklist", "tier", "copy", "snapshot", "properties", "metadata"):
        return "write"
    if method == "GET" and comp in (None, "blocklist"):
        return "read"
    return "other"


def count(log_path):
    classes, operations = collections.Counter(), collections.Counter()
    with open(log_path) as f:
        for line in f:
            match = LINE.match(line)
            if not match:
                continue
            service, method, path, status = match.groups()
            klass = billing_class(service, method, path)
            classes[klass] += 1
            comp = re.search(r"[?&]comp=(\w+)", path)
            operations[f"{service} {method}{' ' + comp.group(1) if comp else ''} {status}"] += 1
    return classes, operations


def settled(catalog_path, photos):
    """Every photo described (previews queued) and every outbox row done: the backup is complete."""
    if not os.path.exists(catalog_path):
        return False
    db = sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True, timeout=10)
    try:
        files = db.execute("SELECT count(*) FROM files WHERE state = 'present'").fetchone()[0]
        undescribed = db.execute("SELECT count(*) FROM assets WHERE analyzed_at = ''").fetchone()[0]
        open_rows = db.execute("SELECT count(*) FROM outbox WHERE done_at IS NULL").fetchone()[0]
        return files == photos and undescribed == 0 and open_rows == 0
    except sqlite3.OperationalError:  # not migrated yet
        return False
    finally:
        db.close()


def measure(binary, photos, corpus, metrics, cost=False):
    work = tempfile.mkdtemp(prefix="ironviper-cost-")
    log = os.path.join(work, "requests.log")
    emulator = start_emulator(location=os.path.join(work, "storage"), extra_args=["-d", log])
    try:
        daemon = Daemon(work, storage=emulator.connection_string, metrics=metrics)
        daemon.binary = binary
        for name in sorted(n for n in os.listdir(corpus) if n.lower().endswith((".jpg", ".jpeg"))):
            shutil.copy2(os.path.join(corpus, name), os.path.join(daemon.library, name))
        daemon.start()
        catalog = os.path.join(daemon.state, "catalog.sqlite")
        daemon.wait_for(lambda s: settled(catalog, photos), "every photo backed up", timeout=600)
        daemon.stop()
        classes, operations = count(log)
        billed = sum(n for k, n in classes.items() if k != "delete")
        result = {"binary": binary, "photos": photos, "billed": billed, "perPhoto": round(billed / photos, 2),
                  "classes": dict(sorted(classes.items())), "operations": dict(sorted(operations.items()))}
        if cost:
            out = daemon.ironviper("cost", "--json")
            if out.returncode == 0:
                report = json.loads(out.stdout)["report"]
                result["profiles"] = report["profiles"]
                result["stored"] = report["stored"]
        return result
    finally:
        emulator.stop()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=12)
    parser.add_argument("--baseline", help="an older ironviper binary to measure first, on the same corpus")
    parser.add_argument("--corpus", help="a folder of JPEGs to back up instead of generated 320x240 ones")
    args = parser.parse_args()
    current = os.environ.get("IRONVIPER_BIN") or os.path.join(HERE, "..", "..", ".build", "debug", "ironviper")
    corpus = args.corpus or tempfile.mkdtemp(prefix="ironviper-cost-corpus-")
    try:
        if args.corpus:
            args.photos = len([n for n in os.listdir(corpus) if n.lower().endswith((".jpg", ".jpeg"))])
        else:
            for index in range(args.photos):
                make_jpeg(os.path.join(corpus, f"IMG_{index:04d}.jpg"), seed=index + 1)
        results = []
        # A baseline from before [metrics] existed would refuse the section as an unknown key.
        runs = ([(args.baseline, None)] if args.baseline else []) + [(os.path.abspath(current), "127.0.0.1:0")]
        for binary, metrics in runs:
            result = measure(binary, args.photos, corpus, metrics, cost=metrics is not None)
            print(json.dumps(result, indent=1), flush=True)
            results.append(result)
        if len(results) == 2:
            print(f"billed requests per photo: before {results[0]['perPhoto']}, after {results[1]['perPhoto']} "
                  f"({args.photos} photos)")
    finally:
        if not args.corpus:
            shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    main()
