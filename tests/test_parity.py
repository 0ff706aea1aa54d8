"""Parity of qconnect_c with boto3: every case sends the same call through a boto3
client and a qconnect_c client pointed at a recording HTTP server on 127.0.0.1, then
compares what reached the server (method, raw path, query, JSON body bytes,
Content-Type, a valid SigV4 signature) and what the caller got back (results,
exceptions, ``.response``, messages).

QC_PARITY_SELFTEST=1 swaps qconnect_c for a second boto3 client, to check the harness
itself; without it a qconnect_c that cannot be imported fails every test.
"""

import copy
import datetime
import difflib
import json
import math
import os
import pprint
import re
import sys
import time

import boto3
import botocore.exceptions
import botocore.session
import pytest
from botocore.config import Config as BotoConfig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import parity_cases  # noqa: E402
import sigv4_check  # noqa: E402
from recording_server import RecordingServer  # noqa: E402

SELFTEST = os.environ.get("QC_PARITY_SELFTEST") == "1"

ACCESS_KEY = "AKIDPARITYEXAMPLE"
SECRET_KEY = "parity/Secret+Key/0123456789abcdefEXAMPLE"
SESSION_TOKEN = "FwoGZXIvYXdzEParity//session+token/with=padding=="
SERVICE = "wisdom"
LOCAL_TZ = "NST+3:30NDT,M3.2.0,M11.1.0"

# Client set-ups shared by both sides: region, session token, retries (None: no
# retries setting at all, botocore's defaults). Every client gets short timeouts so a
# hung call fails the case instead of stalling the suite.
CLIENT_KINDS = {
    "default": {"region": "us-east-1", "token": None, "retries": {"max_attempts": 0}},
    "session": {"region": "us-east-1", "token": SESSION_TOKEN, "retries": {"max_attempts": 0}},
    "region": {"region": "eu-central-1", "token": None, "retries": {"total_max_attempts": 1}},
    "default_retries": {"region": "us-east-1", "token": None, "retries": None},
}
TIMEOUTS = {"connect_timeout": 5, "read_timeout": 10}

UUID4_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TOKEN_PLACEHOLDER = b"<AUTOPOPULATED-TOKEN>"
# Headers the HTTP library, not the SDK, decides on; left out of header-name parity.
TRANSPORT_HEADERS = {"accept", "accept-encoding", "connection", "expect", "te", "user-agent"}

_MODEL = botocore.session.get_session().get_service_model("qconnect")


# ---------------------------------------------------------------------------- sides
class Side:
    """One client implementation: how to build a client, and its exception bases."""

    def __init__(self, name, make_client, client_error, param_validation_error):
        self.name = name
        self._make_client = make_client
        self.client_error = client_error
        self.param_validation_error = param_validation_error
        self._clients = {}
        self.seen_tokens = set()

    def client(self, kind, url):
        """Returns the (cached) client of set-up ``kind`` pointed at ``url``."""
        key = (kind, url)
        if key not in self._clients:
            spec = CLIENT_KINDS[kind]
            self._clients[key] = self._make_client(
                spec["region"], url, spec["token"], spec["retries"]
            )
        return self._clients[key]


def _config_kwargs(retries):
    kwargs = dict(TIMEOUTS)
    if retries is not None:
        kwargs["retries"] = retries
    return kwargs


def _boto3_side(name):
    session = boto3.session.Session()

    def make(region, url, token, retries):
        config = BotoConfig(**_config_kwargs(retries))
        return session.client(
            "qconnect",
            region_name=region,
            endpoint_url=url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            aws_session_token=token,
            config=config,
        )

    return Side(name, make, botocore.exceptions.ClientError, botocore.exceptions.ParamValidationError)


def _qconnect_c_side():
    import qconnect_c

    def make(region, url, token, retries):
        config = qconnect_c.Config(**_config_kwargs(retries))
        return qconnect_c.client(
            "qconnect",
            region_name=region,
            endpoint_url=url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            aws_session_token=token,
            config=config,
        )

    return Side(
        "qconnect_c", make, qconnect_c.exceptions.ClientError, qconnect_c.exceptions.ParamValidationError
    )


@pytest.fixture(scope="module")
def isolated_env():
    """Keeps the user's AWS environment and files out of both clients."""
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                mp.delenv(name)
        mp.setenv("AWS_CONFIG_FILE", os.devnull)
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        # A local zone with a half-hour offset and summer time, so that timestamps
        # must come back with the local offset in force at each instant.
        mp.setenv("TZ", LOCAL_TZ)
        time.tzset()
        yield
    time.tzset()


