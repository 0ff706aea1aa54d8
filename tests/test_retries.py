"""Retries: qconnect_c against boto3, live, under the same Config.

Every scenario scripts the fault server (tests/fault_server.py) with the same
sequence of replies and failures for both clients and checks that both end the
same way (the result, or the exception's class, message and ``.response``), after
the same number of attempts, each attempt carrying the call's one clientToken and
invocation id and the same ``amz-sdk-request`` value.

Backoff sleeps are shrunk on both sides: botocore's ``time.sleep`` in
``botocore.endpoint`` is replaced by a recorder, and qconnect_c clients are made
with ``QC_TEST_BACKOFF_SCALE=0`` (an internal test hook read at client creation).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import types

import boto3
import botocore.endpoint
import botocore.exceptions
import botocore.loaders
import botocore.session
import pytest
from botocore.config import Config as BotoConfig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fault_server import Fault, FaultServer, error, reply  # noqa: E402

import qconnect_c  # noqa: E402

KB = "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"
PARAMS = {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": "upload-1"}
IMPORT_JOB = {"importJob": {"importJobId": "job-1", "knowledgeBaseId": KB, "uploadId": "upload-1",
                            "importJobType": "QUICK_RESPONSES", "status": "START_IN_PROGRESS",
                            "createdTime": 1785500000.25}}
OK = reply(200, json.dumps(IMPORT_JOB))
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TRANSPORT_HEADERS = {"accept", "accept-encoding", "connection", "expect", "te", "user-agent",
                     "content-length"}
TIMEOUTS = {"connect_timeout": 5, "read_timeout": 10}
_LOADER = botocore.loaders.create_loader()


# ---------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def server():
    with FaultServer() as srv:
        yield srv


@pytest.fixture(autouse=True)
def isolated(monkeypatch):
    """No AWS settings from the environment; no real backoff on either side."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("QC_TEST_BACKOFF_SCALE", "0")
    sleeps = []
    monkeypatch.setattr(botocore.endpoint, "time",
                        types.SimpleNamespace(sleep=sleeps.append, time=time.time))
    return sleeps


def make_client(side, url, config=None, **config_kwargs):
    """A client of side "boto3" or "qconnect_c" at url, from a fresh session (so
    the environment is read now)."""
    kwargs = dict(TIMEOUTS)
    kwargs.update(config_kwargs)
    if side == "boto3":
        cfg = BotoConfig(**kwargs) if config is None else config
        core = botocore.session.Session()
        core.register_component("data_loader", _LOADER)  # models parsed once
        session = boto3.session.Session(botocore_session=core)
    else:
        cfg = qconnect_c.Config(**kwargs) if config is None else config
        session = qconnect_c.Session()
    return session.client("qconnect", region_name="us-east-1", endpoint_url=url,
                          aws_access_key_id="AKIDEXAMPLE",
                          aws_secret_access_key="secret/EXAMPLE", config=cfg)


class Outcome:
    def __init__(self, side, result, exc, requests, elapsed):
        self.side = side
        self.result = result
        self.exc = exc
        self.requests = requests
        self.elapsed = elapsed

    def describe(self):
        if self.exc is None:
            return "%s returned %r" % (self.side, self.result)
        return "%s raised %s: %s" % (self.side, type(self.exc).__name__, self.exc)


def call(client, side, server, faults, default=OK, params=PARAMS):
    """Scripts the server, makes one start_import_job call, returns its Outcome."""
    server.script(list(faults), default=default)
    start = time.monotonic()
    try:
        result, exc = client.start_import_job(**params), None
    except Exception as e:  # every exception is compared
        result, exc = None, e
    return Outcome(side, result, exc, server.take_requests(), time.monotonic() - start)


def _metadata(outcome):
    src = outcome.result if outcome.exc is None else getattr(outcome.exc, "response", None)
    return (src or {}).get("ResponseMetadata")


