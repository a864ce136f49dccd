"""Soft delete of blobs and containers (retention from --account-config) against Microsoft's `azure-storage-blob`.

A deleted blob (with its snapshots) or container is listed with `include=deleted` for its retention period and
comes back with Undelete Blob / Restore Container; past the retention a sweep purges it. The purge tests use an
emulator whose retention is given in seconds (`deleteRetentionSeconds`) and poll for the purge with a generous
bound, asserting nothing about how long it took.
"""
import os

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, RetentionPolicy

from conftest import eventually, emulator_with_features


@pytest.fixture(scope="module")
def retaining():
    with emulator_with_features({"deleteRetentionDays": 7, "containerDeleteRetentionDays": 7}) as emulator:
        yield BlobServiceClient.from_connection_string(emulator.connection_string)


@pytest.fixture(scope="module")
def purging():
    with emulator_with_features({"deleteRetentionSeconds": 1, "containerDeleteRetentionSeconds": 1}) as emulator:
        yield BlobServiceClient.from_connection_string(emulator.connection_string)


def test_a_deleted_blob_is_listed_and_undeleted_with_its_snapshots(retaining, unique_name):
    policy = retaining.get_service_properties()["delete_retention_policy"]
    assert (policy.enabled, policy.days) == (True, 7), "the configured retention shows in the service properties"
    container = retaining.create_container(unique_name)
    blob = container.get_blob_client("photo.jpg")
    blob.upload_blob(b"original", metadata={"k": "v"})
    snapshot = blob.create_snapshot()["snapshot"]
    container.get_blob_client("other").upload_blob(b"stays")
    blob.delete_blob(delete_snapshots="include")
    with pytest.raises(ResourceNotFoundError):
        blob.download_blob()
    assert [b.name for b in container.list_blobs()] == ["other"]
    listed = [b for b in container.list_blobs(include=["deleted"]) if b.deleted]
    assert [b.name for b in listed] == ["photo.jpg"]
    assert listed[0].deleted_time is not None and listed[0].remaining_retention_days == 7
    with_snapshots = [(b.name, b.snapshot, bool(b.deleted)) for b in container.list_blobs(include=["deleted", "snapshots"])]
    assert with_snapshots == [("other", None, False), ("photo.jpg", snapshot, True), ("photo.jpg", None, True)]

    blob.undelete_blob()
    assert blob.download_blob().readall() == b"original"
    assert blob.get_blob_properties().metadata == {"k": "v"}
    assert container.get_blob_client("photo.jpg", snapshot=snapshot).download_blob().readall() == b"original"
    assert not any(b.deleted for b in container.list_blobs(include=["deleted", "snapshots"]))
    with pytest.raises(ResourceNotFoundError):
        container.get_blob_client("never-there").undelete_blob()


def test_a_deleted_snapshot_comes_back_alone(retaining, unique_name):
    container = retaining.create_container(unique_name)
    blob = container.get_blob_client("doc")
    blob.upload_blob(b"v1")
    snapshot = blob.create_snapshot()["snapshot"]
    container.get_blob_client("doc", snapshot=snapshot).delete_blob()
    assert [b.snapshot for b in container.list_blobs(include=["snapshots"])] == [None]
    blob.undelete_blob()
    assert [b.snapshot for b in container.list_blobs(include=["snapshots"])] == [snapshot, None]


def test_an_overwrite_keeps_the_replaced_state_as_a_soft_deleted_snapshot(retaining, unique_name):
    container = retaining.create_container(unique_name)
    blob = container.get_blob_client("doc")
    blob.upload_blob(b"before", metadata={"state": "old"})
    blob.upload_blob(b"after", overwrite=True)
    blob.set_blob_metadata({"state": "new"})  # Azure keeps nothing for a metadata write
    listed = [(b.snapshot is not None, bool(b.deleted)) for b in container.list_blobs(include=["deleted", "snapshots"])]
    assert listed == [(True, True), (False, False)]
    assert [b.snapshot for b in container.list_blobs(include=["snapshots"])] == [None]
    blob.undelete_blob()
    [snapshot] = [b.snapshot for b in container.list_blobs(include=["snapshots"]) if b.snapshot]
    kept = container.get_blob_client("doc", snapshot=snapshot)
    assert kept.download_blob().readall() == b"before" and kept.get_blob_properties().metadata == {"state": "old"}
    assert blob.download_blob().readall() == b"after"