@pytest.fixture(scope="module")
def server():
    srv = RecordingServer().start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def sides(isolated_env):
    """Returns (reference boto3 side, side under test)."""
    reference = _boto3_side("boto3")
    if SELFTEST:
        return reference, _boto3_side("boto3-selftest")
    try:
        other = _qconnect_c_side()
    except Exception as exc:  # a missing qconnect_c is a failure, never a skip
        pytest.fail("qconnect_c is not usable (%s: %s); set QC_PARITY_SELFTEST=1 to test the "
                    "harness against boto3 alone" % (type(exc).__name__, exc), pytrace=False)
    return reference, other


# ------------------------------------------------------------------------- running
class Outcome:
    def __init__(self, side, client, result, exc, requests, params_after):
        self.side = side
        self.client = client
        self.result = result
        self.exc = exc
        self.requests = requests
        self.params_after = params_after

    def summary(self):
        if self.exc is None:
            return "returned:\n" + pprint.pformat(self.result, width=100)
        text = "raised %s: %s" % (type(self.exc).__name__, self.exc)
        if hasattr(self.exc, "response"):
            text += "\n.response:\n" + pprint.pformat(self.exc.response, width=100)
        return text


def run_call(side, server, case):
    """Makes the case's call through ``side`` and returns its Outcome."""
    client = side.client(case.client, server.url)
    server.reset()
    if case.reply is not None:
        server.set_reply(*case.reply)
    params = copy.deepcopy(case.params)
    try:
        result = getattr(client, case.op)(*case.args, **params)
        exc = None
    except Exception as e:  # every exception is compared, none is expected to escape
        result, exc = None, e
    return Outcome(side, client, result, exc, server.take_requests(), params)


_API_NAMES = {botocore.xform_name(n): n for n in _MODEL.operation_names}


def _token_member(op):
    """Returns the name of the operation's idempotency-token member, or None."""
    shape = _MODEL.operation_model(_API_NAMES[op]).input_shape
    for name, member in (shape.members.items() if shape is not None else ()):
        if member.metadata.get("idempotencyToken"):
            return name
    return None


# --------------------------------------------------------------------- comparisons
def strict_diff(a, b, path):
    """Returns a list of differences between two results: values, exact types, and
    for datetimes also the UTC offset."""
    if type(a) is not type(b):
        return ["%s: type %s != %s (%r vs %r)" % (path, type(a).__name__, type(b).__name__, a, b)]
    if isinstance(a, dict):
        out = []
        missing = [k for k in a if k not in b]
        extra = [k for k in b if k not in a]
        if missing:
            out.append("%s: keys only in reference: %r" % (path, missing))
        if extra:
            out.append("%s: keys only in other: %r" % (path, extra))
        for k in a:
            if k in b:
                out += strict_diff(a[k], b[k], "%s[%r]" % (path, k))
        return out
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return ["%s: length %d != %d" % (path, len(a), len(b))]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += strict_diff(x, y, "%s[%d]" % (path, i))
        return out
    if isinstance(a, datetime.datetime):
        if a != b or a.utcoffset() != b.utcoffset() or (a.tzinfo is None) != (b.tzinfo is None):
            return ["%s: %r (offset %s) != %r (offset %s)" % (path, a, a.utcoffset(), b, b.utcoffset())]
        return []
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return []
    if a != b:
        return ["%s: %r != %r" % (path, a, b)]
    return []


def _text_diff(label, a, b):
    """Returns a unified diff of two texts, for failure messages."""
    lines = difflib.unified_diff(
        a.splitlines(), b.splitlines(), "reference (boto3)", "other", lineterm="", n=3
    )
    return "--- %s diff ---\n%s" % (label, "\n".join(lines))


def _check_token(side, member, body_bytes, problems):
    """Checks an autopopulated token; returns the body with the token replaced."""
    try:
        token = json.loads(body_bytes).get(member)
    except ValueError:
        problems.append("%s: body is not JSON: %r" % (side.name, body_bytes[:300]))
        return body_bytes
    if not isinstance(token, str) or not UUID4_RE.match(token):
        problems.append("%s: autopopulated %s is not a UUID4: %r" % (side.name, member, token))
        return body_bytes
    if token in side.seen_tokens:
        problems.append("%s: %s %s was already used by an earlier call" % (side.name, member, token))
    side.seen_tokens.add(token)
    quoted = json.dumps(token).encode("ascii")
    if body_bytes.count(quoted) != 1:
        problems.append("%s: token appears %d times in the body" % (side.name, body_bytes.count(quoted)))
    return body_bytes.replace(quoted, b'"' + TOKEN_PLACEHOLDER + b'"')


