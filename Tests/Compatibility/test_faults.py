"""Fault injection seen by Microsoft's `azure-storage-blob`: its retries carry uploads and downloads through
injected 500s, 503s (with Retry-After), 408s, connection resets and truncated responses, and the data ends correct.

The emulator runs with its command-line fault rules and a fixed seed, so a failure here replays exactly.
"""
import hashlib
import json
import shutil
import urllib.request

import pytest
from azure.storage.blob import BlobServiceClient, ContentSettings, LinearRetry

from conftest import start_emulator

SEED = 5
RULES = [
    # Writes: failures before the operation, and 500s after it (the write committed, the client is told it did not).
    "blob:PUT:/devstoreaccount1/faults/*:rate=0.25:kinds=500,503,408,reset,reset-mid-body:phase=before:retry-after=0",
    "blob:PUT:/devstoreaccount1/faults/*:rate=0.15:kinds=500,reset:phase=after",
    # Reads: errors and bodies cut short.
    "blob:GET:/devstoreaccount1/faults/*:rate=0.2:kinds=500,503,reset,truncate,reset-mid-body:retry-after=0",
]


@pytest.fixture
def faulty():
    emulator = start_emulator(services=("blob",), extra_args=[a for r in RULES for a in ("--faults", r)]
                              + ["--faults-seed", str(SEED)])
    yield emulator
    emulator.stop()
    shutil.rmtree(emulator.location, ignore_errors=True)


def admin(emulator, method="GET", body=None):
    request = urllib.request.Request(f"{emulator.endpoints['Blob']}/_ironviper/faults", method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def payload(size: int, salt: int) -> bytes:
    block = hashlib.sha256(f"{salt}".encode()).digest() * 128
    return (block * (size // len(block) + 1))[:size]


def test_sdk_retries_through_injected_faults(faulty):
    # Fast, jitter-free retries: the faults are the point, not the waiting. The container is made first, fault-free
    # (its path is outside the rules).
    retry = LinearRetry(backoff=0, random_jitter_range=0, retry_total=12)
    service = BlobServiceClient.from_connection_string(faulty.connection_string, retry_policy=retry,
                                                       max_single_put_size=512 * 1024, max_block_size=256 * 1024,
                                                       max_chunk_get_size=512 * 1024, max_single_get_size=512 * 1024)
    container = service.create_container("faults")
    blobs = {f"photo-{i}.jpg": payload(size, i) for i, size in
             enumerate([0, 1, 1000, 64 * 1024, 300 * 1024, 2 * 1024 * 1024 + 17, 3 * 1024 * 1024])}
    for name, data in blobs.items():
        # max_concurrency=1 keeps the request sequence, and so the faults, the same on every run.
        container.upload_blob(name, data, overwrite=True, max_concurrency=1,
                              content_settings=ContentSettings(content_md5=bytearray(hashlib.md5(data).digest())))
    for name, data in list(blobs.items()) * 2:
        downloaded = container.download_blob(name, max_concurrency=1).readall()
        assert hashlib.sha256(downloaded).hexdigest() == hashlib.sha256(data).hexdigest(), name
        props = container.get_blob_client(name).get_blob_properties()
        assert props.size == len(data)

    counters = admin(faulty)["counters"]
    injected = counters["byKind"]
    # The run met every kind it was given, so the passing checks above were earned.
    for kind in ("500", "503", "408", "reset", "reset-mid-body", "truncate"):
        assert injected[kind] > 0, f"no {kind} injected: {counters}"
    assert counters["injected"] >= 10
    print(f"faults injected: {counters}")


def test_admin_endpoint_switches_faults_at_run_time(faulty):
    retry = LinearRetry(backoff=0, random_jitter_range=0, retry_total=3)
    service = BlobServiceClient.from_connection_string(faulty.connection_string, retry_policy=retry)
    container = service.create_container("faults")
    admin(faulty, "PUT", {"seed": 1, "rules": [{"service": "blob", "method": "PUT", "rate": 1, "kinds": ["503"]}]})
    with pytest.raises(Exception):
        container.upload_blob("never", b"x")
    assert admin(faulty)["counters"]["byKind"]["503"] == 4  # the first try and three retries
    admin(faulty, "DELETE")
    container.upload_blob("now", b"y")
    assert container.download_blob("now").readall() == b"y"
