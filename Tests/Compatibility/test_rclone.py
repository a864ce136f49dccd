"""The Blob service against Debian's rclone (azureblob backend).

Debian 12's rclone 1.60.1 reaches a path-style endpoint only through a SAS URL: its `endpoint` option
builds `https://ACCOUNT.ENDPOINT`, and its `use_emulator` switch sends requests with an empty URL
("unsupported protocol scheme") in this build. A container SAS URL, signed with the development
account's key, is an ordinary way users point rclone at one container, and works on any port.
"""
import hashlib
import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest
from azure.storage.blob import BlobServiceClient, ContainerSasPermissions, generate_container_sas

from conftest import ACCOUNT, KEY


def rclone(*args, sas_url):
    env = {**os.environ, "RCLONE_CONFIG": "/dev/null", "RCLONE_AZUREBLOB_SAS_URL": sas_url}
    result = subprocess.run(["rclone", "--retries", "1", "--low-level-retries", "2", *args], env=env,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, f"rclone {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def sas_url(emulator, unique_name):
    BlobServiceClient.from_connection_string(emulator.connection_string).create_container(unique_name)
    token = generate_container_sas(ACCOUNT, unique_name, account_key=KEY,
                                   permission=ContainerSasPermissions(read=True, add=True, create=True, write=True,
                                                                      delete=True, list=True),
                                   expiry=datetime.now(timezone.utc) + timedelta(hours=1))
    return f"{emulator.url('Blob')}/{unique_name}?{token}", unique_name


def make_tree(root):
    files = {
        "photos/2024/img_001.jpg": os.urandom(200_000),
        "photos/2024/img_002.jpg": os.urandom(5_000_000),
        "photos/ünïcode name.jpg": os.urandom(1234),
        # rclone lists this folder with `prefix=sub+dir%2F`: the `+` must be read as a space.
        "sub dir/inner file.txt": b"in a folder with a space\n",
        "notes.txt": b"hello rclone\n",
        "empty.bin": b"",
    }
    for name, data in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
    return files


def test_copy_ls_check_and_sync_with_deletion(sas_url, tmp_path):
    url, container = sas_url
    remote = f":azureblob:{container}"
    source = tmp_path / "source"
    files = make_tree(str(source))
    # Small cutoff and chunks, so the 5 MB file goes up as Put Block + Put Block List.
    rclone("copy", "--azureblob-upload-cutoff", "1M", "--azureblob-chunk-size", "1M", str(source), remote, sas_url=url)

    listing = rclone("ls", remote, sas_url=url)
    listed = {line.split(maxsplit=1)[1]: int(line.split(maxsplit=1)[0]) for line in listing.strip().splitlines()}
    assert listed == {name: len(data) for name, data in files.items()}

    # `check` compares sizes and MD5s: the emulator must return the right Content-MD5 for every blob.
    rclone("check", str(source), remote, sas_url=url)
    md5s = rclone("md5sum", remote, sas_url=url)
    remote_md5 = {line.split(maxsplit=1)[1]: line.split(maxsplit=1)[0] for line in md5s.strip().splitlines()}
    assert remote_md5["notes.txt"] == hashlib.md5(files["notes.txt"]).hexdigest()
    assert remote_md5["photos/2024/img_002.jpg"] == hashlib.md5(files["photos/2024/img_002.jpg"]).hexdigest()

    # A deletion locally, then `sync`, must delete remotely.
    os.remove(source / "notes.txt")
    rclone("sync", str(source), remote, sas_url=url)
    listing = rclone("ls", remote, sas_url=url)
    assert "notes.txt" not in listing and "photos/2024/img_002.jpg" in listing

    back = tmp_path / "back"
    rclone("copy", remote, str(back), sas_url=url)
    for name, data in files.items():
        if name == "notes.txt":
            continue
        assert (back / name).read_bytes() == data