def compare(ref, other):
    """Returns the differences between two outcomes (empty when they agree)."""
    problems = []
    if (ref.exc is None) != (other.exc is None):
        return ["outcome: %s / %s" % (ref.describe(), other.describe())]
    if ref.exc is None:
        if ref.result != other.result:
            problems.append("result: %r != %r" % (ref.result, other.result))
    else:
        rt, ot = type(ref.exc), type(other.exc)
        if rt.__name__ != ot.__name__:
            problems.append("exception class %s != %s" % (rt.__name__, ot.__name__))
        rbases = [c.__name__ for c in rt.__mro__
                  if c.__module__ in ("botocore.exceptions", "botocore.errorfactory")]
        obases = [c.__name__ for c in ot.__mro__ if c.__module__ == "qconnect_c.exceptions"]
        if rbases != obases:
            problems.append("exception bases %s != %s" % (rbases, obases))
        if str(ref.exc) != str(other.exc):
            problems.append("message %r != %r" % (str(ref.exc), str(other.exc)))
        if getattr(ref.exc, "response", None) != getattr(other.exc, "response", None):
            problems.append("response %r != %r" % (getattr(ref.exc, "response", None),
                                                   getattr(other.exc, "response", None)))
    rmd, omd = _metadata(ref), _metadata(other)
    if rmd is not None and omd is not None and list(rmd) != list(omd):
        problems.append("ResponseMetadata key order %s != %s" % (list(rmd), list(omd)))
    if len(ref.requests) != len(other.requests):
        problems.append("attempts: boto3 %d, qconnect_c %d" % (len(ref.requests), len(other.requests)))
    for o in (ref, other):
        tokens = {json.loads(r.body).get("clientToken") for r in o.requests}
        ids = {r.header("amz-sdk-invocation-id") for r in o.requests}
        if len(tokens) != 1 or not all(t and UUID4.match(t) for t in tokens):
            problems.append("%s clientTokens across attempts: %s" % (o.side, tokens))
        if len(ids) != 1 or not all(i and UUID4.match(i) for i in ids):
            problems.append("%s invocation ids across attempts: %s" % (o.side, ids))
    for i, (r, o) in enumerate(zip(ref.requests, other.requests)):
        if r.header("amz-sdk-request") != o.header("amz-sdk-request"):
            problems.append("attempt %d amz-sdk-request %r != %r"
                            % (i + 1, r.header("amz-sdk-request"), o.header("amz-sdk-request")))
        rn = set(r.header_names()) - TRANSPORT_HEADERS
        on = set(o.header_names()) - TRANSPORT_HEADERS
        if rn != on:
            problems.append("attempt %d header names %s != %s" % (i + 1, sorted(rn), sorted(on)))
        if r.body.replace(json.loads(r.body)["clientToken"].encode(), b"T") != \
                o.body.replace(json.loads(o.body)["clientToken"].encode(), b"T"):
            problems.append("attempt %d body %r != %r" % (i + 1, r.body, o.body))
    return problems


def run_both(server, faults, default=OK, **config_kwargs):
    """Runs the scenario through boto3 and qconnect_c; returns both outcomes
    after asserting that they agree."""
    out = []
    for side in ("boto3", "qconnect_c"):
        client = make_client(side, server.url, **config_kwargs)
        out.append(call(client, side, server, faults, default))
    problems = compare(*out)
    assert not problems, "\n".join(problems + [out[0].describe(), out[1].describe()])
    return out


# ---------------------------------------------------------------------- scenarios
HTML = "<html><body><h1>Server Error</h1></body></html>"

