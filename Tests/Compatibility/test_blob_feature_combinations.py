"""Versions, immutability and soft delete together with page and append blobs, index tags and Blob Batch, against
Microsoft's `azure-storage-blob`.

A previous version or a soft-deleted blob keeps everything of the state it was: a page blob its pages, a tagged blob
its tags (Set Blob Tags takes `versionid`). Find Blobs by Tags sees only current blobs (Azure keeps a previous
version's tags but does not index them). A protected version refuses what would change its bytes even where no new
version is made (Append Block, Seal, Put Page) and a Blob Batch delete, with the codes Delete Blob answers; its tags
may still change (they describe it, they are not its data). A previous version stays in the tier it had: it is not
rehydrated in place, and a rehydration pending when the current version is deleted ends with it.
"""
from urllib.parse import quote

import pytest
from azure.core.exceptions import HttpResponseError
from azure.storage.blob import BlobServiceClient, PartialBatchErrorException, StandardBlobTier

from conftest import emulator_with_features, eventually

WORM = {"x-ms-immutable-storage-with-versioning-enabled": "true"}
PAGE = 512


@pytest.fixture(scope="module")
def versioned():
    with emulator_with_features({"versioning": True}) as emulator:
        yield BlobServiceClient.from_connection_string(emulator.connection_string)


@pytest.fixture(scope="module")
def soft_deleting():
    with emulator_with_features({"deleteRetentionDays": 7, "containerDeleteRetentionDays": 7}) as emulator:
        yield BlobServiceClient.from_connection_string(emulator.connection_string)


def refused(code, call, *args, **kwargs):
    with pytest.raises(HttpResponseError) as error:
        call(*args, **kwargs)
    assert (error.value.status_code, error.value.response.headers.get("x-ms-error-code")) == (409, code), error.value.message


def found(service, expression):
    return sorted((b.container_name, b.name) for b in service.find_blobs_by_tags(expression))


def test_a_previous_version_of_a_page_blob_keeps_its_pages(versioned, unique_name):
    container = versioned.create_container(unique_name)
    blob = container.get_blob_client("disk")
    # Put Page changes the version Put Blob made in place; Set Blob Metadata then keeps it as a previous version.
    first = blob.create_page_blob(2 * PAGE)["version_id"]
    blob.upload_page(b"a" * PAGE, offset=0, length=PAGE)
    assert blob.set_blob_metadata({"generation": "2"})["version_id"] != first
    blob.upload_page(b"b" * PAGE, offset=PAGE, length=PAGE)
    blob.upload_page(b"c" * PAGE, offset=0, length=PAGE)

    old = container.get_blob_client("disk", version_id=first)
    assert old.download_blob().readall() == b"a" * PAGE + bytes(PAGE)
    assert blob.download_blob().readall() == b"c" * PAGE + b"b" * PAGE

    last = blob.get_blob_properties().version_id
    blob.delete_blob()
    assert container.get_blob_client("disk", version_id=last).download_blob().readall() == b"c" * PAGE + b"b" * PAGE
    # Promoting the first version back keeps its type and pages.
    blob.start_copy_from_url(f"{blob.url}?versionid={quote(first)}")
    assert blob.get_blob_properties().blob_type == "PageBlob"
    assert blob.download_blob().readall() == b"a" * PAGE + bytes(PAGE)


def test_a_soft_deleted_page_blob_comes_back_with_its_pages_and_tags(soft_deleting, unique_name):
    container = soft_deleting.create_container(unique_name)
    blob = container.get_blob_client("disk")
    blob.create_page_blob(PAGE)
    blob.upload_page(b"p" * PAGE, offset=0, length=PAGE)
    blob.set_blob_tags({"kind": unique_name})
    assert found(soft_deleting, f"\"kind\"='{unique_name}'") == [(unique_name, "disk")]

    blob.delete_blob()
    assert found(soft_deleting, f"\"kind\"='{unique_name}'") == []
    blob.undelete_blob()
    assert blob.download_blob().readall() == b"p" * PAGE
    assert blob.get_blob_tags() == {"kind": unique_name}
    assert found(soft_deleting, f"\"kind\"='{unique_name}'") == [(unique_name, "disk")]

    # A soft-deleted container's blobs are not found either, and come back with it.
    container.delete_container()
    assert found(soft_deleting, f"\"kind\"='{unique_name}'") == []
    deleted = [c for c in soft_deleting.list_containers(include_deleted=True) if c.name == unique_name and c.deleted]
    soft_deleting.undelete_container(unique_name, deleted[0].version)
    assert found(soft_deleting, f"\"kind\"='{unique_name}'") == [(unique_name, "disk")]
    assert blob.download_blob().readall() == b"p" * PAGE


