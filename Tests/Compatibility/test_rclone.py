"""The Blob service against Debian's rclone (azureblob backend), which only reaches an emulator at
http://127.0.0.1:10000/devstoreaccount1 (`use_emulator`): these tests need that port free."""
import hashlib
import os
import shutil
import subprocess
import tempfile

import pytest

from conftest import start_emulator


def rclone(*args, config):
    env = {**os.environ, "RCLONE_CONFIG": config}
    result = subprocess.run(["rclone", *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"rclone {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def emulator_on_10000():
    emu = start_emulator(services=("blob",), ports={"blob": 10000})
    yield emu
    emu.stop()
    shutil.rmtree(emu.location, ignore_errors=True)


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "rclone.conf"
    path.write_text("[emu]\ntype = azureblob\nuse_emulator = true\n")
    return str(path)


def make_tree(root):
    files = {
        "photos/2024/img_001.jpg": os.urandom(200_000),
        "photos/2024/img_002.jpg": os.urandom(5_000_000),  # above rclone's single-put cutoff: uploaded in blocks
        "photos/ünïcode name.jpg": os.urandom(1234),
        "notes.txt": b"hello rclone\n",
        "empty.bin": b"",
    }
    for name, data in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    return files


def test_copy_ls_check_and_sync_with_deletion(emulator_on_10000, config, tmp_path):
    source = tmp_path / "source"
    files = make_tree(str(source))
    rclone("mkdir", "emu:rclone-test", config=config)
    rclone("copy", str(source), "emu:rclone-test", config=config)

    listing = rclone("ls", "emu:rclone-test", config=config)
    listed = {line.split(maxsplit=1)[1]: int(line.split(maxsplit=1)[0]) for line in listing.strip().splitlines()}
    assert listed == {name: len(data) for name, data in files.items()}

    # `check` compares sizes and MD5s: the emulator must return the right Content-MD5 for every blob.
    rclone("check", str(source), "emu:rclone-test", config=config)
    md5s = rclone("md5sum", "emu:rclone-test", config=config)
    remote = {line.split(maxsplit=1)[1]: line.split(maxsplit=1)[0] for line in md5s.strip().splitlines()}
    assert remote["notes.txt"] == hashlib.md5(files["notes.txt"]).hexdigest()

    # A deletion locally, then `sync`, must delete remotely.
    os.remove(source / "notes.txt")
    rclone("sync", str(source), "emu:rclone-test", config=config)
    listing = rclone("ls", "emu:rclone-test", config=config)
    assert "notes.txt" not in listing and "photos/2024/img_002.jpg" in listing

    back = tmp_path / "back"
    rclone("copy", "emu:rclone-test", str(back), config=config)
    for name, data in files.items():
        if name == "notes.txt":
            continue
        assert (back / name).read_bytes() == data