# (id, faults, default reply, expected attempts in legacy, in standard)
SCENARIOS = [
    ("500-forever", [], error(500, "InternalServerException"), 5, 3),
    ("500-500-ok", [error(500, "InternalServerException")] * 2, OK, 3, 3),
    ("503-html-ok", [reply(503, HTML, content_type="text/html")], OK, 2, 2),
    ("500-empty-forever", [], reply(500, b""), 5, 3),
    ("502-504-ok", [reply(502, HTML, content_type="text/html"), reply(504, b"")], OK, 3, 3),
    ("509-ok", [reply(509, b"")], OK, 2, 1),
    ("501-no-retry", [reply(501, b"")], OK, 1, 1),
    ("429-ok", [error(429, "TooManyRequestsException")], OK, 2, 2),
    ("429-no-code-ok", [reply(429, b"{}")], OK, 2, 1),
    ("400-throttling-exception-ok", [error(400, "ThrottlingException")], OK, 2, 2),
    ("400-throttling-in-body-ok", [error(400, "ThrottlingException", in_header=False)], OK, 2, 2),
    ("400-throttling-ok", [error(400, "Throttling")], OK, 2, 2),
    ("400-throughput-ok", [error(400, "ProvisionedThroughputExceededException")], OK, 2, 2),
    ("400-slowdown-ok", [error(400, "SlowDown")], OK, 1, 2),
    ("403-throttling-exception", [error(403, "ThrottlingException")], OK, 1, 2),
    ("400-throttling-forever", [], error(400, "ThrottlingException"), 5, 3),
    ("408-request-timeout-ok", [error(408, "RequestTimeoutException")], OK, 1, 2),
    ("400-request-timeout-ok", [error(400, "RequestTimeout")], OK, 1, 2),
    ("400-validation", [error(400, "ValidationException")], OK, 1, 1),
    ("404-not-found", [error(404, "ResourceNotFoundException")], OK, 1, 1),
    ("reset-ok", [Fault("reset")], OK, 2, 2),
    ("reset-forever", [], Fault("reset"), 5, 3),
    ("reset-mid-body-ok", [Fault("reset_mid_body", 200, OK.headers, OK.body)], OK, 2, 2),
    ("truncated-ok", [Fault("truncate", 200, OK.headers, OK.body)], OK, 2, 2),
    ("truncated-forever", [], Fault("truncate", 500, OK.headers, OK.body), 5, 3),
    ("close-ok", [Fault("close")], OK, 2, 2),
    ("500-close-ok", [Fault("reply", 500, [("Connection", "close")], b""), Fault("reset")], OK, 3, 3),
    ("non-json-200", [reply(200, b"this is not json", content_type="text/plain")], OK, 1, 1),
    ("non-json-500-forever", [], reply(500, b"<not json/>", content_type="text/plain"), 5, 3),
    ("no-date-500-ok", [Fault("reply", 500, [("x-amzn-RequestId", "r")], b"{}")], OK, 2, 2),
]


@pytest.mark.parametrize("mode", ["legacy", "standard"])
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_scenario(server, scenario, mode):
    _, faults, default, legacy_n, standard_n = scenario
    ref, other = run_both(server, faults, default, retries={"mode": mode})
    assert len(ref.requests) == (legacy_n if mode == "legacy" else standard_n)


def test_reset_on_reused_connection_counts_as_an_attempt(server):
    # A reused keep-alive connection reset before any reply byte: urllib3
    # reports it and botocore retries it as an attempt; libcurl's own silent
    # re-send is refused by the transport so the counts agree.
    ref, other = run_both(server, [error(500, "InternalServerException"), Fault("reset")],
                          OK, retries={"mode": "legacy"})
    assert len(ref.requests) == len(other.requests) == 3


def test_non_utf8_error_body(server):
    # botocore lets a UnicodeDecodeError out of its error parser; qconnect_c
    # reports the reply it could not parse as a ResponseParserError.
    import qconnect_c.exceptions as qexc
    body = reply(500, b"\xff\xfe not utf-8", content_type="text/plain")
    ref = call(make_client("boto3", server.url, retries={"total_max_attempts": 1}),
               "boto3", server, [], body)
    other = call(make_client("qconnect_c", server.url, retries={"total_max_attempts": 1}),
                 "qconnect_c", server, [], body)
    assert isinstance(ref.exc, UnicodeDecodeError)
    assert isinstance(other.exc, qexc.ResponseParserError)
    assert len(ref.requests) == len(other.requests) == 1


def test_read_timeout_stall(server):
    """A reply that stalls past read_timeout: ReadTimeoutError, retried."""
    ref, _ = run_both(server, [Fault("stall", 200, OK.headers, OK.body, stall=3)] * 2,
                      OK, read_timeout=0.4, retries={"total_max_attempts": 2})
    assert type(ref.exc).__name__ == "ReadTimeoutError"
    assert len(ref.requests) == 2