def test_tags_stay_with_their_version_and_only_current_blobs_are_found(versioned, unique_name):
    container = versioned.create_container(unique_name)
    blob = container.get_blob_client("photo")
    first = blob.upload_blob(b"one", tags={"gen": f"{unique_name}-1"})["version_id"]
    second = blob.upload_blob(b"two", overwrite=True, tags={"gen": f"{unique_name}-2"})["version_id"]

    assert blob.get_blob_tags(version_id=first) == {"gen": f"{unique_name}-1"}
    assert blob.get_blob_tags() == {"gen": f"{unique_name}-2"}
    assert found(versioned, f"\"gen\"='{unique_name}-1'") == []
    assert found(versioned, f"\"gen\"='{unique_name}-2'") == [(unique_name, "photo")]

    # Set Blob Tags on a previous version changes that version only, and does not make it findable.
    blob.set_blob_tags({"gen": f"{unique_name}-old"}, version_id=first)
    assert blob.get_blob_tags(version_id=first) == {"gen": f"{unique_name}-old"}
    assert blob.get_blob_tags() == {"gen": f"{unique_name}-2"}
    assert found(versioned, f"\"gen\"='{unique_name}-old'") == []
    listed = {b.version_id: b.tags for b in container.list_blobs(include=["versions", "tags"])}
    assert listed == {first: {"gen": f"{unique_name}-old"}, second: {"gen": f"{unique_name}-2"}}

    # Deleted with versioning, the blob is a previous version: kept with its tags, no longer found.
    blob.delete_blob()
    assert found(versioned, f"\"gen\"='{unique_name}-2'") == []
    assert blob.get_blob_tags(version_id=second) == {"gen": f"{unique_name}-2"}


def test_a_protected_append_or_page_blob_takes_no_writes_but_takes_tags(versioned, unique_name):
    container = versioned.create_container(unique_name, headers=WORM)
    log = container.get_blob_client("log")
    log.create_append_blob()
    log.append_block(b"first")
    log.set_legal_hold(True)
    refused("BlobImmutableDueToLegalHold", log.append_block, b"second")
    refused("BlobImmutableDueToLegalHold", log.seal_append_blob)
    disk = container.get_blob_client("disk")
    disk.create_page_blob(PAGE)
    disk.set_legal_hold(True)
    refused("BlobImmutableDueToLegalHold", disk.upload_page, b"x" * PAGE, offset=0, length=PAGE)
    refused("BlobImmutableDueToLegalHold", disk.resize_blob, 2 * PAGE)
    disk.set_sequence_number("update", 7)  # a property, not the data

    with pytest.raises(PartialBatchErrorException) as batch:
        container.delete_blobs("log", "disk")
    assert [(part.status_code, part.headers.get("x-ms-error-code")) for part in batch.value.parts] == [
        (409, "BlobImmutableDueToLegalHold"), (409, "BlobImmutableDueToLegalHold")]

    log.set_blob_tags({"state": "held"})
    assert log.get_blob_tags() == {"state": "held"}
    assert log.download_blob().readall() == b"first"
    assert disk.download_blob().readall() == bytes(PAGE)

    log.set_legal_hold(False)
    log.append_block(b"-second")
    log.seal_append_blob()
    assert log.download_blob().readall() == b"first-second"
    disk.set_legal_hold(False)
    disk.upload_page(b"x" * PAGE, offset=0, length=PAGE)
    assert disk.download_blob().readall() == b"x" * PAGE


def test_a_previous_version_is_not_rehydrated(versioned, unique_name):
    container = versioned.create_container(unique_name)
    deleted, witness = container.get_blob_client("deleted"), container.get_blob_client("witness")
    version = deleted.upload_blob(b"cold", standard_blob_tier=StandardBlobTier.ARCHIVE)["version_id"]
    witness.upload_blob(b"cold", standard_blob_tier=StandardBlobTier.ARCHIVE)
    deleted.set_standard_blob_tier(StandardBlobTier.HOT)
    assert deleted.get_blob_properties().archive_status == "rehydrate-pending-to-hot"
    deleted.delete_blob()  # with versioning: the current version becomes a previous one, its rehydration ends
    refused("BlobArchived", deleted.set_standard_blob_tier, StandardBlobTier.HOT, version_id=version)
    witness.set_standard_blob_tier(StandardBlobTier.HOT)  # due after the deleted blob's would have been

    eventually(lambda: witness.get_blob_properties().blob_tier == "Hot", "the witness's rehydration")
    kept = deleted.get_blob_properties(version_id=version)
    assert (kept.blob_tier, kept.archive_status, kept.is_current_version) == ("Archive", None, False)
