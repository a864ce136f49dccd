"""The Blob service against Microsoft's `azure-storage-blob`, with default settings."""
import hashlib
import os
from datetime import datetime, timedelta, timezone

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import (ClientAuthenticationError, HttpResponseError, ResourceExistsError,
                                   ResourceModifiedError, ResourceNotFoundError)
from azure.storage.blob import (BlobClient, BlobServiceClient, BlobBlock, ContainerClient, ContentSettings,
                                BlobSasPermissions, ContainerSasPermissions, ResourceTypes, AccountSasPermissions,
                                StandardBlobTier, generate_account_sas, generate_blob_sas, generate_container_sas)

from blob_fixtures import container, service  # noqa: F401 (fixtures)
from conftest import ACCOUNT, KEY


def test_container_lifecycle_and_metadata(service, unique_name):
    client = service.create_container(unique_name, metadata={"owner": "ironviper", "Purpose": "tests"})
    with pytest.raises(ResourceExistsError):
        service.create_container(unique_name)
    props = client.get_container_properties()
    assert props.metadata == {"owner": "ironviper", "Purpose": "tests"}
    client.set_container_metadata({"changed": "yes"})
    assert client.get_container_properties().metadata == {"changed": "yes"}
    listed = [c for c in service.list_containers(name_starts_with=unique_name, include_metadata=True)]
    assert [c.name for c in listed] == [unique_name]
    assert listed[0].metadata == {"changed": "yes"}
    client.delete_container()
    with pytest.raises(ResourceNotFoundError):
        client.get_container_properties()


def test_list_containers_paginates(service, unique_name):
    names = [f"{unique_name}p{i}" for i in range(7)]
    for name in names:
        service.create_container(name)
    pages = service.list_containers(name_starts_with=unique_name, results_per_page=3).by_page()
    seen = [[c.name for c in page] for page in pages]
    assert [len(p) for p in seen] == [3, 3, 1]
    assert sum(seen, []) == sorted(names)
    for name in names:
        service.delete_container(name)


def test_small_and_multi_block_uploads_round_trip(emulator, unique_name):
    # Force the block path with a tiny single-put limit and small blocks.
    service = BlobServiceClient.from_connection_string(
        emulator.connection_string, max_single_put_size=64 * 1024, max_block_size=32 * 1024)
    container = service.create_container(unique_name)
    small = os.urandom(1000)
    large = os.urandom(300 * 1024 + 17)
    container.upload_blob("small.bin", small)
    container.upload_blob("dir/large.bin", large, max_concurrency=4)
    assert container.download_blob("small.bin").readall() == small
    assert container.download_blob("dir/large.bin").readall() == large
    blocks, uncommitted = container.get_blob_client("dir/large.bin").get_block_list("all")
    assert len(blocks) == 10 and uncommitted == []
    assert sum(b.size for b in blocks) == len(large)
    # Put Blob stores the MD5 it computed; the SDK checks it when asked.
    props = container.get_blob_client("small.bin").get_blob_properties()
    assert bytes(props.content_settings.content_md5) == hashlib.md5(small).digest()
    assert container.download_blob("small.bin", validate_content=True).readall() == small


def test_ranged_and_parallel_downloads(emulator, unique_name):
    service = BlobServiceClient.from_connection_string(
        emulator.connection_string, max_single_get_size=64 * 1024, max_chunk_get_size=48 * 1024)
    container = service.create_container(unique_name)
    data = os.urandom(1024 * 1024 + 3)
    container.upload_blob("big.bin", data)
    assert container.download_blob("big.bin", max_concurrency=4).readall() == data
    assert container.download_blob("big.bin", offset=1000, length=5000).readall() == data[1000:6000]
    assert container.download_blob("big.bin", offset=len(data) - 10).readall() == data[-10:]
    # validate_content asks for x-ms-range-get-content-md5 on each chunk.
    assert container.download_blob("big.bin", validate_content=True, max_concurrency=2).readall() == data
    with pytest.raises(HttpResponseError) as error:
        container.download_blob("big.bin", offset=len(data) + 5, length=10).readall()
    assert error.value.status_code == 416
    container.upload_blob("empty.bin", b"")
    assert container.download_blob("empty.bin").readall() == b""