def test_read_timeout_stall_then_ok(server):
    ref, _ = run_both(server, [Fault("stall", 200, OK.headers, OK.body, stall=3)], OK,
                      read_timeout=0.4, retries={"mode": "standard"})
    assert ref.exc is None and ref.result["ResponseMetadata"]["RetryAttempts"] == 1


def test_connection_refused():
    """A refused port: EndpointConnectionError after every attempt failed."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    url = "http://127.0.0.1:%d" % port
    outs = []
    for side in ("boto3", "qconnect_c"):
        client = make_client(side, url, retries={"total_max_attempts": 3})
        start = time.monotonic()
        try:
            client.start_import_job(**PARAMS)
            exc = None
        except Exception as e:
            exc = e
        outs.append(Outcome(side, None, exc, [], time.monotonic() - start))
    assert type(outs[0].exc).__name__ == "EndpointConnectionError"
    assert type(outs[1].exc).__name__ == "EndpointConnectionError"
    assert str(outs[0].exc) == str(outs[1].exc)
    assert isinstance(outs[1].exc, qconnect_c.exceptions.ConnectionError)


@pytest.mark.parametrize("retries", [
    {"max_attempts": 0},
    {"max_attempts": 2},
    {"total_max_attempts": 4},
    {"mode": "legacy", "total_max_attempts": 1},
    {"mode": "standard", "max_attempts": 4},
    {"mode": "standard", "total_max_attempts": 1},
    {"mode": "adaptive", "total_max_attempts": 2},
])
def test_config_retries_pass_through(server, retries):
    run_both(server, [], error(503, "ServiceUnavailableException"), retries=retries)


@pytest.mark.parametrize("mode", ["legacy", "standard"])
def test_single_attempt_success_metadata(server, mode):
    """total_max_attempts=1: standard mode marks even a success
    MaxAttemptsReached (its MaxAttemptsChecker runs first); legacy does not."""
    ref, other = run_both(server, [], OK, retries={"mode": mode, "total_max_attempts": 1})
    md = other.result["ResponseMetadata"]
    assert md.get("MaxAttemptsReached", False) is (mode == "standard")


def test_standard_success_on_last_attempt_is_marked(server):
    ref, _ = run_both(server, [error(500, "X")] * 2, OK, retries={"mode": "standard"})
    assert ref.result["ResponseMetadata"]["MaxAttemptsReached"] is True


def test_max_retries_suffix(server):
    ref, other = run_both(server, [], error(500, "InternalServerException", "boom"))
    assert str(other.exc).endswith("operation (reached max retries: 4): boom")
    assert list(other.exc.response["ResponseMetadata"])[-2:] == ["MaxAttemptsReached", "RetryAttempts"]


@pytest.mark.parametrize("env, attempts", [
    ({"AWS_RETRY_MODE": "standard"}, 3),
    ({"AWS_RETRY_MODE": "standard", "AWS_MAX_ATTEMPTS": "2"}, 2),
    ({"AWS_MAX_ATTEMPTS": "4"}, 4),
    ({"AWS_RETRY_MODE": "legacy", "AWS_MAX_ATTEMPTS": "1"}, 1),
])
def test_environment_pass_through(server, monkeypatch, env, attempts):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    ref, _ = run_both(server, [], error(500, "X"))
    assert len(ref.requests) == attempts


def test_config_file_pass_through(server, monkeypatch, tmp_path):
    path = tmp_path / "config"
    path.write_text("[default]\nretry_mode = standard\nmax_attempts = 4\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(path))
    ref, _ = run_both(server, [], error(502, "X"))
    assert len(ref.requests) == 4


def test_retry_quota_exhaustion(server):
    """Standard mode: 500 tokens, 5 per retry, none back for failures; once spent,
    a retryable error is returned at once with RetryQuotaReached. Then a success
    without retries gives 1 token back, a retried success gives its cost back."""
    sides = {}
    for side in ("boto3", "qconnect_c"):
        client = make_client(side, server.url, retries={"mode": "standard", "total_max_attempts": 3})
        outs = [call(client, side, server, [], error(500, "X")) for _ in range(50)]
        outs.append(call(client, side, server, [], error(500, "X")))   # quota now 0
        outs.append(call(client, side, server, [], OK))                  # +1
        outs.append(call(client, side, server, [error(503, "X")], OK))   # -5 fails: 1 < 5
        outs.append(call(client, side, server, [], OK))                  # +1 -> 2
        outs.append(call(client, side, server, [], OK))                  # +1 -> 3
        outs.append(call(client, side, server, [], OK))                  # +1 -> 4
        outs.append(call(client, side, server, [], OK))                  # +1 -> 5
        outs.append(call(client, side, server, [error(503, "X")], OK))   # -5 +5 -> 5
        outs.append(call(client, side, server, [error(503, "X")], OK))   # again
        sides[side] = outs
    for i, (r, o) in enumerate(zip(sides["boto3"], sides["qconnect_c"])):
        problems = compare(r, o)
        assert not problems, "call %d: %s" % (i, problems)
    last_failed = sides["qconnect_c"][50]
    assert len(last_failed.requests) == 1
    assert last_failed.exc.response["ResponseMetadata"]["RetryQuotaReached"] is True
    assert len(sides["qconnect_c"][52].requests) == 1
    assert len(sides["qconnect_c"][57].requests) == 2
    assert len(sides["qconnect_c"][58].requests) == 2


def test_adaptive_throttling(server):
    """Adaptive mode: the standard decisions, plus the rate limiter switched on by a
    throttling error (qconnect_c's waits for send tokens are skipped by the test
    hook; boto3 waits for real)."""
    run_both(server, [error(400, "ThrottlingException"), error(429, "TooManyRequestsException")],
             OK, retries={"mode": "adaptive"})


# ---------------------------------------------------------------- total_timeout
def test_total_timeout_cuts_a_stalled_read(server, monkeypatch):
    client = make_client("qconnect_c", server.url, read_timeout=30, total_timeout=1.0)
    out = call(client, "qconnect_c", server, [], Fault("stall", 200, OK.headers, OK.body, stall=10))
    assert type(out.exc).__name__ == "ReadTimeoutError"
    assert str(out.exc).startswith('Read timeout on endpoint URL: "%s/knowledgeBases/' % server.url)
    assert 0.9 < out.elapsed < 2.0
    assert len(out.requests) == 1


def test_total_timeout_stops_retrying(server, monkeypatch):
    """With real backoff (scale 1) and many attempts allowed, the deadline ends the
    call with the last attempt's error, not marked as out of attempts."""
    monkeypatch.setenv("QC_TEST_BACKOFF_SCALE", "1")
    client = make_client("qconnect_c", server.url, total_timeout=1.5,
                         retries={"mode": "legacy", "total_max_attempts": 40})
    out = call(client, "qconnect_c", server, [], error(500, "InternalServerException", "boom"))
    assert type(out.exc).__name__ == "InternalServerException" or \
        type(out.exc).__name__ == "ClientError"
    assert str(out.exc) == ("An error occurred (InternalServerException) when calling the "
                            "StartImportJob operation: boom")
    md = out.exc.response["ResponseMetadata"]
    assert "MaxAttemptsReached" not in md
    assert md["RetryAttempts"] == len(out.requests) - 1
    assert 1 <= len(out.requests) < 40
    assert out.elapsed < 1.5 + 0.5


