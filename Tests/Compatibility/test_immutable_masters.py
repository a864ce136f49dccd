"""Masters that ransomware cannot touch (issue 17), end to end: the real daemon against the real emulator with
version-level immutability switched on for the account (the emulator's `--account-config`, as Azure's management
plane would), and a client holding the account key (Microsoft's SDK) playing the attacker.

With `[storage] immutability_days` set, every master is uploaded under a Locked policy; the attacker can neither
delete a master, nor remove, shorten or unlock its policy, nor write its metadata, nor lower its tier; an overwrite
makes a new version (as on Azure) and the protected one stays byte for byte. The daemon extends a policy while a
path references the master, and once the paths are gone and the policy has lapsed, `mirror` removes the master,
every version of it, without ever being refused.

A day is made seconds long through `IRONVIPER_TEST_DAY_SECONDS`, the daemon's test hook; every wait polls for a
state with a generous bound, none stands in for an event."""
import datetime
import json
import os
import shutil
import sqlite3
import tempfile

import pytest
from azure.storage.blob import BlobServiceClient, ImmutabilityPolicy

from conftest import emulator_with_features, eventually as until, refused
from daemon_harness import Daemon, eventually, kill_all, make_jpeg, restore, sha256

# While attacked, a day is an hour: the policies the daemon sets outlast the attack by far.
ATTACK_DAY_SECONDS = "3600"
# For the lapse, a day is thirty seconds: a policy of 30 s, extended when less than a third is left.
LAPSE_DAY_SECONDS = "30"
PROTECTED = 'immutability_days = 1\n'
MIRROR = 'access_tier = "Hot"\ndeletes = "mirror"\nretention_days = 0\n'


@pytest.fixture
def worm_account():
    """An emulator whose account keeps versions and has version-level immutability on every container."""
    work = tempfile.mkdtemp(prefix="ironviper-worm-")
    daemons = []

    def machine(extra, day_seconds):
        d = Daemon(os.path.join(work, f"machine-{len(daemons)}"), storage=emulator.connection_string, extra=extra)
        d.day_seconds = day_seconds
        daemons.append(d)
        return d

    with emulator_with_features({"versioning": True, "versionLevelImmutability": True},
                                services=("blob", "queue", "table")) as emulator:
        yield emulator, machine
        kill_all(daemons)
    shutil.rmtree(work, ignore_errors=True)


def start(d, monkeypatch):
    monkeypatch.setenv("IRONVIPER_TEST_DAY_SECONDS", d.day_seconds)
    d.start()


def versions_of(container, sha):
    """Every version of one master, with its immutability policy."""
    return [b for b in container.list_blobs(name_starts_with=sha, include=["versions", "immutabilitypolicy"])
            if b.name == sha]


def protected_version(container, sha):
    """The version of a master that holds a policy (the one the daemon uploaded)."""
    versions = [v for v in versions_of(container, sha) if v.immutability_policy.expiry_time is not None]
    assert len(versions) == 1, [(v.version_id, v.immutability_policy) for v in versions_of(container, sha)]
    return versions[0]


