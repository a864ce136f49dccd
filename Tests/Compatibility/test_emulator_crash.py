"""The emulator killed with SIGKILL during uploads, bounded: the same chaos as `benchmarks/chaos/emulator-kill`
(which runs 100 cycles and more), ten cycles here. Every acknowledged write is intact after each restart, no blob
is torn, and restart never fails."""
import os
import shutil
import sys
import tempfile

from conftest import ROOT, emulator_binary

sys.path.insert(0, os.path.join(ROOT, "benchmarks", "chaos"))
from emulator_kill import Chaos  # noqa: E402


def test_sigkill_during_uploads_with_versioning_loses_no_acknowledged_version():
    """The same with versioning and soft delete on: each acknowledged write also reads back by its version ID."""
    location = tempfile.mkdtemp(prefix="ironviper-crash-versions-")
    try:
        chaos = Chaos(emulator_binary(), location, seed=11, writers=3, max_kill_delay=0.8, log=print, versioning=True)
        figures = chaos.run(6)
        print(figures.summary())
        assert figures.problems == []
        assert figures.cycles == 6
        assert figures.writes_acknowledged > 10
        assert figures.versions_checked == figures.writes_acknowledged
    finally:
        shutil.rmtree(location, ignore_errors=True)


def test_sigkill_during_uploads_loses_nothing_acknowledged():
    location = tempfile.mkdtemp(prefix="ironviper-crash-")
    try:
        # A fixed seed: a failure replays with `benchmarks/chaos/emulator-kill --seed 7 --cycles 10`.
        chaos = Chaos(emulator_binary(), location, seed=7, writers=3, max_kill_delay=0.8, log=print)
        figures = chaos.run(10)
        print(figures.summary())
        assert figures.problems == []
        assert figures.restart_failures == 0 and figures.torn == 0 and figures.lost == 0
        assert figures.cycles == 10
        # The run did real work: writes were acknowledged and read back after restarts.
        assert figures.writes_acknowledged > 20
        assert figures.writes_checked > 10
        # Append and page blobs too: blocks appended and runs of pages written, then found in place.
        assert figures.appends_acknowledged > 0 and figures.append_blocks_checked >= figures.appends_acknowledged
        assert figures.page_writes_acknowledged > 0
    finally:
        shutil.rmtree(location, ignore_errors=True)
