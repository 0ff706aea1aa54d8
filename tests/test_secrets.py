"""Secrets never show: a run of representative calls (successes, service
errors, validation errors, transport errors, creation errors, missing
credentials), with logging at DEBUG captured and the reprs/strs of every
object a user handles (session, credentials, frozen credentials, client,
meta, config, exceptions, tracebacks, results), is grepped for the secret
access key and the session token: neither may appear, in any form.

(The C side wipes the key material it frees — the secret's copies, the
derived signing keys, the signer's cache: `make allocfail` checks every
block the core frees for them; see docs/hardening.md.)
"""

import io
import logging
import pickle
import socket
import traceback
import urllib.parse
import warnings

import pytest

import canned

import qconnect_c
from qconnect_c import _core, exceptions as qexc

ACCESS_KEY = "AKIDSECRETSTEST0001"
SECRET_KEY = "qcSecret/DoNotLeak+Key0123456789abcdefXYZ"
SESSION_TOKEN = "qcToken//DoNotLeak+Session/Token0123456789=="
KB = "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"
OK_REPLY = (200, "x-amzn-RequestId: req-ok\r\n",
            b'{"importJob": {"importJobId": "job-1", "status": "START_IN_PROGRESS"}}')
ERR_REPLY = (403, "x-amzn-RequestId: req-err\r\nx-amzn-ErrorType: AccessDeniedException\r\n",
             b'{"message": "denied"}')