def test_total_timeout_off_by_default_and_roomy_deadline_changes_nothing(server):
    client = make_client("qconnect_c", server.url, total_timeout=30)
    out = call(client, "qconnect_c", server, [error(500, "X")] * 2, OK)
    assert out.exc is None and out.result["ResponseMetadata"]["RetryAttempts"] == 2
    assert qconnect_c.Config().total_timeout is None


# ------------------------------------------------------------------------ Ctrl-C
CHILD = textwrap.dedent("""
    import sys, time
    import qconnect_c
    c = qconnect_c.Session().client(
        "qconnect", region_name="us-east-1", endpoint_url=sys.argv[1],
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
        config=qconnect_c.Config(retries={"mode": "legacy", "total_max_attempts": 3}))
    print("ready", flush=True)
    try:
        c.start_import_job(knowledgeBaseId="kb", importJobType="QUICK_RESPONSES", uploadId="u")
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(0)
    print("not interrupted", flush=True)
    sys.exit(1)
""")


def test_ctrl_c_during_backoff_sleep(server):
    """SIGINT while the call sleeps between attempts (a backoff of hundreds of
    seconds): KeyboardInterrupt within 1 s."""
    server.script([], default=error(500, "InternalServerException"))
    env = dict(os.environ, QC_TEST_BACKOFF_SCALE="1000")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, server.url], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        assert server.wait_requests(1, timeout=20)
        time.sleep(0.3)
        assert len(server.requests) == 1  # asleep between attempt 1 and 2
        start = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=5)
        elapsed = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert out.strip() == "interrupted"
    assert proc.returncode == 0
    assert elapsed < 1.0
    server.take_requests()


