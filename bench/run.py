"""qconnect_c benchmark: per-call overhead, end to end on loopback, threads,
cold start and memory, against botocore and a raw-libcurl floor, in one
run. Prints one table and writes bench/results.json.

    python bench/run.py            # the full run (a few minutes)
    python bench/run.py --quick    # a smoke run (~20 s), results in
                                   # build/bench/results-quick.json

Every measurement runs in a fresh child process (bench/worker.py, the
floor program, or the cold-start commands); this process only drives
them, starts nginx and collects the numbers. A target that is missed is
reported as FAIL; the exit status is non-zero only when something broke.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import capture  # noqa: E402
import common  # noqa: E402
import nginx  # noqa: E402
import profiling  # noqa: E402

WORKER = os.path.join(HERE, "worker.py")
TOOLS_DIR = os.path.join(ROOT, "build", "bench")
DEFAULT_OUT = os.path.join(HERE, "results.json")
# The smoke run does not overwrite the figures of the last full run.
DEFAULT_QUICK_OUT = os.path.join(ROOT, "build", "bench", "results-quick.json")

# Issue 6's targets.
T_PERCALL = 1 / 80      # qconnect_c per-call / botocore per-call
T_E2E = 0.8             # qconnect_c calls/s / floor calls/s
T_COLD = 1 / 30         # (qconnect_c - bare) / (boto3 - bare) start time
T_RSS_MIB = 16.0        # peak RSS of the qconnect_c cold-start process
T_THREADS = 1.7         # 8 threads / 1 thread calls/s
T_MEM_KIB = 1024        # RSS growth, 1k -> 100k calls

COLD_QC = ('import qconnect_c; qconnect_c.client("qconnect", '
           'region_name="us-east-1", aws_access_key_id="x", '
           'aws_secret_access_key="y")')
COLD_BOTO = ('import boto3; boto3.client("qconnect", '
             'region_name="us-east-1", aws_access_key_id="x", '
             'aws_secret_access_key="y")')

PROFILES = {
    # name: settings of one run
    "full": dict(pc_calls=20000, pc_boto_calls=1000, pc_repeats=7,
                 rounds=3, e2e_seconds=3.0, thr_seconds=2.5,
                 boto_thr_seconds=2.0, canned_thr_seconds=1.5,
                 threads=(1, 2, 4, 8), cold_runs=15, mem_calls=100000,
                 cg_calls=2000, perf_seconds=3.0, cg_e2e_seconds=4.0),
    "quick": dict(pc_calls=3000, pc_boto_calls=150, pc_repeats=3,
                  rounds=1, e2e_seconds=0.6, thr_seconds=0.4,
                  boto_thr_seconds=0.3, canned_thr_seconds=0.3,
                  threads=(1, 2, 4, 8), cold_runs=3, mem_calls=30000,
                  cg_calls=0, perf_seconds=0.0, cg_e2e_seconds=0.0),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, timeout=900, env=None, cpus=None):
    """Runs cmd (on the CPUs in cpus, when given); returns the JSON objects
    it printed (one per line)."""
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                       env=env, preexec_fn=pin)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n"
                           f"{r.stderr[-3000:]}")
    out = [json.loads(line) for line in r.stdout.splitlines()
           if line.startswith("{")]
    if not out:
        raise RuntimeError(f"{' '.join(cmd)} printed no result")
    return out


def build_tool(name, tools_dir, libs=()):
    """Returns tools_dir/name, compiled from bench/name.c when missing or
    older than its source (`make bench` builds them the same way)."""
    src = os.path.join(HERE, name + ".c")
    path = os.path.join(tools_dir, name)
    if os.path.exists(path) and os.path.getmtime(path) >= os.path.getmtime(src):
        return path
    os.makedirs(tools_dir, exist_ok=True)
    cc = os.environ.get("CC") or "cc"
    cmd = [cc, "-std=c11", "-D_DEFAULT_SOURCE", "-O2", "-Wall", "-Wextra",
           "-Wshadow", "-Wstrict-prototypes",
           src, *libs, "-o", path]
    log("building: " + " ".join(cmd))
    subprocess.run(cmd, check=True)
    return path


# ------------------------------------------------------------ sections

def measure_per_call(py, p):
    """Section 1: µs of CPU per canned call, qconnect_c vs botocore."""
    log(f"per-call: qconnect_c, method and binding call alternating "
        f"({p['pc_repeats']} x {p['pc_calls']} calls each)")
    res = {r["impl"]: r for r in run_json(
        [py, WORKER, "percall", "--impl", "qc", "--calls",
         str(p["pc_calls"]), "--repeats", str(p["pc_repeats"])])}
    log(f"per-call: botocore ({p['pc_repeats']} x {p['pc_boto_calls']} "
        f"calls)")
    res["boto"] = run_json([py, WORKER, "percall", "--impl", "boto",
                            "--calls", str(p["pc_boto_calls"]),
                            "--repeats", str(p["pc_repeats"])])[0]
    qc, boto = res["qc"], res["boto"]
    return {
        "qconnect_c": qc, "qconnect_c_core_call": res["qc-core"],
        "python_method_us": res["qc-method-minus-core"]["us_per_call"],
        "botocore": boto,
        "ratio": qc["us_per_call"] / boto["us_per_call"],
        "speedup": boto["us_per_call"] / qc["us_per_call"],
    }


def measure_breakdown(py, p, per_call, workdir):
    """Section 1b: where one qconnect_c call goes. The public method is a
    C method descriptor (no Python code of ours runs); beside it the timing
    of the binding's dict-taking Client.call. The method's call is split by
    callgrind (instruction counts scaled to its measured µs)."""
    qc_us = per_call["qconnect_c"]["us_per_call"]
    core_us = per_call["qconnect_c_core_call"]["us_per_call"]
    out = {"public_method_us": qc_us, "binding_call_us": core_us,
           "python_method_us": per_call["python_method_us"]}
    if p["cg_calls"] and profiling.have_callgrind():
        log(f"profile: callgrind ({p['cg_calls']} calls)")
        cg = profiling.callgrind_breakdown(py, p["cg_calls"], workdir)
        for st in cg["stages"]:
            st["us_per_call"] = st["share"] * qc_us
        for c in cg["cross_cutting"]:
            c["us_per_call"] = c["share"] * qc_us
        out["callgrind"] = cg
    else:
        out["callgrind"] = None
    return out


def measure_perf(py, p, url, workdir):
    """perf samples (by library) of the end-to-end loop against url and of
    the canned per-call loop, when perf works here."""
    if not p["perf_seconds"] or not profiling.have_perf():
        return None
    log("profile: perf on the end-to-end and canned loops")
    out = {}
    try:
        out["end_to_end"] = profiling.perf_by_library(
            py, ["e2e", "--impl", "qc", "--url", url,
                 "--seconds", str(p["perf_seconds"])], workdir)
        out["canned"] = profiling.perf_stages(py, p["perf_seconds"],
                                              workdir)
    except RuntimeError as e:
        log(f"perf failed, skipped: {e}")
        return None
    return out


def prepare_floor_request(py, floor, url, workdir):
    """Records the bytes qconnect_c sends, writes the floor's request file
    for url, and checks that the floor sends the same bytes."""
    qc_raw = capture.capture(
        lambda u: common.qc_client(u).start_import_job(**common.PARAMS))
    req_file = os.path.join(workdir, "floor-request.txt")

    def floor_send(u):
        capture.floor_request_file(req_file, qc_raw, u)
        subprocess.run([floor, req_file, "--once"], check=True,
                       stdout=subprocess.DEVNULL, timeout=60)

    floor_raw = capture.capture(floor_send)

    def norm(raw):
        method, target, headers, body = capture.split_request(raw)
        return (method, target, sorted((n.lower(), v) for n, v in headers
                                       if n.lower() != "host"), body)

    same = norm(qc_raw) == norm(floor_raw)
    capture.floor_request_file(req_file, qc_raw, url)
    return req_file, {"qconnect_c_request_bytes": len(qc_raw),
                      "floor_request_bytes": len(floor_raw),
                      "same_request": same}


def placements():
    """CPU placements of the one-thread end-to-end runs: {name: (nginx
    CPUs, client CPUs)}. "split": nginx on one CPU, the client on another,
    as with a server elsewhere (the figure the target is checked on);
    "shared": both on one CPU, where calls/s is set by CPU cost alone.
    Unpinned, the scheduler sometimes puts client and server on one CPU
    and sometimes not, and a one-thread loopback rate can then change
    two- or threefold between runs. Empty when pinning is impossible."""
    try:
        mine = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return {}
    if len(mine) < 2:
        return {}
    a, b = {mine[0]}, {mine[1]}
    return {"split": (a, b), "shared": (a, a)}


def _best(rs):
    b = dict(max(rs, key=lambda r: r["calls_per_s"]))
    b["rounds_calls_per_s"] = [r["calls_per_s"] for r in rs]
    return b


def measure_e2e_and_threads(py, p, floor, workdir, keep_dir):
    """Sections 2 and 3 against a private nginx. Every measurement runs once
    per round, the programs alternating, and keeps its best round: on a
    shared machine a round can lose time slices to other work, never gain
    them. One thread: pinned placements (see placements()); threads:
    unpinned, the client free to use every CPU."""
    impls = ("floor", "qconnect_c", "botocore", "qconnect_c_canned")
    runs = {k: {n: [] for n in p["threads"]} for k in impls}
    places = placements()
    pinned = {pl: {k: [] for k in impls[:3]} for pl in places}
    all_cpus = sorted(os.sched_getaffinity(0))

    def one_thread_cmds(srv, req_file, secs):
        return {"floor": [floor, req_file, str(secs), "1"],
                "qconnect_c": [py, WORKER, "e2e", "--impl", "qc", "--url",
                               srv.url, "--seconds", str(secs)],
                "botocore": [py, WORKER, "e2e", "--impl", "boto", "--url",
                             srv.url, "--seconds", str(secs)]}

    with nginx.Nginx() as srv:
        log(f"nginx on {srv.url}")
        req_file, wire = prepare_floor_request(py, floor, srv.url, workdir)
        for rnd in range(p["rounds"]):
            for pl, (server_cpus, client_cpus) in places.items():
                log(f"end to end, round {rnd + 1}/{p['rounds']}, 1 thread, "
                    f"{pl} CPUs: floor, qconnect_c, botocore")
                srv.pin(server_cpus)
                for k, cmd in one_thread_cmds(srv, req_file,
                                              p["e2e_seconds"]).items():
                    pinned[pl][k].append(run_e2e(cmd, srv, client_cpus))
            srv.pin(all_cpus)
            for n in p["threads"]:
                secs = p["e2e_seconds"] if n == 1 else p["thr_seconds"]
                bsecs = (p["e2e_seconds"] if n == 1
                         else p["boto_thr_seconds"])
                log(f"end to end, round {rnd + 1}/{p['rounds']}, {n} "
                    f"thread(s), unpinned: floor, qconnect_c, botocore, "
                    f"canned")
                runs["floor"][n].append(run_e2e(
                    [floor, req_file, str(secs), str(n)], srv))
                runs["qconnect_c"][n].append(run_e2e(
                    [py, WORKER, "e2e", "--impl", "qc", "--url", srv.url,
                     "--seconds", str(secs), "--threads", str(n)], srv))
                runs["botocore"][n].append(run_e2e(
                    [py, WORKER, "e2e", "--impl", "boto", "--url", srv.url,
                     "--seconds", str(bsecs), "--threads", str(n)], srv))
                runs["qconnect_c_canned"][n].append(run_e2e(
                    [py, WORKER, "e2e", "--impl", "qc-canned",
                     "--seconds", str(p["canned_thr_seconds"]),
                     "--threads", str(n)], srv))
        perf = measure_perf(py, p, srv.url, keep_dir)
        transport = None
        if p["cg_e2e_seconds"] and profiling.have_callgrind():
            log("profile: callgrind of one end-to-end call, qconnect_c and "
                "floor")
            transport = profiling.callgrind_transport(
                py, floor, req_file, srv.url, p["cg_e2e_seconds"], keep_dir)
    best = {k: {n: _best(rs) for n, rs in by_n.items()}
            for k, by_n in runs.items()}

    def summary(res):
        out = dict(res)
        out["ratio_vs_floor"] = (res["qconnect_c"]["calls_per_s"]
                                 / res["floor"]["calls_per_s"])
        out["speedup_vs_botocore"] = (res["qconnect_c"]["calls_per_s"]
                                      / res["botocore"]["calls_per_s"])
        out["cpu_ratio_vs_floor"] = (res["qconnect_c"]["cpu_us_per_call"]
                                     / res["floor"]["cpu_us_per_call"])
        return out

    by_place = {pl: summary({k: _best(rs) for k, rs in r.items()})
                for pl, r in pinned.items()}
    unpinned = summary({k: best[k][1]
                        for k in ("qconnect_c", "botocore", "floor")})
    main = "split" if "split" in by_place else None
    e2e = dict(by_place[main] if main else unpinned)
    e2e["placement"] = main or "unpinned"
    e2e["placements"] = {pl: {"nginx_cpus": sorted(sc),
                              "client_cpus": sorted(cc)}
                         for pl, (sc, cc) in places.items()}
    e2e["shared_cpu"] = by_place.get("shared")
    e2e["unpinned"] = unpinned
    e2e["wire"] = wire
    e2e["callgrind"] = transport
    e2e["server"] = "nginx (1 worker, keep-alive), 127.0.0.1"
    threads = {k: {str(n): r["calls_per_s"] for n, r in v.items()}
               for k, v in best.items()}
    threads["cpu_us_per_call"] = {
        k: {str(n): r["cpu_us_per_call"] for n, r in v.items()}
        for k, v in best.items()}
    threads["machine_busy_cpus"] = {
        k: {str(n): r["machine_busy_cpus"] for n, r in v.items()}
        for k, v in best.items()}
    top = max(p["threads"])
    threads["scaling"] = {
        k: best[k][top]["calls_per_s"] / best[k][1]["calls_per_s"]
        for k in best}
    threads["max_threads"] = top
    threads["note"] = ("unpinned; qconnect_c_canned: the same client with "
                       "the canned transport (no network), to separate the "
                       "binding and core from the transport")
    return e2e, threads, perf


def machine_busy():
    """(busy, total) jiffies of all CPUs so far, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return sum(v) - idle, sum(v)