def test_an_attacker_holding_the_account_key_cannot_destroy_a_master(worm_account, monkeypatch):
    emulator, machine = worm_account
    d = machine(PROTECTED, ATTACK_DAY_SECONDS)
    photos = {f"2024/IMG_{n:04}.JPG": None for n in range(1, 4)}
    for n, relative in enumerate(photos, start=1):
        make_jpeg(os.path.join(d.library, relative), n)
        photos[relative] = sha256(os.path.join(d.library, relative))
    started = datetime.datetime.now(datetime.timezone.utc)
    start(d, monkeypatch)
    blobs = BlobServiceClient.from_connection_string(emulator.connection_string)
    masters = blobs.get_container_client("file-store")

    def all_protected():
        for sha in photos.values():
            policy = masters.get_blob_client(sha).get_blob_properties().immutability_policy
            assert policy.policy_mode == "locked" or policy.policy_mode == "Locked", policy
            # a day of an hour from the upload: far beyond the attack
            assert policy.expiry_time > started + datetime.timedelta(minutes=50), policy
    eventually(d, all_protected, "every master under a Locked policy")

    # verify lists each master's protection and finds nothing wrong.
    out = d.ironviper("verify", "--json")
    report = json.loads(out.stdout)
    assert out.returncode == 0 and report["clean"], out.stdout + out.stderr
    listed = {m["sha256"]: m for m in report["report"]["protection"]}
    assert set(listed) == set(photos.values())
    assert all(m["active"] and m["referenced"] and m["mode"] == "Locked" for m in listed.values()), listed
    text = d.ironviper("verify").stdout
    assert "protection: 3 of 3 masters under an immutability policy" in text, text
    for sha in photos.values():
        assert f"  {sha}: until " in text and "(Locked)" in text, text
    d.stop()

    for relative, sha in photos.items():
        with open(os.path.join(d.library, relative), "rb") as f:
            original = f.read()
        blob = masters.get_blob_client(sha)
        ends = blob.get_blob_properties().immutability_policy.expiry_time
        refused("BlobImmutableDueToPolicy", blob.delete_blob)
        refused("ImmutabilityPolicyDeleteOnLockedPolicy", blob.delete_immutability_policy)
        refused("BlobImmutableDueToPolicy", blob.set_immutability_policy,
                ImmutabilityPolicy(expiry_time=ends - datetime.timedelta(minutes=30), policy_mode="Locked"))
        refused("BlobImmutableDueToPolicy", blob.set_immutability_policy,
                ImmutabilityPolicy(expiry_time=ends, policy_mode="Unlocked"))
        refused("BlobImmutableDueToPolicy", blob.set_blob_metadata, {"owned": "yes"})
        # Lowering the tier: refused by the emulator (on Azure it is allowed, see the README's threat model).
        refused("BlobImmutableDueToPolicy", blob.set_standard_blob_tier, "Archive")
        # An overwrite succeeds as on Azure, as a new current version; the protected one stays, and the new
        # version (not protected) can be deleted, never the protected one.
        kept = protected_version(masters, sha)
        blob.upload_blob(b"encrypted by ransomware", overwrite=True)
        assert blob.download_blob().readall() == b"encrypted by ransomware"
        blob.delete_blob()
        refused("BlobImmutableDueToPolicy", blob.delete_blob, version_id=kept.version_id)
        after = protected_version(masters, sha)
        assert after.version_id == kept.version_id
        assert after.immutability_policy.expiry_time == ends
        assert blob.download_blob(version_id=kept.version_id).readall() == original, relative

    # Every current version is gone now, yet a restore with only the connection string gets every photo back byte
    # for byte, from the protected versions.
    target = os.path.join(d.work, "restored")
    restore(d, target)
    for relative in photos:
        with open(os.path.join(d.library, relative), "rb") as a, open(os.path.join(target, "photos", relative), "rb") as b:
            assert a.read() == b.read(), relative

    # The catalog recorded each master's protection (what the daemon extends and mirror waits for).
    with sqlite3.connect(os.path.join(d.state, "catalog.sqlite")) as catalog:
        recorded = dict(catalog.execute("SELECT sha256, until FROM master_protection").fetchall())
    assert set(recorded) == set(photos.values())


def test_a_referenced_master_stays_protected_and_mirror_removes_it_once_the_policy_lapses(worm_account, monkeypatch):
    emulator, machine = worm_account
    d = machine(PROTECTED + MIRROR, LAPSE_DAY_SECONDS)
    make_jpeg(os.path.join(d.library, "kept.jpg"), 21)
    make_jpeg(os.path.join(d.library, "gone/a.jpg"), 22)
    make_jpeg(os.path.join(d.library, "gone/b.jpg"), 23)
    kept = sha256(os.path.join(d.library, "kept.jpg"))
    gone = [sha256(os.path.join(d.library, f"gone/{n}.jpg")) for n in "ab"]
    start(d, monkeypatch)
    blobs = BlobServiceClient.from_connection_string(emulator.connection_string)
    masters = blobs.get_container_client("file-store")

    def uploaded():
        return {sha: protected_version(masters, sha).immutability_policy.expiry_time for sha in [kept, *gone]}
    first = eventually(d, uploaded, "three protected masters")

    # While referenced, the daemon extends every policy before it runs out: each ends later than it first did.
    until(lambda: all(later > first[sha] for sha, later in uploaded().items()), "every policy extended", bound=180)

    # The paths go; mirror removes those masters (every version) once their policies have lapsed, never before.
    shutil.rmtree(os.path.join(d.library, "gone"))
    until(lambda: all(versions_of(masters, sha) == [] for sha in gone), "the unreferenced masters removed",
          bound=180)
    assert kept in {b.name for b in masters.list_blobs()}
    # still extended while referenced: its policy is in force now
    assert protected_version(masters, kept).immutability_policy.expiry_time > datetime.datetime.now(
        datetime.timezone.utc)
    d.stop()
    with open(os.path.join(d.work, "daemon.log")) as f:
        log = f.read()
    assert "BlobImmutableDueToPolicy" not in log, "a purge was tried before the policy ended"
    # Each extension was counted for `ironviper cost` as the write it is, priced at the master's tier.
    with sqlite3.connect(os.path.join(d.state, "catalog.sqlite")) as catalog:
        extensions = catalog.execute(
            "SELECT class, tier, sum(requests) FROM cloud_requests WHERE operation = 'SetBlobImmutabilityPolicy' "
            "GROUP BY class, tier").fetchall()
    assert len(extensions) == 1 and extensions[0][:2] == ("write", "Hot") and extensions[0][2] >= 3, extensions
