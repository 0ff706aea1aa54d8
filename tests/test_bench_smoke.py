"""Smoke test of the benchmark: `bench/run.py --quick` runs to the end and
its JSON has every section with sane, positive numbers. No timing is
asserted (the figures depend on the machine); that is the benchmark's job.
"""

import json
import math
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(ROOT, "bench", "run.py")
THREADS = ("1", "2", "4", "8")


def _positive(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.json"
    r = subprocess.run(
        [sys.executable, RUN, "--quick", "--out", str(out),
         "--tools", str(tmp / "tools")],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-5000:]
    with open(out) as f:
        data = json.load(f)
    data["_stdout"] = r.stdout
    return data


def test_every_section_present(results):
    for key in ("machine", "settings", "per_call", "breakdown", "end_to_end",
                "threads", "cold_start", "memory", "targets", "table"):
        assert key in results, key
    assert results["mode"] == "quick"


def test_per_call(results):
    pc = results["per_call"]
    for impl in ("qconnect_c", "qconnect_c_core_call", "botocore"):
        assert _positive(pc[impl]["us_per_call"]), impl
        assert _positive(pc[impl]["wall_us_per_call"]), impl
        assert len(pc[impl]["us_runs"]) == results["settings"]["pc_repeats"]
    assert _positive(pc["ratio"])
    assert pc["ratio"] == pytest.approx(
        pc["qconnect_c"]["us_per_call"] / pc["botocore"]["us_per_call"])
    bd = results["breakdown"]
    assert _positive(bd["public_method_us"])
    assert _positive(bd["binding_call_us"])
    assert bd["python_method_us"] >= 0


def test_end_to_end(results):
    e2e = results["end_to_end"]
    for impl in ("qconnect_c", "botocore", "floor"):
        run = e2e[impl]
        assert run["threads"] == 1
        assert run["calls"] > 0, impl
        assert _positive(run["calls_per_s"]), impl
        assert _positive(run["cpu_us_per_call"]), impl
    assert _positive(e2e["ratio_vs_floor"])
    assert e2e["placement"] in ("split", "unpinned")
    if e2e["placement"] == "split":
        shared = e2e["shared_cpu"]
        for impl in ("qconnect_c", "botocore", "floor"):
            assert _positive(shared[impl]["calls_per_s"]), impl
            assert _positive(shared[impl]["cpu_us_per_call"]), impl
    for impl in ("qconnect_c", "botocore", "floor"):
        assert _positive(e2e["unpinned"][impl]["calls_per_s"]), impl
    # The floor sends exactly the request qconnect_c sends.
    assert e2e["wire"]["same_request"] is True
    assert (e2e["wire"]["qconnect_c_request_bytes"]
            == e2e["wire"]["floor_request_bytes"])


def test_threads(results):
    thr = results["threads"]
    for impl in ("qconnect_c", "botocore", "floor", "qconnect_c_canned"):
        assert sorted(thr[impl], key=int) == list(THREADS), impl
        for n in THREADS:
            assert _positive(thr[impl][n]), (impl, n)
        assert _positive(thr["scaling"][impl])
    assert thr["max_threads"] == 8


def test_cold_start(results):
    cold = results["cold_start"]
    for k in ("bare", "qconnect_c", "boto3"):
        assert _positive(cold[k]["wall_ms"]), k
        assert _positive(cold[k]["cpu_ms"]), k
        assert cold[k]["peak_rss_kib"] > 1024, k  # a Python is > 1 MiB
        assert cold[k]["runs"] == results["settings"]["cold_runs"]
    # Importing a package and making a client costs something over bare
    # Python (a sanity check of the measurement, not a timing target).
    assert cold["boto3"]["peak_rss_kib"] > cold["bare"]["peak_rss_kib"]
    assert cold["qconnect_c"]["peak_rss_kib"] > cold["bare"]["peak_rss_kib"]
    assert _positive(cold["boto3_adds_cpu_ms"])
    assert os.path.realpath(cold["interpreter"]) == cold["interpreter"]
    assert cold["qconnect_c_top_imports_us"]


def test_memory(results):
    mem = results["memory"]
    assert mem["calls_first"] == 1000
    assert mem["calls_last"] == results["settings"]["mem_calls"]
    assert mem["rss_kib_first"] > 1024
    assert mem["rss_kib_last"] > 1024
    assert mem["growth_kib"] == mem["rss_kib_last"] - mem["rss_kib_first"]


def test_targets_and_table(results):
    targets = results["targets"]
    assert len(targets) == 6
    for t in targets:
        assert isinstance(t["pass"], bool)
        assert t["measured"] and t["goal"]
    out = results["_stdout"]
    for t in targets:
        assert t["target"] in out
    assert results["table"] in out
    assert ("PASS" in out) or ("FAIL" in out)
