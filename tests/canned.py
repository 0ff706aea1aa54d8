"""Clients that answer every call with one canned reply, without I/O:
botocore through a before-send hook, qconnect_c through its core's canned
transport (the session's core construction is intercepted). Shared by the
tests that compare the two clients on given replies."""

import os

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.config import Config as BotoConfig

import qconnect_c
from qconnect_c import _core
from qconnect_c import session as qc_session

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "canned/Reply+Secret0123456789abcdefEXAMPLE"


def isolate_aws_env(monkeypatch, tmp_path):
    """No AWS settings from the environment or ~/.aws for either client
    (for an autouse fixture: monkeypatch undoes it after the test)."""
    for k in list(os.environ):
        if k.startswith("AWS_"):
            monkeypatch.delenv(k)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "creds"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **kwargs):
        yield self._body


class Reply:
    """The reply both clients give: mutable, so one client serves many
    replies (set status, headers and body before a call)."""

    def __init__(self, status=200, headers=None, body=b"{}"):
        self.status = status
        self.headers = dict(headers or {"x-amzn-RequestId": "req-canned",
                                        "Content-Type": "application/json"})
        self.body = body


def boto_client(reply, validation=True, access_key=ACCESS_KEY,
                secret_key=SECRET_KEY):
    """A botocore client answering from reply; returns (client, seen) where
    seen["request"] is the last request."""
    client = botocore.session.Session().create_client(
        "qconnect", region_name="us-east-1", aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=BotoConfig(parameter_validation=validation,
                          retries={"total_max_attempts": 1}))
    seen = {}

    def before_send(request, **kwargs):
        seen["request"] = request
        return AWSResponse(request.url, reply.status, reply.headers,
                           _Raw(reply.body))

    client.meta.events.register("before-send.qconnect", before_send)
    return client, seen


def session_client(session, canned_reply, **client_kwargs):
    """session.client("qconnect", **client_kwargs) with its core answering
    every call with canned_reply, a (status, header lines, body) tuple (or
    using the network when it is None): the session's construction of the
    core client is intercepted for the duration."""
    real = _core.Client

    class _CannedCore:
        CoreError = _core.CoreError

        @staticmethod
        def Client(*args, **kwargs):
            if canned_reply is not None:
                kwargs["canned_reply"] = canned_reply
            return real(*args, **kwargs)

    saved = qc_session._core
    qc_session._core = _CannedCore()
    try:
        return session.client("qconnect", **client_kwargs)
    finally:
        qc_session._core = saved


def canned_tuple(reply):
    """reply as the core's canned_reply argument."""
    return (reply.status,
            "".join(f"{k}: {v}\r\n" for k, v in reply.headers.items()),
            reply.body)


def qc_client(reply, validation=True, access_key=ACCESS_KEY,
              secret_key=SECRET_KEY):
    """The public qconnect_c client (Session.client) whose core answers
    with reply as it is when the client is made."""
    session = qconnect_c.Session(aws_access_key_id=access_key,
                                 aws_secret_access_key=secret_key,
                                 region_name="us-east-1")
    return session_client(
        session, canned_tuple(reply),
        config=qconnect_c.Config(parameter_validation=validation,
                                 retries={"total_max_attempts": 1}))


def outcome(call):
    """("ok", result without ResponseMetadata) or ("raise", class name,
    message)."""
    try:
        result = call()
    except Exception as e:  # noqa: BLE001 - the comparison is the point
        return ("raise", type(e).__name__, str(e))
    result.pop("ResponseMetadata", None)
    return ("ok", result)