def run_e2e(cmd, srv, cpus=None):
    """Runs one end-to-end measurement (on cpus, when given); adds the
    server's CPU per call and how busy the whole machine was (in CPUs)
    while it ran, so that other load on a shared machine shows."""
    n0, (b0, t0) = srv.cpu_seconds(), machine_busy()
    r = run_json(cmd, cpus=cpus)[0]
    n1, (b1, t1) = srv.cpu_seconds(), machine_busy()
    r["server_cpu_us_per_call"] = (n1 - n0) / r["calls"] * 1e6
    cpus = os.cpu_count() or 1
    r["machine_busy_cpus"] = (b1 - b0) / (t1 - t0) * cpus if t1 > t0 else 0.0
    return r


def _spawn_measure(spawnstat, argv, env):
    """Runs argv once through the spawnstat launcher; returns its JSON
    (wall_s, maxrss_kib, user_s, sys_s of that process alone)."""
    return run_json([spawnstat] + argv, env=env, timeout=120)[0]


def cold_start_env(py):
    """The real interpreter binary and an environment in which it finds
    qconnect_c (where py imports it from: the source tree for an editable
    install) and boto3 (py's site-packages) through PYTHONPATH, to be run
    with site disabled (-S), so
    no .pth hook of the venv (such as an editable-install finder) or of
    the base installation runs in any of the compared processes."""
    real = os.path.realpath(py)
    dirs = subprocess.run(
        [py, "-c", "import os, sysconfig, qconnect_c; "
                   "print(os.path.dirname(os.path.dirname("
                   "os.path.abspath(qconnect_c.__file__)))); "
                   "p = sysconfig.get_paths(); "
                   "print(p['purelib']); print(p['platlib'])"],
        capture_output=True, text=True, check=True).stdout.splitlines()
    path = list(dict.fromkeys(dirs))  # qconnect_c's parent first
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = os.pathsep.join(path)
    return real, env


