"""Page blobs against Microsoft's `azure-storage-blob`: create, Put Page (update and clear), Get Page Ranges (and
their diff against a snapshot), zeros for pages never written, resize, sequence numbers and their conditions,
snapshots and copies, with Azure's error codes for what is refused."""
import os
from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobSasPermissions, BlobType, SequenceNumberAction, generate_blob_sas

from conftest import ACCOUNT, KEY

PAGE = 512


def ranges(blob, **kwargs):
    return [(r.start, r.end, r.cleared) for r in blob.list_page_ranges(**kwargs)]


def test_create_write_and_read_sparse_pages(blob_container):
    blob = blob_container.get_blob_client("disk.vhd")
    created = blob.create_page_blob(size=8 * PAGE, sequence_number=7, metadata={"disk": "os"})
    assert created["etag"]
    props = blob.get_blob_properties()
    assert props.blob_type == BlobType.PAGEBLOB
    assert props.size == 8 * PAGE
    assert props.page_blob_sequence_number == 7
    assert props.metadata == {"disk": "os"}
    # Never written: all zeros, no ranges.
    assert blob.download_blob().readall() == bytes(8 * PAGE)
    assert ranges(blob) == []

    first = os.urandom(2 * PAGE)
    written = blob.upload_page(first, offset=PAGE, length=2 * PAGE)
    assert written["blob_sequence_number"] == 7
    second = os.urandom(PAGE)
    blob.upload_page(second, offset=3 * PAGE, length=PAGE)
    third = os.urandom(PAGE)
    blob.upload_page(third, offset=6 * PAGE, length=PAGE)
    expected = bytes(PAGE) + first + second + bytes(2 * PAGE) + third + bytes(PAGE)
    assert blob.download_blob().readall() == expected
    assert blob.download_blob(offset=PAGE + 100, length=3 * PAGE).readall() == expected[PAGE + 100:4 * PAGE + 100]
    # Adjacent writes read as one range.
    assert ranges(blob) == [(PAGE, 4 * PAGE - 1, False), (6 * PAGE, 7 * PAGE - 1, False)]
    assert ranges(blob, offset=2 * PAGE, length=4 * PAGE) == [(2 * PAGE, 4 * PAGE - 1, False)]
    listed = next(iter(blob_container.list_blobs(name_starts_with="disk")))
    assert listed.blob_type == BlobType.PAGEBLOB and listed.page_blob_sequence_number == 7


def test_overwrite_and_clear_in_the_middle_of_written_pages(blob_container):
    blob = blob_container.get_blob_client("overwrite")
    blob.create_page_blob(size=4 * PAGE)
    base = os.urandom(4 * PAGE)
    blob.upload_page(base, offset=0, length=4 * PAGE)
    patch = os.urandom(PAGE)
    blob.upload_page(patch, offset=PAGE, length=PAGE)
    blob.clear_page(offset=2 * PAGE, length=PAGE)
    expected = base[:PAGE] + patch + bytes(PAGE) + base[3 * PAGE:]
    assert blob.download_blob().readall() == expected
    assert ranges(blob) == [(0, 2 * PAGE - 1, False), (3 * PAGE, 4 * PAGE - 1, False)]
    blob.clear_page(offset=0, length=4 * PAGE)
    assert ranges(blob) == []
    assert blob.download_blob().readall() == bytes(4 * PAGE)


def test_upload_blob_as_page_blob(blob_container):
    data = os.urandom(64 * PAGE)
    blob = blob_container.get_blob_client("uploaded")
    blob.upload_blob(data, blob_type=BlobType.PAGEBLOB)
    assert blob.download_blob().readall() == data
    assert ranges(blob) == [(0, len(data) - 1, False)]


