"""Blob Batch against Microsoft's `azure-storage-blob`: `delete_blobs` and `set_standard_blob_tier_blobs`, from a
container and from the service, each subrequest authorized on its own, and Azure's limits."""
from datetime import datetime, timedelta, timezone

import pytest
import requests
from azure.storage.blob import (AccountSasPermissions, BlobServiceClient, ContainerClient, ContainerSasPermissions,
                                PartialBatchErrorException, ResourceTypes, StandardBlobTier, generate_account_sas,
                                generate_container_sas)

from blob_fixtures import container, service  # noqa: F401 (fixtures)
from conftest import ACCOUNT, KEY


def names(container):
    return sorted(b.name for b in container.list_blobs())


def test_delete_blobs(container):
    for name in ("a", "b", "dir/with space", "keep"):
        container.upload_blob(name, b"x")
    responses = list(container.delete_blobs("a", "b", "dir/with space"))
    assert [r.status_code for r in responses] == [202, 202, 202]
    assert all(r.headers["x-ms-delete-type-permanent"] == "true" for r in responses)
    assert all(r.headers.get("x-ms-request-id") for r in responses)
    assert names(container) == ["keep"]


def test_delete_blobs_reports_each_failure_in_its_own_part(container):
    container.upload_blob("present", b"x")
    container.upload_blob("leased", b"x").acquire_lease()
    with pytest.raises(PartialBatchErrorException) as error:
        container.delete_blobs("present", "missing", "leased")
    parts = error.value.parts
    assert [p.status_code for p in parts] == [202, 404, 412]
    assert parts[1].headers["x-ms-error-code"] == "BlobNotFound"
    assert parts[2].headers["x-ms-error-code"] == "LeaseIdMissing"
    assert "<Code>BlobNotFound</Code>" in parts[1].text()
    assert names(container) == ["leased"]
    parts = list(container.delete_blobs("missing", raise_on_any_failure=False))
    assert [p.status_code for p in parts] == [404]


def test_set_standard_blob_tier_blobs(container):
    for name in ("a", "b"):
        container.upload_blob(name, b"x")
    responses = list(container.set_standard_blob_tier_blobs(StandardBlobTier.COOL, "a", "b"))
    assert [r.status_code for r in responses] == [200, 200]
    assert {b.name: b.blob_tier for b in container.list_blobs()} == {"a": "Cool", "b": "Cool"}
    container.set_standard_blob_tier_blobs(StandardBlobTier.ARCHIVE, "a")
    responses = list(container.set_standard_blob_tier_blobs(StandardBlobTier.HOT, "a", "b"))
    assert [r.status_code for r in responses] == [202, 200]  # leaving Archive is a rehydration
    props = container.get_blob_client("a").get_blob_properties()
    assert props.blob_tier == "Archive" and props.archive_status == "rehydrate-pending-to-hot"
    with pytest.raises(PartialBatchErrorException) as error:
        container.set_standard_blob_tier_blobs(StandardBlobTier.COOL, "a", "missing")
    assert [p.status_code for p in error.value.parts] == [409, 404]
    assert error.value.parts[0].headers["x-ms-error-code"] == "BlobBeingRehydrated"


def test_account_level_batch(emulator, service, unique_name):
    """`POST /?comp=batch` (no SDK call sends it; Azure documents it): subrequests may name any container."""
    first = service.create_container(unique_name + "a")
    second = service.create_container(unique_name + "b")
    try:
        first.upload_blob("x", b"x")
        second.upload_blob("y", b"x")
        sas = generate_account_sas(ACCOUNT, KEY, ResourceTypes(service=True, container=True, object=True),
                                   AccountSasPermissions(delete=True), datetime.now(timezone.utc) + timedelta(hours=1))
        parts = [f"DELETE /{ACCOUNT}/{c.container_name}/{n}?{sas} HTTP/1.1\r\nContent-Length: 0"
                 for c, n in ((first, "x"), (second, "y"), (second, "gone"))]
        body = "".join(f"--b\r\nContent-Type: application/http\r\nContent-ID: {i}\r\n\r\n{p}\r\n\r\n"
                       for i, p in enumerate(parts)) + "--b--\r\n"
        answer = requests.post(f"{emulator.url('Blob')}/?comp=batch&{sas}", data=body.encode(),
                               headers={"Content-Type": "multipart/mixed; boundary=b", "x-ms-version": "2025-11-05"})
        assert answer.status_code == 202 and answer.headers["Content-Type"].startswith("multipart/mixed; boundary=batchresponse_")
        statuses = [line for line in answer.text.split("\r\n") if line.startswith("HTTP/1.1 ")]
        assert statuses == ["HTTP/1.1 202 Accepted", "HTTP/1.1 202 Accepted", "HTTP/1.1 404 Not Found"]
        assert names(first) == [] and names(second) == []
    finally:
        first.delete_container()
        second.delete_container()