def measure_cold_start(py, p, spawnstat):
    """Section 4: fresh-process start time and peak RSS. The ratio is taken
    on CPU time (user + sys of the child), which other load on the machine
    does not inflate; wall time is reported beside it."""
    real, env = cold_start_env(py)
    cmds = {"bare": [real, "-S", "-c", "pass"],
            "qconnect_c": [real, "-S", "-c", COLD_QC],
            "boto3": [real, "-S", "-c", COLD_BOTO]}
    for argv in cmds.values():  # warm the page cache and bytecode caches
        _spawn_measure(spawnstat, argv, env)
    samples = {k: [] for k in cmds}
    log(f"cold start: {p['cold_runs']} runs each (interleaved)")
    for _ in range(p["cold_runs"]):
        for k, argv in cmds.items():
            samples[k].append(_spawn_measure(spawnstat, argv, env))
    res = {}
    for k, s in samples.items():
        res[k] = {"cpu_ms": statistics.median(x["user_s"] + x["sys_s"]
                                              for x in s) * 1000,
                  "wall_ms": statistics.median(x["wall_s"] for x in s) * 1000,
                  "wall_ms_min": min(x["wall_s"] for x in s) * 1000,
                  "peak_rss_kib": statistics.median(x["maxrss_kib"]
                                                    for x in s),
                  "runs": len(s)}
    for unit in ("cpu_ms", "wall_ms"):
        bare = res["bare"][unit]
        res[f"qconnect_c_adds_{unit}"] = res["qconnect_c"][unit] - bare
        res[f"boto3_adds_{unit}"] = res["boto3"][unit] - bare
    res["ratio"] = res["qconnect_c_adds_cpu_ms"] / res["boto3_adds_cpu_ms"]
    res["ratio_wall"] = (res["qconnect_c_adds_wall_ms"]
                         / res["boto3_adds_wall_ms"])
    res["qconnect_c_adds_rss_kib"] = (res["qconnect_c"]["peak_rss_kib"]
                                      - res["bare"]["peak_rss_kib"])
    res["boto3_adds_rss_kib"] = (res["boto3"]["peak_rss_kib"]
                                 - res["bare"]["peak_rss_kib"])
    res["interpreter"] = real
    res["commands"] = {k: " ".join(v) for k, v in cmds.items()}
    res["pythonpath"] = env["PYTHONPATH"]
    # Which imports the qconnect_c start spends its time in (one run).
    r = subprocess.run([real, "-S", "-X", "importtime", "-c", COLD_QC],
                       capture_output=True, text=True, env=env)
    mods = []
    for line in r.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            mods.append((int(parts[1]), parts[2].strip()))
    res["qconnect_c_top_imports_us"] = [
        {"module": name, "cumulative_us": us}
        for us, name in sorted(mods, reverse=True)[:12]]
    return res


