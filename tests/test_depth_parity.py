"""How deeply nested a reply botocore reads depends on the interpreter
(json.loads: Python's recursion limit up to 3.11, a fixed C recursion
limit from 3.12). For the running interpreter, a call made from a script's
top level must end the same way with qconnect_c as with botocore just
below, at and just above botocore's limit, on the three parsing paths:
an error reply, a result, a modelled error."""

import json
import pathlib
import subprocess
import sys

import pytest

TESTS = pathlib.Path(__file__).resolve().parent

# Run as a script: the depth botocore reaches depends on the caller's stack
# up to 3.11, and the core's default reproduces a call from a script's top
# level, so the calls below are made at module level, not in a function.
PROBE = r'''
import json, sys
sys.path.insert(0, %(tests)r)
import canned
reply = canned.Reply()
boto, _ = canned.boto_client(reply)
PATHS = {
    "error": (400, '{"__type":"Nope","x":%%s}'),
    "result": (200, '{"x":%%s}'),
    "modelled": (400, '{"__type":"ResourceNotFoundException","x":%%s}'),
}
out = {}
for path, (status, template) in PATHS.items():
    reply.status = status
    lo, hi = 2, 30000
    while lo < hi:  # botocore's deepest readable body on this path
        mid = (lo + hi + 1) // 2
        reply.body = (template %% ("[" * (mid - 1) + "]" * (mid - 1))).encode()
        try:
            boto.get_import_job(knowledgeBaseId="kb", importJobId="ij")
            deep = False
        except RecursionError:
            deep = True
        except Exception:
            deep = False
        if deep:
            hi = mid - 1
        else:
            lo = mid
    rows = []
    for depth in (lo - 1, lo, lo + 1):
        reply.body = (template %% ("[" * (depth - 1) + "]" * (depth - 1))).encode()
        qc = canned.qc_client(reply)
        try:
            r = boto.get_import_job(knowledgeBaseId="kb", importJobId="ij")
            r.pop("ResponseMetadata")
            b = ("ok", r)
        except Exception as e:
            b = ("raise", type(e).__name__, str(e))
        try:
            r = qc.get_import_job(knowledgeBaseId="kb", importJobId="ij")
            r.pop("ResponseMetadata")
            q = ("ok", r)
        except Exception as e:
            q = ("raise", type(e).__name__, str(e))
        rows.append([depth, repr(b), repr(q)])
    out[path] = {"limit": lo, "rows": rows}
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    # A script file (python -c runs its code one C frame deeper).
    script = tmp_path_factory.mktemp("depth") / "probe.py"
    script.write_text(PROBE % {"tests": str(TESTS)})
    proc = subprocess.run([sys.executable, str(script)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("path", ["error", "result", "modelled"])
def test_same_outcome_around_botocores_limit(probe, path):
    rows = probe[path]["rows"]
    for depth, boto, ours in rows:
        assert ours == boto, (path, depth)
    # the probe found a real limit: read at it, refused above it
    assert "RecursionError" not in rows[1][1]
    assert "RecursionError" in rows[2][1]


def test_limits_are_the_interpreters():
    """The limits themselves, as measured (script top level)."""
    if sys.version_info < (3, 12):
        expected = None  # follows the recursion limit: see the core's default
    elif sys.version_info < (3, 13):
        expected = 1497
    else:
        expected = 9998
    if expected is not None:
        assert {p["limit"] for p in PROBE_CACHE.values()} == {expected}


PROBE_CACHE = {}


@pytest.fixture(autouse=True)
def _keep(probe):
    PROBE_CACHE.update(probe)