def test_page_ranges_diff_against_a_snapshot(blob_container):
    blob = blob_container.get_blob_client("diffed")
    blob.create_page_blob(size=8 * PAGE)
    blob.upload_page(os.urandom(4 * PAGE), offset=0, length=4 * PAGE)
    snapshot = blob.create_snapshot()["snapshot"]
    blob.upload_page(os.urandom(PAGE), offset=PAGE, length=PAGE)
    blob.clear_page(offset=3 * PAGE, length=PAGE)
    blob.upload_page(os.urandom(PAGE), offset=6 * PAGE, length=PAGE)
    diff = [(r.start, r.end, r.cleared) for r in blob.list_page_ranges(previous_snapshot=snapshot)]
    assert diff == [(PAGE, 2 * PAGE - 1, False), (3 * PAGE, 4 * PAGE - 1, True), (6 * PAGE, 7 * PAGE - 1, False)]
    # The deprecated call splits them the old way.
    filled, cleared = blob.get_page_ranges(previous_snapshot_diff=snapshot)
    assert filled == [{"start": PAGE, "end": 2 * PAGE - 1}, {"start": 6 * PAGE, "end": 7 * PAGE - 1}]
    assert cleared == [{"start": 3 * PAGE, "end": 4 * PAGE - 1}]
    # The snapshot keeps its pages.
    old = blob_container.get_blob_client("diffed", snapshot=snapshot)
    assert ranges(old) == [(0, 4 * PAGE - 1, False)]
    with pytest.raises(HttpResponseError) as info:
        list(blob.list_page_ranges(previous_snapshot="2020-01-01T00:00:00.0000000Z"))
    assert info.value.status_code == 409 and info.value.error_code == "PreviousSnapshotNotFound"
    # A managed disk's diff (previous snapshot by URL) is not implemented, and says so.
    with pytest.raises(HttpResponseError) as info:
        blob.get_page_range_diff_for_managed_disk(f"{blob.url}?snapshot={snapshot}")
    assert info.value.status_code == 501


def test_page_ranges_are_paged(blob_container):
    blob = blob_container.get_blob_client("many")
    blob.create_page_blob(size=20 * PAGE)
    for i in range(0, 20, 2):
        blob.upload_page(os.urandom(PAGE), offset=i * PAGE, length=PAGE)
    pages = [[(r.start, r.end) for r in page] for page in blob.list_page_ranges(results_per_page=3).by_page()]
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert sum(pages, []) == [(i * PAGE, (i + 1) * PAGE - 1) for i in range(0, 20, 2)]


def test_resize_and_sequence_numbers(blob_container):
    blob = blob_container.get_blob_client("resized")
    blob.create_page_blob(size=4 * PAGE)
    data = os.urandom(4 * PAGE)
    blob.upload_page(data, offset=0, length=4 * PAGE)
    blob.resize_blob(2 * PAGE)
    assert blob.get_blob_properties().size == 2 * PAGE
    blob.resize_blob(6 * PAGE)
    # Growing back shows zeros where the cut pages were: shrinking dropped them.
    assert blob.download_blob().readall() == data[:2 * PAGE] + bytes(4 * PAGE)
    assert ranges(blob) == [(0, 2 * PAGE - 1, False)]
    with pytest.raises(HttpResponseError) as info:
        blob.resize_blob(1000)
    assert info.value.status_code == 400 and info.value.error_code == "InvalidHeaderValue"

    assert blob.set_sequence_number(SequenceNumberAction.Update, 10)["blob_sequence_number"] == 10
    assert blob.set_sequence_number(SequenceNumberAction.Max, 5)["blob_sequence_number"] == 10
    assert blob.set_sequence_number(SequenceNumberAction.Max, 12)["blob_sequence_number"] == 12
    assert blob.set_sequence_number(SequenceNumberAction.Increment)["blob_sequence_number"] == 13
    assert blob.get_blob_properties().page_blob_sequence_number == 13
    # Content settings survive a resize or a sequence number change.
    assert blob.get_blob_properties().content_settings.content_type == "application/octet-stream"


def test_sequence_number_conditions(blob_container):
    blob = blob_container.get_blob_client("guarded")
    blob.create_page_blob(size=2 * PAGE, sequence_number=5)
    page = os.urandom(PAGE)
    blob.upload_page(page, offset=0, length=PAGE, if_sequence_number_eq=5)
    blob.upload_page(page, offset=0, length=PAGE, if_sequence_number_lte=5)
    blob.clear_page(offset=PAGE, length=PAGE, if_sequence_number_lt=6)
    for condition in ({"if_sequence_number_eq": 4}, {"if_sequence_number_lte": 4}, {"if_sequence_number_lt": 5}):
        with pytest.raises(HttpResponseError) as info:
            blob.upload_page(page, offset=0, length=PAGE, **condition)
        assert info.value.status_code == 412 and info.value.error_code == "SequenceNumberConditionNotMet", condition


