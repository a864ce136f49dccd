"""Many machines, one account (issue 19), end to end with the real binaries and Microsoft's SDKs.

Two daemons with the default library name and overlapping paths and contents back up into one
emulator process; each restores its own files byte for byte and neither's rows touch the other's.
`mirror` on one never removes what the other references; deleted on both, the content goes. A
catalog synced before devices existed has its rows moved on the next start, uploading nothing."""
import filecmp
import os
import shutil
import sqlite3
import sys
import tempfile

import pytest
from azure.data.tables import TableServiceClient
from azure.storage.blob import BlobServiceClient

from conftest import start_emulator
from daemon_harness import Daemon, check_file, encode_key, eventually, kill_all, make_jpeg, restore, sha256

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benchmarks", "chaos"))
import devices_chaos  # noqa: E402

MIRROR = 'access_tier = "Hot"\ndeletes = "mirror"\nretention_days = 0'


@pytest.fixture
def account():
    work = tempfile.mkdtemp(prefix="ironviper-devices-")
    emulator = start_emulator(location=os.path.join(work, "storage"))
    daemons = []

    def machine(name, extra=""):
        d = Daemon(os.path.join(work, name), storage=emulator.connection_string, device=name, extra=extra)
        daemons.append(d)
        return d

    yield emulator, machine, work
    kill_all(daemons)
    emulator.stop()
    shutil.rmtree(work, ignore_errors=True)


def rows_of(tables, d):
    return {e["RowKey"]: e for e in
            tables.get_table_client("files").query_entities(f"PartitionKey eq '{d.files_partition}'")}


def test_two_machines_with_the_same_names_restore_their_own_files(account):
    emulator, machine, work = account
    nas, laptop = machine("nas"), machine("laptop")
    make_jpeg(f"{nas.library}/DCIM/IMG_0001.JPG", 1)
    make_jpeg(f"{laptop.library}/DCIM/IMG_0001.JPG", 2)  # the same camera name, another photo
    make_jpeg(f"{nas.library}/2024/shared.jpg", 3)
    os.makedirs(f"{laptop.library}/from nas")
    shutil.copy(f"{nas.library}/2024/shared.jpg", f"{laptop.library}/from nas/shared.jpg")
    for d in (nas, laptop):
        d.start()
    blobs = BlobServiceClient.from_connection_string(emulator.connection_string)
    tables = TableServiceClient.from_connection_string(emulator.connection_string)

    def synced(d):
        masters = {b.name: b for b in blobs.get_container_client("file-store").list_blobs()}
        rows = rows_of(tables, d)
        for folder, _, names in os.walk(d.library):
            for name in names:
                local = os.path.join(folder, name)
                check_file(blobs, masters, rows, os.path.relpath(local, d.library), local)
        return masters, rows
    for d in (nas, laptop):
        eventually(d, lambda: synced(d), f"{d.device}'s sync")
    masters, _ = synced(nas)
    assert len(masters) == 3, "the shared photo is stored once"
    for d in (nas, laptop):
        assert rows_of(tables, d)[encode_key("DCIM/IMG_0001.JPG")]["sha256"] == sha256(f"{d.library}/DCIM/IMG_0001.JPG")
        target = os.path.join(work, "restored-" + d.device)
        restore(d, target)
        assert filecmp.dircmp(d.library, os.path.join(target, "photos")).diff_files == []
        for folder, _, names in os.walk(d.library):
            for name in names:
                local = os.path.join(folder, name)
                restored = os.path.join(target, "photos", os.path.relpath(local, d.library))
                assert filecmp.cmp(local, restored, shallow=False), restored
    shared = sha256(f"{nas.library}/2024/shared.jpg")
    holders = {(r["device"], r["path"]) for r in tables.get_table_client("refs").query_entities(f"PartitionKey eq '{shared}'")}
    assert holders == {("nas", "2024/shared.jpg"), ("laptop", "from nas/shared.jpg")}
    listing = nas.ironviper("device", "list", "--connection-string", emulator.connection_string, "--json")
    assert listing.returncode == 0, listing.stderr
    assert "nas" in listing.stdout and "laptop" in listing.stdout
    status = nas.status()
    assert status["device"] == "nas", status
    for d in (nas, laptop):
        d.stop()


