"""Emulator crash chaos: SIGKILL `ironviper-emulator` at random moments during uploads, restart it on the
same data directory, and check that every acknowledged write is intact, no blob is torn, and restart never fails.
With `--versioning` the emulator keeps versions (and soft-deletes for a day): every acknowledged write's version,
named by the `x-ms-version-id` it was acknowledged with, must also read back whole after the restarts.
Each write also sets an access tier and index tags naming its content and tier: after a restart a blob's tags and
tier must belong to the very version its bytes are (they commit in the same transaction). Beside the block-blob
writers, one writer appends blocks to an append blob (after a restart it must hold exactly its acknowledged blocks,
plus at most the one in flight, in order) and one writes and clears 4 KiB runs of a page blob (each run must hold
its last acknowledged content or the one in flight, never a mix; cleared runs read as zeros).

The schedule (kill moments, sizes, upload modes, names) comes from one seed, printed at the start: the same seed
replays the same schedule (thread timing still varies, which is the point of running many cycles).

Used by `benchmarks/chaos/emulator-kill` (100 cycles by default) and, bounded, by
`Tests/Compatibility/test_emulator_crash.py`.
"""
import base64
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobBlock, BlobServiceClient, ContentSettings, StandardBlobTier

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
READY = re.compile(r"^Blob service is successfully listening at (http://\S+)$")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONTAINER = "chaos"
NAMES_PER_WRITER = 6  # few names per writer, so overwrites of the same name are frequent
TIERS = ["Hot", "Cool", "Cold"]  # online tiers, so every version stays readable
APPEND_BLOB, PAGE_BLOB = "append-log", "page-image"
PAGE_RUN, PAGE_RUNS = 4096, 256  # the page blob: 256 runs of 4 KiB (eight pages each), 1 MiB
ZERO_RUN = hashlib.md5(bytes(PAGE_RUN)).hexdigest()


def default_binary() -> str:
    if os.environ.get("EMULATOR_BIN"):
        return os.environ["EMULATOR_BIN"]
    for flavour in ("release", "debug"):
        path = os.path.join(ROOT, ".build", flavour, "ironviper-emulator")
        if os.path.exists(path):
            return path
    raise RuntimeError("no ironviper-emulator built: run `swift build --product ironviper-emulator`")