def measure_memory(py, p):
    """Section 5: RSS after 1k and after N canned calls."""
    log(f"memory: RSS after 1k and {p['mem_calls']} calls")
    return run_json([py, WORKER, "memory", "--calls",
                     str(p["mem_calls"])])[0]


# ------------------------------------------------------------ report

def targets(r):
    pc, e2e, thr = r["per_call"], r["end_to_end"], r["threads"]
    cold, mem = r["cold_start"], r["memory"]
    top = thr["max_threads"]
    rss_mib = cold["qconnect_c"]["peak_rss_kib"] / 1024
    rows = [
        ("per-call overhead vs botocore",
         f"{pc['ratio']:.4f} (1/{1 / pc['ratio']:.0f})",
         "<= 1/80", pc["ratio"] <= T_PERCALL),
        ("end to end vs libcurl floor", f"{e2e['ratio_vs_floor']:.2f}x",
         ">= 0.8x", e2e["ratio_vs_floor"] >= T_E2E),
        ("cold start added vs boto3 added (CPU)",
         f"{cold['ratio']:.4f} (1/{1 / cold['ratio']:.0f})"
         if cold["ratio"] > 0 else f"{cold['ratio']:.4f}",
         "<= 1/30", cold["ratio"] <= T_COLD),
        ("cold start peak RSS (qconnect_c)", f"{rss_mib:.1f} MiB",
         "<= 16 MiB", rss_mib <= T_RSS_MIB),
        (f"{top} threads vs 1 thread", f"{thr['scaling']['qconnect_c']:.2f}x",
         ">= 1.7x", thr["scaling"]["qconnect_c"] >= T_THREADS),
        (f"RSS growth 1k -> {mem['calls_last'] // 1000}k calls",
         f"{mem['growth_kib']} KiB", "< 1 MiB", mem["growth_kib"] < T_MEM_KIB),
    ]
    return [{"target": n, "measured": m, "goal": g, "pass": bool(ok)}
            for n, m, g, ok in rows]