def test_listing_with_prefix_delimiter_and_pages(container):
    names = ["a/1.jpg", "a/2.jpg", "a/b/3.jpg", "b.jpg", "c/4.jpg", "ü/ñ.jpg", "z space.jpg"]
    for name in names:
        container.upload_blob(name, name.encode())
    assert [b.name for b in container.list_blobs()] == sorted(names, key=lambda n: n.encode())
    assert [b.name for b in container.list_blobs(name_starts_with="a/")] == ["a/1.jpg", "a/2.jpg", "a/b/3.jpg"]
    top = [item.name for item in container.walk_blobs(delimiter="/")]
    # The SDK lists a page's prefixes before its blobs.
    assert top == ["a/", "c/", "ü/", "b.jpg", "z space.jpg"]
    assert [item.name for item in container.walk_blobs(name_starts_with="a/", delimiter="/")] == ["a/b/", "a/1.jpg", "a/2.jpg"]
    pages = [[b.name for b in page] for page in container.list_blobs(results_per_page=2).by_page()]
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert sum(pages, []) == sorted(names, key=lambda n: n.encode())


def test_properties_metadata_and_headers(container):
    blob = container.get_blob_client("photo.jpg")
    blob.upload_blob(b"jpeg", metadata={"path": "2024/photo.jpg"},
                     content_settings=ContentSettings(content_type="image/jpeg", cache_control="max-age=60"))
    props = blob.get_blob_properties()
    assert props.content_settings.content_type == "image/jpeg"
    assert props.content_settings.cache_control == "max-age=60"
    assert props.metadata == {"path": "2024/photo.jpg"}
    assert props.size == 4 and props.blob_type == "BlockBlob"
    blob.set_blob_metadata({"rating": "5"})
    blob.set_http_headers(ContentSettings(content_type="image/png"))
    props = blob.get_blob_properties()
    assert props.metadata == {"rating": "5"} and props.content_settings.content_type == "image/png"
    listed = next(iter(container.list_blobs(include=["metadata"])))
    assert listed.metadata == {"rating": "5"}


def test_conditional_requests(container):
    blob = container.get_blob_client("cond.txt")
    first = blob.upload_blob(b"one")
    with pytest.raises(ResourceExistsError):
        blob.upload_blob(b"again", overwrite=False)
    second = blob.upload_blob(b"two", overwrite=True)
    with pytest.raises(ResourceModifiedError):
        blob.upload_blob(b"three", overwrite=True, etag=first["etag"], match_condition=MatchConditions.IfNotModified)
    assert blob.download_blob(etag=second["etag"], match_condition=MatchConditions.IfNotModified).readall() == b"two"
    with pytest.raises(ResourceModifiedError):
        blob.set_blob_metadata({"a": "b"}, if_unmodified_since=datetime.now(timezone.utc) - timedelta(hours=1))
    with pytest.raises(ResourceModifiedError):
        blob.download_blob(etag=first["etag"], match_condition=MatchConditions.IfNotModified).readall()


def test_leases_guard_writes(container):
    blob = container.get_blob_client("leased.txt")
    blob.upload_blob(b"v1")
    lease = blob.acquire_lease(lease_duration=15)
    with pytest.raises(HttpResponseError) as error:
        blob.upload_blob(b"v2", overwrite=True)
    assert error.value.error_code == "LeaseIdMissing"
    blob.upload_blob(b"v2", overwrite=True, lease=lease)
    lease.renew()
    new_id = "5cc0e63d-5ed7-4e44-9a7e-4f9f5d0e6c3b"
    lease.change(new_id)
    assert lease.id == new_id
    lease.release()
    blob.upload_blob(b"v3", overwrite=True)
    lease = blob.acquire_lease(lease_duration=-1)
    assert blob.get_blob_properties().lease.status == "locked"
    lease.break_lease()
    assert blob.get_blob_properties().lease.state == "broken"
    container_lease = container.acquire_lease(lease_duration=15)
    with pytest.raises(HttpResponseError):
        container.delete_container()
    container_lease.release()


def test_snapshots_copy_and_tiers(container):
    source = container.get_blob_client("source.bin")
    source.upload_blob(b"original")
    snapshot = source.create_snapshot()
    source.upload_blob(b"changed", overwrite=True)
    old = container.get_blob_client("source.bin", snapshot=snapshot["snapshot"])
    assert old.download_blob().readall() == b"original"
    listed = [(b.name, b.snapshot) for b in container.list_blobs(include=["snapshots"])]
    assert listed == [("source.bin", snapshot["snapshot"]), ("source.bin", None)]
    copy = container.get_blob_client("copy.bin")
    result = copy.start_copy_from_url(source.url)
    assert result["copy_status"] == "success"
    assert copy.download_blob().readall() == b"changed"
    assert copy.get_blob_properties().copy.status == "success"
    copy.set_standard_blob_tier(StandardBlobTier.COOL)
    assert copy.get_blob_properties().blob_tier == "Cool"
    copy.set_standard_blob_tier(StandardBlobTier.ARCHIVE)
    with pytest.raises(HttpResponseError) as error:
        copy.download_blob().readall()
    assert error.value.error_code == "BlobArchived"
    with pytest.raises(HttpResponseError) as error:
        source.delete_blob()
    assert error.value.error_code == "SnapshotsPresent"
    source.delete_blob(delete_snapshots="include")
    assert [b.name for b in container.list_blobs(include=["snapshots"])] == ["copy.bin"]