# ------------------------------------------- the C tables come from botocore, live
# tests/c/test_retry.c holds decision, backoff, ttl and rate-limiter tables marked
# "BOTOCORE-TABLE <name>". These tests evaluate botocore 1.43.11 on every input
# row and require the expected columns there to be what botocore answers now;
# `python tests/test_retries.py` prints the tables.
C_TEST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "c", "test_retry.c")

DECISION_STATUSES = [400, 403, 408, 429, 500, 501, 502, 503, 504, 509]
DECISION_CODES = [None, "ThrottlingException", "Throttling", "ThrottledException",
                  "RequestThrottledException", "ProvisionedThroughputExceededException",
                  "TooManyRequestsException", "TransactionInProgressException",
                  "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
                  "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
                  "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException",
                  "ValidationException", "InternalServerException", "IDPCommunicationError",
                  "throttlingexception"]
TRANSPORT_ERRORS = ["QC_ERR_CONNECT", "QC_ERR_CONNECT_TIMEOUT", "QC_ERR_READ_TIMEOUT",
                    "QC_ERR_CONNECTION_CLOSED", "QC_ERR_SSL", "QC_ERR_PROXY", "QC_ERR_HTTP"]


def _botocore_exception(name):
    """The botocore exception qconnect_c raises for a transport error code."""
    e = botocore.exceptions
    u = "http://127.0.0.1:1/x"
    return {
        "QC_ERR_CONNECT": lambda: e.EndpointConnectionError(endpoint_url=u, error="refused"),
        "QC_ERR_CONNECT_TIMEOUT": lambda: e.ConnectTimeoutError(endpoint_url=u, error="t"),
        "QC_ERR_READ_TIMEOUT": lambda: e.ReadTimeoutError(endpoint_url=u, error="t"),
        "QC_ERR_CONNECTION_CLOSED": lambda: e.ConnectionClosedError(endpoint_url=u),
        "QC_ERR_SSL": lambda: e.SSLError(endpoint_url=u, error="bad"),
        "QC_ERR_PROXY": lambda: e.ProxyConnectionError(proxy_url=u, error="p"),
        "QC_ERR_HTTP": lambda: e.HTTPClientError(error="h"),
    }[name]()


class _FakeHTTPResponse:
    def __init__(self, status):
        self.status_code = status
        self.headers = {}
        self.content = b"{}"


def _op_model():
    return _LOADER_SESSION.get_service_model("qconnect").operation_model("StartImportJob")


_LOADER_SESSION = botocore.session.Session()
_LOADER_SESSION.register_component("data_loader", _LOADER)