def test_refusals(blob_container):
    blob = blob_container.get_blob_client("strict")
    with pytest.raises(HttpResponseError) as info:
        blob.create_page_blob(size=1000)
    assert info.value.status_code == 400 and info.value.error_code == "InvalidHeaderValue"
    with pytest.raises(HttpResponseError) as info:
        blob.create_page_blob(size=4 * PAGE, premium_page_blob_tier="P10")
    assert info.value.status_code == 400 and info.value.error_code == "AccessTierNotSupportedForBlobType"
    blob.create_page_blob(size=4 * PAGE)
    # Past the end of the blob.
    with pytest.raises(HttpResponseError) as info:
        blob.upload_page(os.urandom(PAGE), offset=4 * PAGE, length=PAGE)
    assert info.value.status_code == 416 and info.value.error_code == "InvalidPageRange"
    # Misaligned ranges (the SDK checks alignment itself, so the request is sent by hand).
    url = f"{blob.url}?comp=page"
    headers = {"x-ms-version": "2025-11-05", "x-ms-page-write": "update", "x-ms-range": "bytes=0-99"}
    sas = generate_blob_sas(ACCOUNT, blob_container.container_name, "strict", account_key=KEY,
                            permission=BlobSasPermissions(write=True), expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    misaligned = requests.put(f"{url}&{sas}", data=b"x" * 100, headers=headers)
    assert misaligned.status_code == 400 and misaligned.headers["x-ms-error-code"] == "InvalidHeaderValue"
    overflowing = requests.put(f"{url}&{sas}", data=b"", headers={**headers, "x-ms-range": "bytes=0-9223372036854775807"})
    assert overflowing.status_code == 400 and overflowing.headers["x-ms-error-code"] == "InvalidHeaderValue"
    mismatched = requests.put(f"{url}&{sas}", data=b"x" * 100, headers={**headers, "x-ms-range": "bytes=0-511"})
    assert mismatched.status_code == 400 and mismatched.headers["x-ms-error-code"] == "InvalidHeaderValue"
    too_big = requests.put(f"{url}&{sas}", data=b"x" * (4 * 1024 * 1024 + PAGE),
                           headers={**headers, "x-ms-range": f"bytes=0-{4 * 1024 * 1024 + PAGE - 1}"})
    assert too_big.status_code == 413 and too_big.headers["x-ms-error-code"] == "RequestBodyTooLarge"
    # Page operations on a block blob, block operations on a page blob.
    blob_container.upload_blob("blocky", b"data")
    with pytest.raises(HttpResponseError) as info:
        blob_container.get_blob_client("blocky").upload_page(os.urandom(PAGE), offset=0, length=PAGE)
    assert info.value.status_code == 409 and info.value.error_code == "InvalidBlobType"
    with pytest.raises(HttpResponseError) as info:
        list(blob_container.get_blob_client("blocky").list_page_ranges())
    assert info.value.status_code == 409 and info.value.error_code == "InvalidBlobType"
    with pytest.raises(HttpResponseError) as info:
        blob.stage_block("YmxvY2sx", b"x")
    assert info.value.status_code == 409 and info.value.error_code == "InvalidBlobType"
    with pytest.raises(HttpResponseError) as info:
        blob.append_block(b"x")
    assert info.value.status_code == 409 and info.value.error_code == "InvalidBlobType"


def test_snapshot_and_copy_of_a_page_blob(blob_container):
    blob = blob_container.get_blob_client("original")
    blob.create_page_blob(size=4 * PAGE, sequence_number=3)
    data = os.urandom(PAGE)
    blob.upload_page(data, offset=2 * PAGE, length=PAGE)
    copy = blob_container.get_blob_client("copied")
    copy.start_copy_from_url(blob.url)
    props = copy.get_blob_properties()
    assert props.blob_type == BlobType.PAGEBLOB and props.size == 4 * PAGE and props.page_blob_sequence_number == 3
    assert ranges(copy) == [(2 * PAGE, 3 * PAGE - 1, False)]
    # The copy's pages are its own: changing them leaves the source as it was.
    copy.clear_page(offset=2 * PAGE, length=PAGE)
    assert blob.download_blob().readall() == bytes(2 * PAGE) + data + bytes(PAGE)
    assert copy.download_blob().readall() == bytes(4 * PAGE)
    # Deleting the source leaves the snapshot-free copy readable.
    blob.delete_blob()
    assert copy.get_blob_properties().size == 4 * PAGE
