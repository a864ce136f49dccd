"""Blob index tags against Microsoft's `azure-storage-blob`: set/get, tags on upload and copy, Find Blobs by Tags
(account and container), `x-ms-if-tags` conditions, Azure's limits and SAS permissions `t` and `f`."""
from datetime import datetime, timedelta, timezone

import pytest
from azure.storage.blob import (AccountSasPermissions, BlobBlock, BlobClient, BlobSasPermissions, BlobServiceClient,
                                ContainerClient, ContainerSasPermissions, ResourceTypes, generate_account_sas,
                                generate_blob_sas, generate_container_sas)

from blob_fixtures import container, error_of, service  # noqa: F401 (fixtures)
from conftest import ACCOUNT, KEY


def test_set_and_get_tags_leave_etag_alone(container):
    blob = container.upload_blob("b", b"data")
    before = blob.get_blob_properties()
    assert blob.get_blob_tags() == {} and before.tag_count is None
    tags = {"project": "ironviper", "Year": "2026", "path": "a/b c+d-e.f:g=h_i", "empty": ""}
    blob.set_blob_tags(tags)
    assert blob.get_blob_tags() == tags
    after = blob.get_blob_properties()
    assert after.tag_count == 4 and after.etag == before.etag and after.last_modified == before.last_modified
    assert blob.download_blob().properties.tag_count == 4
    blob.set_blob_tags({"only": "one"})
    assert blob.get_blob_tags() == {"only": "one"}
    blob.set_blob_tags({})
    assert blob.get_blob_tags() == {} and blob.get_blob_properties().tag_count is None
    missing = container.get_blob_client("missing")
    assert error_of(lambda: missing.get_blob_tags()).error_code == "BlobNotFound"
    assert error_of(lambda: missing.set_blob_tags({"a": "b"})).error_code == "BlobNotFound"


def test_tag_limits_as_azure(container):
    blob = container.upload_blob("b", b"data")
    refusals = [
        ({f"k{i}": "v" for i in range(11)}, "TagsTooLarge"),
        ({"k" * 129: "v"}, "TagsTooLarge"),
        ({"k": "v" * 257}, "TagsTooLarge"),
        ({"bad!key": "v"}, "InvalidTag"),
        ({"key": "bad*value"}, "InvalidTag"),
        ({"": "v"}, "EmptyTagName"),
    ]
    for tags, code in refusals:
        error = error_of(lambda: blob.set_blob_tags(tags))
        assert error.status_code == 400 and error.error_code == code, tags
    assert blob.get_blob_tags() == {}
    blob.set_blob_tags({f"k{i}": "v" for i in range(10)} | {})
    blob.set_blob_tags({"k" * 128: "v" * 256})
    error = error_of(lambda: container.upload_blob("c", b"x", tags={"bad!": "v"}))
    assert error.error_code == "InvalidTag"


def test_tags_on_upload_commit_and_copy(container):
    put = container.upload_blob("put", b"x", tags={"via": "put blob", "a+b": "c=d/e:f"})
    assert put.get_blob_tags() == {"via": "put blob", "a+b": "c=d/e:f"}  # x-ms-tags is percent-encoded
    blocks = container.get_blob_client("blocks")
    blocks.stage_block("YQ==", b"abc")
    blocks.commit_block_list([BlobBlock("YQ==")], tags={"via": "block list"})
    assert blocks.get_blob_tags() == {"via": "block list"}
    copy = container.get_blob_client("copy")
    copy.start_copy_from_url(put.url, tags={"via": "copy"})
    assert copy.get_blob_tags() == {"via": "copy"}
    # An overwrite is a new blob: without x-ms-tags it has none.
    put.upload_blob(b"y", overwrite=True)
    assert put.get_blob_tags() == {}
    snapshot = blocks.create_snapshot()
    assert container.get_blob_client("blocks", snapshot=snapshot["snapshot"]).get_blob_tags() == {"via": "block list"}
    assert [b.name for b in container.find_blobs_by_tags("\"via\" = 'block list'")] == ["blocks"]  # base blobs only
    listed = {b.name: b for b in container.list_blobs(include=["tags"])}
    assert listed["blocks"].tags == {"via": "block list"} and listed["blocks"].tag_count == 1
    assert listed["put"].tags is None


