"""The public API of qconnect_c next to boto3's, compared live: client()
and Session signatures, client.meta, creation-time and call-time errors,
the exceptions object, and that the GIL is released and Ctrl-C works
while a call waits on the network."""

import inspect
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import boto3
import pytest

import qconnect_c
from qconnect_c import exceptions as qexc

KB = "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No AWS variables, and a HOME without ~/.aws."""
    for k in list(os.environ):
        if k.startswith("AWS_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "creds"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    qconnect_c.setup_default_session()
    boto3.setup_default_session()
    return tmp_path


def _params(fn):
    return [(p.name, p.default) for p in inspect.signature(fn).parameters.values()]


def test_client_signature_matches_boto3():
    # boto3.client(*args, **kwargs) forwards to Session.client.
    theirs = _params(boto3.Session.client)[1:]
    ours = _params(qconnect_c.client)
    assert ours == theirs[:len(ours)]
    assert [n for n, _ in ours] == [
        "service_name", "region_name", "api_version", "use_ssl", "verify",
        "endpoint_url", "aws_access_key_id", "aws_secret_access_key",
        "aws_session_token", "config"]


def test_session_signature_matches_boto3():
    ours = _params(qconnect_c.Session.__init__)
    theirs = _params(boto3.Session.__init__)
    assert ours[:6] == theirs[:6]
    ours_client = _params(qconnect_c.Session.client)
    assert ours_client == _params(boto3.Session.client)[:len(ours_client)]


def test_unknown_service(clean_env):
    with pytest.raises(qexc.UnknownServiceError) as ei:
        qconnect_c.client("s3", region_name="us-east-1")
    assert "Unknown service: 's3'" in str(ei.value)


def test_no_region_at_creation(clean_env):
    with pytest.raises(qexc.NoRegionError) as ours:
        qconnect_c.client("qconnect")
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.NoRegionError) as theirs:
        boto3.client("qconnect")
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("region", ["us east 1", "-bad-", "a" * 70, "us_east_1"])
def test_invalid_region_at_creation(clean_env, region):
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.InvalidRegionError) as theirs:
        boto3.client("qconnect", region_name=region)
    with pytest.raises(qexc.InvalidRegionError) as ours:
        qconnect_c.client("qconnect", region_name=region)
    assert str(ours.value) == str(theirs.value)


def test_no_credentials_at_call_time(clean_env):
    import botocore.exceptions
    ours = qconnect_c.client("qconnect", region_name="us-east-1",
                             endpoint_url="http://127.0.0.1:9")
    theirs = boto3.client("qconnect", region_name="us-east-1",
                          endpoint_url="http://127.0.0.1:9")
    kwargs = dict(knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId="u")
    with pytest.raises(botocore.exceptions.NoCredentialsError) as t:
        theirs.start_import_job(**kwargs)
    with pytest.raises(qexc.NoCredentialsError) as o:
        ours.start_import_job(**kwargs)
    assert str(o.value) == str(t.value) == "Unable to locate credentials"
    # Validation still comes first, as in botocore.
    with pytest.raises(qexc.ParamValidationError):
        ours.start_import_job(knowledgeBaseId=KB)


