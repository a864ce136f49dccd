"""Access tiers and Archive rehydration against Microsoft's `azure-storage-blob`.

Two emulators: one whose rehydrations take an hour (the pending state, held still for as long as a test needs it)
and one whose rehydrations take a second (completion, polled for with a generous bound, never timed).
"""
import os
import shutil
import signal
import sqlite3
import time

import pytest
from azure.storage.blob import BlobBlock, BlobServiceClient, RehydratePriority, StandardBlobTier

from blob_fixtures import blob_emulator, error_of
from conftest import start_emulator

POLL_LIMIT = 120  # seconds: only stops a rehydration that never completes


@pytest.fixture(scope="module")
def slow():
    """Rehydrations take an hour: everything a test sees is the pending state."""
    yield from blob_emulator("--rehydrate-seconds", "3600")


@pytest.fixture(scope="module")
def fast():
    """Rehydrations take a second (High priority half of it)."""
    yield from blob_emulator("--rehydrate-seconds", "1")


def container_of(emu, name):
    service = BlobServiceClient.from_connection_string(emu.connection_string)
    return service.create_container(name)


def wait_for_tier(blob, tier):
    deadline = time.monotonic() + POLL_LIMIT
    while True:
        props = blob.get_blob_properties()
        if props.blob_tier == tier:
            return props
        assert time.monotonic() < deadline, f"still {props.blob_tier} ({props.archive_status}) after {POLL_LIMIT} s"
        time.sleep(0.1)


def test_tier_on_upload_commit_and_copy(slow, unique_name):
    container = container_of(slow, unique_name)
    inferred = container.upload_blob("inferred.bin", b"x")
    props = inferred.get_blob_properties()
    assert props.blob_tier == "Hot" and props.blob_tier_inferred is True and props.blob_tier_change_time is None

    for tier in (StandardBlobTier.HOT, StandardBlobTier.COOL, StandardBlobTier.COLD, StandardBlobTier.ARCHIVE):
        blob = container.upload_blob(f"put-{tier.value}", b"data", standard_blob_tier=tier)
        props = blob.get_blob_properties()
        assert props.blob_tier == tier.value and not props.blob_tier_inferred
        assert props.blob_tier_change_time is not None

    blocks = container.get_blob_client("blocks.bin")
    blocks.stage_block("YQ==", b"abc")
    blocks.commit_block_list([BlobBlock("YQ==")], standard_blob_tier=StandardBlobTier.COLD)
    assert blocks.get_blob_properties().blob_tier == "Cold"

    copy = container.get_blob_client("copy.bin")
    copy.start_copy_from_url(blocks.url, standard_blob_tier=StandardBlobTier.COOL)
    assert copy.get_blob_properties().blob_tier == "Cool"
    assert copy.download_blob().readall() == b"abc"

    listed = {b.name: b for b in container.list_blobs()}
    assert listed["inferred.bin"].blob_tier == "Hot" and listed["inferred.bin"].blob_tier_inferred is True
    assert listed["put-Cold"].blob_tier == "Cold" and not listed["put-Cold"].blob_tier_inferred
    assert listed["put-Archive"].blob_tier == "Archive" and listed["put-Archive"].blob_tier_change_time is not None

    error = error_of(lambda: container.upload_blob("bad", b"x", headers={"x-ms-access-tier": "Frozen"}))
    assert error.status_code == 400 and error.error_code == "InvalidHeaderValue"


def test_set_tier_between_online_tiers_and_to_archive(slow, unique_name):
    container = container_of(slow, unique_name)
    blob = container.upload_blob("b", b"online")
    for tier in ("Cool", "Cold", "Hot"):
        blob.set_standard_blob_tier(tier)
        props = blob.get_blob_properties()
        assert props.blob_tier == tier and not props.blob_tier_inferred and props.archive_status is None
    blob.set_standard_blob_tier(StandardBlobTier.ARCHIVE)
    assert blob.get_blob_properties().blob_tier == "Archive"
    missing = container.get_blob_client("missing")
    assert error_of(lambda: missing.set_standard_blob_tier("Cool")).error_code == "BlobNotFound"


def test_reading_an_archived_blob_fails_as_azure(slow, unique_name):
    container = container_of(slow, unique_name)
    blob = container.upload_blob("archived", b"0123456789", standard_blob_tier=StandardBlobTier.ARCHIVE)
    for read in (lambda: blob.download_blob().readall(), lambda: blob.download_blob(offset=2, length=3).readall()):
        error = error_of(read)
        assert error.status_code == 409 and error.error_code == "BlobArchived"
    # Properties and metadata stay readable; a copy without a tier is refused, as nothing could be read.
    assert blob.get_blob_properties().size == 10
    blob.set_blob_metadata({"still": "writable"})
    assert blob.get_blob_properties().metadata == {"still": "writable"}
    copy = container.get_blob_client("copy")
    error = error_of(lambda: copy.start_copy_from_url(blob.url))
    assert error.status_code == 409 and error.error_code == "BlobArchived"
    error = error_of(lambda: copy.start_copy_from_url(blob.url, standard_blob_tier=StandardBlobTier.ARCHIVE))
    assert error.error_code == "BlobArchived"


