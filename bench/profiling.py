"""Where one qconnect_c call spends its time: callgrind (instruction counts
inside the binding's Client.call, split by pipeline stage) and, when the
kernel allows it, perf (CPU samples by library for the end-to-end loop).

Both are run on bench/worker.py; the results are plain dicts for run.py.
"""

import collections
import os
import re
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "worker.py")

# Stages of one call: (label, function as callgrind names it, its caller).
# The cost of each is the inclusive cost of that call edge.
# "*": from whichever function calls it (the pipeline's internal structure,
# e.g. a per-attempt helper, may change without touching this table).
STAGES = [
    ("binding: kwargs -> qc_value", "s_to_value", "s_method_vectorcall"),
    ("core: validate", "qc_validate", "*"),
    ("core: serialize (JSON body, URI)", "qc_serialize", "*"),
    ("core: uuid4 x2 (random pool)", "s_uuid4", "*"),
    ("core: SigV4 sign", "qc_sigv4_sign_request_keyed", "*"),
    ("core: canned transport (copies)", "qc_transport_send", "*"),
    ("core: parse reply (JSON -> result)", "qc_parse_response_depth", "*"),
    ("binding: qc_value -> dict/datetime", "s_from_value", "s_run_call"),
]

# Functions whose inclusive cost is reported as a cross-cutting figure.
CROSS = [
    ("SHA-256/HMAC (libcrypto)", ("qc_sha256", "qc_hmac_sha256",
                                  "qc_hmac_sha256_with")),
    ("malloc/free (libc)", ("malloc", "free", "realloc", "calloc")),
]

_NAME_RE = re.compile(r"^\((\d+)\)(?: (.*))?$")


def have_callgrind():
    """True when valgrind (with callgrind) can be run."""
    return shutil.which("valgrind") is not None