@pytest.mark.parametrize("kwargs", [
    dict(region_name="us-east-1"),
    dict(region_name="eu-west-2", use_ssl=False),
    dict(region_name="cn-north-1"),
    dict(region_name="us-gov-west-1"),
    dict(region_name="fips-us-east-1"),
    dict(region_name="us-east-1", endpoint_url="http://127.0.0.1:4599/base"),
    dict(region_name="us-east-1",
         config=qconnect_c.Config(use_fips_endpoint=True, use_dualstack_endpoint=True)),
])
def test_meta_matches_boto3(clean_env, kwargs):
    bkwargs = dict(kwargs)
    if "config" in bkwargs:
        import botocore.config
        c = bkwargs["config"]
        bkwargs["config"] = botocore.config.Config(
            use_fips_endpoint=c.use_fips_endpoint,
            use_dualstack_endpoint=c.use_dualstack_endpoint)
    ours = qconnect_c.client("qconnect", aws_access_key_id="a",
                             aws_secret_access_key="b", **kwargs)
    theirs = boto3.client("qconnect", aws_access_key_id="a",
                          aws_secret_access_key="b", **bkwargs)
    assert ours.meta.region_name == theirs.meta.region_name
    assert ours.meta.endpoint_url == theirs.meta.endpoint_url
    assert ours.meta.partition == theirs.meta.partition
    assert ours.meta.config.use_fips_endpoint == theirs.meta.config.use_fips_endpoint
    assert ours.meta.method_to_api_mapping == theirs.meta.method_to_api_mapping


