"""One `ironviper-emulator` process for the fuzzer: started on free ports inside a private temp directory.

The data directory is `PARENT/data`; the process also runs with `PARENT` as its working directory and `TMPDIR`, so
a file written anywhere but the data directory (a path escaping through `..`, a temp file, a log) lands in
`PARENT` where the before/after listing sees it.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

READY = re.compile(r"^(Blob|Queue|Table) service is successfully listening at http://([^:/]+):(\d+)$")

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "chaos"))
# The account, its key and the choice of binary ($EMULATOR_BIN, else the release build, else the debug build) are
# the chaos benchmark's.
from emulator_kill import ACCOUNT, KEY, default_binary  # noqa: E402,F401


def listing(top: str) -> dict:
    """Every path under `top` (relative) with its type and size, to compare before and after a run."""
    found = {}
    for directory, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(directory, name)
            try:
                stat = os.lstat(path)
            except FileNotFoundError:
                continue
            found[os.path.relpath(path, top)] = (stat.st_mode >> 12, 0 if os.path.isdir(path) else stat.st_size)
    return found


class EmulatorProcess:
    """Starts the emulator (all services, port 0) and knows its ports, its pid and its private parent directory."""

    def __init__(self, binary: str):
        self.binary = binary
        self.parent = tempfile.mkdtemp(prefix="ironviper-fuzz-")
        self.location = os.path.join(self.parent, "data")
        os.mkdir(self.location)
        self.ports = {}
        self.process = None
        self.output = []

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.parent, ignore_errors=True)

    def start(self, timeout: float = 30):
        """Starts the process and waits for the three ready lines (their ports are the bound ones)."""
        args = [self.binary, "--location", self.location, "--silent",
                "--blobPort", "0", "--queuePort", "0", "--tablePort", "0"]
        env = {**os.environ, "TMPDIR": self.parent}
        self.process = subprocess.Popen(args, cwd=self.parent, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + timeout
        while not self.output or not self.output[-1].startswith("ironviper-emulator ready"):
            line = self.process.stdout.readline()
            if not line or time.monotonic() > deadline:
                self.stop(signal.SIGKILL)
                raise RuntimeError(f"emulator did not start: {''.join(self.output)}")
            self.output.append(line)
            match = READY.match(line.strip())
            if match:
                self.ports[match.group(1).lower()] = int(match.group(3))
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        """Keeps reading the output so a chatty emulator never blocks on a full pipe (which would look like a
        hang); the last 400 lines are kept for the report."""
        for line in self.process.stdout:
            self.output.append(line)
            del self.output[:-400]

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_exit(self, seconds: float):
        """Waits up to `seconds` for the process to exit (it may be dying); returns whether it did."""
        try:
            self.process.wait(timeout=seconds)
            return True
        except subprocess.TimeoutExpired:
            return False

    @property
    def pid(self) -> int:
        return self.process.pid

    def exit_description(self) -> str:
        """How the process ended ("signal 11", "exit 1"), for the report."""
        code = self.process.poll()
        if code is None:
            return "running"
        return f"signal {-code}" if code < 0 else f"exit {code}"

    def rss_kib(self) -> int:
        """Resident set size from /proc (VmRSS, KiB); 0 when the process is gone."""
        try:
            with open(f"/proc/{self.pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1])
        except FileNotFoundError:
            pass
        return 0

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}/{ACCOUNT}"

    @property
    def connection_string(self) -> str:
        return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={KEY};"
                f"BlobEndpoint={self.url('blob')};QueueEndpoint={self.url('queue')};TableEndpoint={self.url('table')};")

    def stop(self, sig=signal.SIGTERM):
        """Stops the process (SIGKILL after 15 s)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(sig)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