def content(seed: int, cycle: int, writer: int, attempt: int, size: int) -> bytes:
    """Bytes unique to one write attempt (so an old or mixed version can never pass for the new one)."""
    header = f"{seed}:{cycle}:{writer}:{attempt}:{size}:".encode()
    block = hashlib.sha256(header).digest() * 64  # 2 KiB of pseudo-random bytes
    body = (header + block * (size // len(block) + 1))[:size]
    return body


@dataclass
class NameState:
    """What may legitimately be in one blob after a restart."""

    baseline: str | None = None  # MD5 (hex) of the content known to be committed (acknowledged or seen), or None
    acked_since_check: bool = False  # the baseline is an acknowledged write not yet checked after a restart
    in_flight: set = field(default_factory=set)  # MD5s of writes started after the baseline but not acknowledged
    versions: set = field(default_factory=set)  # MD5 of every version ever written to this name
    acked_versions: dict = field(default_factory=dict)  # version ID -> MD5 of acknowledged writes not yet checked


@dataclass
class Figures:
    cycles: int = 0
    writes_attempted: int = 0
    writes_acknowledged: int = 0
    writes_checked: int = 0  # acknowledged writes read back intact after a restart (the latest of their name)
    blobs_checked: int = 0  # blob reads after restarts, all cycles
    live_reads: int = 0  # blob reads while uploads ran, checked against the versions written
    versions_checked: int = 0  # with versioning: acknowledged versions read back by ID after a restart
    unacked_committed: int = 0  # writes in flight at the kill that turned out committed (allowed)
    appends_acknowledged: int = 0  # Append Block calls answered 201
    append_blocks_checked: int = 0  # appended blocks found in place, in order, after restarts
    page_writes_acknowledged: int = 0  # Put Page (update or clear) answered 201
    page_runs_checked: int = 0  # 4 KiB runs of the page blob read back as acknowledged after restarts
    torn: int = 0
    lost: int = 0
    restart_failures: int = 0
    restart_ms: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def ok(self) -> bool:
        return self.torn == 0 and self.lost == 0 and self.restart_failures == 0

    def summary(self) -> str:
        times = sorted(self.restart_ms) or [0]
        return (
            f"cycles: {self.cycles}\n"
            f"writes attempted: {self.writes_attempted}\n"
            f"writes acknowledged: {self.writes_acknowledged}\n"
            f"writes checked (acknowledged, read back intact after a restart): {self.writes_checked}\n"
            f"blob reads after restarts: {self.blobs_checked}\n"
            f"blob reads during uploads (checked for torn content): {self.live_reads}\n"
            f"unacknowledged writes found committed (allowed): {self.unacked_committed}\n"
            f"versions read back by ID after a restart: {self.versions_checked}\n"
            f"append blocks acknowledged: {self.appends_acknowledged}, found in order after restarts: "
            f"{self.append_blocks_checked}\n"
            f"page writes acknowledged: {self.page_writes_acknowledged}, runs read back after restarts: "
            f"{self.page_runs_checked}\n"
            f"torn: {self.torn}\nlost: {self.lost}\nrestart failures: {self.restart_failures}\n"
            f"restart to ready: median {times[len(times) // 2]:.0f} ms, max {times[-1]:.0f} ms"
        )


class Emulator:
    def __init__(self, binary: str, location: str, versioning: bool = False):
        self.binary, self.location = binary, location
        self.process = None
        self.endpoint = None
        self.extra = []
        if versioning:
            config = os.path.join(location, "accounts.json")
            os.makedirs(location, exist_ok=True)
            with open(config, "w") as f:
                json.dump({ACCOUNT: {"blob": {"versioning": True, "deleteRetentionDays": 1}}}, f)
            self.extra = ["--account-config", config]

    def start(self, timeout=30.0) -> float:
        """Starts the Blob service on a free port; returns milliseconds to the ready line."""
        started = time.monotonic()
        self.process = subprocess.Popen(
            [self.binary, "--location", self.location, "--services", "blob", "--blobPort", "0", "--silent"] + self.extra,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = []
        deadline = started + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"emulator exited before it was ready: {''.join(output)}")
            output.append(line)
            match = READY.match(line.strip())
            if match:
                self.endpoint = match.group(1)
            if line.startswith("ironviper-emulator ready") and self.endpoint:
                # Keep draining output so the emulator never blocks on a full pipe.
                threading.Thread(target=self.process.stdout.read, daemon=True).start()
                return (time.monotonic() - started) * 1000
        self.kill()
        raise RuntimeError(f"emulator not ready after {timeout} s: {''.join(output)}")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def client(self, **kwargs) -> BlobServiceClient:
        connection = (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                      f"BlobEndpoint={self.endpoint}/{ACCOUNT};")
        return BlobServiceClient.from_connection_string(connection, **kwargs)


class Chaos:
    def __init__(self, binary: str, location: str, seed: int, writers: int = 4, max_kill_delay: float = 1.5,
                 log=print, versioning: bool = False):
        self.emulator = Emulator(binary, location, versioning)
        self.seed, self.writers, self.max_kill_delay, self.log = seed, writers, max_kill_delay, log
        self.names = {f"w{w}-n{n}": NameState() for w in range(writers) for n in range(NAMES_PER_WRITER)}
        self.figures = Figures()
        self.lock = threading.Lock()
        # The append blob: every block ever sent, in order (the committed ones first), and how many were answered.
        self.appended: list[bytes] = []
        self.appends_acked = 0
        # The page blob: per 4 KiB run, the MD5 of its acknowledged content and of the write in flight, if any.
        self.page_acked = [ZERO_RUN] * PAGE_RUNS
        self.page_in_flight: dict[int, str] = {}

    def run(self, cycles: int) -> Figures:
        self.log(f"emulator kill chaos: {cycles} cycles, seed {self.seed} (replay with --seed {self.seed}), "
                 f"{self.writers} writers, data in {self.emulator.location}")
        try:
            for cycle in range(cycles):
                if not self.restart(cycle):
                    break
                self.check(cycle)
                self.upload_and_kill(cycle)
                self.figures.cycles += 1
                if self.figures.cycles % 10 == 0:
                    f = self.figures
                    self.log(f"  {f.cycles} cycles: {f.writes_acknowledged} writes acknowledged, {f.writes_checked} checked, "
                             f"{f.torn} torn, {f.lost} lost, {f.restart_failures} restart failures")
            # One last restart checks the writes of the last cycle.
            if self.restart(cycles):
                self.check(cycles)
        finally:
            self.emulator.stop()
        return self.figures

    def restart(self, cycle: int) -> bool:
        try:
            self.figures.restart_ms.append(self.emulator.start())
            return True
        except Exception as error:  # noqa: BLE001 - any failure to come back is the finding
            self.figures.restart_failures += 1
            self.figures.problems.append(f"cycle {cycle}: restart failed: {error}")
            self.log(self.figures.problems[-1])
            return False

    def check(self, cycle: int):
        """Every name holds its last acknowledged write, or a write that was in flight at the kill."""
        service = self.emulator.client()
        container = service.get_container_client(CONTAINER)
        if cycle == 0:
            try:
                container.create_container()
            except Exception:  # noqa: BLE001 - exists from an earlier run on the same directory
                pass
            container.get_blob_client(APPEND_BLOB).create_append_blob()
            container.get_blob_client(PAGE_BLOB).create_page_blob(PAGE_RUN * PAGE_RUNS)
        self.check_append(cycle, container)
        self.check_pages(cycle, container)
        try:
            listed = {blob.name: blob.size for blob in container.list_blobs()}
        except ResourceNotFoundError:
            listed = {}
            if any(state.baseline for state in self.names.values()):
                self.problem("lost", cycle, CONTAINER, "the container is gone")
        for name, state in self.names.items():
            allowed = set(state.in_flight) | ({state.baseline} if state.baseline else set())
            try:
                downloader = container.get_blob_client(name).download_blob()
                data = downloader.readall()
                stored_md5 = downloader.properties.content_settings.content_md5
            except ResourceNotFoundError:
                data = None
            except Exception as error:  # noqa: BLE001 - a blob that cannot be read back is lost to its owner
                self.problem("lost", cycle, name, f"cannot be read after the restart: {error}")
                continue
            self.figures.blobs_checked += 1
            if data is None:
                if state.baseline is not None:
                    self.problem("lost", cycle, name, "absent, but a write was acknowledged or seen")
                elif name in listed:
                    self.problem("torn", cycle, name, "listed but cannot be read")
                state.in_flight.clear()
                continue
            md5 = hashlib.md5(data).hexdigest()
            if listed.get(name) != len(data):
                self.problem("torn", cycle, name, f"listing says {listed.get(name)} bytes, read {len(data)}")
            elif stored_md5 is not None and bytes(stored_md5).hex() != md5:
                self.problem("torn", cycle, name, f"bytes do not match the blob's Content-MD5 ({len(data)} bytes)")
            elif md5 not in state.versions:
                self.problem("torn", cycle, name, f"bytes match no version ever written ({len(data)} bytes)")
            elif md5 not in allowed:
                self.problem("lost", cycle, name, "holds an older version than the last acknowledged write")
            else:
                self.check_description(cycle, container, name, md5)
                if md5 == state.baseline and state.acked_since_check:
                    self.figures.writes_checked += 1
                elif md5 != state.baseline:
                    self.figures.unacked_committed += 1
            state.baseline = md5 if md5 in state.versions else state.baseline
            state.acked_since_check = False
            state.in_flight.clear()
        self.check_versions(cycle, container)

    def check_versions(self, cycle: int, container):
        """With versioning: each version acknowledged since the last check reads back, by its ID, whole."""
        for name, state in self.names.items():
            for version_id, md5 in sorted(state.acked_versions.items()):
                try:
                    data = container.get_blob_client(name, version_id=version_id).download_blob().readall()
                except Exception as error:  # noqa: BLE001 - an acknowledged version that cannot be read is lost
                    self.problem("lost", cycle, name, f"version {version_id} cannot be read after the restart: {error}")
                    continue
                if hashlib.md5(data).hexdigest() != md5:
                    self.problem("torn", cycle, name, f"version {version_id} holds other bytes ({len(data)})")
                else:
                    self.figures.versions_checked += 1
            state.acked_versions.clear()

    def check_description(self, cycle: int, container, name: str, md5: str):
        """A blob's tags and tier are those its version was written with: they name its bytes' MD5 and its tier."""
        blob = container.get_blob_client(name)
        try:
            tags, tier = blob.get_blob_tags(), blob.get_blob_properties().blob_tier
        except Exception as error:  # noqa: BLE001 - its bytes were just read: anything else missing is torn
            self.problem("torn", cycle, name, f"tags or tier cannot be read: {error}")
            return
        if tags != {"md5": md5, "tier": tier} or tier not in TIERS:
            self.problem("torn", cycle, name, f"tags {tags} and tier {tier} are not those of its bytes ({md5})")

    def check_append(self, cycle: int, container):
        """The append blob holds its acknowledged blocks in order, and at most the one in flight after them."""
        try:
            data = container.get_blob_client(APPEND_BLOB).download_blob().readall()
        except Exception as error:  # noqa: BLE001
            return self.problem("lost", cycle, APPEND_BLOB, f"cannot be read after the restart: {error}")
        prefix = b"".join(self.appended[:self.appends_acked])
        committed = self.appends_acked
        if len(self.appended) > committed and data == prefix + self.appended[committed]:
            committed += 1  # the block in flight at the kill was committed: allowed
        elif data != prefix:
            kind = "lost" if len(data) < len(prefix) else "torn"
            return self.problem(kind, cycle, APPEND_BLOB, f"holds {len(data)} bytes, not its {committed} acknowledged "
                                                         f"blocks ({len(prefix)} bytes) in order")
        self.figures.append_blocks_checked += committed
        del self.appended[committed:]  # what was not committed was never appended
        self.appends_acked = committed

    def check_pages(self, cycle: int, container):
        """Each 4 KiB run of the page blob holds its acknowledged content or the write in flight, never a mix."""
        try:
            data = container.get_blob_client(PAGE_BLOB).download_blob().readall()
        except Exception as error:  # noqa: BLE001
            return self.problem("lost", cycle, PAGE_BLOB, f"cannot be read after the restart: {error}")
        if len(data) != PAGE_RUN * PAGE_RUNS:
            return self.problem("torn", cycle, PAGE_BLOB, f"is {len(data)} bytes long, not {PAGE_RUN * PAGE_RUNS}")
        for run in range(PAGE_RUNS):
            found = hashlib.md5(data[run * PAGE_RUN:(run + 1) * PAGE_RUN]).hexdigest()
            if found == self.page_acked[run]:
                self.figures.page_runs_checked += 1
            elif found == self.page_in_flight.get(run):
                self.page_acked[run] = found  # the write in flight at the kill was committed: allowed
            else:
                self.problem("torn", cycle, f"{PAGE_BLOB}[{run}]", "holds neither its acknowledged content nor the "
                                                                  "write in flight")
        self.page_in_flight.clear()

    def appender(self, service, cycle: int, stop: threading.Event):
        """Appends blocks of 1 B to 64 KiB, one at a time, to the append blob until the kill."""
        rng = random.Random(f"{self.seed}:{cycle}:append")
        blob = service.get_container_client(CONTAINER).get_blob_client(APPEND_BLOB)
        attempt = 0
        while not stop.is_set():
            block = content(self.seed, cycle, 100, attempt, rng.randrange(1, 64 * 1024))
            attempt += 1
            self.appended.append(block)
            try:
                blob.append_block(block)
            except Exception:  # noqa: BLE001 - killed under us: not acknowledged
                return
            self.appends_acked = len(self.appended)
            self.figures.appends_acknowledged += 1

    def pager(self, service, cycle: int, stop: threading.Event):
        """Writes (or, one time in five, clears) a random 4 KiB run of the page blob until the kill."""
        rng = random.Random(f"{self.seed}:{cycle}:pages")
        blob = service.get_container_client(CONTAINER).get_blob_client(PAGE_BLOB)
        attempt = 0
        while not stop.is_set():
            run = rng.randrange(PAGE_RUNS)
            clear = rng.random() < 0.2
            data = bytes(PAGE_RUN) if clear else content(self.seed, cycle, 200, attempt, PAGE_RUN)
            attempt += 1
            self.page_in_flight[run] = hashlib.md5(data).hexdigest()
            try:
                if clear:
                    blob.clear_page(offset=run * PAGE_RUN, length=PAGE_RUN)
                else:
                    blob.upload_page(data, offset=run * PAGE_RUN, length=PAGE_RUN)
            except Exception:  # noqa: BLE001 - killed under us: not acknowledged
                return
            self.page_acked[run] = self.page_in_flight.pop(run)
            self.figures.page_writes_acknowledged += 1

    def problem(self, kind: str, cycle: int, name: str, detail: str):
        setattr(self.figures, kind, getattr(self.figures, kind) + 1)
        self.figures.problems.append(f"cycle {cycle}: {kind}: {name}: {detail}")
        self.log(self.figures.problems[-1])

    def upload_and_kill(self, cycle: int):
        schedule = random.Random(f"{self.seed}:{cycle}")
        delay = schedule.uniform(0.02, self.max_kill_delay)
        stop = threading.Event()
        # No retries: a write is acknowledged by the one response it got, and a dead emulator fails fast.
        service = self.emulator.client(retry_total=0, connection_timeout=5, read_timeout=10)
        threads = [threading.Thread(target=self.writer, args=(service, cycle, w, stop)) for w in range(self.writers)]
        threads.append(threading.Thread(target=self.reader, args=(service, cycle, stop)))
        threads.append(threading.Thread(target=self.appender, args=(service, cycle, stop)))
        threads.append(threading.Thread(target=self.pager, args=(service, cycle, stop)))
        for thread in threads:
            thread.start()
        time.sleep(delay)
        self.emulator.kill()
        stop.set()
        for thread in threads:
            thread.join()

    def writer(self, service, cycle: int, writer: int, stop: threading.Event):
        rng = random.Random(f"{self.seed}:{cycle}:{writer}")
        container = service.get_container_client(CONTAINER)
        attempt = 0
        while not stop.is_set():
            name = f"w{writer}-n{rng.randrange(NAMES_PER_WRITER)}"
            mode = rng.choice(["put", "put", "blocks"])
            if mode == "put":
                size = rng.choice([rng.randrange(0, 64 * 1024), rng.randrange(64 * 1024, 1024 * 1024)])
            else:
                size = rng.randrange(256 * 1024, 3 * 1024 * 1024)
            data = content(self.seed, cycle, writer, attempt, size)
            attempt += 1
            md5 = hashlib.md5(data).digest()
            tier = rng.choice(TIERS)
            tags = {"md5": md5.hex(), "tier": tier}
            state = self.names[name]
            with self.lock:
                state.versions.add(md5.hex())
                state.in_flight.add(md5.hex())
                self.figures.writes_attempted += 1
            blob = container.get_blob_client(name)
            try:
                settings = ContentSettings(content_type="application/octet-stream", content_md5=bytearray(md5))
                if mode == "put":
                    answer = blob.upload_blob(
                        data, overwrite=True, content_settings=settings, standard_blob_tier=StandardBlobTier(tier), tags=tags)
                else:
                    block_size = rng.choice([64 * 1024, 256 * 1024, 1024 * 1024])
                    blocks = []
                    for index, offset in enumerate(range(0, len(data), block_size)):
                        block_id = base64.b64encode(f"{cycle:05d}-{attempt:06d}-{index:05d}".encode()).decode()
                        blob.stage_block(block_id, data[offset:offset + block_size])
                        blocks.append(BlobBlock(block_id=block_id))
                    answer = blob.commit_block_list(
                        blocks, content_settings=settings, standard_blob_tier=StandardBlobTier(tier), tags=tags)
            except Exception:  # noqa: BLE001 - the emulator was killed under us: this write is not acknowledged
                return
            with self.lock:
                # Acknowledged: it is now the only content this name may hold after a restart.
                state.baseline = md5.hex()
                state.acked_since_check = True
                state.in_flight.clear()
                if answer.get("version_id"):
                    state.acked_versions[answer["version_id"]] = md5.hex()
                self.figures.writes_acknowledged += 1

    def reader(self, service, cycle: int, stop: threading.Event):
        """Reads blobs while they are being overwritten: what a reader sees must always be one whole version."""
        rng = random.Random(f"{self.seed}:{cycle}:reader")
        container = service.get_container_client(CONTAINER)
        names = sorted(self.names)
        while not stop.is_set():
            name = rng.choice(names)
            try:
                downloader = container.get_blob_client(name).download_blob()
                data = downloader.readall()
                stored_md5 = downloader.properties.content_settings.content_md5
            except ResourceNotFoundError:
                continue
            except Exception:  # noqa: BLE001 - the emulator was killed under us
                return
            md5 = hashlib.md5(data).hexdigest()
            with self.lock:
                self.figures.live_reads += 1
                known = md5 in self.names[name].versions
            if not known or (stored_md5 is not None and bytes(stored_md5).hex() != md5):
                with self.lock:
                    self.problem("torn", cycle, name, f"a reader saw {len(data)} bytes that are no whole version")


def main() -> int:
    import argparse
    import logging
    import shutil
    import tempfile

    # The SDK warns about every download a kill cuts short; those are expected here.
    logging.getLogger("azure").setLevel(logging.ERROR)

    parser = argparse.ArgumentParser(description="SIGKILL the emulator during uploads; check nothing acknowledged is lost.")
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--seed", type=int, default=None, help="replay a run's schedule (printed at the start)")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--max-kill-delay", type=float, default=1.5, help="seconds; kills land in [0.02, this]")
    parser.add_argument("--location", default=None, help="data directory (default: a fresh temporary one, removed)")
    parser.add_argument("--emulator", default=None, help="the ironviper-emulator binary")
    parser.add_argument("--versioning", action="store_true", help="versioning and soft delete on; versions checked too")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    binary = args.emulator or default_binary()
    location = args.location or tempfile.mkdtemp(prefix="ironviper-chaos-")
    started = time.monotonic()
    print(f"emulator: {binary}")
    chaos = Chaos(binary, location, seed, writers=args.writers, max_kill_delay=args.max_kill_delay,
                  versioning=args.versioning)
    figures = chaos.run(args.cycles)
    print(figures.summary())
    print(f"elapsed: {time.monotonic() - started:.1f} s, seed {seed}")
    if args.location is None:
        shutil.rmtree(location, ignore_errors=True)
    return 0 if figures.ok() and figures.cycles == args.cycles else 1


if __name__ == "__main__":
    raise SystemExit(main())
