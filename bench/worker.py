"""One measurement in a fresh process, its result as one JSON line on
stdout. Run by bench/run.py; not meant to be used directly.

    worker.py percall  --impl qc|boto --calls N --repeats R
    worker.py e2e      --impl qc|qc-canned|boto --url URL --seconds S
                       --threads T
    worker.py memory   --calls N
    worker.py profile  --calls N      (the loop callgrind/perf look at)
"""

import argparse
import gc
import os
import resource
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import common  # noqa: E402

DUMMY_URL = "http://127.0.0.1:9"  # never contacted: the transport is canned


def _canned_calls(impl):
    """Returns {name: zero-argument function making one canned call}: for
    "boto" the botocore client's method; for "qc" both the public method
    ("qc") and the binding's call without the Python method ("qc-core"),
    on one client."""
    params = common.PARAMS
    if impl == "boto":
        client = common.boto_client(DUMMY_URL, canned=True)
        method = client.start_import_job
        return {"boto": lambda: method(**params)}
    client = common.qc_client(DUMMY_URL, canned=True)
    method = client.start_import_job
    from qconnect_c import _core

    index = [py for py, _ in _core.operations()].index(common.OPERATION)
    call = client._core.call
    return {"qc": lambda: method(**params),
            "qc-core": lambda: call(index, params, True)}


def _canned_call(impl):
    """Returns one zero-argument canned-call function of impl."""
    return _canned_calls("boto" if impl == "boto" else "qc")[impl]


def cmd_percall(a):
    """Times canned calls: for qc the public method and the binding call
    alternate block by block in one process, so their difference (the
    Python method's own cost) is paired against drift and other load."""
    fns = _canned_calls(a.impl)
    for one in fns.values():
        common.check_reply(one())
        for _ in range(min(a.calls, 200)):  # warm up caches and allocators
            one()
    cpu = {k: [] for k in fns}
    wall = {k: [] for k in fns}
    for _ in range(a.repeats):
        for k, one in fns.items():
            c0, t0 = time.process_time(), time.perf_counter()
            for _ in range(a.calls):
                one()
            t1, c1 = time.perf_counter(), time.process_time()
            cpu[k].append((c1 - c0) / a.calls * 1e6)
            wall[k].append((t1 - t0) / a.calls * 1e6)
    # Each figure is the median over the repeats of the CPU time per call
    # (robust to other load on the machine); wall time is kept beside it.
    for k in fns:
        common.emit({"impl": k, "calls": a.calls, "repeats": a.repeats,
                     "us_per_call": statistics.median(cpu[k]),
                     "us_min": min(cpu[k]),
                     "wall_us_per_call": statistics.median(wall[k]),
                     "us_runs": cpu[k]})
    if "qc-core" in fns:
        diffs = [m - c for m, c in zip(cpu["qc"], cpu["qc-core"])]
        common.emit({"impl": "qc-method-minus-core",
                     "us_per_call": statistics.median(diffs),
                     "us_runs": diffs})


def cmd_e2e(a):
    params = common.PARAMS
    if a.impl == "boto":
        client = common.boto_client(a.url)
    elif a.impl == "qc-canned":  # no network: the binding and core alone
        client = common.qc_client(DUMMY_URL, canned=True)
    else:
        client = common.qc_client(a.url)
    method = client.start_import_job
    common.check_reply(method(**params))
    for _ in range(20):
        method(**params)
    stop = threading.Event()
    counts = [0] * a.threads
    errors = []

    def loop(i):
        n = 0
        try:
            while not stop.is_set():
                method(**params)
                n += 1
        except Exception as e:  # reported, fails the run
            errors.append(repr(e))
        counts[i] = n

    threads = [threading.Thread(target=loop, args=(i,))
               for i in range(a.threads)]
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(a.seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    if errors:
        raise RuntimeError(errors[0])
    calls = sum(counts)
    user = ru1.ru_utime - ru0.ru_utime
    system = ru1.ru_stime - ru0.ru_stime
    common.emit({"impl": a.impl, "threads": a.threads, "calls": calls,
                 "seconds": wall, "calls_per_s": calls / wall,
                 "cpu_us_per_call": (user + system) / calls * 1e6,
                 "user_us_per_call": user / calls * 1e6,
                 "sys_us_per_call": system / calls * 1e6,
                 "per_thread": counts})


def cmd_memory(a):
    one = _canned_call("qc")
    common.check_reply(one())
    first = 1000
    for _ in range(first - 1):
        one()
    gc.collect()
    rss_first = common.rss_kib()
    for _ in range(a.calls - first):
        one()
    gc.collect()
    rss_last = common.rss_kib()
    common.emit({"calls_first": first, "calls_last": a.calls,
                 "rss_kib_first": rss_first, "rss_kib_last": rss_last,
                 "growth_kib": rss_last - rss_first})


def cmd_profile(a):
    one = _canned_call(a.impl)
    common.check_reply(one())
    for _ in range(a.calls):
        one()
    common.emit({"impl": a.impl, "calls": a.calls})


def main(argv=None):
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("percall")
    s.add_argument("--impl", choices=["qc", "boto"], required=True)
    s.add_argument("--calls", type=int, default=20000)
    s.add_argument("--repeats", type=int, default=5)
    s = sub.add_parser("e2e")
    s.add_argument("--impl", choices=["qc", "qc-canned", "boto"],
                   required=True)
    s.add_argument("--url", default=DUMMY_URL)
    s.add_argument("--seconds", type=float, default=3.0)
    s.add_argument("--threads", type=int, default=1)
    s = sub.add_parser("memory")
    s.add_argument("--calls", type=int, default=100000)
    s = sub.add_parser("profile")
    s.add_argument("--impl", choices=["qc", "qc-core", "boto"], default="qc")
    s.add_argument("--calls", type=int, default=2000)
    a = p.parse_args(argv)
    {"percall": cmd_percall, "e2e": cmd_e2e, "memory": cmd_memory,
     "profile": cmd_profile}[a.cmd](a)


if __name__ == "__main__":
    main()