def test_rehydration_is_pending_and_refuses_other_tiers(slow, unique_name):
    container = container_of(slow, unique_name)
    blob = container.upload_blob("pending", b"payload", standard_blob_tier=StandardBlobTier.ARCHIVE)
    blob.set_standard_blob_tier(StandardBlobTier.HOT)
    props = blob.get_blob_properties()
    assert props.blob_tier == "Archive"
    assert props.archive_status == "rehydrate-pending-to-hot" and props.rehydrate_priority == "Standard"
    assert error_of(lambda: blob.download_blob().readall()).error_code == "BlobArchived"
    for tier in ("Cool", "Cold", "Archive"):
        error = error_of(lambda: blob.set_standard_blob_tier(tier))
        assert error.status_code == 409 and error.error_code == "BlobBeingRehydrated"
    # The same target again may raise the priority, never lower it.
    blob.set_standard_blob_tier(StandardBlobTier.HOT, rehydrate_priority=RehydratePriority.high)
    assert blob.get_blob_properties().rehydrate_priority == "High"
    blob.set_standard_blob_tier(StandardBlobTier.HOT, rehydrate_priority=RehydratePriority.standard)
    assert blob.get_blob_properties().rehydrate_priority == "High"
    listed = next(iter(container.list_blobs()))
    assert listed.blob_tier == "Archive" and listed.archive_status == "rehydrate-pending-to-hot"
    assert listed.rehydrate_priority == "High"
    error = error_of(lambda: blob.set_standard_blob_tier("Cool", headers={"x-ms-rehydrate-priority": "Urgent"}))
    assert error.status_code == 400 and error.error_code == "InvalidHeaderValue"

    cool = container.upload_blob("to-cool", b"c", standard_blob_tier=StandardBlobTier.ARCHIVE)
    cool.set_standard_blob_tier(StandardBlobTier.COLD, rehydrate_priority=RehydratePriority.high)
    props = cool.get_blob_properties()
    assert props.archive_status == "rehydrate-pending-to-cold" and props.rehydrate_priority == "High"

    # Overwriting the blob replaces what was being brought back: the new one is online at once.
    blob.upload_blob(b"fresh", overwrite=True)
    props = blob.get_blob_properties()
    assert props.blob_tier == "Hot" and props.archive_status is None
    assert blob.download_blob().readall() == b"fresh"


def test_copy_of_an_archived_blob_is_pending_until_rehydrated(slow, unique_name):
    container = container_of(slow, unique_name)
    source = container.upload_blob("source", b"archived bytes", standard_blob_tier=StandardBlobTier.ARCHIVE)
    copy = container.get_blob_client("restored")
    result = copy.start_copy_from_url(source.url, standard_blob_tier=StandardBlobTier.COOL)
    assert result["copy_status"] == "pending"
    props = copy.get_blob_properties()
    assert props.blob_tier == "Archive" and props.archive_status == "rehydrate-pending-to-cool"
    assert props.copy.status == "pending"
    assert error_of(lambda: copy.download_blob().readall()).error_code == "BlobArchived"
    onto_itself = error_of(lambda: source.start_copy_from_url(source.url, standard_blob_tier=StandardBlobTier.HOT))
    assert onto_itself.status_code == 409 and onto_itself.error_code == "BlobArchived"


def test_set_tier_rehydration_completes(fast, unique_name):
    container = container_of(fast, unique_name)
    blob = container.upload_blob("restore-me", b"from the archive", standard_blob_tier=StandardBlobTier.ARCHIVE)
    blob.set_standard_blob_tier(StandardBlobTier.HOT)
    props = wait_for_tier(blob, "Hot")
    assert props.archive_status is None and props.rehydrate_priority is None
    assert props.blob_tier_change_time is not None
    assert blob.download_blob().readall() == b"from the archive"
    assert blob.download_blob(offset=5, length=3).readall() == b"the"

    high = container.upload_blob("high", b"quick", standard_blob_tier=StandardBlobTier.ARCHIVE)
    high.set_standard_blob_tier(StandardBlobTier.COOL, rehydrate_priority=RehydratePriority.high)
    wait_for_tier(high, "Cool")
    assert high.download_blob().readall() == b"quick"


def test_copy_rehydration_completes(fast, unique_name):
    container = container_of(fast, unique_name)
    source = container.upload_blob("source", b"copied out of archive", standard_blob_tier=StandardBlobTier.ARCHIVE)
    copy = container.get_blob_client("copy")
    copy.start_copy_from_url(source.url, standard_blob_tier=StandardBlobTier.HOT,
                             rehydrate_priority=RehydratePriority.standard)
    props = wait_for_tier(copy, "Hot")
    assert props.copy.status == "success" and props.copy.progress == "21/21"
    assert copy.download_blob().readall() == b"copied out of archive"
    # The source stays archived.
    assert source.get_blob_properties().blob_tier == "Archive"


def test_rehydration_survives_a_kill(unique_name):
    """The due time is stored: an emulator killed while a rehydration is pending completes it after restart.

    The first run's rehydration takes an hour, so it is certainly pending at the kill; the hour is then made to have
    passed by moving the stored due time (the only clock a rehydration has) before the restart.
    """
    emu = start_emulator(services=("blob",), extra_args=["--rehydrate-seconds", "3600"])
    try:
        container = container_of(emu, unique_name)
        blob = container.upload_blob("durable", b"survives", standard_blob_tier=StandardBlobTier.ARCHIVE)
        blob.set_standard_blob_tier(StandardBlobTier.COOL)
        assert blob.get_blob_properties().archive_status == "rehydrate-pending-to-cool"
        emu.stop(signal.SIGKILL)
        db = sqlite3.connect(os.path.join(emu.location, "emulator.sqlite3"))
        with db:
            assert db.execute("UPDATE blob_rehydrations SET due = ?", (time.time(),)).rowcount == 1
        db.close()
        emu = start_emulator(location=emu.location, services=("blob",), extra_args=["--rehydrate-seconds", "3600"])
        service = BlobServiceClient.from_connection_string(emu.connection_string)
        blob = service.get_blob_client(unique_name, "durable")
        props = wait_for_tier(blob, "Cool")
        assert props.archive_status is None
        assert blob.download_blob().readall() == b"survives"
    finally:
        emu.stop()
        shutil.rmtree(emu.location, ignore_errors=True)