def test_sas_tokens(emulator, container):
    container.upload_blob("shared.txt", b"shared")
    blob_url = f"{emulator.url('Blob')}/{container.container_name}/shared.txt"
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    read_only = generate_blob_sas(ACCOUNT, container.container_name, "shared.txt", account_key=KEY,
                                  permission=BlobSasPermissions(read=True), expiry=expiry)
    reader = BlobClient.from_blob_url(f"{blob_url}?{read_only}")
    assert reader.download_blob().readall() == b"shared"
    with pytest.raises(HttpResponseError) as error:
        reader.upload_blob(b"nope", overwrite=True)
    assert error.value.status_code == 403
    expired = generate_blob_sas(ACCOUNT, container.container_name, "shared.txt", account_key=KEY,
                                permission=BlobSasPermissions(read=True),
                                expiry=datetime.now(timezone.utc) - timedelta(minutes=5))
    with pytest.raises(ClientAuthenticationError):
        BlobClient.from_blob_url(f"{blob_url}?{expired}").download_blob().readall()
    container_sas = generate_container_sas(ACCOUNT, container.container_name, account_key=KEY,
                                           permission=ContainerSasPermissions(read=True, list=True, write=True,
                                                                              create=True),
                                           expiry=expiry)
    scoped = ContainerClient.from_container_url(f"{emulator.url('Blob')}/{container.container_name}?{container_sas}")
    scoped.upload_blob("via-sas.txt", b"written with a container SAS")
    assert sorted(b.name for b in scoped.list_blobs()) == ["shared.txt", "via-sas.txt"]
    # A service SAS never deletes its container, whatever its permissions: only the key or an account SAS can.
    full = generate_container_sas(ACCOUNT, container.container_name, account_key=KEY,
                                  permission=ContainerSasPermissions(read=True, delete=True, write=True), expiry=expiry)
    with pytest.raises(HttpResponseError) as error:
        ContainerClient.from_container_url(f"{emulator.url('Blob')}/{container.container_name}?{full}").delete_container()
    assert error.value.status_code == 403
    account_sas = generate_account_sas(ACCOUNT, KEY, ResourceTypes(service=True, container=True, object=True),
                                       AccountSasPermissions(read=True, list=True), expiry=expiry)
    account_client = BlobServiceClient(emulator.url("Blob"), credential=account_sas)
    assert container.container_name in [c.name for c in account_client.list_containers()]


def test_wrong_key_is_rejected(emulator):
    wrong = emulator.connection_string.replace(KEY, "A" * 86 + "==")
    with pytest.raises(ClientAuthenticationError) as error:
        list(BlobServiceClient.from_connection_string(wrong).list_containers())
    assert error.value.error_code == "AuthenticationFailed"


def test_md5_mismatch_is_refused(emulator, container):
    blob = container.get_blob_client("md5.bin")
    # A client that sends a wrong Content-MD5 must be refused, not silently stored.
    with pytest.raises(HttpResponseError) as error:
        blob.upload_blob(b"payload", content_settings=ContentSettings(content_md5=hashlib.md5(b"other").digest()))
    assert error.value.error_code == "Md5Mismatch"
    with pytest.raises(ResourceNotFoundError):
        blob.get_blob_properties()