def botocore_decisions(rc, status, code):
    """(legacy retries, standard retries, is throttling) for an outcome at attempt 1,
    as botocore's own handlers decide."""
    from botocore import retryhandler, translate
    from botocore.retries import standard

    if rc in ("QC_OK", "QC_ERR_SERVICE"):
        parsed = {"ResponseMetadata": {}}
        if code is not None:
            parsed["Error"] = {"Code": code, "Message": ""}
        response, exc = (_FakeHTTPResponse(status), parsed), None
    else:
        response, exc = None, _botocore_exception(rc)
    original = _LOADER.load_data("_retry")
    config = translate.build_retry_config("wisdom", original["retry"], original["definitions"])
    checker = retryhandler.create_checker_from_retry_config(config, operation_name="wisdom")
    try:
        legacy = bool(checker(attempt_number=1, response=response, caught_exception=exc,
                              retries_context={}))
    except Exception:
        legacy = False  # re-raised: not retried
    ctx = standard.RetryContext(attempt_number=1, operation_model=_op_model(),
                                parsed_response=response[1] if response else None,
                                http_response=response[0] if response else None,
                                caught_exception=exc)
    std = bool(standard.StandardRetryConditions(max_attempts=3).is_retryable(ctx))
    throttling = bool(standard.ThrottlingErrorDetector(standard.RetryEventAdapter())
                      .is_throttling_error_from_context(ctx))
    return int(legacy), int(std), int(throttling)


def decision_rows():
    rows = [("QC_OK", 200, None), ("QC_OK", 201, None)]
    rows += [(e, 0, None) for e in TRANSPORT_ERRORS]
    rows += [("QC_ERR_SERVICE", s, c) for s in DECISION_STATUSES for c in DECISION_CODES]
    return rows


DELAY_ROWS = [(a, r) for a in (1, 2, 3, 4, 5, 6, 10) for r in (0.0, 0.25, 0.5, 0.999999)]


def botocore_delays(attempt, rand01):
    from unittest import mock

    from botocore import retryhandler
    from botocore.retries import standard

    with mock.patch.object(retryhandler.random, "random", return_value=rand01):
        legacy = retryhandler.delay_exponential(base="rand", growth_factor=2, attempts=attempt)
    ctx = standard.RetryContext(attempt_number=attempt)
    std = standard.ExponentialBackoff(random=lambda: rand01).delay_amount(ctx)
    return legacy, std


TTL_ROWS = [
    ("Sat, 01 Aug 2026 12:00:00 GMT", 60000), ("Sat, 01 Aug 2026 12:00:00 GMT", 10000),
    ("Sat, 01 Aug 2026 12:00:00 GMT", 500), ("Thu, 31 Dec 2026 23:59:30 GMT", 60000),
    ("sat, 1 aug 2026 9:5:7 utc", 60000), ("Sat,  01 Aug 2026  12:00:00   GMT", 1000),
    ("Mon, 29 Feb 2028 00:00:00 GMT", 0), ("Mon, 29 Feb 2027 00:00:00 GMT", 60000),
    ("Sat, 01 Aug 2026 24:00:00 GMT", 60000), ("Sat, 01 Aug 2026 12:00:60 GMT", 60000),
    ("Sat, 01 Aug 2026 12:00:00 +0000", 60000), ("Sat, 01 Aug 2026 12:00:00", 60000),
    ("Saturday, 01 Aug 2026 12:00:00 GMT", 60000), ("2026-08-01T12:00:00Z", 60000),
    ("Sat, 01 Aug 2026 12:00:00 GMT ", 60000), ("Sat, 32 Aug 2026 12:00:00 GMT", 60000),
    ("Fri, 31 Dec 9999 23:59:30 GMT", 60000), ("Sat, 01 Aug 26 12:00:00 GMT", 60000),
    ("Sat, 01 Aug 2026 12:00:00 EST", 60000), ("", 60000),
]


def botocore_ttl(date, read_timeout_ms):
    """The ttl botocore's Endpoint._set_ttl stores for a reply with this Date
    header ("" when it stores none), the clock held still."""
    import datetime as _dt
    from unittest import mock

    fixed = _dt.datetime(2026, 8, 1, 12, 0, 0, 123456)
    endpoint = botocore.endpoint.Endpoint("http://x", "wisdom", event_emitter=None,
                                          http_session=object())
    ctx = {}
    resp = types.SimpleNamespace(headers={"Date": date})
    with mock.patch.object(botocore.endpoint, "get_current_datetime", return_value=fixed):
        endpoint._set_ttl(ctx, read_timeout_ms / 1000.0, (resp, {}))
    return ctx.get("ttl", "")