def render(r):
    """The results as Markdown tables."""
    pc, bd, e2e, thr = (r["per_call"], r["breakdown"], r["end_to_end"],
                        r["threads"])
    cold, mem = r["cold_start"], r["memory"]
    L = []
    a = L.append
    a("| measure | qconnect_c | botocore / boto3 | floor / bare python "
      "| ratio |")
    a("|---|---:|---:|---:|---:|")
    a(f"| per call, canned reply: CPU µs | "
      f"{pc['qconnect_c']['us_per_call']:.1f} "
      f"| {pc['botocore']['us_per_call']:.0f} | | {pc['ratio']:.4f} "
      f"(1/{pc['speedup']:.0f}) |")
    a(f"| … public method minus Client.call(dict) (µs) "
      f"| {bd['python_method_us']:.1f} | | | |")
    a(f"| … Client.call(dict) (µs) | {bd['binding_call_us']:.1f} | | | |")
    q, b, f = e2e["qconnect_c"], e2e["botocore"], e2e["floor"]
    place = {"split": "client and nginx on separate CPUs",
             "unpinned": "unpinned"}.get(e2e["placement"], e2e["placement"])
    a(f"| end to end, 1 thread ({place}): calls/s | {q['calls_per_s']:.0f} "
      f"| {b['calls_per_s']:.0f} | {f['calls_per_s']:.0f} "
      f"| {e2e['ratio_vs_floor']:.2f}x floor |")
    a(f"| end to end: client CPU µs/call | {q['cpu_us_per_call']:.1f} "
      f"| {b['cpu_us_per_call']:.0f} | {f['cpu_us_per_call']:.1f} "
      f"| {e2e['cpu_ratio_vs_floor']:.2f}x floor |")
    a(f"| end to end: nginx CPU µs/call | {q['server_cpu_us_per_call']:.1f} "
      f"| {b['server_cpu_us_per_call']:.1f} "
      f"| {f['server_cpu_us_per_call']:.1f} | |")
    a(f"| end to end: whole machine busy (CPUs of {os.cpu_count()}) "
      f"| {q['machine_busy_cpus']:.2f} | {b['machine_busy_cpus']:.2f} "
      f"| {f['machine_busy_cpus']:.2f} | |")
    sh = e2e.get("shared_cpu")
    if sh:
        a(f"| end to end, 1 thread, client and nginx on one CPU: calls/s "
          f"| {sh['qconnect_c']['calls_per_s']:.0f} "
          f"| {sh['botocore']['calls_per_s']:.0f} "
          f"| {sh['floor']['calls_per_s']:.0f} "
          f"| {sh['ratio_vs_floor']:.2f}x floor |")
        a(f"| … client CPU µs/call | {sh['qconnect_c']['cpu_us_per_call']:.1f} "
          f"| {sh['botocore']['cpu_us_per_call']:.0f} "
          f"| {sh['floor']['cpu_us_per_call']:.1f} "
          f"| {sh['cpu_ratio_vs_floor']:.2f}x floor |")
    for n in sorted(int(k) for k in thr["qconnect_c"]):
        k = str(n)
        a(f"| {n} thread{'s' if n > 1 else ''} (unpinned): calls/s "
          f"| {thr['qconnect_c'][k]:.0f} "
          f"| {thr['botocore'][k]:.0f} | {thr['floor'][k]:.0f} "
          f"| {thr['qconnect_c'][k] / thr['qconnect_c']['1']:.2f}x "
          f"(canned {thr['qconnect_c_canned'][k]:.0f}/s) |")
    a(f"| cold start: CPU ms (median) | {cold['qconnect_c']['cpu_ms']:.1f} "
      f"| {cold['boto3']['cpu_ms']:.1f} | {cold['bare']['cpu_ms']:.1f} "
      f"| adds {cold['qconnect_c_adds_cpu_ms']:.1f} vs "
      f"{cold['boto3_adds_cpu_ms']:.1f} = {cold['ratio']:.3f} |")
    a(f"| cold start: wall ms (median) | {cold['qconnect_c']['wall_ms']:.1f} "
      f"| {cold['boto3']['wall_ms']:.1f} | {cold['bare']['wall_ms']:.1f} "
      f"| adds {cold['qconnect_c_adds_wall_ms']:.1f} vs "
      f"{cold['boto3_adds_wall_ms']:.1f} = {cold['ratio_wall']:.3f} |")
    a(f"| cold start: peak RSS MiB | "
      f"{cold['qconnect_c']['peak_rss_kib'] / 1024:.1f} "
      f"| {cold['boto3']['peak_rss_kib'] / 1024:.1f} "
      f"| {cold['bare']['peak_rss_kib'] / 1024:.1f} "
      f"| adds {cold['qconnect_c_adds_rss_kib'] / 1024:.1f} vs "
      f"{cold['boto3_adds_rss_kib'] / 1024:.1f} |")
    a(f"| RSS after 1k / {mem['calls_last'] // 1000}k canned calls (KiB) "
      f"| {mem['rss_kib_first']} / {mem['rss_kib_last']} | | "
      f"| {mem['growth_kib']:+d} KiB |")
    L.append("")
    L.append("| target (issue 6) | measured | goal | |")
    L.append("|---|---:|---:|---|")
    for t in r["targets"]:
        L.append(f"| {t['target']} | {t['measured']} | {t['goal']} "
                 f"| {'PASS' if t['pass'] else 'FAIL'} |")
    cg = bd.get("callgrind")
    perf = r.get("perf") or {}
    native = {st["stage"]: st["share"]
              for st in (perf.get("canned") or {}).get("stages", [])}
    if cg:
        L.append("")
        L.append(f"Binding + C core, one call: {cg['ir_per_call'] / 1000:.0f}k "
                 f"instructions (callgrind, steady state: the difference of "
                 f"two runs, so what only the first calls pay is left out) "
                 f"≈ {bd['binding_call_us']:.1f} µs; "
                 f"≈ µs is that time split by instruction share; the perf "
                 f"column is the share of native CPU samples.")
        L.append("")
        L.append("| stage | k instr/call | share (callgrind) | ≈ µs "
                 "| share (perf) |")
        L.append("|---|---:|---:|---:|---:|")
        for st in cg["stages"]:
            nat = native.get(st["stage"])
            L.append(f"| {st['stage']} | {st['ir_per_call'] / 1000:.1f} "
                     f"| {st['share'] * 100:.1f}% | {st['us_per_call']:.2f} "
                     f"| {'' if nat is None else f'{nat * 100:.1f}%'} |")
            if st["function"] == "s_from_value":
                for k, v in native.items():
                    if k.startswith("  of which"):
                        L.append(f"| {k.strip()} | | | | {v * 100:.1f}% |")
        for c in cg["cross_cutting"]:
            L.append(f"| (across stages) {c['what']} "
                     f"| {c['ir_per_call'] / 1000:.1f} "
                     f"| {c['share'] * 100:.1f}% | {c['us_per_call']:.2f} | |")
    tr = e2e.get("callgrind")
    if tr:
        L.append("")
        L.append(
            f"One end-to-end call (callgrind): qconnect_c's method call "
            f"{tr['qc_binding_call_ir'] / 1000:.0f}k instructions, of which "
            f"transport {tr['qc_transport_send_ir'] / 1000:.0f}k; the floor's "
            f"curl_easy_perform {tr['floor_curl_easy_perform_ir'] / 1000:.0f}k."
            " Per request: " + ", ".join(
                f"{k} x{v:.1f}" for k, v in tr["qc_per_request_counts"].items()))
    for key, what in (("canned", "canned loop"),
                      ("end_to_end", "end-to-end loop")):
        if perf.get(key):
            L.append("")
            L.append(f"qconnect_c {what}, 1 thread, CPU samples by library "
                     f"(perf): " + ", ".join(
                         f"{x['library']} {x['share'] * 100:.0f}%"
                         for x in perf[key]["by_library"]
                         if x["share"] >= 0.01))
    return "\n".join(L)