def test_ranges_carry_the_crc64_microsofts_checksum_computes(emulator, unique_name):
    """`x-ms-range-get-content-crc64` against Microsoft's own CRC64 (`azure-storage-extensions`): ranges inside one
    block, across blocks, a single byte and the tail, over a blob of six 1 MiB blocks; ranges over 4 MiB and a
    request asking for both checksums are refused as Azure refuses them."""
    import base64
    import requests
    from azure.storage.extensions import checksums

    service = BlobServiceClient.from_connection_string(
        emulator.connection_string, max_single_put_size=1024 * 1024, max_block_size=1024 * 1024)
    container = service.create_container(unique_name)
    data = os.urandom(5 * 1024 * 1024 + 11)
    container.upload_blob("crc.bin", data)
    assert len(container.get_blob_client("crc.bin").get_block_list("committed")[0]) == 6
    sas = generate_blob_sas(ACCOUNT, unique_name, "crc.bin", account_key=KEY, permission=BlobSasPermissions(read=True),
                            expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    url = f"{emulator.url('Blob')}/{unique_name}/crc.bin?{sas}"

    def get(start, end, **headers):
        return requests.get(url, headers={"x-ms-version": "2025-11-05", "x-ms-range": f"bytes={start}-{end}", **headers})

    four = 4 * 1024 * 1024
    for start, end in [(0, 0), (17, 4096), (1024 * 1024 - 5, 1024 * 1024 + 5), (1000, 1000 + four - 1),
                       (len(data) - 11, len(data) - 1)]:
        answer = get(start, end, **{"x-ms-range-get-content-crc64": "true"})
        assert answer.status_code == 206 and answer.content == data[start:end + 1]
        expected = checksums.crc64.compute(data[start:end + 1], 0).to_bytes(8, "little")
        assert base64.b64decode(answer.headers["x-ms-content-crc64"]) == expected, (start, end)
        assert "Content-MD5" not in answer.headers
    assert "x-ms-content-crc64" not in get(0, 99).headers
    too_long = get(0, four, **{"x-ms-range-get-content-crc64": "true"})
    assert too_long.status_code == 400 and too_long.headers["x-ms-error-code"] == "OutOfRangeInput"
    both = get(0, 99, **{"x-ms-range-get-content-crc64": "true", "x-ms-range-get-content-md5": "true"})
    assert both.status_code == 400


def test_uploads_are_checked_against_their_crc64(emulator, container):
    """`x-ms-content-crc64` on Put Blob, Put Block and Append Block, computed by Microsoft's own CRC64: the right
    value is stored and answered, a wrong one is refused with `Crc64Mismatch` and stores nothing, and a request
    carrying both checksums is refused."""
    import base64
    import requests
    from azure.storage.extensions import checksums

    def crc64(data):
        return base64.b64encode(checksums.crc64.compute(data, 0).to_bytes(8, "little")).decode()

    name = container.container_name
    sas = generate_container_sas(ACCOUNT, name, account_key=KEY,
                                 permission=ContainerSasPermissions(read=True, write=True, create=True, add=True),
                                 expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    base = f"{emulator.url('Blob')}/{name}"
    version = {"x-ms-version": "2025-11-05"}
    data = os.urandom(300 * 1024 + 5)
    block_blob = {**version, "x-ms-blob-type": "BlockBlob"}

    right = requests.put(f"{base}/right.bin?{sas}", data=data, headers={**block_blob, "x-ms-content-crc64": crc64(data)})
    assert right.status_code == 201, right.text
    assert right.headers["x-ms-content-crc64"] == crc64(data)
    assert container.download_blob("right.bin").readall() == data

    wrong = requests.put(f"{base}/wrong.bin?{sas}", data=data,
                         headers={**block_blob, "x-ms-content-crc64": crc64(data[:-1])})
    assert wrong.status_code == 400 and wrong.headers["x-ms-error-code"] == "Crc64Mismatch"
    assert "wrong.bin" not in [b.name for b in container.list_blobs()]

    both = requests.put(f"{base}/both.bin?{sas}", data=data, headers={
        **block_blob, "x-ms-content-crc64": crc64(data), "Content-MD5": base64.b64encode(hashlib.md5(data).digest())})
    assert both.status_code == 400

    block_id = base64.b64encode(b"block-0").decode()
    staged = requests.put(f"{base}/blocks.bin?comp=block&blockid={block_id}&{sas}", data=data[:1000],
                          headers={**version, "x-ms-content-crc64": crc64(data[:1000])})
    assert staged.status_code == 201 and staged.headers["x-ms-content-crc64"] == crc64(data[:1000])
    refused = requests.put(f"{base}/blocks.bin?comp=block&blockid={block_id}&{sas}", data=data[:1000],
                           headers={**version, "x-ms-content-crc64": crc64(data[1:1001])})
    assert refused.headers["x-ms-error-code"] == "Crc64Mismatch"
    container.get_blob_client("blocks.bin").commit_block_list([BlobBlock(block_id="block-0")])  # the SDK encodes ids itself
    assert container.download_blob("blocks.bin").readall() == data[:1000]

    container.get_blob_client("log.txt").create_append_blob()
    appended = requests.put(f"{base}/log.txt?comp=appendblock&{sas}", data=b"line one\n",
                            headers={**version, "x-ms-content-crc64": crc64(b"line one\n")})
    assert appended.status_code == 201 and appended.headers["x-ms-content-crc64"] == crc64(b"line one\n")
    mismatched = requests.put(f"{base}/log.txt?comp=appendblock&{sas}", data=b"line two\n",
                              headers={**version, "x-ms-content-crc64": crc64(b"line one\n")})
    assert mismatched.headers["x-ms-error-code"] == "Crc64Mismatch"
    assert container.download_blob("log.txt").readall() == b"line one\n"
