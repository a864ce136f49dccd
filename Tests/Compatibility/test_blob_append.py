"""Append blobs against Microsoft's `azure-storage-blob`: create, Append Block with its conditions and limits,
Seal, reads and copies, and the block blob operations an append blob refuses, with Azure's error codes."""
import os
from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceModifiedError
from azure.storage.blob import BlobBlock, BlobSasPermissions, BlobServiceClient, BlobType, ContentSettings, generate_blob_sas

from conftest import ACCOUNT, KEY


def error_code(info):
    return info.value.error_code


def test_create_append_and_read_back(blob_container):
    blob = blob_container.get_blob_client("log.txt")
    created = blob.create_append_blob(content_settings=ContentSettings(content_type="text/plain"), metadata={"kind": "log"})
    assert created["etag"]
    props = blob.get_blob_properties()
    assert props.blob_type == BlobType.APPENDBLOB
    assert props.size == 0
    assert props.append_blob_committed_block_count == 0
    assert props.is_append_blob_sealed is False
    assert props.content_settings.content_type == "text/plain"
    assert props.metadata == {"kind": "log"}

    first = blob.append_block(b"hello ")
    assert first["blob_append_offset"] == "0"
    assert first["blob_committed_block_count"] == 1
    second = blob.append_block(b"world")
    assert second["blob_append_offset"] == "6"
    assert second["blob_committed_block_count"] == 2
    assert second["etag"] != first["etag"]

    assert blob.download_blob().readall() == b"hello world"
    assert blob.download_blob(offset=3, length=5).readall() == b"lo wo"
    props = blob.get_blob_properties()
    assert props.size == 11
    assert props.append_blob_committed_block_count == 2
    listed = list(blob_container.list_blobs(name_starts_with="log"))
    assert [(b.name, b.blob_type, b.size) for b in listed] == [("log.txt", BlobType.APPENDBLOB, 11)]


def test_upload_blob_as_append_blob_in_many_blocks(emulator, unique_name):
    service = BlobServiceClient.from_connection_string(emulator.connection_string, max_block_size=64 * 1024)
    blob_container = service.create_container(unique_name)
    data = os.urandom(300 * 1024 + 17)
    blob = blob_container.get_blob_client("big.bin")
    blob.upload_blob(data, blob_type=BlobType.APPENDBLOB)
    assert blob.download_blob().readall() == data
    assert blob.get_blob_properties().append_blob_committed_block_count == 5
    # Appending to what exists: upload_blob with AppendBlob on an existing blob appends.
    blob.upload_blob(b"tail", blob_type=BlobType.APPENDBLOB)
    assert blob.download_blob().readall() == data + b"tail"
    blob_container.delete_container()


def test_append_position_and_max_size_conditions(blob_container):
    blob = blob_container.get_blob_client("conditions")
    blob.create_append_blob()
    blob.append_block(b"12345", appendpos_condition=0)
    with pytest.raises(HttpResponseError) as info:
        blob.append_block(b"x", appendpos_condition=0)
    assert info.value.status_code == 412 and error_code(info) == "AppendPositionConditionNotMet"
    blob.append_block(b"678", appendpos_condition=5, maxsize_condition=8)
    with pytest.raises(HttpResponseError) as info:
        blob.append_block(b"9", maxsize_condition=8)
    assert info.value.status_code == 412 and error_code(info) == "MaxBlobSizeConditionNotMet"
    with pytest.raises(ResourceModifiedError):
        blob.append_block(b"9", etag='"0x8D000000000000"', match_condition=MatchConditions.IfNotModified)
    assert blob.download_blob().readall() == b"12345678"