def have_perf():
    """True when perf can sample this machine (a software clock is
    enough: hardware counters are often missing in VMs)."""
    if not shutil.which("perf"):
        return False
    try:
        r = subprocess.run(["perf", "stat", "-e", "cpu-clock", "true"],
                           capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0 and "not supported" not in r.stderr


def parse_callgrind(path):
    """Reads a callgrind output file (Ir only). Returns (total, self_cost,
    fn_object, edges): self cost per function name, the object file of each
    function, and {(caller, callee): [calls, inclusive Ir]}."""
    names = {"fn": {}, "ob": {}}
    self_cost = collections.Counter()
    fn_object = {}
    edges = collections.defaultdict(lambda: [0, 0])
    total = 0
    cur_fn = cur_ob = None
    cfn = cob = None
    pending_calls = None

    def resolve(kind, text):
        m = _NAME_RE.match(text)
        if not m:
            return text
        key, name = m.group(1), m.group(2)
        if name is not None:
            names[kind][key] = name
        return names[kind].get(key, text)

    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                cost = int(parts[1]) if len(parts) > 1 else 0
                if pending_calls is not None:
                    e = edges[(cur_fn, cfn)]
                    e[0] += pending_calls
                    e[1] += cost
                    pending_calls = None
                    cob = None
                else:
                    self_cost[cur_fn] += cost
                continue
            key, _, val = line.partition("=")
            if key == "ob":
                cur_ob = resolve("ob", val)
            elif key == "fn":
                cur_fn = resolve("fn", val)
                fn_object[cur_fn] = cur_ob  # authoritative
                cob = None
            elif key == "cob":
                cob = resolve("ob", val)
            elif key == "cfn":
                cfn = resolve("fn", val)
                fn_object.setdefault(cfn, cob if cob is not None else cur_ob)
            elif key == "calls":
                pending_calls = int(val.split()[0])
            elif line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
    if not total:
        total = sum(self_cost.values())
    return total, self_cost, fn_object, edges


def _base(name):
    """A function name without callgrind's recursion suffix ('2) or
    compiler clone suffix (.part.0, .isra.0, .constprop.0)."""
    name = name.split("'")[0]
    return re.sub(r"\.(part|isra|constprop|cold)\.\d+$", "", name)


def _edge_cost(edges, callee, caller):
    """Inclusive Ir of every call to callee (any recursion level of the
    outermost entry) from caller ("*": from any function not itself)."""
    ir = calls = 0
    for (src, dst), (n, cost) in edges.items():
        if _base(dst) != callee or dst != _base(dst):
            continue  # only the outermost level, not recursive re-entries
        if caller == "*":
            if _base(src) == callee:
                continue
        elif _base(src) != caller:
            continue
        ir += cost
        calls += n
    return ir, calls


def _callgrind_loop(python, calls, out):
    """Runs the canned-core loop of `calls` calls under callgrind,
    collecting only inside the public method's C call
    (s_method_vectorcall); returns parse_callgrind's tuple."""
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
           "--collect-atstart=no", "--toggle-collect=s_method_vectorcall",
           python, WORKER, "profile", "--impl", "qc",
           "--calls", str(calls)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if r.returncode != 0:
        raise RuntimeError("callgrind failed: " + r.stderr[-2000:])
    return parse_callgrind(out)


def _minus(big, small):
    """big - small for two parse_callgrind tuples (per-function and
    per-edge costs subtracted)."""
    total = big[0] - small[0]
    self_cost = collections.Counter(big[1])
    self_cost.subtract(small[1])
    edges = {}
    for k, (n, c) in big[3].items():
        n0, c0 = small[3].get(k, (0, 0))
        edges[k] = [n - n0, c - c0]
    return total, self_cost, big[2], edges


def callgrind_breakdown(python, calls, workdir=None):
    """Runs the canned-core loop under callgrind twice, with `calls` and
    with a fifth of them, collecting only inside the public method's C call
    (s_method_vectorcall), and takes the difference: the steady cost of a call,
    without what only the first calls pay (the lazy loading of libcrypto
    and of the tzinfo factories, the caches filling). Returns a dict: Ir
    per call in total and per stage, top functions by self cost, cost by
    library."""
    tmp = workdir or tempfile.mkdtemp(prefix="qc-bench-cg-")
    few = max(calls // 5, 1)
    small = _callgrind_loop(python, few,
                            os.path.join(tmp, "callgrind-few.out"))
    big = _callgrind_loop(python, calls, os.path.join(tmp, "callgrind.out"))
    total, self_cost, fn_object, edges = _minus(big, small)
    n = calls - few
    stages = []
    accounted = 0
    for label, fn, caller in STAGES:
        ir, _ = _edge_cost(edges, fn, caller)
        accounted += ir
        stages.append({"stage": label, "function": fn, "ir_per_call": ir / n,
                       "share": ir / total if total else 0.0})
    stages.append({"stage": "other (arena, result clean-up, glue)",
                   "function": "", "ir_per_call": (total - accounted) / n,
                   "share": (total - accounted) / total if total else 0.0})
    cross = []
    for label, fns in CROSS:
        ir = 0
        for fn in fns:
            ir += _edge_cost(edges, fn, "*")[0]
        cross.append({"what": label, "ir_per_call": ir / n,
                      "share": ir / total if total else 0.0})
    by_lib = collections.Counter()
    for fn, cost in self_cost.items():
        ob = fn_object.get(fn) or "?"
        by_lib[os.path.basename(ob).split(".so")[0] or "?"] += cost
    top = [{"function": _base(fn), "library": os.path.basename(
                fn_object.get(fn) or "?"),
            "self_ir_per_call": cost / n,
            "share": cost / total if total else 0.0}
           for fn, cost in self_cost.most_common(15)]
    if workdir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"tool": "callgrind", "calls": n, "ir_per_call": total / n,
            "stages": stages, "cross_cutting": cross,
            "by_library": [{"library": k, "share": v / total if total else 0.0,
                            "ir_per_call": v / n}
                           for k, v in by_lib.most_common(8)],
            "top_functions": top}


def perf_by_library(python, worker_args, workdir=None):
    """Samples `worker.py *worker_args` with perf's software clock.
    Returns the share of CPU samples per library (kernel included) and the
    top symbols."""
    tmp = workdir or tempfile.mkdtemp(prefix="qc-bench-perf-")
    data = os.path.join(tmp, "perf-%s.data" % worker_args[0])
    cmd = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "4999",
           "-o", data, "--", python, WORKER, *worker_args]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("perf record failed: " + r.stderr[-2000:])

    def report(sort):
        return subprocess.run(
            ["perf", "report", "-i", data, "--stdio", "--no-children",
             "--sort", sort, "--percent-limit", "0.3"],
            capture_output=True, text=True, timeout=600).stdout

    top = []
    for line in report("dso,sym").splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[([.kuH])\]\s+(.*)$", line)
        if m:
            top.append({"share": float(m.group(1)) / 100,
                        "library": m.group(2), "symbol": m.group(4).strip()})
    libs = collections.Counter()
    for line in report("dso").splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s*$", line)
        if m:
            libs[m.group(2)] += float(m.group(1)) / 100
    if workdir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"tool": "perf record -e cpu-clock",
            "command": "worker.py " + " ".join(worker_args),
            "by_library": [{"library": k, "share": v}
                           for k, v in libs.most_common(10)],
            "top_symbols": top[:25]}


# Stage functions for perf's inclusive ("children") view; perf shows
# inlined frames too, so the static helpers the compiler folded are there.
PERF_STAGES = [
    ("binding: kwargs -> qc_value", "s_to_value"),
    ("core: validate", "qc_validate"),
    ("core: serialize (JSON body, URI)", "qc_serialize"),
    ("core: uuid4 x2 (random pool)", "s_uuid4"),
    ("core: SigV4 sign", ("qc_sigv4_sign_request_keyed", "s_sign_request")),
    # qc_transport_send tail-calls the vtable's send (the canned s_send).
    ("core: canned transport (copies)", ("qc_transport_send", "s_send")),
    ("core: parse reply (JSON -> result)", "qc_parse_response_depth"),
    ("binding: qc_value -> dict/datetime", "s_from_value"),
    ("  of which dict keys (PyUnicode from C)", "s_key_from"),
]


