"""Processes opening one new catalog at once migrate it once.

Found by a full test run beside a release build: the daemon's first open of its catalog and `ironviper status`
polling it both applied a migration, and the second failed (`duplicate column name: parked_at`), taking the daemon
down. Threads of one process did not show it; processes do, within a few tries, without `MigrationLock`.
"""
import shutil
import subprocess
import tempfile

from daemon_harness import ironviper_binary


def test_eight_processes_opening_a_new_catalog_at_once_all_succeed():
    for _ in range(10):
        folder = tempfile.mkdtemp(prefix="ironviper-catalog-race-")
        try:
            processes = [subprocess.Popen([ironviper_binary(), "search", "--data-dir", folder, "anything"],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(8)]
            for process in processes:
                _, err = process.communicate(timeout=120)
                assert process.returncode == 0, err
        finally:
            shutil.rmtree(folder, ignore_errors=True)
