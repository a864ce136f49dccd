"""Blob versioning (an account setting, given by --account-config) against Microsoft's `azure-storage-blob`.

Every write (Put Blob, Put Block List, Copy Blob, Set Blob Metadata) keeps the state it replaces as a version; a
delete turns the current version into a previous one; a version is read, listed, deleted and promoted by copying it
over the blob. Versions share the stored bytes: a new version of unchanged content adds no data file.
"""
import os
from urllib.parse import quote

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobBlock, BlobServiceClient

from conftest import emulator_with_features

LARGE = os.urandom(200 * 1024)  # above the inline limit: its bytes live in a data file


@pytest.fixture(scope="module")
def versioned():
    with emulator_with_features({"versioning": True}) as emulator:
        yield emulator


@pytest.fixture
def container(versioned, unique_name):
    service = BlobServiceClient.from_connection_string(versioned.connection_string)
    return service.create_container(unique_name)


def version_url(container, name, version_id):
    """The URL of a version as a copy source (the SDK's client URL leaves the version out)."""
    return f"{container.get_blob_client(name).url}?versionid={quote(version_id)}"


def versions_of(container, name):
    return [b for b in container.list_blobs(name_starts_with=name, include=["versions"]) if b.name == name]


def data_files(emulator):
    return sum(len(files) for _, _, files in os.walk(os.path.join(emulator.location, "data")))


def test_every_write_keeps_the_previous_state_as_a_version(container):
    blob = container.get_blob_client("doc.txt")
    ids = [blob.upload_blob(b"one")["version_id"]]
    ids.append(blob.upload_blob(b"two", overwrite=True)["version_id"])
    ids.append(blob.set_blob_metadata({"state": "three"})["version_id"])
    blob.stage_block("YQ==", b"four")
    ids.append(blob.commit_block_list([BlobBlock("YQ==")])["version_id"])
    source = container.get_blob_client("source.txt")
    source.upload_blob(b"five")
    ids.append(blob.start_copy_from_url(source.url)["version_id"])
    assert all(ids) and len(set(ids)) == 5, ids
    assert ids == sorted(ids), "version IDs are times, in the order of the writes"

    listed = versions_of(container, "doc.txt")
    assert [b.version_id for b in listed] == ids
    assert [bool(b.is_current_version) for b in listed] == [False] * 4 + [True]
    pages = container.list_blobs(name_starts_with="doc.txt", include=["versions"], results_per_page=2).by_page()
    assert [[b.version_id for b in page] for page in pages] == [ids[0:2], ids[2:4], ids[4:]], "markers resume mid-versions"
    contents = [container.get_blob_client("doc.txt", version_id=v).download_blob().readall() for v in ids]
    assert contents == [b"one", b"two", b"two", b"four", b"five"]
    third = container.get_blob_client("doc.txt", version_id=ids[2]).get_blob_properties()
    assert third.metadata == {"state": "three"} and third.version_id == ids[2] and not third.is_current_version
    current = blob.get_blob_properties()
    assert current.version_id == ids[4] and current.is_current_version
    # Set Blob Properties changes the current version in place (Azure makes no version for it).
    blob.set_http_headers()
    assert [b.version_id for b in versions_of(container, "doc.txt")] == ids


def test_delete_keeps_the_blob_as_a_version_and_a_copy_promotes_it(container):
    blob = container.get_blob_client("photo.jpg")
    first = blob.upload_blob(b"original")["version_id"]
    second = blob.upload_blob(b"ransomware", overwrite=True)["version_id"]
    blob.delete_blob()
    with pytest.raises(ResourceNotFoundError):
        blob.get_blob_properties()
    listed = versions_of(container, "photo.jpg")
    assert [b.version_id for b in listed] == [first, second]
    assert not any(b.is_current_version for b in listed)
    assert [b.name for b in container.list_blobs(name_starts_with="photo")] == [], "no current version is listed"

    promoted = blob.start_copy_from_url(version_url(container, "photo.jpg", first))
    assert blob.download_blob().readall() == b"original"
    listed = versions_of(container, "photo.jpg")
    assert [b.version_id for b in listed] == [first, second, promoted["version_id"]]
    assert [bool(b.is_current_version) for b in listed] == [False, False, True]


def test_a_version_is_deleted_by_its_id(container):
    blob = container.get_blob_client("notes.txt")
    first = blob.upload_blob(b"v1")["version_id"]
    second = blob.upload_blob(b"v2", overwrite=True)["version_id"]
    container.get_blob_client("notes.txt", version_id=first).delete_blob()
    assert [b.version_id for b in versions_of(container, "notes.txt")] == [second]
    with pytest.raises(ResourceNotFoundError) as refused:
        container.get_blob_client("notes.txt", version_id=first).download_blob()
    assert refused.value.response.headers["x-ms-error-code"] == "BlobNotFound"
    assert blob.download_blob().readall() == b"v2"


def test_versions_share_the_stored_bytes(versioned, container):
    blob = container.get_blob_client("big.bin")
    before = data_files(versioned)
    blob.upload_blob(LARGE)
    assert data_files(versioned) == before + 1
    for i in range(3):
        blob.set_blob_metadata({"round": str(i)})
    blob.start_copy_from_url(version_url(container, "big.bin", versions_of(container, "big.bin")[0].version_id))
    assert len(versions_of(container, "big.bin")) == 5
    assert data_files(versioned) == before + 1, "versions and copies reference the chunk, never copy its bytes"
    for version in versions_of(container, "big.bin"):
        assert container.get_blob_client("big.bin", version_id=version.version_id).download_blob().readall() == LARGE


def test_an_account_without_versioning_makes_no_versions(emulator, unique_name):
    service = BlobServiceClient.from_connection_string(emulator.connection_string)
    container = service.create_container(unique_name)
    blob = container.get_blob_client("plain.txt")
    assert blob.upload_blob(b"one").get("version_id") is None
    blob.upload_blob(b"two", overwrite=True)
    assert [b.version_id for b in container.list_blobs(include=["versions"])] == [None]
    container.delete_container()