def test_a_deleted_container_is_listed_and_restored(retaining, unique_name):
    container = retaining.create_container(unique_name, metadata={"owner": "me"})
    container.get_blob_client("inside").upload_blob(b"kept")
    container.delete_container()
    with pytest.raises(ResourceNotFoundError):
        container.get_container_properties()
    assert unique_name not in [c.name for c in retaining.list_containers()]
    [deleted] = [c for c in retaining.list_containers(include_deleted=True) if c.name == unique_name]
    assert deleted.deleted is True and deleted.version

    # A new container may take the name meanwhile; restoring over it is refused.
    retaining.create_container(unique_name)
    with pytest.raises(ResourceExistsError) as refused:
        retaining.undelete_container(unique_name, deleted.version)
    assert refused.value.response.headers["x-ms-error-code"] == "ContainerAlreadyExists"
    retaining.delete_container(unique_name)
    [first, second] = [c for c in retaining.list_containers(include_deleted=True) if c.name == unique_name]
    assert first.version != second.version

    restored = retaining.undelete_container(unique_name, deleted.version)
    assert restored.get_container_properties().metadata == {"owner": "me"}
    assert restored.get_blob_client("inside").download_blob().readall() == b"kept"
    assert [c.version for c in retaining.list_containers(include_deleted=True) if c.name == unique_name and c.deleted] \
        == [c.version for c in (first, second) if c.version != deleted.version]
    with pytest.raises(HttpResponseError) as missing:
        retaining.undelete_container("nosuchcontainer", "0")
    assert missing.value.status_code == 404


def test_blobs_past_their_retention_are_purged(purging, unique_name):
    container = purging.create_container(unique_name)
    blob = container.get_blob_client("gone.bin")
    blob.upload_blob(os.urandom(100 * 1024))
    blob.delete_blob()
    eventually(lambda: not any(b.deleted for b in container.list_blobs(include=["deleted"])),
               "the purge of a blob past its retention")
    with pytest.raises(ResourceNotFoundError):
        blob.undelete_blob()


def test_containers_past_their_retention_are_purged(purging, unique_name):
    container = purging.create_container(unique_name)
    container.get_blob_client("inside").upload_blob(b"x")
    container.delete_container()

    def purged():
        return not [c for c in purging.list_containers(include_deleted=True) if c.name == unique_name]

    eventually(purged, "the purge of a container past its retention")
    with pytest.raises(HttpResponseError) as missing:
        purging.undelete_container(unique_name, "0")
    assert missing.value.status_code == 404


def test_service_properties_switch_blob_soft_delete_on_and_off(unique_name):
    """Azure lets a client switch blob soft delete on through Set Blob Service Properties, as the SDK does."""
    with emulator_with_features({}) as emulator:
        service = BlobServiceClient.from_connection_string(emulator.connection_string)
        service.set_service_properties(delete_retention_policy=RetentionPolicy(enabled=True, days=3))
        assert service.get_service_properties()["delete_retention_policy"].days == 3
        container = service.create_container(unique_name)
        blob = container.get_blob_client("doc")
        blob.upload_blob(b"kept")
        blob.delete_blob()
        [deleted] = container.list_blobs(include=["deleted"])
        assert deleted.deleted and deleted.remaining_retention_days == 3
        blob.undelete_blob()
        assert blob.download_blob().readall() == b"kept"

        earlier = container.get_blob_client("earlier")
        earlier.upload_blob(b"deleted while the policy was on")
        earlier.delete_blob()
        service.set_service_properties(delete_retention_policy=RetentionPolicy(enabled=False))
        blob.delete_blob()
        listed = [(b.name, b.remaining_retention_days) for b in container.list_blobs(include=["deleted"])]
        assert listed == [("earlier", 3)], "with the policy off a delete is permanent; what was deleted before is kept"