def test_mirror_on_one_machine_keeps_what_the_other_references(account):
    emulator, machine, _ = account
    keeper, mirror = machine("keeper", MIRROR), machine("mirror", MIRROR)
    make_jpeg(f"{keeper.library}/kept.jpg", 10)
    shutil.copy(f"{keeper.library}/kept.jpg", f"{mirror.library}/also here.jpg")
    make_jpeg(f"{mirror.library}/only mirror.jpg", 11)
    for d in (keeper, mirror):
        d.start()
    blobs = BlobServiceClient.from_connection_string(emulator.connection_string)
    kept, only = sha256(f"{keeper.library}/kept.jpg"), sha256(f"{mirror.library}/only mirror.jpg")

    def master(sha):
        return blobs.get_blob_client("file-store", sha).exists()

    def both_up():
        assert master(kept) and master(only)
    for d in (keeper, mirror):
        eventually(d, both_up, f"{d.device}'s sync")

    os.remove(f"{mirror.library}/also here.jpg")
    os.remove(f"{mirror.library}/only mirror.jpg")

    def purged_only_theirs():
        assert mirror.status()["outbox"]["scheduledPurges"] == 0
        assert not master(only), "content nobody references stays"
        assert master(kept), "the mirror removed a master another device references"
        previews = {b.name for b in blobs.get_container_client("pv-store").list_blobs(name_starts_with=kept + "/")}
        assert len(previews) > 1, previews  # the ten renditions, identical ones stored once
    eventually(mirror, purged_only_theirs, "the mirror's purge")

    os.remove(f"{keeper.library}/kept.jpg")  # now deleted on both: it goes

    def purged_on_both():
        assert keeper.status()["outbox"]["scheduledPurges"] == 0
        assert not master(kept)
    eventually(keeper, purged_on_both, "the keeper's purge")
    for d in (keeper, mirror):
        d.stop()


def test_rows_from_before_devices_are_moved_on_start_without_uploads(account):
    emulator, machine, _ = account
    d = machine("upgraded")
    make_jpeg(f"{d.library}/2024/a.jpg", 20)
    with open(f"{d.library}/notes.txt", "w") as f:
        f.write("kept across the upgrade\n")
    d.start()
    blobs = BlobServiceClient.from_connection_string(emulator.connection_string)
    tables = TableServiceClient.from_connection_string(emulator.connection_string)
    def synced():
        assert len(rows_of(tables, d)) == 2
    eventually(d, synced, "the sync")
    d.stop()
    etags = {b.name: b.etag for b in blobs.get_container_client("file-store").list_blobs()}
    # What a version without devices left: rows keyed by library alone, no refs, no record of a move.
    prefix = d.scoped("")
    for table in ("files", "folders", "history"):
        client = tables.get_table_client(table)
        for row in list(client.list_entities()):
            legacy = dict(row)
            legacy["PartitionKey"] = row["PartitionKey"][len(prefix):]
            legacy.pop("device", None)
            if table == "files":
                legacy.pop("library", None)
            client.upsert_entity(legacy)
            client.delete_entity(row["PartitionKey"], row["RowKey"])
    refs = tables.get_table_client("refs")
    for row in list(refs.list_entities()):
        refs.delete_entity(row["PartitionKey"], row["RowKey"])
    with sqlite3.connect(os.path.join(d.state, "catalog.sqlite")) as catalog:
        catalog.execute("DELETE FROM settings WHERE key = 'cloudKeys'")

    d.start()

    def moved():
        rows = rows_of(tables, d)
        assert {encode_key("2024/a.jpg"), "notes.txt"} == set(rows), rows
        assert all(r["device"] == "upgraded" for r in rows.values())
        assert not [r for r in tables.get_table_client("files").list_entities() if "device" not in r]
        assert len(list(refs.list_entities())) == 2
    eventually(d, moved, "the rows moved to device keys")
    assert {b.name: b.etag for b in blobs.get_container_client("file-store").list_blobs()} == etags, "a master went up again"
    assert "cloud rows moved to device keys" in d.logtail()
    d.stop()


def test_two_machines_killed_at_random_moments_lose_nothing_and_leave_no_orphan():
    report = devices_chaos.run(seed=20261204, cycles=4)
    print(report)
    assert report.kills == 8
    assert report.masters_missing == 0 and report.orphans == 0
    assert report.restored_identical == sum(report.files.values()) > 0
