"""Shared pieces of the benchmark: the request, the canned reply, and
client factories for qconnect_c and botocore (canned or over HTTP)."""

import json
import os
import sys

REGION = "us-east-1"
ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
OPERATION = "start_import_job"
API_NAME = "StartImportJob"
REQUEST_ID = "8f1c2a7e-3b4d-4e5f-9a6b-7c8d9e0f1a2b"

# A typical StartImportJob: the required members plus metadata and an
# external source; the idempotency token is left to the client, as most
# callers do.
PARAMS = {
    "knowledgeBaseId": "9c1b6f1e-5d2a-4c3b-8e7f-0a1b2c3d4e5f",
    "importJobType": "QUICK_RESPONSES",
    "uploadId": "u-0123456789abcdef/quick-responses.csv",
    "metadata": {"team": "support", "language": "en_US",
                 "source": "quarterly-refresh"},
    "externalSourceConfiguration": {
        "source": "AMAZON_CONNECT",
        "configuration": {
            "connectConfiguration": {
                "instanceId": "4a5b6c7d-8e9f-4012-a345-6789abcdef01",
            },
        },
    },
}

# The service's reply to it (the shape StartImportJob returns).
REPLY_BODY = json.dumps({
    "importJob": {
        "importJobId": "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7",
        "knowledgeBaseId": PARAMS["knowledgeBaseId"],
        "knowledgeBaseArn": ("arn:aws:wisdom:us-east-1:123456789012:"
                             "knowledge-base/" + PARAMS["knowledgeBaseId"]),
        "uploadId": PARAMS["uploadId"],
        "importJobType": "QUICK_RESPONSES",
        "status": "START_IN_PROGRESS",
        "url": "https://example-bucket.s3.amazonaws.com/u-0123456789abcdef",
        "urlExpiry": 1735689600.0,
        "createdTime": 1735686000.123,
        "lastModifiedTime": 1735686000.123,
        "metadata": PARAMS["metadata"],
        "externalSourceConfiguration": PARAMS["externalSourceConfiguration"],
    },
}, separators=(",", ":")).encode()

REPLY_HEADERS = [
    ("Content-Type", "application/json"),
    ("Content-Length", str(len(REPLY_BODY))),
    ("Connection", "keep-alive"),
    ("x-amzn-RequestId", REQUEST_ID),
]


def reply_headers_text():
    """The canned reply's headers as "Name: value\\r\\n" text."""
    return "".join(f"{k}: {v}\r\n" for k, v in REPLY_HEADERS)


def canned_reply():
    """(status, headers text, body, record) for qconnect_c's canned
    transport: record=False, as the benchmark never reads last_request()
    (recording copies every request, which no real transport does)."""
    return (200, reply_headers_text(), REPLY_BODY, False)


def qc_client(endpoint_url, canned=False, **kw):
    """A public qconnect_c client. With canned=True its core is built with
    exactly the arguments the session passes, plus the canned transport
    (the session's call to _core.Client is intercepted for the duration
    of the construction)."""
    import qconnect_c
    from qconnect_c import _core

    real = _core.Client
    if canned:
        def factory(*args, **kwargs):
            kwargs["canned_reply"] = canned_reply()
            return real(*args, **kwargs)
        _core.Client = factory
    try:
        return qconnect_c.client(
            "qconnect", region_name=REGION, endpoint_url=endpoint_url,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            **kw)
    finally:
        _core.Client = real


class _RawBody:
    """The minimal raw-stream object AWSResponse reads its content from."""

    def __init__(self, data):
        self._data = data

    def stream(self, **kwargs):
        yield self._data


def boto_client(endpoint_url, canned=False, **kw):
    """A botocore qconnect client. With canned=True a before-send handler
    answers every request with the canned reply (no I/O)."""
    import botocore.session

    session = botocore.session.get_session()
    client = session.create_client(
        "qconnect", region_name=REGION, endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, **kw)
    if canned:
        from botocore.awsrequest import AWSResponse

        headers = dict(REPLY_HEADERS)

        def before_send(request, **kwargs):
            return AWSResponse(request.url, 200, headers, _RawBody(REPLY_BODY))

        client.meta.events.register(f"before-send.qconnect.{API_NAME}",
                                    before_send)
    return client


def check_reply(resp):
    """Raises if resp is not the parsed canned reply."""
    job = resp.get("importJob") or {}
    meta = resp.get("ResponseMetadata") or {}
    if (job.get("importJobId") != "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7"
            or meta.get("HTTPStatusCode") != 200
            or meta.get("RequestId") != REQUEST_ID
            or job.get("metadata") != PARAMS["metadata"]):
        raise RuntimeError(f"unexpected reply: {resp!r}")


def rss_kib():
    """The current resident set size of this process, in KiB."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def emit(obj):
    """Writes obj as one JSON line on stdout (the worker protocol)."""
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()