def perf_stages(python, seconds, workdir=None):
    """Samples the canned one-thread loop with perf (DWARF call graphs) and
    returns each stage's share of the method call (s_method_vectorcall), in
    native time, plus the loop's split by library."""
    tmp = workdir or tempfile.mkdtemp(prefix="qc-bench-perf-")
    data = os.path.join(tmp, "perf-canned-dwarf.data")
    cmd = ["perf", "record", "-q", "-e", "cpu-clock", "-F", "1999",
           "--call-graph", "dwarf,16384", "-o", data, "--", python, WORKER,
           "e2e", "--impl", "qc-canned", "--seconds", str(seconds)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise RuntimeError("perf record failed: " + r.stderr[-2000:])
    rep = subprocess.run(
        ["perf", "report", "-i", data, "--stdio", "--children", "--sort",
         "sym", "--percent-limit", "0.05", "-g", "none"],
        capture_output=True, text=True, timeout=600).stdout
    children = {}
    for line in rep.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[[.kuH]\]\s+(\S+)", line)
        if m:
            name = m.group(3)
            children.setdefault(name, float(m.group(1)) / 100)
    base = children.get("s_method_vectorcall")
    libs = collections.Counter()
    rep2 = subprocess.run(
        ["perf", "report", "-i", data, "--stdio", "--no-children", "--sort",
         "dso", "-g", "none"], capture_output=True, text=True,
        timeout=600).stdout
    for line in rep2.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+(\S+)\s*$", line)
        if m:
            libs[m.group(2)] += float(m.group(1)) / 100
    if workdir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    if not base:
        raise RuntimeError("perf saw no s_method_vectorcall (no symbols?)")
    stages = []
    for label, fns in PERF_STAGES:
        fns = (fns,) if isinstance(fns, str) else fns
        stages.append({"stage": label, "function": fns[0],
                       "share": max(children.get(f, 0.0) for f in fns) / base})
    return {"tool": "perf record -e cpu-clock --call-graph dwarf",
            "binding_call_share_of_samples": base,
            "stages": stages,
            "by_library": [{"library": k, "share": v}
                           for k, v in libs.most_common(10)]}


def _count_calls(edges, name):
    """Total calls to function name (outermost level) and their inclusive
    Ir, from any caller."""
    n = ir = 0
    for (src, dst), (k, c) in edges.items():
        if dst == name and _base(src) != name:
            n += k
            ir += c
    return n, ir


def callgrind_transport(python, floor, req_file, url, seconds, workdir=None):
    """Instruction counts of one end-to-end call, qconnect_c vs the floor,
    under callgrind: the binding call, its transport part, and the plain
    curl_easy_perform of the floor; plus how often the transport calls into
    libcurl and the kernel per request."""
    tmp = workdir or tempfile.mkdtemp(prefix="qc-bench-cg-")
    qc_out = os.path.join(tmp, "callgrind-e2e-qc.out")
    fl_out = os.path.join(tmp, "callgrind-e2e-floor.out")
    for cmd in (
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={qc_out}",
             python, WORKER, "e2e", "--impl", "qc", "--url", url,
             "--seconds", str(seconds)],
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={fl_out}",
             floor, req_file, str(seconds)]):
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if r.returncode != 0:
            raise RuntimeError("callgrind failed: " + r.stderr[-2000:])
    _, _, _, qe = parse_callgrind(qc_out)
    _, _, _, fe = parse_callgrind(fl_out)
    n, call_ir = _count_calls(qe, "s_method_vectorcall")
    _, send_ir = _count_calls(qe, "qc_transport_send")
    fn, perform_ir = _count_calls(fe, "curl_easy_perform")
    if workdir is None:
        shutil.rmtree(tmp, ignore_errors=True)
    if not n or not fn:
        raise RuntimeError("callgrind saw no calls")
    per = {}
    for name in ("curl_easy_setopt", "curl_multi_perform", "curl_multi_poll",
                 "poll", "s_on_header", "clock_gettime", "__clock_gettime",
                 "PyGILState_Ensure"):
        k = _count_calls(qe, name)[0]
        if k:
            per[name] = k / n
    return {"tool": "callgrind", "qc_calls": n, "floor_calls": fn,
            "qc_binding_call_ir": call_ir / n,
            "qc_transport_send_ir": send_ir / n,
            "qc_outside_transport_ir": (call_ir - send_ir) / n,
            "floor_curl_easy_perform_ir": perform_ir / fn,
            "qc_per_request_counts": per}