def compare_requests(case, ref, other):
    """Returns the list of differences between the requests the two sides sent."""
    problems = []
    spec = CLIENT_KINDS[case.client]
    for outcome in (ref, other):
        if outcome.params_after != case.params:
            problems.append("%s modified the caller's parameters: %r" % (outcome.side.name, outcome.params_after))
    if len(ref.requests) != len(other.requests):
        problems.append(
            "request count: reference sent %d, other sent %d\n%s"
            % (len(ref.requests), len(other.requests),
               "\n\n".join(r.describe() for r in ref.requests + other.requests))
        )
        return problems
    member = _token_member(case.op)
    autopopulated = member is not None and member not in case.params and case.expect in ("ok", "client_error")
    for i, (r, o) in enumerate(zip(ref.requests, other.requests)):
        tag = "request %d" % i
        before = len(problems)
        for what in ("method", "path", "query"):
            if getattr(r, what) != getattr(o, what):
                problems.append("%s %s: %r != %r" % (tag, what, getattr(r, what), getattr(o, what)))
        for header in ("Content-Type", "Content-Length", "Transfer-Encoding"):
            if r.header_all(header) != o.header_all(header):
                problems.append("%s header %s: %r != %r" % (tag, header, r.header_all(header), o.header_all(header)))
        rb, ob = r.body, o.body
        if autopopulated:
            rb = _check_token(ref.side, member, rb, problems)
            ob = _check_token(other.side, member, ob, problems)
        if rb != ob:
            problems.append("%s body bytes differ:\n  reference: %r\n  other:     %r" % (tag, rb, ob))
            try:
                if json.loads(rb or b"null") != json.loads(ob or b"null"):
                    problems.append("%s parsed JSON bodies differ too" % tag)
            except ValueError as e:
                problems.append("%s body is not JSON: %s" % (tag, e))
        signed = {}
        for outcome, req in ((ref, r), (other, o)):
            try:
                signed[outcome.side.name] = sigv4_check.verify(
                    req, ACCESS_KEY, SECRET_KEY, spec["region"], SERVICE, spec["token"]
                )["signed_headers"]
            except sigv4_check.SignatureMismatch as e:
                problems.append("%s from %s: %s" % (tag, outcome.side.name, e))
        if len(signed) == 2 and signed[ref.side.name] != signed[other.side.name]:
            problems.append("%s SignedHeaders: %r != %r" % (tag, signed[ref.side.name], signed[other.side.name]))
        if len(problems) > before:
            problems.append(_text_diff(tag, r.describe(), o.describe()))
    return problems


def compare_outcomes(case, ref, other):
    """Returns the list of differences between what the two callers got back."""
    problems = []
    if (ref.exc is None) != (other.exc is None):
        return ["outcome differs:\n  reference %s\n  other %s" % (ref.summary(), other.summary())]
    if ref.exc is None:
        problems += strict_diff(ref.result, other.result, "result")
    else:
        e_ref, e_oth = ref.exc, other.exc
        name_ref, name_oth = type(e_ref).__name__, type(e_oth).__name__
        if name_ref != name_oth:
            problems.append("exception class %s != %s" % (name_ref, name_oth))
        if str(e_ref) != str(e_oth):
            problems.append("str(exception):\n  reference: %r\n  other:     %r" % (str(e_ref), str(e_oth)))
        if isinstance(e_ref, botocore.exceptions.ClientError):
            problems += _compare_client_errors(case, ref, other)
        elif isinstance(e_ref, botocore.exceptions.ParamValidationError):
            if not isinstance(e_oth, other.side.param_validation_error):
                problems.append("%r is not a %s ParamValidationError" % (e_oth, other.side.name))
            if getattr(e_ref, "kwargs", None) != getattr(e_oth, "kwargs", None):
                problems.append("ParamValidationError.kwargs: %r != %r"
                                % (getattr(e_ref, "kwargs", None), getattr(e_oth, "kwargs", None)))
        elif not isinstance(e_oth, type(e_ref)):
            problems.append("%r is not an instance of %s" % (e_oth, type(e_ref).__name__))
    if problems:
        problems.append(_text_diff("outcome", ref.summary(), other.summary()))
    return problems


def _compare_client_errors(case, ref, other):
    problems = []
    e_ref, e_oth = ref.exc, other.exc
    if not isinstance(e_oth, other.side.client_error):
        problems.append("%r is not a %s ClientError" % (e_oth, other.side.name))
    modelled = getattr(other.client.exceptions, type(e_ref).__name__, None)
    if type(e_ref).__name__ != "ClientError":
        if modelled is None or not isinstance(e_oth, modelled):
            problems.append("%r is not an instance of client.exceptions.%s" % (e_oth, type(e_ref).__name__))
    problems += strict_diff(e_ref.response, getattr(e_oth, "response", None), "exception.response")
    if e_ref.operation_name != getattr(e_oth, "operation_name", None):
        problems.append("operation_name %r != %r" % (e_ref.operation_name, getattr(e_oth, "operation_name", None)))
    return problems