def test_find_blobs_by_tags_in_account_and_container(service, unique_name):
    first = service.create_container(unique_name + "a")
    second = service.create_container(unique_name + "b")
    try:
        first.upload_blob("p1", b"x", tags={"team": unique_name, "priority": "1", "other": "x"})
        first.upload_blob("p5", b"x", tags={"team": unique_name, "priority": "5"})
        second.upload_blob("p3", b"x", tags={"team": unique_name, "priority": "3"})
        second.upload_blob("untagged", b"x")

        found = list(service.find_blobs_by_tags(f"\"team\" = '{unique_name}'"))
        assert [(b.container_name, b.name) for b in found] == [
            (first.container_name, "p1"), (first.container_name, "p5"), (second.container_name, "p3")]
        assert found[0].tags == {"team": unique_name}  # only the tags the expression names

        ranged = service.find_blobs_by_tags(f"\"team\" = '{unique_name}' AND \"priority\" >= '3' AND priority < '5'")
        assert [b.name for b in ranged] == ["p3"]
        scoped = service.find_blobs_by_tags(f"@container = '{first.container_name}' AND \"team\" = '{unique_name}'")
        assert [b.name for b in scoped] == ["p1", "p5"]
        in_container = second.find_blobs_by_tags(f"\"team\" = '{unique_name}'")
        assert [(b.name, b.tags) for b in in_container] == [("p3", {"team": unique_name})]
        pages = list(service.find_blobs_by_tags(f"\"team\" = '{unique_name}'", results_per_page=2).by_page())
        assert [[b.name for b in page] for page in pages] == [["p1", "p5"], ["p3"]]

        for bad in ("\"team\" = ", "team == 'x'", "\"team\" <> 'x'", "\"a\" = 'b' OR \"c\" = 'd'",
                    " AND ".join(f"\"k{i}\" = 'v'" for i in range(11))):
            error = error_of(lambda: list(service.find_blobs_by_tags(bad)))
            assert error.status_code == 400 and error.error_code == "InvalidQueryParameterValue", bad
        error = error_of(lambda: list(second.find_blobs_by_tags(f"@container = '{first.container_name}'")))
        assert error.error_code == "InvalidQueryParameterValue"
    finally:
        first.delete_container()
        second.delete_container()


def test_if_tags_conditions(container):
    blob = container.upload_blob("b", b"data", tags={"state": "ready", "n": "2"})
    good, bad = "\"state\" = 'ready' AND \"n\" > '1'", "\"state\" = 'done'"
    assert blob.download_blob(if_tags_match_condition=good).readall() == b"data"
    assert blob.get_blob_properties(if_tags_match_condition="\"state\" = 'done' OR \"n\" <> '3'").size == 4
    calls = [
        lambda c: blob.download_blob(if_tags_match_condition=c).readall(),
        lambda c: blob.get_blob_properties(if_tags_match_condition=c),
        lambda c: blob.set_blob_metadata({"m": "1"}, if_tags_match_condition=c),
        lambda c: blob.set_http_headers(if_tags_match_condition=c),
        lambda c: blob.get_blob_tags(if_tags_match_condition=c),
        lambda c: blob.set_blob_tags({"state": "x"}, if_tags_match_condition=c),
        lambda c: blob.set_standard_blob_tier("Cool", if_tags_match_condition=c),
        lambda c: blob.create_snapshot(if_tags_match_condition=c),
        lambda c: blob.upload_blob(b"new", overwrite=True, if_tags_match_condition=c),
        lambda c: blob.delete_blob(if_tags_match_condition=c),
    ]
    for call in calls:
        error = error_of(lambda: call(bad))
        assert error.status_code == 412 and error.error_code == "ConditionNotMet"
    assert blob.get_blob_tags() == {"state": "ready", "n": "2"}
    error = error_of(lambda: blob.download_blob(if_tags_match_condition="\"state\" = ready").readall())
    assert error.status_code == 400 and error.error_code == "InvalidHeaderValue"
    blob.set_blob_tags({"state": "done"}, if_tags_match_condition=good)
    blob.delete_blob(if_tags_match_condition=bad)
    assert not blob.exists()


def test_sas_permissions_t_and_f(emulator, container):
    blob = container.upload_blob("shared", b"x", tags={"k": "v"})
    mine = f"\"k\" = '{container.container_name}'"  # a value no other test's blob carries
    expiry = datetime.now(timezone.utc) + timedelta(hours=1)
    url = f"{emulator.url('Blob')}/{container.container_name}/shared"
    read_only = generate_blob_sas(ACCOUNT, container.container_name, "shared", account_key=KEY,
                                  permission=BlobSasPermissions(read=True), expiry=expiry)
    assert error_of(lambda: BlobClient.from_blob_url(f"{url}?{read_only}").get_blob_tags()).status_code == 403
    tags_only = generate_blob_sas(ACCOUNT, container.container_name, "shared", account_key=KEY,
                                  permission=BlobSasPermissions(tag=True), expiry=expiry)
    tagger = BlobClient.from_blob_url(f"{url}?{tags_only}")
    tagger.set_blob_tags({"k": container.container_name})
    assert tagger.get_blob_tags() == {"k": container.container_name}

    container_url = f"{emulator.url('Blob')}/{container.container_name}"
    finder = generate_container_sas(ACCOUNT, container.container_name, account_key=KEY,
                                    permission=ContainerSasPermissions(filter_by_tags=True), expiry=expiry)
    found = ContainerClient.from_container_url(f"{container_url}?{finder}").find_blobs_by_tags(mine)
    assert [b.name for b in found] == ["shared"]
    lister = generate_container_sas(ACCOUNT, container.container_name, account_key=KEY,
                                    permission=ContainerSasPermissions(list=True), expiry=expiry)
    error = error_of(lambda: list(ContainerClient.from_container_url(f"{container_url}?{lister}").find_blobs_by_tags(mine)))
    assert error.status_code == 403 and error.error_code == "AuthorizationPermissionMismatch"
    account_sas = generate_account_sas(ACCOUNT, KEY, ResourceTypes(service=True), AccountSasPermissions(filter_by_tags=True),
                                       expiry)
    service = BlobServiceClient(emulator.url("Blob"), credential=account_sas)
    assert [b.name for b in service.find_blobs_by_tags(mine)] == ["shared"]