# (time, event): "ok"/"throttle" = a reply reaches needs-retry, "send" = before-send
LIMITER_EVENTS = [
    (1000.0, "ok"), (1000.2, "send"), (1000.6, "ok"), (1001.1, "ok"), (1001.2, "throttle"),
    (1001.3, "send"), (1001.4, "send"), (1002.9, "send"), (1003.0, "ok"), (1003.6, "ok"),
    (1004.1, "send"), (1004.2, "throttle"), (1004.8, "ok"), (1005.5, "ok"), (1006.0, "send"),
    (1006.1, "send"), (1009.0, "ok"), (1012.7, "ok"), (1012.8, "send"), (1013.0, "throttle"),
    (1013.1, "send"),
]


def botocore_limiter_run():
    """Runs botocore's adaptive limiter over LIMITER_EVENTS with a fake clock;
    returns (wait or None, rate, enabled) per event: for "send" the wait the token
    bucket asks for (0 when a token was taken), for replies the new max_rate."""
    from botocore.retries import adaptive, bucket, standard, throttling

    now = [999.75]
    clock = types.SimpleNamespace(current_time=lambda: now[0], sleep=lambda s: None)
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=now[0]),
        rate_clocker=adaptive.RateClocker(clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=standard.ThrottlingErrorDetector(standard.RetryEventAdapter()),
        clock=clock)
    out = []
    for t, event in LIMITER_EVENTS:
        now[0] = t
        if event == "send":
            wait = 0.0
            if limiter._enabled:
                tb = limiter._token_bucket
                tb._refill()
                if 1 <= tb._current_capacity:
                    tb._current_capacity -= 1
                else:
                    wait = tb._sleep_amount(1)
            out.append((wait, limiter._token_bucket.max_rate, int(limiter._enabled)))
        else:
            parsed = {"Error": {"Code": "ThrottlingException" if event == "throttle" else "X"}}
            limiter.on_receiving_response(
                response=(_FakeHTTPResponse(400), parsed), attempts=1, operation=_op_model(),
                caught_exception=None, request_dict={"context": {}})
            out.append((None, limiter._token_bucket.max_rate, int(limiter._enabled)))
    return out


def _c_str(s):
    return "NULL" if s is None else json.dumps(s)


def c_tables():
    """The C text of every BOTOCORE-TABLE, from botocore now."""
    out = {}
    out["decisions"] = ["    {%s, %d, %s, %d, %d, %d}," % ((rc, status, _c_str(code))
                                                          + botocore_decisions(rc, status, code))
                        for rc, status, code in decision_rows()]
    out["delays"] = ["    {%d, %r, %r, %r}," % ((a, r) + botocore_delays(a, r)) for a, r in DELAY_ROWS]
    out["ttl"] = ["    {%s, %d, %s}," % (_c_str(d), ms, _c_str(botocore_ttl(d, ms))) for d, ms in TTL_ROWS]
    out["limiter"] = ["    {%r, %s, %r, %r, %d}," % (t, json.dumps(ev), -1.0 if w is None else w, rate, en)
                      for (t, ev), (w, rate, en) in zip(LIMITER_EVENTS, botocore_limiter_run())]
    return out


def read_c_tables():
    """The BOTOCORE-TABLE rows as they stand in tests/c/test_retry.c."""
    with open(C_TEST) as f:
        text = f.read()
    out = {}
    for m in re.finditer(r"BOTOCORE-TABLE (\w+):[^\n]*\n(?:[^\n]*\n)*?static const [^\n]*\{\n(.*?)\n\};",
                         text, re.S):
        out[m.group(1)] = m.group(2).split("\n")
    return out


@pytest.mark.parametrize("name", ["decisions", "delays", "ttl", "limiter"])
def test_c_tables_are_botocore(name):
    have = read_c_tables().get(name)
    assert have is not None, "no BOTOCORE-TABLE %s in %s" % (name, C_TEST)
    assert have == c_tables()[name]


if __name__ == "__main__":
    for _name, _rows in c_tables().items():
        print("/* BOTOCORE-TABLE %s */" % _name)
        print("\n".join(_rows))
