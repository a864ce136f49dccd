"""Metrics and cost end to end (issue 15), with the real binaries.

The daemon backs a known corpus up into an emulator process of the test's own whose request log (`--debug`) is
the independent count: `ironviper cost --json` must report exactly the same requests per billing class. The
daemon's `/metrics` (on the port it bound, read from `status --json`) and the emulator's (`--metrics`) must
pass `promtool check metrics`, and the daemon's request counter must have moved by what the log shows.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, start_emulator
from daemon_harness import Daemon, make_jpeg

sys.path.insert(0, os.path.join(ROOT, "benchmarks", "cost"))
from requests_per_photo import count, settled  # noqa: E402


def promtool_check_metrics(text):
    promtool = shutil.which("promtool")
    assert promtool, "promtool is not on PATH: scripts/setup installs Debian's prometheus package"
    result = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def scrape(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return answer.read().decode()


def sample_sum(text, name, **labels):
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not (line.startswith(name + "{") or line.startswith(name + " ")):
            continue
        series, value = line.rsplit(" ", 1)
        if all(f'{k}="{v}"' in series for k, v in labels.items()):
            total += float(value)
    return total


@pytest.fixture
def work():
    path = tempfile.mkdtemp(prefix="ironviper-metrics-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_cost_counts_equal_the_emulators_request_log_and_metrics_pass_promtool(work):
    log = os.path.join(work, "requests.log")
    emulator = start_emulator(location=os.path.join(work, "storage"), extra_args=["-d", log, "--metrics"])
    d = Daemon(work, storage=emulator.connection_string)
    try:
        for index in range(4):
            make_jpeg(os.path.join(d.library, f"2024/IMG_{index}.jpg"), seed=index + 20)
        shutil.copy(os.path.join(d.library, "2024/IMG_0.jpg"), os.path.join(d.library, "copy.jpg"))  # a duplicate
        d.start()
        catalog = os.path.join(d.state, "catalog.sqlite")
        status = d.wait_for(lambda s: settled(catalog, 5), "the corpus backed up", timeout=300)
        url = status["metrics"]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/metrics"), url

        text = scrape(url)
        promtool_check_metrics(text)
        assert sample_sum(text, "ironviper_files", state="present") == 5
        assert sample_sum(text, "ironviper_build_info", component="daemon") == 1
        assert sample_sum(text, "ironviper_ingest_files_total") == 5
        assert sample_sum(text, "ironviper_master_commit_latency_seconds_count") == 4  # four contents
        d.stop()

        classes, operations = count(log)
        out = d.ironviper("cost", "--json")
        assert out.returncode == 0, out.stderr
        report = json.loads(out.stdout)["report"]
        assert report["total"]["requests"] == dict(classes), (report["total"]["requests"], operations)
        # The daemon's counter, scraped once the backup had settled, saw no more than the emulator answered.
        answered = sample_sum(text, "ironviper_cloud_requests_total")
        assert 0 < answered <= sum(classes.values())
        assert report["stored"][0]["blobs"] == 4, report["stored"]  # five files, four contents
        profiles = {p["name"]: p for p in report["profiles"]}
        # A master and its distinct renditions (identical ones are one blob: a 320×240 photo's ten are four).
        renditions = report["stored"][1]["blobs"]
        assert report["stored"][1]["container"] == "pv-store" and 4 < renditions < 40, report["stored"]
        assert profiles["default"]["writesPerPhoto"] == 1 + renditions / 4, profiles
        assert profiles["lean"]["writesPerPhoto"] == 3, profiles
        assert report["writesPerPhoto"] == classes["write"] / 4

        # --cloud lists what the account holds, and those List Blobs requests are counted too.
        out = d.ironviper("cost", "--json", "--cloud")
        assert out.returncode == 0, out.stderr
        listed = json.loads(out.stdout)
        masters = [e for e in listed["cloud"] if e["container"] == "file-store"]
        assert masters == [{"container": "file-store", "tier": "Cold", "blobs": 4,
                            "bytes": report["stored"][0]["bytes"]}], listed["cloud"]
        assert listed["report"]["total"]["requests"]["list"] == classes["list"] + 2

        emulator_text = scrape(emulator.endpoints["Blob"] + "/metrics")
        promtool_check_metrics(emulator_text)
        with open(log) as f:
            put_blobs = sum(1 for line in f if " Blob PUT " in line and "?" not in line.split()[3]
                            and line.split()[4] == "201")
        assert sample_sum(emulator_text, "ironviper_emulator_requests_total", service="blob", operation="putBlob",
                          status="201") == put_blobs > 0
    finally:
        if d.process and d.process.poll() is None:
            d.process.kill()
            d.process.wait()
        emulator.stop()


def test_metrics_listen_off_binds_nothing(work):
    d = Daemon(work, metrics="off")
    try:
        d.start()
        assert d.status().get("metrics") is None
    finally:
        d.stop()


def test_a_metrics_port_in_use_leaves_backups_running(work):
    first = Daemon(os.path.join(work, "a"))
    first.start()
    try:
        taken = first.status()["metrics"].split(":")[2].split("/")[0]
        second = Daemon(os.path.join(work, "b"), metrics=f"127.0.0.1:{taken}")
        second.start()
        try:
            assert second.status().get("metrics") is None
            make_jpeg(os.path.join(second.library, "one.jpg"), seed=5)
            second.wait_for(lambda s: s["libraries"][0]["files"]["present"] == 1 and s["outbox"]["pending"] == {},
                            "the photo backed up without metrics")
            assert "metrics not served" in second.logtail()
        finally:
            second.stop()
    finally:
        first.stop()
