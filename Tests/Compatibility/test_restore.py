"""`ironviper restore` and `ironviper verify` end to end, with the real binary.

The daemon (its bundled emulator on free ports) backs up a folder; `ironviper restore` then runs
as on a fresh machine, with nothing but `--connection-string` (no configuration, no catalog, an
empty HOME), and must reproduce the tree byte for byte with every mtime. `ironviper verify` must
exit 0 on the synced library, and non-zero naming the master after Microsoft's
`azure-storage-blob` deletes one.
"""
import hashlib
import os
import shutil
import subprocess
import tempfile

from azure.storage.blob import BlobServiceClient

from conftest import ROOT  # noqa: F401  (the suite's paths)
from daemon_harness import daemon, eventually, ironviper_binary, make_jpeg, sha256  # noqa: F401  (fixture)

FILES = {
    "2024/trip/a.jpg": 1,
    "2024/trip/b.jpg": 2,
    "2024/été/çà #1 100%.jpg": 3,
    "2024/copy of a.jpg": 1,
    "notes/read me.txt": None,
}


def tree(root):
    """Relative path -> (bytes hash, mtime in ns) of every file under root."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            found[os.path.relpath(path, root)] = (digest, os.stat(path).st_mtime_ns)
    return found


def fresh_env(home):
    """The environment of a machine that has never run ironviper: no configuration, no state."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("IRONVIPER_") and not k.startswith("XDG_") and k != "CREDENTIALS_DIRECTORY"}
    env["HOME"] = home
    return env


def test_restore_on_a_fresh_machine_and_verify(daemon):
    d = daemon
    made = {}
    for index, (relative, seed) in enumerate(FILES.items()):
        path = os.path.join(d.library, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if seed is None:
            with open(path, "w") as f:
                f.write("not a photo\n")
        elif seed in made:
            shutil.copyfile(made[seed], path)  # the same content under a second path
        else:
            make_jpeg(path, seed)
            made[seed] = path
        stamp = (1_600_000_000 + index * 1000) * 1_000_000_000 + 123_456_789
        os.utime(path, ns=(stamp, stamp))
    d.start()
    blobs = BlobServiceClient.from_connection_string(d.connection_string)

    def backed_up():
        masters = {b.name for b in blobs.get_container_client("file-store").list_blobs()}
        for relative in FILES:
            assert sha256(os.path.join(d.library, relative)) in masters, f"no master for {relative}"

    eventually(d, backed_up, "every master uploaded")

    home = tempfile.mkdtemp(prefix="ironviper-fresh-")
    target = os.path.join(home, "restored")
    try:
        result = subprocess.run(
            [ironviper_binary(), "restore", "--connection-string", d.connection_string, "--to", target],
            capture_output=True, text=True, env=fresh_env(home), timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "restored 5 of 5 files" in result.stdout and "4 downloads" in result.stdout, result.stdout
        assert tree(os.path.join(target, "photos")) == tree(d.library)
        assert not os.path.exists(os.path.join(target, ".ironviper-restore"))

        # One library and one folder of it: its paths go straight under the target.
        again = subprocess.run(
            [ironviper_binary(), "restore", "--connection-string", d.connection_string, "--to", target,
             "--library", "photos", "--prefix", "2024/trip"],
            capture_output=True, text=True, env=fresh_env(home), timeout=120)
        assert again.returncode == 0, again.stdout + again.stderr
        assert tree(os.path.join(target, "2024", "trip")) == tree(os.path.join(d.library, "2024", "trip"))

        # No connection string anywhere: a clear error, not an empty emulator.
        nothing = subprocess.run([ironviper_binary(), "restore", "--to", target], capture_output=True, text=True,
                                 env=fresh_env(home), timeout=60)
        assert nothing.returncode != 0 and "connection-string" in nothing.stderr, nothing.stderr

        verify = [ironviper_binary(), "verify", "--config", d.config, "--connection-string", d.connection_string]
        clean = subprocess.run(verify, capture_output=True, text=True, timeout=120)
        assert clean.returncode == 0, clean.stdout + clean.stderr
        assert clean.stdout.strip().endswith("clean"), clean.stdout
        # Without a connection string it reaches the running daemon's bundled emulator on its ports.
        bundled = subprocess.run(verify[:4], capture_output=True, text=True, timeout=120)
        assert bundled.returncode == 0 and bundled.stdout.strip().endswith("clean"), bundled.stdout + bundled.stderr

        victim = sha256(os.path.join(d.library, "2024/trip/b.jpg"))
        blobs.get_blob_client("file-store", victim).delete_blob()
        broken = subprocess.run(verify, capture_output=True, text=True, timeout=120)
        assert broken.returncode == 1, broken.stdout + broken.stderr
        assert f"masterMissing {victim}" in broken.stdout, broken.stdout
    finally:
        shutil.rmtree(home, ignore_errors=True)
    d.stop()
