"""tests/vectors/requests/requests.json is botocore's own output: rebuilt
here live, it must equal the committed file (which tests/c/test_request.c
replays through the C core)."""

import importlib.util
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_request_vectors", os.path.join(ROOT, "tools", "gen_request_vectors.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_request_vectors_are_botocores():
    gen = _generator()
    with open(os.path.join(ROOT, "tests", "vectors", "requests", "requests.json"),
              encoding="ascii") as f:
        committed = f.read()
    assert gen.dump(gen.build()) == committed


def test_vectors_cover_requests_and_reports():
    with open(os.path.join(ROOT, "tests", "vectors", "requests", "requests.json"),
              encoding="ascii") as f:
        cases = json.load(f)["cases"]
    assert len(cases) >= 40
    assert sum("validation" in c for c in cases) >= 10
    assert sum("body" in c for c in cases) >= 25
