"""Pytest fixtures that run the real `ironviper-emulator` binary for the compatibility suites.

Every suite here drives the emulator with clients nobody on this project wrote (Microsoft's
Python SDKs, Debian's rclone), so a passing run shows the emulator speaks Azure's wire format.
"""
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

import pytest
from azure.core.exceptions import HttpResponseError

ACCOUNT = "devstoreaccount1"
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
READY = re.compile(r"^(Blob|Queue|Table) service is successfully listening at (https?://\S+)$")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def emulator_binary() -> str:
    path = os.environ.get("EMULATOR_BIN") or os.path.join(ROOT, ".build", "debug", "ironviper-emulator")
    if not os.path.exists(path):
        raise RuntimeError(f"emulator binary not found at {path}: run `swift build --product ironviper-emulator`")
    return path


@dataclass
class Emulator:
    """A running emulator process and where each of its services listens."""

    process: subprocess.Popen
    location: str
    args: list
    endpoints: dict = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"{self.endpoints[service]}/{ACCOUNT}"

    @property
    def connection_string(self) -> str:
        scheme = next(iter(self.endpoints.values())).split(":")[0] if self.endpoints else "http"
        parts = [f"DefaultEndpointsProtocol={scheme}", f"AccountName={ACCOUNT}", f"AccountKey={KEY}"]
        for service, name in (("Blob", "BlobEndpoint"), ("Queue", "QueueEndpoint"), ("Table", "TableEndpoint")):
            if service in self.endpoints:
                parts.append(f"{name}={self.url(service)}")
        return ";".join(parts) + ";"

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_emulator(location=None, extra_args=(), services=("blob", "queue", "table"), ports=None, env=None) -> Emulator:
    """Starts the emulator and returns once every requested service printed its ready line."""
    location = location or tempfile.mkdtemp(prefix="ironviper-emulator-")
    ports = ports or {}
    args = [emulator_binary(), "--location", location, "--silent", "--services", ",".join(services)]
    for service in services:
        args += [f"--{service}Port", str(ports.get(service, 0))]
    args += list(extra_args)
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **(env or {})})
    emulator = Emulator(process, location, args)
    deadline = time.monotonic() + 30
    output = []
    # Every service prints its ready line, and the emulator "ironviper-emulator ready" after the last; read until
    # both are in, whatever order the lines come in.
    ready = False
    while not (ready and len(emulator.endpoints) == len(services)):
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"emulator exited before it was ready: {''.join(output)}")
        output.append(line)
        match = READY.match(line.strip())
        if match:
            emulator.endpoints[match.group(1)] = match.group(2)
        elif line.startswith("ironviper-emulator ready"):
            ready = True
        if time.monotonic() > deadline:
            emulator.stop(signal.SIGKILL)
            raise RuntimeError(f"emulator not ready after 30 s: {''.join(output)}")
    return emulator


@contextlib.contextmanager
def emulator_with_features(blob_features: dict, services=("blob",)):
    """An emulator (Blob only unless `services` says more) whose account has `blob_features` (`--account-config`,
    e.g. {"versioning": True}), stopped and its data removed on leaving."""
    directory = tempfile.mkdtemp(prefix="ironviper-features-")
    config = os.path.join(directory, "accounts.json")
    with open(config, "w") as f:
        json.dump({ACCOUNT: {"blob": blob_features}}, f)
    emulator = start_emulator(location=os.path.join(directory, "data"), extra_args=["--account-config", config],
                              services=services)
    try:
        yield emulator
    finally:
        emulator.stop()
        shutil.rmtree(directory, ignore_errors=True)


def eventually(check, what: str, bound: float = 60):
    """Polls `check` until it returns true; the bound is generous and nothing is asserted about the time taken."""
    deadline = time.monotonic() + bound
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {bound} s"
        time.sleep(0.1)


def refused(code, call, *args, **kwargs):
    """Calls `call` and checks that the service refused it with 409 and Azure's error code `code`."""
    with pytest.raises(HttpResponseError) as error:
        call(*args, **kwargs)
    assert (error.value.status_code, error.value.response.headers.get("x-ms-error-code")) == (409, code), error.value.message
    return error.value


@pytest.fixture(scope="session")
def emulator():
    """One emulator (all services, free ports, a fresh data directory) for the whole session."""
    emu = start_emulator()
    yield emu
    emu.stop()
    shutil.rmtree(emu.location, ignore_errors=True)


@pytest.fixture
def unique_name(request):
    """A container/queue/table name unique to the test, valid for every service."""
    base = re.sub(r"[^a-z0-9]", "", request.node.name.lower())[:40]
    return f"t{base}{int(time.time() * 1000) % 100000}"


@pytest.fixture
def blob_container(emulator, unique_name):
    """A new container on the session's emulator, through Microsoft's Blob SDK, deleted after the test."""
    from azure.storage.blob import BlobServiceClient
    client = BlobServiceClient.from_connection_string(emulator.connection_string).create_container(unique_name)
    yield client
    client.delete_container()
