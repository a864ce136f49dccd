"""Version-level immutability (WORM) and legal hold against Microsoft's `azure-storage-blob`.

A container gets version-level immutability from the account config or from the
`x-ms-immutable-storage-with-versioning-enabled` header of Create Container. A version protected by a policy or a legal
hold cannot be deleted, have its metadata written, its tier lowered or a Locked policy shortened or removed, and its
container cannot be deleted; overwriting the blob makes a new version and leaves the protected one as it was (Azure's
"Version-level WORM policies" page). The attack: a client holding the account key tries all of that and fails; once an
Unlocked policy is removed, a short policy lapses or a hold is cleared, deletion works.
"""
from datetime import datetime, timedelta, timezone

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.storage.blob import BlobBlock, BlobServiceClient, ImmutabilityPolicy

from conftest import eventually, emulator_with_features, refused

WORM = {"x-ms-immutable-storage-with-versioning-enabled": "true"}


@pytest.fixture(scope="module")
def worm_emulator():
    with emulator_with_features({"versioning": True}) as emulator:
        yield emulator


@pytest.fixture
def service(worm_emulator):
    return BlobServiceClient.from_connection_string(worm_emulator.connection_string)


@pytest.fixture
def container(service, unique_name):
    return service.create_container(unique_name, headers=WORM)


def later(seconds):
    return datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=seconds)


def test_the_container_header_and_the_account_config_enable_it(service, unique_name, container):
    assert container.get_container_properties().immutable_storage_with_versioning_enabled is True
    plain = service.create_container(unique_name + "p")
    assert plain.get_container_properties().immutable_storage_with_versioning_enabled is False
    blob = plain.get_blob_client("a")
    blob.upload_blob(b"x")
    refused("BlobOperationNotSupported", blob.set_immutability_policy, ImmutabilityPolicy(expiry_time=later(3600), policy_mode="Unlocked"))
    refused("BlobOperationNotSupported", blob.set_legal_hold, True)
    plain.delete_container()

    with emulator_with_features({"versioning": True, "versionLevelImmutability": True}) as emulator:
        other = BlobServiceClient.from_connection_string(emulator.connection_string).create_container("anycontainer")
        assert other.get_container_properties().immutable_storage_with_versioning_enabled is True
        listed = list(BlobServiceClient.from_connection_string(emulator.connection_string).list_containers())
        assert [c.immutable_storage_with_versioning_enabled for c in listed] == [True]
        other.get_blob_client("b").upload_blob(b"y", legal_hold=True)
        assert other.get_blob_client("b").get_blob_properties().has_legal_hold is True


def test_policy_and_legal_hold_are_set_shown_and_listed(container):
    blob = container.get_blob_client("doc.txt")
    etag = blob.upload_blob(b"data")["etag"]
    until = later(3600)
    answer = blob.set_immutability_policy(ImmutabilityPolicy(expiry_time=until, policy_mode="Unlocked"))
    assert answer["immutability_policy_until_date"] == until
    assert answer["immutability_policy_mode"].lower() == "unlocked"
    assert blob.set_legal_hold(True)["legal_hold"] is True
    props = blob.get_blob_properties()
    assert props.etag == etag, "policies and holds do not change the ETag"
    assert props.immutability_policy.expiry_time == until
    assert props.immutability_policy.policy_mode.lower() == "unlocked"
    assert props.has_legal_hold is True
    [listed] = container.list_blobs(include=["immutabilitypolicy", "legalhold"])
    assert listed.immutability_policy.expiry_time == until
    assert listed.immutability_policy.policy_mode.lower() == "unlocked"
    assert listed.has_legal_hold is True
    blob.set_legal_hold(False)
    blob.delete_immutability_policy()
    props = blob.get_blob_properties()
    assert props.immutability_policy.expiry_time is None and not props.has_legal_hold
    blob.delete_blob()


def test_uploads_copies_and_block_lists_carry_a_policy_and_a_hold(container):
    policy = ImmutabilityPolicy(expiry_time=later(3600), policy_mode="Unlocked")
    put = container.get_blob_client("put")
    put.upload_blob(b"p", immutability_policy=policy, legal_hold=True)
    blocks = container.get_blob_client("blocks")
    blocks.stage_block("YQ==", b"b")
    blocks.commit_block_list([BlobBlock("YQ==")], immutability_policy=policy)
    copy = container.get_blob_client("copy")
    copy.start_copy_from_url(put.url, immutability_policy=policy, legal_hold=True)
    for client, hold in ((put, True), (blocks, False), (copy, True)):
        props = client.get_blob_properties()
        assert props.immutability_policy.expiry_time == policy.expiry_time, client.blob_name
        assert bool(props.has_legal_hold) is hold, client.blob_name