def test_every_operation_is_a_method(clean_env):
    ours = qconnect_c.client("qconnect", region_name="us-east-1",
                             aws_access_key_id="a", aws_secret_access_key="b")
    theirs = boto3.client("qconnect", region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b")
    for name in theirs.meta.method_to_api_mapping:
        assert callable(getattr(ours, name)), name
        assert getattr(ours, name).__name__ == name


def test_positional_argument_type_error(clean_env):
    ours = qconnect_c.client("qconnect", region_name="us-east-1",
                             aws_access_key_id="a", aws_secret_access_key="b")
    theirs = boto3.client("qconnect", region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b")
    with pytest.raises(TypeError) as t:
        theirs.start_import_job(KB)
    with pytest.raises(TypeError) as o:
        ours.start_import_job(KB)
    assert str(o.value) == str(t.value)


def test_exceptions_object(clean_env):
    ours = qconnect_c.client("qconnect", region_name="us-east-1",
                             aws_access_key_id="a", aws_secret_access_key="b")
    theirs = boto3.client("qconnect", region_name="us-east-1",
                          aws_access_key_id="a", aws_secret_access_key="b")
    for name in ("ConflictException", "ValidationException",
                 "ServiceQuotaExceededException", "AccessDeniedException",
                 "ResourceNotFoundException", "UnauthorizedException"):
        cls = getattr(ours.exceptions, name)
        assert issubclass(cls, qexc.ClientError)
        assert cls.__name__ == getattr(theirs.exceptions, name).__name__
        assert ours.exceptions.from_code(name) is cls
    assert ours.exceptions.from_code("NoSuchThing") is qexc.ClientError


def test_secret_not_in_reprs(clean_env):
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    token = "FwoGZXIvYXdzEXAMPLETOKEN"
    s = qconnect_c.Session(aws_access_key_id="AKIDEXAMPLE",
                           aws_secret_access_key=secret,
                           aws_session_token=token, region_name="us-east-1")
    c = s.client("qconnect")
    for text in (repr(s), str(s), repr(c), repr(c.meta), repr(s.get_credentials()),
                 str(s.get_credentials())):
        assert secret not in text and token not in text


# ------------------------------------------------ GIL and interruption

class _StallServer:
    """Accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self._t = threading.Thread(target=self._accept, daemon=True)
        self._t.start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


def test_gil_released_while_waiting(clean_env):
    srv = _StallServer()
    try:
        c = qconnect_c.client(
            "qconnect", region_name="us-east-1", aws_access_key_id="a",
            aws_secret_access_key="b",
            endpoint_url=f"http://127.0.0.1:{srv.port}",
            config=qconnect_c.Config(read_timeout=1.5,
                                     retries={"total_max_attempts": 1}))
        errors = []

        def call():
            try:
                c.get_knowledge_base(knowledgeBaseId=KB)
            except Exception as e:  # noqa: BLE001 - recorded below
                errors.append(e)

        t = threading.Thread(target=call)
        t.start()
        # Meanwhile this thread must keep running Python code.
        counted = 0
        t0 = time.monotonic()
        while time.monotonic() - t0 < 0.5:
            counted += 1
        t.join(5)
        assert counted > 100000
        assert len(errors) == 1 and isinstance(errors[0], qexc.ReadTimeoutError)
    finally:
        srv.close()


def test_ctrl_c_interrupts_a_call_in_flight(clean_env):
    srv = _StallServer()
    code = textwrap.dedent(f"""
        import sys, time, qconnect_c
        c = qconnect_c.client("qconnect", region_name="us-east-1",
            aws_access_key_id="a", aws_secret_access_key="b",
            endpoint_url="http://127.0.0.1:{srv.port}",
            config=qconnect_c.Config(read_timeout=30, retries={{"total_max_attempts": 1}}))
        print("ready", flush=True)
        t0 = None
        try:
            c.get_knowledge_base(knowledgeBaseId="{KB}")
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(3)
    """)
    try:
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                             text=True)
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # the call is now waiting for the reply
        t0 = time.monotonic()
        p.send_signal(signal.SIGINT)
        out = p.stdout.readline().strip()
        elapsed = time.monotonic() - t0
        p.wait(5)
        assert out == "interrupted" and p.returncode == 3
        assert elapsed < 1.0, elapsed
    finally:
        srv.close()


def test_unparseable_reply_raises_response_parser_error(clean_env):
    from qconnect_c import _core
    ops = [api for _, api in _core.operations()]
    core = _core.Client("us-east-1", canned_reply=(
        200, "Content-Type: application/json\r\n", b'{"importJob": [1, 2]}'))
    core.set_credentials("a", "b", None)
    with pytest.raises(qexc.ResponseParserError) as ei:
        core.call(ops.index("StartImportJob"),
                  {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES",
                   "uploadId": "u"})
    assert str(ei.value)


def test_unsigned_requests(clean_env):
    """Config(signature_version=UNSIGNED) sends no signature and needs no
    credentials, as botocore's UNSIGNED."""
    import botocore
    import botocore.config
    from recording_server import RecordingServer

    with RecordingServer() as srv:
        body = b'{"knowledgeBase": {"knowledgeBaseId": "k", "name": "n"}}'
        srv.set_reply(200, [("Content-Type", "application/json")], body)
        ours = qconnect_c.client(
            "qconnect", region_name="us-east-1", endpoint_url=srv.url,
            config=qconnect_c.Config(signature_version=qconnect_c.config.UNSIGNED))
        theirs = boto3.client(
            "qconnect", region_name="us-east-1", endpoint_url=srv.url,
            config=botocore.config.Config(signature_version=botocore.UNSIGNED))
        assert ours.get_knowledge_base(knowledgeBaseId="k") == \
            theirs.get_knowledge_base(knowledgeBaseId="k")
        reqs = srv.take_requests()
        assert len(reqs) == 2
        for req in reqs:
            names = {k.lower() for k, _ in req.headers}
            assert "authorization" not in names and "x-amz-date" not in names


@pytest.mark.parametrize("record", [True, False])
def test_canned_reply_records_requests_unless_told_not_to(clean_env, record):
    """The canned transport (tests, the per-call benchmark) keeps a copy of
    the last request for last_request() unless its reply says record=False;
    the reply is the same either way."""
    from qconnect_c import _core
    ops = [api for _, api in _core.operations()]
    body = b'{"importJob": {"importJobId": "j", "status": "COMPLETE"}}'
    core = _core.Client("us-east-1", canned_reply=(
        200, "Content-Type: application/json\r\n", body, record))
    core.set_credentials("a", "b", None)
    assert core.last_request() is None
    out = core.call(ops.index("StartImportJob"),
                    {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES",
                     "uploadId": "u"})
    assert out["importJob"] == {"importJobId": "j", "status": "COMPLETE"}
    last = core.last_request()
    if record:
        assert last[0] == "POST" and last[1].endswith(f"/knowledgeBases/{KB}/importJobs")
    else:
        assert last is None