def _forms(secret):
    """The ways a secret could be written out."""
    return {secret, repr(secret)[1:-1], urllib.parse.quote(secret, safe=""),
            urllib.parse.quote(secret), secret.encode().hex(),
            secret[:len(secret) // 2], secret[len(secret) // 2:]}


NEEDLES = _forms(SECRET_KEY) | _forms(SESSION_TOKEN)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    canned.isolate_aws_env(monkeypatch, tmp_path)


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines = []
        self.setFormatter(logging.Formatter(
            "%(levelname)s %(name)s %(message)s %(args)r"))

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def texts():
    """Everything the run produced that a person or a log could see."""
    out = []
    handler = _Collector()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("qconnect_c", "botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield out
    root.removeHandler(handler)
    root.setLevel(old_level)
    out.extend(handler.lines)
    out.extend(str(w.message) for w in caught)


def _canned_session_client(session, reply, **kwargs):
    return canned.session_client(session, reply, **kwargs)


def _describe(obj):
    """repr, str and (for exceptions) args, response and traceback text."""
    parts = [repr(obj), str(obj)]
    if isinstance(obj, BaseException):
        parts.append(repr(obj.args))
        parts.append("".join(traceback.format_exception(obj)))
        for attr in ("response", "kwargs", "operation_name", "fmt"):
            if hasattr(obj, attr):
                parts.append(repr(getattr(obj, attr)))
        try:
            parts.append(repr(pickle.loads(pickle.dumps(obj))))
        except Exception as e:  # noqa: BLE001 - unpicklable is fine here
            parts.append(repr(e))
    return parts


def _closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _calls(client):
    """Runs a success, a validation error, a service error (if the reply is
    one) and returns what the caller saw."""
    seen = []
    for params in (dict(knowledgeBaseId=KB, importJobType="QUICK_RESPONSES",
                        uploadId="u"),
                   dict(knowledgeBaseId=KB, importJobType=5, uploadId=[1],
                        unknown="x")):
        try:
            seen.append(client.start_import_job(**params))
        except Exception as e:  # noqa: BLE001
            seen.append(e)
    return seen


def _assert_clean(texts):
    joined = "\n".join(texts)
    assert joined  # the run did produce text to check
    for needle in NEEDLES:
        assert needle not in joined, f"a secret shows: {needle!r}"


def test_no_secret_in_any_output(texts, monkeypatch, tmp_path, capfd):
    config = qconnect_c.Config(retries={"total_max_attempts": 1},
                               connect_timeout=2, read_timeout=2)
    session = qconnect_c.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN, region_name="us-east-1")
    creds = session.get_credentials()
    objects = [session, creds, creds.get_frozen_credentials(), config]

    ok = _canned_session_client(session, OK_REPLY, config=config)
    err = _canned_session_client(session, ERR_REPLY, config=config)
    objects += [ok, ok.meta, ok.meta.config, ok.exceptions, err]
    objects += _calls(ok) + _calls(err)

    # A transport error through libcurl (nothing listens there).
    down = session.client("qconnect", config=config,
                          endpoint_url=f"http://127.0.0.1:{_closed_port()}")
    objects += _calls(down)

    # Credentials given to client(), from the environment and from a file.
    direct = qconnect_c.client(
        "qconnect", region_name="eu-west-1", aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, aws_session_token=SESSION_TOKEN)
    objects += [direct, direct.meta]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    env_session = qconnect_c.Session(region_name="us-east-1")
    objects += [env_session, env_session.get_credentials()]
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    (tmp_path / "creds").write_text(
        f"[default]\naws_access_key_id = {ACCESS_KEY}\n"
        f"aws_secret_access_key = {SECRET_KEY}\n"
        f"aws_session_token = {SESSION_TOKEN}\n"
        f"[broken]\naws_access_key_id = {ACCESS_KEY}\n")
    file_session = qconnect_c.Session(region_name="us-east-1")
    objects += [file_session, file_session.get_credentials()]

    # Errors at creation and from credentials that are not there or broken.
    for make in (
        lambda: session.client("qconnect", region_name="not a region!"),
        lambda: qconnect_c.Session(profile_name="broken",
                                   region_name="us-east-1").client(
                                       "qconnect").list_import_jobs(
                                           knowledgeBaseId=KB),
        lambda: qconnect_c.Session(profile_name="missing").client("qconnect"),
        lambda: session.client("s3"),
        lambda: ok.no_such_method(),
        lambda: ok.start_import_job(SECRET_KEY),
    ):
        try:
            objects.append(make())
        except Exception as e:  # noqa: BLE001
            objects.append(e)
    for o in objects:
        texts.extend(_describe(o))
    captured = capfd.readouterr()
    texts.extend([captured.out, captured.err])
    assert any(isinstance(o, qexc.ClientError) for o in objects)
    assert any(isinstance(o, qexc.ParamValidationError) for o in objects)
    assert any(isinstance(o, qexc.EndpointConnectionError) for o in objects)
    _assert_clean(texts)


def test_no_secret_from_the_core_client(texts, capfd):
    c = _core.Client("us-east-1", canned_reply=ERR_REPLY)
    c.set_credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
    ops = [api for _, api in _core.operations()]
    seen = [c, c.endpoint_url, c.meta_endpoint_url, c.region_name]
    for params in ({"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES",
                    "uploadId": "u"}, {"uploadId": 5}):
        try:
            c.call(ops.index("StartImportJob"), params)
        except Exception as e:  # noqa: BLE001
            seen.append(e)
    # A bad token (a line break cannot go into a header) fails signing.
    c.set_credentials(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN + "\n")
    try:
        c.call(ops.index("StartImportJob"), {
            "knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES",
            "uploadId": "u"})
    except Exception as e:  # noqa: BLE001
        seen.append(e)
    for o in seen:
        texts.extend(_describe(o))
    captured = capfd.readouterr()
    texts.extend([captured.out, captured.err])
    assert len(seen) == 7
    _assert_clean(texts)


def test_debug_logging_of_a_paginated_run(texts, capfd):
    """Pagination logs at DEBUG; none of it may carry a secret."""
    session = qconnect_c.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        aws_session_token=SESSION_TOKEN, region_name="us-east-1")
    client = _canned_session_client(
        session, (200, "", b'{"importJobSummaries": [], "nextToken": null}'))
    if client.can_paginate("list_import_jobs"):
        for page in client.get_paginator("list_import_jobs").paginate(
                knowledgeBaseId=KB):
            texts.append(repr(page))
    texts.append(repr(client))
    buf = io.StringIO()
    print(client.meta.config, file=buf)
    texts.append(buf.getvalue())
    captured = capfd.readouterr()
    texts.extend([captured.out, captured.err])
    _assert_clean(texts)