def machine_info(py):
    info = {"date": datetime.datetime.now(datetime.timezone.utc)
            .isoformat(timespec="seconds"),
            "cpus": os.cpu_count(), "kernel": platform.release(),
            "python": platform.python_version(),
            "loadavg_start": os.getloadavg()[0]}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        info["commit"] = subprocess.run(
            ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    v = run_json([py, "-c", "import json, botocore, qconnect_c; "
                  "print(json.dumps({'botocore': botocore.__version__, "
                  "'qconnect_c': qconnect_c.__version__}))"])[0]
    info.update(v)
    return info


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="short smoke run (~20 s)")
    ap.add_argument("--out", default=None,
                    help="where to write the JSON results (default: "
                         "bench/results.json, or build/bench/"
                         "results-quick.json with --quick)")
    ap.add_argument("--tools", default=TOOLS_DIR,
                    help="where the floor and spawnstat programs are (built "
                         "from bench/*.c when missing)")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter for the workers (default: this one)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the profile files (printed at the end)")
    a = ap.parse_args(argv)
    if a.out is None:
        a.out = DEFAULT_QUICK_OUT if a.quick else DEFAULT_OUT
    p = PROFILES["quick" if a.quick else "full"]
    t0 = time.monotonic()
    floor = build_tool("floor", a.tools, ["-lcurl", "-lpthread"])
    spawnstat = build_tool("spawnstat", a.tools)
    workdir = tempfile.mkdtemp(prefix="qc-bench-")
    r = {"mode": "quick" if a.quick else "full", "settings": dict(p),
         "machine": machine_info(a.python)}
    r["settings"]["threads"] = list(p["threads"])
    try:
        r["per_call"] = measure_per_call(a.python, p)
        r["breakdown"] = measure_breakdown(a.python, p, r["per_call"],
                                           workdir if a.keep else None)
        r["end_to_end"], r["threads"], r["perf"] = measure_e2e_and_threads(
            a.python, p, floor, workdir, workdir if a.keep else None)
        r["cold_start"] = measure_cold_start(a.python, p, spawnstat)
        r["memory"] = measure_memory(a.python, p)
    finally:
        if not a.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    r["targets"] = targets(r)
    r["machine"]["loadavg_end"] = os.getloadavg()[0]
    r["elapsed_s"] = time.monotonic() - t0
    r["table"] = render(r)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(r, f, indent=2, sort_keys=False)
        f.write("\n")
    m = r["machine"]
    print(f"qconnect_c {m.get('qconnect_c')} vs botocore {m.get('botocore')}"
          f" — {m.get('cpu', '?')}, {m['cpus']} CPUs, Python {m['python']}, "
          f"{r['mode']} run, {r['elapsed_s']:.0f} s, load "
          f"{m['loadavg_start']:.2f} -> {m['loadavg_end']:.2f}")
    print()
    print(r["table"])
    print()
    print(f"results: {a.out}" + (f"; profile files: {workdir}" if a.keep
                                 else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