def test_a_key_holder_cannot_destroy_a_protected_version(service, container):
    """The attack: delete, overwrite, re-tier, shorten, unlock and remove the policy, delete the container."""
    blob = container.get_blob_client("master")
    until = later(3600)
    protected = blob.upload_blob(b"precious", immutability_policy=ImmutabilityPolicy(expiry_time=until, policy_mode="Locked"))["version_id"]
    refused("BlobImmutableDueToPolicy", blob.delete_blob)
    refused("BlobImmutableDueToPolicy", blob.set_blob_metadata, {"x": "y"})
    refused("BlobImmutableDueToPolicy", blob.set_standard_blob_tier, "Archive")
    refused("BlobImmutableDueToPolicy", blob.set_immutability_policy, ImmutabilityPolicy(expiry_time=later(60), policy_mode="Locked"))
    refused("BlobImmutableDueToPolicy", blob.set_immutability_policy, ImmutabilityPolicy(expiry_time=later(7200), policy_mode="Unlocked"))
    refused("ImmutabilityPolicyDeleteOnLockedPolicy", blob.delete_immutability_policy)
    refused("ContainerImmutableStorageWithVersioningEnabled", container.delete_container)

    # Overwriting makes a new version; the protected one stays, whole and protected.
    blob.upload_blob(b"encrypted by ransomware", overwrite=True)
    old = container.get_blob_client("master", version_id=protected)
    assert old.download_blob().readall() == b"precious"
    assert old.get_blob_properties().immutability_policy.expiry_time == until
    refused("BlobImmutableDueToPolicy", old.delete_blob)
    refused("BlobImmutableDueToPolicy", old.set_standard_blob_tier, "Cool")
    assert blob.get_blob_properties().immutability_policy.expiry_time is None, "the new version starts unprotected"
    blob.delete_blob()
    assert old.download_blob().readall() == b"precious"

    # A Locked policy may be extended, and a raised tier is no harm.
    longer = later(7200)
    old.set_immutability_policy(ImmutabilityPolicy(expiry_time=longer, policy_mode="Locked"))
    assert old.get_blob_properties().immutability_policy.expiry_time == longer
    old.set_standard_blob_tier("Hot")

    held = container.get_blob_client("evidence")
    held.upload_blob(b"kept", legal_hold=True)
    refused("BlobImmutableDueToLegalHold", held.delete_blob)
    refused("BlobImmutableDueToLegalHold", held.set_blob_metadata, {"x": "y"})
    with pytest.raises(ResourceNotFoundError):
        container.get_blob_client("master", version_id="2000-01-01T00:00:00.0000000Z").delete_blob()


def test_deletion_works_once_the_protection_is_gone(container):
    unlocked = container.get_blob_client("unlocked")
    unlocked.upload_blob(b"u", immutability_policy=ImmutabilityPolicy(expiry_time=later(3600), policy_mode="Unlocked"))
    refused("BlobImmutableDueToPolicy", unlocked.delete_blob)
    shorter = later(1800)
    unlocked.set_immutability_policy(ImmutabilityPolicy(expiry_time=shorter, policy_mode="Unlocked"))
    assert unlocked.get_blob_properties().immutability_policy.expiry_time == shorter, "an Unlocked policy may be shortened"
    unlocked.delete_immutability_policy()
    unlocked.delete_blob()

    held = container.get_blob_client("held")
    held.upload_blob(b"h", legal_hold=True)
    refused("BlobImmutableDueToLegalHold", held.delete_blob)
    held.set_legal_hold(False)
    held.delete_blob()

    lapsing = container.get_blob_client("lapsing")
    lapsing.upload_blob(b"l", immutability_policy=ImmutabilityPolicy(expiry_time=later(3), policy_mode="Locked"))
    refused("BlobImmutableDueToPolicy", lapsing.delete_blob)

    def deleted():
        try:
            lapsing.delete_blob()
            return True
        except HttpResponseError as error:
            assert error.response.headers.get("x-ms-error-code") == "BlobImmutableDueToPolicy"
            return False

    eventually(deleted, "deleting the blob once its Locked policy lapsed")
    for version in container.list_blobs(include=["versions"]):
        container.get_blob_client(version.name, version_id=version.version_id).delete_blob()
    container.delete_container()