def test_each_subrequest_is_authorized_with_its_own_sas(emulator, container):
    container.upload_blob("a", b"x")
    container.upload_blob("b", b"x")
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    url = f"{emulator.url('Blob')}/{container.container_name}"
    no_delete = generate_container_sas(ACCOUNT, container.container_name, account_key=KEY,
                                       permission=ContainerSasPermissions(read=True, write=True), expiry=expiry)
    client = ContainerClient.from_container_url(f"{url}?{no_delete}")
    with pytest.raises(PartialBatchErrorException) as error:
        client.delete_blobs("a", "b")
    assert [p.status_code for p in error.value.parts] == [403, 403]
    assert error.value.parts[0].headers["x-ms-error-code"] == "AuthorizationPermissionMismatch"
    assert [r.status_code for r in client.set_standard_blob_tier_blobs(StandardBlobTier.COOL, "a")] == [200]
    deleter = generate_container_sas(ACCOUNT, container.container_name, account_key=KEY,
                                     permission=ContainerSasPermissions(delete=True), expiry=expiry)
    responses = list(ContainerClient.from_container_url(f"{url}?{deleter}").delete_blobs("a", "b"))
    assert [r.status_code for r in responses] == [202, 202]
    assert names(container) == []


def raw_batch(emulator, container, parts, boundary="batch_raw"):
    """Posts a hand-written batch (SharedKey signing is skipped by using a container SAS with every permission)."""
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    sas = generate_container_sas(ACCOUNT, container.container_name, account_key=KEY,
                                 permission=ContainerSasPermissions(read=True, write=True, delete=True), expiry=expiry)
    body = "".join(f"--{boundary}\r\nContent-Type: application/http\r\nContent-ID: {i}\r\n\r\n{part}\r\n\r\n"
                   for i, part in enumerate(parts)) + f"--{boundary}--\r\n"
    url = f"{emulator.url('Blob')}/{container.container_name}?restype=container&comp=batch&{sas}"
    return requests.post(url, data=body.encode(), headers={
        "Content-Type": f"multipart/mixed; boundary={boundary}", "x-ms-version": "2025-11-05"})


def test_batch_limits_and_malformed_bodies(emulator, container):
    path = f"/{ACCOUNT}/{container.container_name}"
    delete = f"DELETE {path}/a HTTP/1.1\r\nContent-Length: 0"
    tier = f"PUT {path}/a?comp=tier HTTP/1.1\r\nx-ms-access-tier: Cool\r\nContent-Length: 0"
    too_many = raw_batch(emulator, container, [delete] * 257)
    assert too_many.status_code == 400 and too_many.headers["x-ms-error-code"] == "ExceedsMaxBatchRequestCount"
    mixed = raw_batch(emulator, container, [delete, tier])
    assert mixed.status_code == 400 and mixed.headers["x-ms-error-code"] == "AllBatchSubRequestsShouldBeSameApi"
    other_kind = raw_batch(emulator, container, [f"GET {path}/a HTTP/1.1"])
    assert other_kind.status_code == 400 and other_kind.headers["x-ms-error-code"] == "InvalidInput"
    other_container = raw_batch(emulator, container, [f"DELETE /{ACCOUNT}/elsewhere/a HTTP/1.1\r\nContent-Length: 0"])
    assert other_container.status_code == 400 and other_container.headers["x-ms-error-code"] == "InvalidInput"
    empty = raw_batch(emulator, container, [])
    assert empty.status_code == 400 and empty.headers["x-ms-error-code"] == "InvalidInput"
    # 256 is allowed; each subrequest here lacks credentials of its own (the SAS is on the batch), so each is refused.
    full = raw_batch(emulator, container, [delete] * 256)
    assert full.status_code == 202 and full.text.count("HTTP/1.1 403") == 256
    assert full.text.count("Content-ID: 255\r\n") == 1
