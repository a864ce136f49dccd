"""The daemon end to end, checked by a client nobody here wrote.

`ironviper run` (the real binary, its bundled emulator on free ports) watches a folder; files are
copied in, renamed, modified, deleted, and changed while the daemon is down. After each step the
test waits for `ironviper status --json` to show an empty outbox, then checks with Microsoft's
`azure-storage-blob` and `azure-data-tables` that the cloud holds exactly what docs/architecture.md's contracts
say: masters under their SHA-256 with the right Content-MD5, renditions for images, `files`,
`folders` and `history` rows.
"""
import os
import shutil
import signal
import socket
import subprocess

from daemon_harness import (  # noqa: F401 (daemon is a fixture)
    check_cloud, daemon, encode_key, eventually, ironviper_binary, make_jpeg, sha256)


def test_daemon_backs_up_renames_versions_deletes_and_reconciles(daemon):
    d = daemon
    d.start()
    lib = d.library
    make_jpeg(f"{lib}/2024/rome/colosseum.jpg", 1)
    make_jpeg(f"{lib}/2024/été/plage à midi.jpg", 2)
    shutil.copy(f"{lib}/2024/rome/colosseum.jpg", f"{lib}/2024/rome/copy of colosseum.jpg")  # a duplicate
    with open(f"{lib}/notes #1.txt", "w") as f:
        f.write("not a photo, backed up all the same\n")
    expected = {p: os.path.join(lib, p) for p in
                ["2024/rome/colosseum.jpg", "2024/été/plage à midi.jpg", "2024/rome/copy of colosseum.jpg",
                 "notes #1.txt"]}
    masters, files, tables = eventually(d, lambda: check_cloud(d, expected), "the first sync")
    assert len(masters) == 3, "the duplicate is stored once"
    folders = {(e["PartitionKey"], e["RowKey"]) for e in tables.get_table_client("folders").list_entities()}
    assert (d.scoped("photos"), "2024") in folders and (d.scoped(encode_key("photos/2024")), "rome") in folders

    # A renamed folder uploads nothing: same masters, same blob versions.
    before = {name: b.etag for name, b in masters.items()}
    ingested = d.wait_for(lambda s: (s.get("filesIngested") or 0) >= 4, "the first ingest counted")["filesIngested"]
    os.rename(f"{lib}/2024/rome", f"{lib}/2024/roma")
    expected = {p.replace("2024/rome/", "2024/roma/"): v.replace("/2024/rome/", "/2024/roma/") for p, v in expected.items()}
    def renamed():
        masters, files, _ = check_cloud(d, expected)
        assert files[encode_key("2024/rome/colosseum.jpg")]["deleted"] is True
        return masters, files
    masters, files = eventually(d, renamed, "the rename")
    assert {name: b.etag for name, b in masters.items()} == before, "a rename uploaded a master"
    # …and reads nothing: the catalog's rows follow the folder (an lstat per file, no re-hash).
    status = d.wait_for(lambda s: (s.get("filesMovedWithoutReading") or 0) >= 2, "the rename applied without reading")
    assert status["filesMovedWithoutReading"] == 2, status
    assert status["filesIngested"] == ingested, "a rename read files again"

    # A modified file is a new version: a new master and a history row for each version.
    make_jpeg(f"{lib}/2024/été/plage à midi.jpg", 3)

    def new_version():
        _, _, tables = check_cloud(d, expected)
        history = list(tables.get_table_client("history").query_entities(
            f"PartitionKey eq '{d.scoped(encode_key('photos/2024/été/plage à midi.jpg'))}'"))
        assert len(history) == 2, history
        assert {h["sha256"] for h in history} >= {sha256(f"{lib}/2024/été/plage à midi.jpg")}
    eventually(d, new_version, "the new version")

    # A delete under the default policy (keep): the row says deleted, the master stays.
    deleted_sha = sha256(f"{lib}/notes #1.txt")
    os.remove(f"{lib}/notes #1.txt")
    del expected["notes #1.txt"]
    def deleted():
        masters, files, _ = check_cloud(d, expected)
        assert files[encode_key("notes #1.txt")]["deleted"] is True
        assert deleted_sha in masters, "keep policy: the master of a deleted file stays"
    eventually(d, deleted, "the delete")

    # Changes made while the daemon is down are found by the reconcile scan at start.
    d.stop()
    make_jpeg(f"{lib}/offline/new while down.jpg", 4)
    os.remove(f"{lib}/2024/roma/copy of colosseum.jpg")
    del expected["2024/roma/copy of colosseum.jpg"]
    expected["offline/new while down.jpg"] = f"{lib}/offline/new while down.jpg"
    d.start()

    def reconciled():
        _, files, _ = check_cloud(d, expected)
        assert files[encode_key("2024/roma/copy of colosseum.jpg")]["deleted"] is True
    eventually(d, reconciled, "the reconcile at start")
    d.stop()


def test_a_reload_sent_the_moment_ready_arrives_is_not_fatal(daemon):
    """systemd may send SIGHUP as soon as READY=1 arrives: the daemon traps it before saying READY (it used to be
    trapped a moment later, by a task of its own, and an early SIGHUP ended the process)."""
    d = daemon
    path = os.path.join(d.work, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    log = open(os.path.join(d.work, "daemon.log"), "a")
    process = subprocess.Popen([ironviper_binary(), "run", "--config", d.config], stdout=log, stderr=subprocess.STDOUT, env=env)
    d.process = process
    try:
        assert sock.recv(4096).decode().startswith("READY=1\n")
        process.send_signal(signal.SIGHUP)
        while not sock.recv(4096).decode().startswith("RELOADING=1\n"):  # watchdog pings may come first
            pass
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        sock.close()
        log.close()


def test_daemon_speaks_sd_notify_on_a_real_socket(daemon):
    """READY once watching, WATCHDOG pings at half of WatchdogSec, RELOADING on SIGHUP, STOPPING on SIGTERM."""
    d = daemon
    path = os.path.join(d.work, "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(30)
    env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000")
    log = open(os.path.join(d.work, "daemon.log"), "a")
    process = subprocess.Popen([ironviper_binary(), "run", "--config", d.config], stdout=log, stderr=subprocess.STDOUT, env=env)
    d.process = process
    try:
        def next_message():
            return sock.recv(4096).decode()

        messages = [next_message() for _ in range(3)]
        assert messages[0].startswith("READY=1\n"), messages
        assert "WATCHDOG=1\n" in messages[1:], messages
        process.send_signal(signal.SIGHUP)
        seen = [next_message() for _ in range(4)]
        assert any(m.startswith("RELOADING=1\n") for m in seen), seen
        process.send_signal(signal.SIGTERM)
        rest = []
        while True:
            message = next_message()
            rest.append(message)
            if message.startswith("STOPPING=1"):
                break
        assert process.wait(timeout=30) == 0
    finally:
        sock.close()
        log.close()
