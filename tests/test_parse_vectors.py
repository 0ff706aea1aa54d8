"""The reply-parsing vectors cannot drift from botocore.

tests/vectors/parse/*.json must equal what tools/gen_parse_vectors.py records
right now by serving each reply from 127.0.0.1 to the installed botocore
(tests/c/test_parse.c checks csrc/parse.c against every one of those files).
"""

import importlib.util
import json
import pathlib
import sys
import time

import botocore
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTOR_DIR = ROOT / "tests" / "vectors" / "parse"


def load_generator():
    """Returns tools/gen_parse_vectors.py loaded as a module."""
    spec = importlib.util.spec_from_file_location(
        "qc_gen_parse_vectors", ROOT / "tools" / "gen_parse_vectors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = load_generator()
FRESH = GEN.generate()

# The vectors are recorded with CPython 3.10/3.11, where json.loads' depth
# follows the recursion limit (see the generator's
# DEPTH_FOLLOWS_RECURSION_LIMIT). From 3.12 botocore reads the past-the-limit
# cases (a fixed C recursion limit), so these vectors cannot match botocore
# there; tests/test_depth_parity.py compares the clients around the running
# interpreter's own limit instead.
past_the_311_depth = pytest.mark.skipif(
    not GEN.DEPTH_FOLLOWS_RECURSION_LIMIT,
    reason="vectors past the 3.10/3.11 json.loads depth are recorded for "
           "those interpreters; tests/test_depth_parity.py covers this one")


def test_botocore_version():
    assert botocore.__version__ == "1.43.11"


def test_same_set_of_files():
    committed = {p.name for p in VECTOR_DIR.glob("*.json")}
    assert committed == set(FRESH), (
        "missing: %s, stale: %s (run tools/gen_parse_vectors.py)"
        % (sorted(set(FRESH) - committed), sorted(committed - set(FRESH))))


def _matches_botocore_now(name):
    path = VECTOR_DIR / name
    return path.exists() and path.read_text(encoding="utf-8") == GEN.dump(FRESH[name])


def test_every_vector_matches_botocore_now():
    past = {n + ".json" for n in GEN.PAST_RECURSION_LIMIT_CASES}
    differ = [name for name in sorted(FRESH) if name not in past and not _matches_botocore_now(name)]
    assert not differ, "vectors differ from botocore now: %s" % differ


@past_the_311_depth
@pytest.mark.parametrize("case", GEN.PAST_RECURSION_LIMIT_CASES)
def test_past_the_depth_limit_vector_matches_botocore_now(case):
    assert _matches_botocore_now(case + ".json")


def test_vectors_cover_the_brief():
    names = set(FRESH)
    outcomes = {}
    for name, vector in FRESH.items():
        outcomes.setdefault(vector["expect"]["outcome"], set()).add(name)
    # every operation with an output shape has a generated full-body case
    ops = [op for op in GEN.Runner().model.operation_names]
    assert len([n for n in names if n.startswith("auto_")]) == len(ops)
    # each modelled error shape is exercised and mapped to its class
    for code, _ in GEN.ERROR_SHAPES:
        v = FRESH["err_modeled_%s.json" % code]["expect"]
        assert v["error_code"] == code and v["exception"] == code
    # the name prefixes say what botocore did
    prefix = {"ok": "ok", "auto": "ok", "err": "service_error", "bad": "parse_error"}
    for name, vector in FRESH.items():
        if not GEN.DEPTH_FOLLOWS_RECURSION_LIMIT and \
                name[:-len(".json")] in GEN.PAST_RECURSION_LIMIT_CASES:
            continue  # test_past_the_depth_limit_vector_matches_botocore_now
        assert vector["expect"]["outcome"] == prefix[name.split("_")[0]], name


TOP_LEVEL_PROBE = """
import sys
sys.path.insert(0, %(tools)r)
import gen_parse_vectors as g
r = g.Runner()
results = []
for n in (%(depth)d - 1, %(depth)d):
    body = b'{"message":' + b"[" * n + b"]" * n + b"}"
    r.server.reply = g.wire(400, [("Content-Length", str(len(body)))], body)
    try:
        r.client.get_knowledge_base(knowledgeBaseId="kb")
    except r.client.exceptions.ClientError:
        results.append(True)
    except RecursionError:
        results.append(False)
r.close()
print(*results)
"""


@past_the_311_depth
def test_top_level_depth_is_what_the_vectors_assume():
    """A call written at a script's top level reads error bodies exactly
    TOP_LEVEL_ERROR_DEPTH deep (the generator calibrates to that figure)."""
    import subprocess
    import sys
    script = TOP_LEVEL_PROBE % {"tools": str(ROOT / "tools"), "depth": GEN.TOP_LEVEL_ERROR_DEPTH}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert out == ["True", "False"]


def test_vector_format():
    v = json.loads((VECTOR_DIR / "ok_timestamps_text.json").read_text(encoding="utf-8"))
    assert v["utc_is_local"] == ("UTC" in time.tzname)
    assert set(v) >= {"name", "operation", "status", "headers", "retry_attempts", "expect"}
    assert ("body" in v) != ("body_b64" in v)