def check_reference(case, ref):
    """Asserts boto3 did what the case is meant to exercise."""
    exc = ref.exc
    if case.expect == "ok":
        assert exc is None, "case %s: boto3 raised %r" % (case.id, exc)
        assert len(ref.requests) == 1
    elif case.expect == "client_error":
        assert isinstance(exc, botocore.exceptions.ClientError), "case %s: boto3 gave %r" % (case.id, exc or ref.result)
        assert exc.response["Error"]["Code"] == case.code, exc.response
        assert len(ref.requests) == 1
    elif case.expect == "validation":
        assert isinstance(exc, botocore.exceptions.ParamValidationError), "case %s: boto3 gave %r" % (
            case.id, exc or ref.result)
        assert ref.requests == []
    elif case.expect == "type_error":
        assert type(exc) is TypeError, "case %s: boto3 gave %r" % (case.id, exc or ref.result)
        assert ref.requests == []
    else:
        raise AssertionError("case %s: unknown expectation %r" % (case.id, case.expect))


def run_both(sides, server, case):
    ref_side, other_side = sides
    ref = run_call(ref_side, server, case)
    other = run_call(other_side, server, case)
    return ref, other


# --------------------------------------------------------------------------- tests
def test_case_table():
    ids = [c.id for c in parity_cases.CASES]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids), [i for i in ids if ids.count(i) > 1]
    for c in parity_cases.CASES:
        assert c.client in CLIENT_KINDS, c
        assert c.expect in ("ok", "client_error", "validation", "type_error"), c


@pytest.mark.parametrize("case", parity_cases.CASES, ids=[c.id for c in parity_cases.CASES])
def test_parity(sides, server, case):
    ref, other = run_both(sides, server, case)
    check_reference(case, ref)
    problems = compare_requests(case, ref, other) + compare_outcomes(case, ref, other)
    assert not problems, "case %s: %d difference(s)\n\n%s" % (case.id, len(problems), "\n\n".join(problems))


def test_fresh_token_per_call(sides, server):
    """Each call without clientToken carries a new UUID4, on both sides."""
    case = parity_cases.CASES[0]
    for side in sides:
        tokens = []
        for _ in range(3):
            out = run_call(side, server, case)
            assert out.exc is None, out.summary()
            assert len(out.requests) == 1
            tokens.append(json.loads(out.requests[0].body)["clientToken"])
        assert all(UUID4_RE.match(t) for t in tokens), (side.name, tokens)
        assert len(set(tokens)) == 3, (side.name, tokens)


def test_keep_alive_reuse(sides, server):
    """Consecutive calls on one client reuse one connection, as boto3's do."""
    case = parity_cases.CASES[0]
    used = {}
    for side in sides:
        conns = []
        for _ in range(3):
            out = run_call(side, server, case)
            assert out.exc is None, out.summary()
            conns += [r.connection_id for r in out.requests]
        used[side.name] = len(set(conns))
    assert list(used.values()) == [1, 1], used


HEADER_CASES = ["sij-minimal", "sij-session-token", "list-import-jobs-query", "delete-import-job", "get-import-job"]


@pytest.mark.parametrize("case_id", HEADER_CASES)
def test_request_header_names(sides, server, case_id):
    """The SDK-level request headers (names, and amz-sdk-request's value) match."""
    case = next(c for c in parity_cases.CASES if c.id == case_id)
    ref, other = run_both(sides, server, case)
    assert len(ref.requests) == len(other.requests) == 1
    r, o = ref.requests[0], other.requests[0]
    names_r = set(r.header_names()) - TRANSPORT_HEADERS
    names_o = set(o.header_names()) - TRANSPORT_HEADERS
    assert names_r == names_o, "only reference: %s; only other: %s\n%s" % (
        sorted(names_r - names_o), sorted(names_o - names_r), _text_diff("request", r.describe(), o.describe()))
    assert r.header_all("amz-sdk-request") == o.header_all("amz-sdk-request")


def test_exception_classes(sides, server):
    """client.exceptions has every modelled error, each a ClientError, and from_code."""
    ref_side, other_side = sides
    ref_client = ref_side.client("default", server.url)
    other_client = other_side.client("default", server.url)
    codes = sorted(ref_client.exceptions._code_to_exception)
    assert len(codes) >= 6
    for code in codes:
        cls = getattr(other_client.exceptions, code, None)
        assert cls is not None, code
        assert cls.__name__ == code
        assert issubclass(cls, other_side.client_error), code
        assert other_client.exceptions.from_code(code) is cls
    assert other_client.exceptions.from_code("NoSuchThingException") is other_side.client_error