def test_block_size_limit_depends_on_the_version(emulator, blob_container):
    blob = blob_container.get_blob_client("limits")
    blob.create_append_blob()
    sas = generate_blob_sas(ACCOUNT, blob_container.container_name, "limits", account_key=KEY,
                            permission=BlobSasPermissions(add=True), expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    url = f"{emulator.url('Blob')}/{blob_container.container_name}/limits?comp=appendblock&{sas}"
    over_four = b"a" * (4 * 1024 * 1024 + 1)
    # Before 2022-11-02 a block is at most 4 MiB; from then on, 100 MiB (Append Block's remarks).
    old = requests.put(url, data=over_four, headers={"x-ms-version": "2021-08-06"})
    assert old.status_code == 413 and old.headers["x-ms-error-code"] == "RequestBodyTooLarge"
    new = requests.put(url, data=over_four, headers={"x-ms-version": "2025-11-05"})
    assert new.status_code == 201, new.text
    assert new.headers["x-ms-blob-committed-block-count"] == "1"
    # A SAS with only `a` (add) may append.
    assert blob.get_blob_properties().size == len(over_four)
    empty = requests.put(url, data=b"", headers={"x-ms-version": "2025-11-05"})
    assert empty.status_code == 400 and empty.headers["x-ms-error-code"] == "InvalidHeaderValue"


def test_seal_refuses_further_appends(blob_container):
    blob = blob_container.get_blob_client("sealed")
    blob.create_append_blob()
    blob.append_block(b"final words")
    sealed = blob.seal_append_blob()
    assert sealed["blob_sealed"] is True
    assert blob.get_blob_properties().is_append_blob_sealed is True
    with pytest.raises(HttpResponseError) as info:
        blob.append_block(b"more")
    assert info.value.status_code == 409 and error_code(info) == "BlobIsSealed"
    assert blob.download_blob().readall() == b"final words"
    listed = next(iter(blob_container.list_blobs(name_starts_with="sealed")))
    assert listed.is_append_blob_sealed is True
    # Sealing is idempotent; a block blob cannot be sealed.
    blob.seal_append_blob()
    blob_container.upload_blob("plain", b"block")
    with pytest.raises(HttpResponseError) as info:
        blob_container.get_blob_client("plain").seal_append_blob()
    assert info.value.status_code == 409 and error_code(info) == "InvalidBlobType"


def test_snapshot_and_copy_of_an_append_blob(blob_container):
    blob = blob_container.get_blob_client("source")
    blob.create_append_blob()
    blob.append_block(b"one,")
    snapshot = blob.create_snapshot()
    blob.append_block(b"two")
    blob.seal_append_blob()
    assert blob_container.get_blob_client("source", snapshot=snapshot["snapshot"]).download_blob().readall() == b"one,"
    copy = blob_container.get_blob_client("copy")
    copy.start_copy_from_url(blob.url)
    props = copy.get_blob_properties()
    assert props.blob_type == BlobType.APPENDBLOB
    assert props.copy.status == "success"
    assert props.is_append_blob_sealed is False
    assert props.append_blob_committed_block_count == 2
    assert copy.download_blob().readall() == b"one,two"
    copy.append_block(b",three")
    assert copy.download_blob().readall() == b"one,two,three"
    assert blob.download_blob().readall() == b"one,two"
    # A copy onto an existing blob of another type is refused.
    blob_container.upload_blob("block", b"data")
    with pytest.raises(HttpResponseError) as info:
        blob_container.get_blob_client("block").start_copy_from_url(blob.url)
    assert info.value.status_code == 409 and error_code(info) == "InvalidBlobType"


def test_block_blob_operations_refused_on_an_append_blob(blob_container):
    blob = blob_container.get_blob_client("appendonly")
    blob.create_append_blob()
    blob.append_block(b"data")
    for attempt in (lambda: blob.stage_block("YmxvY2sx", b"x"),
                    lambda: blob.commit_block_list([BlobBlock("YmxvY2sx")]),
                    lambda: blob.get_block_list()):
        with pytest.raises(HttpResponseError) as info:
            attempt()
        assert info.value.status_code == 409 and error_code(info) == "InvalidBlobType"
    with pytest.raises(HttpResponseError) as info:
        blob.set_standard_blob_tier("Cool")
    assert info.value.status_code == 400 and error_code(info) == "AccessTierNotSupportedForBlobType"
    # Append Block on a block blob is refused the other way round.
    blob_container.upload_blob("blockblob", b"data")
    with pytest.raises(HttpResponseError) as info:
        blob_container.get_blob_client("blockblob").append_block(b"x")
    assert info.value.status_code == 409 and error_code(info) == "InvalidBlobType"
    # Put Blob replaces an append blob with a block blob, as it replaces any blob.
    blob.upload_blob(b"replaced", overwrite=True)
    props = blob.get_blob_properties()
    assert props.blob_type == BlobType.BLOCKBLOB and props.size == 8
    assert blob.download_blob().readall() == b"replaced"


def test_append_to_missing_blob_is_not_found(blob_container):
    with pytest.raises(HttpResponseError) as info:
        blob_container.get_blob_client("nothing").append_block(b"x")
    assert info.value.status_code == 404 and error_code(info) == "BlobNotFound"


def test_a_leased_blob_takes_appends_and_pages_only_with_its_lease(blob_container):
    log = blob_container.get_blob_client("leased-log")
    log.create_append_blob()
    lease = log.acquire_lease()
    with pytest.raises(HttpResponseError) as info:
        log.append_block(b"no lease")
    assert info.value.status_code == 412 and error_code(info) == "LeaseIdMissing"
    log.append_block(b"with lease", lease=lease)
    with pytest.raises(HttpResponseError) as info:
        log.seal_append_blob()
    assert info.value.status_code == 412 and error_code(info) == "LeaseIdMissing"
    log.seal_append_blob(lease=lease)
    assert log.download_blob().readall() == b"with lease"
    disk = blob_container.get_blob_client("leased-disk")
    disk.create_page_blob(size=1024)
    lease = disk.acquire_lease()
    with pytest.raises(HttpResponseError) as info:
        disk.upload_page(b"p" * 512, offset=0, length=512)
    assert info.value.status_code == 412 and error_code(info) == "LeaseIdMissing"
    with pytest.raises(HttpResponseError) as info:
        disk.resize_blob(512)
    assert info.value.status_code == 412 and error_code(info) == "LeaseIdMissing"
    disk.upload_page(b"p" * 512, offset=0, length=512, lease=lease)
    disk.resize_blob(512, lease=lease)
    assert disk.download_blob().readall() == b"p" * 512
