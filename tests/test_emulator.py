"""End-to-end tests of the local QConnect emulator (qconnect_c.local) through an SDK client.

Every test talks to the emulator the way an application would: a client made
by a factory in CLIENT_FACTORIES pointed at the emulator's URL with fake
credentials, plus plain HTTP for the presigned-style upload/download URLs.
"""

import calendar
import csv
import datetime
import hashlib
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
import uuid

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import qconnect_c.local
from qconnect_c.local import running
from qconnect_c.local import sigv4verify

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE_CSV = os.path.join(REPO, "examples", "quick_responses.csv")
SIGV4_SUITE = os.path.join(REPO, "tests", "vectors", "sigv4")

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(qconnect_c.local.__file__))))
LOCAL_DIR = os.path.dirname(os.path.abspath(qconnect_c.local.__file__))

AKID = "AKIDEMULATORTEST"
SECRET = "emulator/test/secret+key"
REGION = "us-east-1"
PLAIN = "application/x.quickresponse;format=plain"
MARKDOWN = "application/x.quickresponse;format=markdown"
CSV_HEADER = "name,content,contentType,description,shortcutKey,language,channels,isActive\r\n"


# ----------------------------------------------------------------------------- clients


def make_client(url, access_key=AKID, secret_key=SECRET, region=REGION):
    """Return a boto3 QConnect client for the emulator at `url` (no retries)."""
    return boto3.client(
        "qconnect",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def make_qconnect_c_client(url, access_key=AKID, secret_key=SECRET, region=REGION):
    """Return a qconnect_c QConnect client for the emulator at `url` (no retries)."""
    import qconnect_c

    return qconnect_c.client(
        "qconnect",
        endpoint_url=url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=qconnect_c.Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


# Each factory takes (url, access_key=..., secret_key=..., region=...) and returns a client.
CLIENT_FACTORIES = [make_client, make_qconnect_c_client]


@pytest.fixture(scope="module")
def emu():
    """A shared emulator that checks signatures against (AKID, SECRET)."""
    with running(credentials=["%s:%s" % (AKID, SECRET)], processing_delay=0.2, max_jobs_in_progress=50) as e:
        yield e


@pytest.fixture(params=CLIENT_FACTORIES, ids=lambda f: f.__name__)
def client_factory(request):
    return request.param


@pytest.fixture
def client(emu, client_factory):
    return client_factory(emu.url)


# ----------------------------------------------------------------------------- helpers


def error_of(excinfo):
    """Return (code, message, HTTP status, lower-cased headers) of a raised client error."""
    resp = excinfo.value.response
    return (
        resp["Error"]["Code"],
        resp["Error"]["Message"],
        resp["ResponseMetadata"]["HTTPStatusCode"],
        resp["ResponseMetadata"]["HTTPHeaders"],
    )


def new_kb(client, kb_type="QUICK_RESPONSES", **extra):
    """Create a knowledge base with a unique name; return its KnowledgeBaseData."""
    name = "kb %s" % uuid.uuid4().hex[:8]
    return client.create_knowledge_base(name=name, knowledgeBaseType=kb_type, **extra)["knowledgeBase"]


def http_request(method, url, body=None, headers=None):
    """Send one HTTP request; return (status, lower-cased headers, body bytes)."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        target = parts.path + ("?" + parts.query if parts.query else "")
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def put_file(url, headers, body):
    """PUT bytes or a binary file object to an upload URL; return (status, headers, body)."""
    hdrs = dict(headers)
    if hasattr(body, "read"):
        body.seek(0, os.SEEK_END)
        hdrs["Content-Length"] = str(body.tell())
        body.seek(0)
    return http_request("PUT", url, body, hdrs)


def upload(client, kb_id, data, content_type="text/csv"):
    """StartContentUpload then PUT `data` to the returned URL; return the StartContentUpload reply."""
    up = client.start_content_upload(knowledgeBaseId=kb_id, contentType=content_type)
    status, _, body = put_file(up["url"], up["headersToInclude"], data)
    assert status == 200, body
    return up


def start_import(client, kb_id, upload_id, **extra):
    return client.start_import_job(
        knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES", uploadId=upload_id, **extra
    )["importJob"]


def wait_job(client, kb_id, job_id, timeout=30.0):
    """Poll GetImportJob until the job leaves START_IN_PROGRESS; return the final ImportJobData."""
    deadline = time.monotonic() + timeout
    while True:
        job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]
        if job["status"] != "START_IN_PROGRESS":
            return job
        assert time.monotonic() < deadline, "import job %s still in progress" % job_id
        time.sleep(0.05)


def import_csv(client, kb_id, data, **extra):
    """Upload `data`, import it, wait for the end; return the final job."""
    up = upload(client, kb_id, data)
    job = start_import(client, kb_id, up["uploadId"], **extra)
    assert job["status"] == "START_IN_PROGRESS"
    return wait_job(client, kb_id, job["importJobId"])


def fetch(url):
    status, headers, body = http_request("GET", url)
    assert status == 200, body
    return body


def report_rows(job):
    """Return the failed-record report of a job as a list of dicts."""
    text = fetch(job["failedRecordReport"]).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def list_all(client, method, key, **kwargs):
    """Return every item of a paged List* operation, following nextToken."""
    items, token = [], None
    while True:
        args = dict(kwargs)
        if token:
            args["nextToken"] = token
        page = getattr(client, method)(**args)
        items += page[key]
        token = page.get("nextToken")
        if not token:
            return items


def signed_request(url, method, path, body=b"", service="wisdom", access_key=AKID, secret_key=SECRET,
                   headers=None):
    """Send a request signed with botocore's SigV4 signer; return (status, headers, parsed JSON body)."""
    req = AWSRequest(method=method, url=url + path, data=body, headers=dict(headers or {}))
    SigV4Auth(Credentials(access_key, secret_key), service, REGION).add_auth(req)
    status, hdrs, data = http_request(method, url + path, body or None, dict(req.headers.items()))
    return status, hdrs, json.loads(data) if data else None


# ----------------------------------------------------------------------------- knowledge bases


def test_knowledge_base_lifecycle(client):
    kb = new_kb(client, description="Quick responses for the support team", tags={"team": "support"})
    assert kb["knowledgeBaseType"] == "QUICK_RESPONSES"
    assert kb["status"] == "ACTIVE"
    assert kb["description"] == "Quick responses for the support team"
    assert kb["tags"] == {"team": "support"}
    assert kb["knowledgeBaseArn"] == "arn:aws:wisdom:%s:123456789012:knowledge-base/%s" % (REGION, kb["knowledgeBaseId"])
    uuid.UUID(kb["knowledgeBaseId"])

    by_id = client.get_knowledge_base(knowledgeBaseId=kb["knowledgeBaseId"])["knowledgeBase"]
    by_arn = client.get_knowledge_base(knowledgeBaseId=kb["knowledgeBaseArn"])["knowledgeBase"]
    assert by_id == by_arn == kb

    summaries = list_all(client, "list_knowledge_bases", "knowledgeBaseSummaries")
    mine = [s for s in summaries if s["knowledgeBaseId"] == kb["knowledgeBaseId"]]
    assert mine == [{k: v for k, v in kb.items() if k != "lastContentModificationTime"}]

    resp = client.delete_knowledge_base(knowledgeBaseId=kb["knowledgeBaseId"])
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(client.exceptions.ResourceNotFoundException) as ei:
        client.get_knowledge_base(knowledgeBaseId=kb["knowledgeBaseId"])
    code, message, status, headers = error_of(ei)
    assert (code, status) == ("ResourceNotFoundException", 404)
    assert kb["knowledgeBaseId"] in message
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_knowledge_base(knowledgeBaseId=kb["knowledgeBaseId"])


def test_list_knowledge_bases_paging(client):
    created = [new_kb(client)["knowledgeBaseId"] for _ in range(5)]
    seen, token, pages = [], None, 0
    while True:
        args = {"maxResults": 2}
        if token:
            args["nextToken"] = token
        page = client.list_knowledge_bases(**args)
        assert len(page["knowledgeBaseSummaries"]) <= 2
        seen += [s["knowledgeBaseId"] for s in page["knowledgeBaseSummaries"]]
        pages += 1
        token = page.get("nextToken")
        if not token:
            break
    assert pages >= 3
    assert len(seen) == len(set(seen))
    assert [k for k in seen if k in created] == created  # creation order

    with pytest.raises(client.exceptions.ValidationException) as ei:
        client.list_knowledge_bases(nextToken="not-a-token")
    assert error_of(ei)[2] == 400


def test_create_idempotent_knowledge_base(client):
    token = str(uuid.uuid4())
    a = client.create_knowledge_base(name="idem kb", knowledgeBaseType="CUSTOM", clientToken=token)["knowledgeBase"]
    b = client.create_knowledge_base(name="idem kb", knowledgeBaseType="CUSTOM", clientToken=token)["knowledgeBase"]
    assert a == b
    with pytest.raises(client.exceptions.ConflictException) as ei:
        client.create_knowledge_base(name="other name", knowledgeBaseType="CUSTOM", clientToken=token)
    assert error_of(ei)[2] == 409


def test_validation_errors_follow_the_model(client):
    with pytest.raises(client.exceptions.ValidationException) as ei:
        client.create_knowledge_base(name="x", knowledgeBaseType="BOGUS")
    code, message, status, headers = error_of(ei)
    assert status == 400
    assert headers["x-amzn-errortype"] == "ValidationException"
    assert message == (
        "1 validation error detected: Value 'BOGUS' at 'knowledgeBaseType' failed to satisfy constraint: "
        "Member must satisfy enum value set: [EXTERNAL, CUSTOM, QUICK_RESPONSES, MESSAGE_TEMPLATES, MANAGED]"
    )

    with pytest.raises(client.exceptions.ValidationException) as ei:
        client.create_knowledge_base(name="n" * 256, knowledgeBaseType="CUSTOM", description="d" * 300)
    message = error_of(ei)[1]
    assert message.startswith("2 validation errors detected: ")
    assert "at 'name' failed to satisfy constraint: Member must have length less than or equal to 255" in message
    assert "at 'description' failed to satisfy constraint: Member must have length less than or equal to 255" in message

    with pytest.raises(client.exceptions.ValidationException) as ei:
        client.list_knowledge_bases(maxResults=101)
    assert error_of(ei)[1] == (
        "1 validation error detected: Value '101' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 100"
    )

    with pytest.raises(client.exceptions.ValidationException) as ei:
        client.get_knowledge_base(knowledgeBaseId="not-a-uuid")
    assert "at 'knowledgeBaseId' failed to satisfy constraint: Member must satisfy regular expression pattern" in (
        error_of(ei)[1]
    )


def test_every_reply_carries_a_request_id(client):
    ok = client.list_knowledge_bases()
    rid = ok["ResponseMetadata"]["RequestId"]
    assert ok["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"] == rid
    uuid.UUID(rid)
    with pytest.raises(client.exceptions.ResourceNotFoundException) as ei:
        client.get_knowledge_base(knowledgeBaseId=str(uuid.uuid4()))
    headers = error_of(ei)[3]
    assert headers["x-amzn-errortype"] == "ResourceNotFoundException"
    uuid.UUID(headers["x-amzn-requestid"])
    assert headers["content-type"] == "application/json"


def test_unsupported_operation_names_it(client):
    kb = new_kb(client, kb_type="CUSTOM")
    with pytest.raises(client.exceptions.ClientError) as ei:
        client.list_contents(knowledgeBaseId=kb["knowledgeBaseId"])
    code, message, status, headers = error_of(ei)
    assert (code, status) == ("UnsupportedOperationException", 501)
    assert "ListContents" in message


def test_unknown_path_is_an_unknown_operation(emu):
    status, headers, doc = signed_request(emu.url, "GET", "/no/such/thing")
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")
    assert "GET /no/such/thing" in doc["message"]
    status, headers, doc = signed_request(emu.url, "PUT", "/knowledgeBases")
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")


# ----------------------------------------------------------------------------- uploads


def test_start_content_upload_reply_and_put_rules(emu, client):
    kb = new_kb(client)
    before = time.time()
    up = client.start_content_upload(knowledgeBaseId=kb["knowledgeBaseId"], contentType="text/csv",
                                     presignedUrlTimeToLive=5)
    assert set(up) - {"ResponseMetadata"} == {"uploadId", "url", "urlExpiry", "headersToInclude"}
    assert up["url"].startswith(emu.url + "/")
    assert up["headersToInclude"] == {"content-type": "text/csv"}
    expiry = up["urlExpiry"].timestamp()
    assert before + 5 * 60 - 2 <= expiry <= time.time() + 5 * 60 + 1

    status, _, body = put_file(up["url"], {"content-type": "text/plain"}, b"name,content\r\na,b\r\n")
    assert status == 403 and b"SignatureDoesNotMatch" in body
    bad_token = up["url"].split("?")[0] + "?token=wrong"
    status, _, body = put_file(bad_token, up["headersToInclude"], b"x")
    assert status == 403 and b"AccessDenied" in body

    # Not yet uploaded: StartImportJob refuses.
    with pytest.raises(client.exceptions.ValidationException) as ei:
        start_import(client, kb["knowledgeBaseId"], up["uploadId"])
    assert up["uploadId"] in error_of(ei)[1]

    status, headers, _ = put_file(up["url"], up["headersToInclude"], b"name,content\r\na,b\r\n")
    assert status == 200
    assert headers["etag"] == '"%s"' % hashlib.md5(b"name,content\r\na,b\r\n").hexdigest()
    # The URL may be used again until it expires; the last PUT wins.
    status, _, _ = put_file(up["url"], up["headersToInclude"], b"name,content\r\nfinal,body\r\n")
    assert status == 200
    job = wait_job(client, kb["knowledgeBaseId"], start_import(client, kb["knowledgeBaseId"], up["uploadId"])["importJobId"])
    assert job["status"] == "COMPLETE"
    assert fetch(job["url"]) == b"name,content\r\nfinal,body\r\n"
    names = [q["name"] for q in list_all(client, "list_quick_responses", "quickResponseSummaries",
                                          knowledgeBaseId=kb["knowledgeBaseId"])]
    assert names == ["final"]


def test_upload_to_wrong_kb_type_is_refused(client):
    kb = new_kb(client, kb_type="MESSAGE_TEMPLATES")
    with pytest.raises(client.exceptions.ValidationException):
        client.start_content_upload(knowledgeBaseId=kb["knowledgeBaseId"], contentType="text/csv")
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.start_content_upload(knowledgeBaseId=str(uuid.uuid4()), contentType="text/csv")


def test_chunked_upload_and_expect_continue(emu, client):
    kb = new_kb(client)
    up = client.start_content_upload(knowledgeBaseId=kb["knowledgeBaseId"], contentType="text/csv")
    parts = urllib.parse.urlsplit(up["url"])
    target = parts.path + "?" + parts.query

    # An upload that would be refused is answered before the body is sent.
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("PUT %s HTTP/1.1\r\nHost: x\r\ncontent-type: text/plain\r\nContent-Length: 1000000\r\n"
                      "Expect: 100-continue\r\n\r\n" % target).encode())
        head = sock.recv(4096).decode("latin-1")
    assert head.startswith("HTTP/1.1 403")

    # A chunked body is accepted.
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("PUT", target, body=iter([b"name,content\r\n", b"chunked,yes\r\n"]),
                     headers={"content-type": "text/csv"}, encode_chunked=True)
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 200
    finally:
        conn.close()
    job = wait_job(client, kb["knowledgeBaseId"], start_import(client, kb["knowledgeBaseId"], up["uploadId"])["importJobId"])
    assert job["status"] == "COMPLETE"
    assert fetch(job["url"]) == b"name,content\r\nchunked,yes\r\n"


def test_expired_upload(client_factory):
    with running(processing_delay=0.05) as e:
        client = client_factory(e.url)
        kb = new_kb(client)
        up = client.start_content_upload(knowledgeBaseId=kb["knowledgeBaseId"], contentType="text/csv",
                                         presignedUrlTimeToLive=1)
        assert put_file(up["url"], up["headersToInclude"], b"name,content\r\na,b\r\n")[0] == 200
        e.advance_time(61)
        status, _, body = put_file(up["url"], up["headersToInclude"], b"name,content\r\na,b\r\n")
        assert status == 403 and b"Request has expired" in body
        with pytest.raises(client.exceptions.ValidationException) as ei:
            start_import(client, kb["knowledgeBaseId"], up["uploadId"])
        assert "expired" in error_of(ei)[1]


# ----------------------------------------------------------------------------- import jobs


def test_import_example_file(client):
    kb = new_kb(client)
    kb_id = kb["knowledgeBaseId"]
    with open(EXAMPLE_CSV, "rb") as f:
        data = f.read()
    up = upload(client, kb_id, data)
    started = start_import(client, kb_id, up["uploadId"], metadata={"source": "examples"})
    assert started["status"] == "START_IN_PROGRESS"
    assert started["knowledgeBaseArn"] == kb["knowledgeBaseArn"]
    assert started["uploadId"] == up["uploadId"]
    assert started["metadata"] == {"source": "examples"}
    assert "failedRecordReport" not in started
    assert isinstance(started["createdTime"], datetime.datetime)

    job = wait_job(client, kb_id, started["importJobId"])
    assert job["status"] == "COMPLETE"
    assert job["createdTime"] == started["createdTime"]
    assert job["lastModifiedTime"] >= job["createdTime"]
    assert fetch(job["url"]) == data

    rows = report_rows(job)
    assert [(r["name"], r["failureReason"]) for r in rows] == [
        ("Loyalty program", "content is empty"),
        ("Greeting", "a quick response named 'Greeting' already exists in the knowledge base"),
    ]
    assert all(r["lineNumber"].isdigit() for r in rows)

    with open(EXAMPLE_CSV, newline="", encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    good = [r for r in expected if r["content"] and r["description"] != "Broken row: duplicate name"]
    summaries = list_all(client, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id,
                         maxResults=7)
    assert [s["name"] for s in summaries] == [r["name"] for r in good]
    assert {s["contentType"] for s in summaries} == {PLAIN, MARKDOWN}

    by_name = {s["name"]: s for s in summaries}
    for row in good:
        qr = client.get_quick_response(knowledgeBaseId=kb_id,
                                       quickResponseId=by_name[row["name"]]["quickResponseId"])["quickResponse"]
        kind = "markdown" if row["contentType"] == MARKDOWN else "plainText"
        assert qr["contents"] == {kind: {"content": row["content"]}}
        assert qr["language"] == row["language"]
        assert qr["channels"] == row["channels"].split(";")
        assert qr["shortcutKey"] == row["shortcutKey"]
        assert qr["isActive"] == (row["isActive"] == "true")
        assert qr["status"] == "CREATED"
    kb_after = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]
    assert isinstance(kb_after["lastContentModificationTime"], datetime.datetime)


def test_import_is_asynchronous(client_factory):
    with running(processing_delay=1.0) as e:
        client = client_factory(e.url)
        kb_id = new_kb(client)["knowledgeBaseId"]
        up = upload(client, kb_id, b"name,content\r\nslow,job\r\n")
        job = start_import(client, kb_id, up["uploadId"])
        assert job["status"] == "START_IN_PROGRESS"
        again = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])["importJob"]
        assert again["status"] == "START_IN_PROGRESS"
        assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []
        assert wait_job(client, kb_id, job["importJobId"])["status"] == "COMPLETE"
        assert len(client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]) == 1


def test_csv_rules_row_by_row(client):
    kb_id = new_kb(client)["knowledgeBaseId"]
    client.create_quick_response(knowledgeBaseId=kb_id, name="Existing", content={"content": "already here"},
                                 shortcutKey="taken")
    text = (
        "\ufeffNAME,Content,CONTENTTYPE,Description,shortcutkey,Language,Channels,IsActive,notes\r\n"
        'Quoted,"Hello, ""friend""\r\nsecond line",,,q1,en_US,Chat; Email ,false,ignored column\r\n'
        "Markdown,**bold**,%s,A description,,ja_JP,Chat,\r\n"
        ",no name,,,,,,,\r\n"
        "Existing,duplicate of an existing response,,,,,,,\r\n"
        "Quoted,duplicate within the file,,,,,,,\r\n"
        "%s,name too long,,,,,,,\r\n"
        "Long content,%s,,,,,,,\r\n"
        "Bad type,x,text/html,,,,,,\r\n"
        "Bad shortcut,x,,,abcdefghijk,,,,\r\n"
        "Taken shortcut,x,,,taken,,,,\r\n"
        "Bad language,x,,,,english,,,\r\n"
        "Bad active,x,,,,,,maybe,\r\n"
        "Bad channel,x,,,,,Chat;VeryLongChannel,,\r\n"
        "\r\n"
        "Last,fine,,,,,,,\r\n"
    ) % (MARKDOWN, "N" * 101, "c" * 1025)
    job = import_csv(client, kb_id, text.encode("utf-8"))
    assert job["status"] == "COMPLETE"
    rows = report_rows(job)
    reasons = {r["NAME"]: (r["lineNumber"], r["failureReason"]) for r in rows}
    assert list(rows[0].keys())[0] == "lineNumber" and list(rows[0].keys())[-1] == "failureReason"
    assert reasons == {
        "": ("5", "name is empty"),
        "Existing": ("6", "a quick response named 'Existing' already exists in the knowledge base"),
        "Quoted": ("7", "a quick response named 'Quoted' already exists in the knowledge base"),
        "N" * 101: ("8", "name must have length less than or equal to 100"),
        "Long content": ("9", "content must have length less than or equal to 1024"),
        "Bad type": ("10", "contentType must satisfy regular expression pattern: "
                           "(application/x\\.quickresponse;format=(plain|markdown))"),
        "Bad shortcut": ("11", "shortcutKey must have length less than or equal to 10"),
        "Taken shortcut": ("12", "a quick response with shortcutKey 'taken' already exists in the knowledge base"),
        "Bad language": ("13", "language must have length less than or equal to 5"),
        "Bad active": ("14", "isActive must be true or false, not 'maybe'"),
        "Bad channel": ("15", "channels must have length less than or equal to 10"),
    }
    summaries = list_all(client, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id)
    assert [s["name"] for s in summaries] == ["Existing", "Quoted", "Markdown", "Last"]
    qr = {s["name"]: client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=s["quickResponseId"])
          ["quickResponse"] for s in summaries}
    assert qr["Quoted"]["contents"] == {"plainText": {"content": 'Hello, "friend"\r\nsecond line'}}
    assert qr["Quoted"]["channels"] == ["Chat", "Email"]
    assert qr["Quoted"]["isActive"] is False
    assert qr["Quoted"]["shortcutKey"] == "q1"
    assert qr["Markdown"]["contents"] == {"markdown": {"content": "**bold**"}}
    assert qr["Markdown"]["description"] == "A description"
    assert qr["Markdown"]["isActive"] is True
    assert qr["Last"]["contentType"] == PLAIN
    assert "channels" not in qr["Last"] and "language" not in qr["Last"]


@pytest.mark.parametrize("data, reason", [
    (b"name,content\r\n\xff\xfe broken bytes,x\r\n", "the file is not valid UTF-8"),
    (b"title,body\r\na,b\r\n", "the header row has no name or content column"),
    (b"", "the file is empty"),
    (b"name,content\r\n", "the file has a header row but no data rows"),
    (b'name,content\r\na,"unterminated\r\n', "malformed CSV"),
    (b'name,content\r\na,"' + b"x" * 200000 + b'\r\n', "malformed CSV: a field is longer than"),
])
def test_unreadable_file_fails_the_job(client, data, reason):
    kb_id = new_kb(client)["knowledgeBaseId"]
    job = import_csv(client, kb_id, data)
    assert job["status"] == "FAILED"
    rows = report_rows(job)
    assert len(rows) == 1 and rows[0]["failureReason"].startswith(reason), rows
    assert client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"] == []


def test_no_importable_row_fails_the_job(client):
    kb_id = new_kb(client)["knowledgeBaseId"]
    job = import_csv(client, kb_id, b"name,content\r\na,\r\n,b\r\n")
    assert job["status"] == "FAILED"
    assert [r["failureReason"] for r in report_rows(job)] == ["content is empty", "name is empty"]


def test_start_import_job_errors(client):
    kb = new_kb(client)
    kb_id = kb["knowledgeBaseId"]
    up = upload(client, kb_id, b"name,content\r\na,b\r\n")

    with pytest.raises(client.exceptions.ResourceNotFoundException) as ei:
        start_import(client, str(uuid.uuid4()), up["uploadId"])
    assert error_of(ei)[2] == 404

    custom = new_kb(client, kb_type="CUSTOM")
    custom_up = upload(client, custom["knowledgeBaseId"], b"name,content\r\na,b\r\n")
    with pytest.raises(client.exceptions.ValidationException) as ei:
        start_import(client, custom["knowledgeBaseId"], custom_up["uploadId"])
    assert "QUICK_RESPONSES" in error_of(ei)[1] and error_of(ei)[2] == 400

    other = new_kb(client)
    with pytest.raises(client.exceptions.ValidationException) as ei:
        start_import(client, other["knowledgeBaseId"], up["uploadId"])
    assert up["uploadId"] in error_of(ei)[1]
    with pytest.raises(client.exceptions.ValidationException):
        start_import(client, kb_id, "no-such-upload")

    metadata = {"key%d" % i: "value" for i in range(11)}
    with pytest.raises(client.exceptions.ValidationException) as ei:
        start_import(client, kb_id, up["uploadId"], metadata=metadata)
    assert "at 'metadata' failed to satisfy constraint: Member must have length less than or equal to 10" in (
        error_of(ei)[1]
    )
    ten = {"key%d" % i: "value" for i in range(10)}
    job = start_import(client, kb_id, up["uploadId"], metadata=ten)
    assert job["metadata"] == ten

    with pytest.raises(client.exceptions.ValidationException) as ei:
        client.start_import_job(knowledgeBaseId=kb_id, importJobType="CONTENT", uploadId=up["uploadId"])
    assert "Member must satisfy enum value set: [QUICK_RESPONSES]" in error_of(ei)[1]

    # Through the ARN as well as the id.
    by_arn = start_import(client, kb["knowledgeBaseArn"], up["uploadId"])
    assert by_arn["knowledgeBaseId"] == kb_id
    wait_job(client, kb_id, job["importJobId"])
    wait_job(client, kb_id, by_arn["importJobId"])


def test_start_import_job_idempotency(client):
    kb_id = new_kb(client)["knowledgeBaseId"]
    up = upload(client, kb_id, b"name,content\r\na,b\r\n")
    token = str(uuid.uuid4())
    first = start_import(client, kb_id, up["uploadId"], clientToken=token, metadata={"a": "1"})
    again = start_import(client, kb_id, up["uploadId"], clientToken=token, metadata={"a": "1"})
    assert again["importJobId"] == first["importJobId"]
    assert again["createdTime"] == first["createdTime"]
    with pytest.raises(client.exceptions.ConflictException) as ei:
        start_import(client, kb_id, up["uploadId"], clientToken=token, metadata={"a": "2"})
    assert error_of(ei)[2] == 409
    done = wait_job(client, kb_id, first["importJobId"])
    replay = start_import(client, kb_id, up["uploadId"], clientToken=token, metadata={"a": "1"})
    assert replay["importJobId"] == first["importJobId"] and replay["status"] == done["status"] == "COMPLETE"
    # Without a token every call is a new job (the SDK fills in a fresh token).
    other = start_import(client, kb_id, up["uploadId"])
    assert other["importJobId"] != first["importJobId"]
    assert wait_job(client, kb_id, other["importJobId"])["status"] == "FAILED"  # same rows again: duplicates
    jobs = list_all(client, "list_import_jobs", "importJobSummaries", knowledgeBaseId=kb_id)
    assert [j["importJobId"] for j in jobs] == [first["importJobId"], other["importJobId"]]


def test_jobs_in_progress_quota(client_factory):
    with running(processing_delay=1.0, max_jobs_in_progress=2) as e:
        client = client_factory(e.url)
        kb_id = new_kb(client)["knowledgeBaseId"]
        other_kb = new_kb(client)["knowledgeBaseId"]
        ups = [upload(client, kb_id, ("name,content\r\nq%d,x\r\n" % i).encode()) for i in range(3)]
        jobs = [start_import(client, kb_id, u["uploadId"]) for u in ups[:2]]
        with pytest.raises(client.exceptions.ServiceQuotaExceededException) as ei:
            start_import(client, kb_id, ups[2]["uploadId"])
        code, message, status, headers = error_of(ei)
        assert (code, status) == ("ServiceQuotaExceededException", 402)
        assert headers["x-amzn-errortype"] == "ServiceQuotaExceededException"
        # The quota is per knowledge base.
        other_up = upload(client, other_kb, b"name,content\r\nz,x\r\n")
        start_import(client, other_kb, other_up["uploadId"])
        for job in jobs:
            assert wait_job(client, kb_id, job["importJobId"])["status"] == "COMPLETE"
        third = start_import(client, kb_id, ups[2]["uploadId"])
        assert wait_job(client, kb_id, third["importJobId"])["status"] == "COMPLETE"


def test_delete_import_job(client_factory):
    with running(processing_delay=0.8) as e:
        client = client_factory(e.url)
        kb_id = new_kb(client)["knowledgeBaseId"]
        up = upload(client, kb_id, b"name,content\r\na,b\r\nc,\r\n")
        job = start_import(client, kb_id, up["uploadId"])
        with pytest.raises(client.exceptions.ConflictException) as ei:
            client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
        assert error_of(ei)[2] == 409
        with pytest.raises(client.exceptions.ConflictException):
            client.delete_knowledge_base(knowledgeBaseId=kb_id)
        done = wait_job(client, kb_id, job["importJobId"])
        assert done["status"] == "COMPLETE"
        report_url = done["failedRecordReport"]
        assert fetch(report_url).startswith(b"lineNumber,")
        resp = client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
        assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.delete_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])
        assert http_request("GET", report_url)[0] in (403, 404)
        # The imported quick responses stay.
        assert len(client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]) == 1


def test_list_import_jobs_paging(client):
    kb_id = new_kb(client)["knowledgeBaseId"]
    ids = []
    for i in range(3):
        up = upload(client, kb_id, ("name,content\r\nr%d,x\r\n" % i).encode())
        ids.append(start_import(client, kb_id, up["uploadId"])["importJobId"])
    page1 = client.list_import_jobs(knowledgeBaseId=kb_id, maxResults=2)
    assert [j["importJobId"] for j in page1["importJobSummaries"]] == ids[:2]
    page2 = client.list_import_jobs(knowledgeBaseId=kb_id, maxResults=2, nextToken=page1["nextToken"])
    assert [j["importJobId"] for j in page2["importJobSummaries"]] == ids[2:]
    assert "nextToken" not in page2
    summary = page1["importJobSummaries"][0]
    assert set(summary) == {"importJobId", "knowledgeBaseId", "uploadId", "knowledgeBaseArn", "importJobType",
                            "status", "createdTime", "lastModifiedTime"}
    for job_id in ids:
        wait_job(client, kb_id, job_id)
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_import_job(knowledgeBaseId=kb_id, importJobId=str(uuid.uuid4()))


def test_concurrent_imports_into_different_knowledge_bases(emu, client_factory):
    n_kbs, n_rows = 4, 300
    setup = client_factory(emu.url)
    kbs = [new_kb(setup)["knowledgeBaseId"] for _ in range(n_kbs)]
    results, errors = {}, []

    def worker(kb_id):
        try:
            c = client_factory(emu.url)
            body = CSV_HEADER + "".join(
                "resp %d,Content %d for %s,,,,en_US,Chat,true\r\n" % (i, i, kb_id[:8]) for i in range(n_rows)
            )
            results[kb_id] = import_csv(c, kb_id, body.encode())
            c.create_quick_response(knowledgeBaseId=kb_id, name="made by hand", content={"content": "x"})
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in kbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    for kb_id in kbs:
        assert results[kb_id]["status"] == "COMPLETE"
        assert "failedRecordReport" not in results[kb_id]
        items = list_all(setup, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id)
        assert len(items) == n_rows + 1
        assert {i["knowledgeBaseId"] for i in items} == {kb_id}


def test_large_upload_streams_to_disk(emu, client, tmp_path):
    kb_id = new_kb(client)["knowledgeBaseId"]
    path = tmp_path / "big.csv"
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(CSV_HEADER)
        while f.tell() < 10 * 1024 * 1024:
            f.write("Response %06d,%s,,,,en_US,Chat;Email,true\r\n" % (rows, ("Lorem ipsum %d " % rows) * 60))
            rows += 1
    up = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    tracemalloc.start()
    try:
        with open(path, "rb") as body:
            status, _, _ = put_file(up["url"], up["headersToInclude"], body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 200
    assert path.stat().st_size >= 10 * 1024 * 1024
    assert peak < 3 * 1024 * 1024, "peak traced memory during a 10 MB PUT: %d bytes" % peak
    job = wait_job(client, kb_id, start_import(client, kb_id, up["uploadId"])["importJobId"], timeout=60)
    assert job["status"] == "COMPLETE" and "failedRecordReport" not in job
    page = client.list_quick_responses(knowledgeBaseId=kb_id, maxResults=100)
    assert page["quickResponseSummaries"][0]["name"] == "Response 000000"
    total = len(list_all(client, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id,
                         maxResults=100))
    assert total == rows


# ----------------------------------------------------------------------------- quick responses


def test_quick_response_lifecycle(client):
    kb = new_kb(client)
    kb_id = kb["knowledgeBaseId"]
    qr = client.create_quick_response(
        knowledgeBaseId=kb_id, name="Welcome", content={"content": "# Welcome\n\nHow can we help?"},
        contentType=MARKDOWN, description="Greeting", shortcutKey="wel", isActive=True,
        channels=["Chat"], language="en_US", tags={"k": "v"},
        groupingConfiguration={"criteria": "RoutingProfileArn", "values": ["arn:aws:connect:x"]},
    )["quickResponse"]
    assert qr["quickResponseArn"] == "arn:aws:wisdom:%s:123456789012:quick-response/%s/%s" % (
        REGION, kb_id, qr["quickResponseId"])
    assert qr["contents"] == {"markdown": {"content": "# Welcome\n\nHow can we help?"}}
    assert (qr["name"], qr["contentType"], qr["status"], qr["shortcutKey"], qr["language"]) == (
        "Welcome", MARKDOWN, "CREATED", "wel", "en_US")
    assert qr["channels"] == ["Chat"] and qr["tags"] == {"k": "v"} and qr["isActive"] is True
    assert qr["groupingConfiguration"] == {"criteria": "RoutingProfileArn", "values": ["arn:aws:connect:x"]}
    assert qr["lastModifiedBy"].startswith("arn:aws:iam::123456789012:")

    assert client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr["quickResponseId"])[
        "quickResponse"] == qr
    assert client.get_quick_response(knowledgeBaseId=kb["knowledgeBaseArn"], quickResponseId=qr["quickResponseArn"])[
        "quickResponse"] == qr

    with pytest.raises(client.exceptions.ConflictException) as ei:
        client.create_quick_response(knowledgeBaseId=kb_id, name="Welcome", content={"content": "again"})
    assert "Welcome" in error_of(ei)[1]
    with pytest.raises(client.exceptions.ConflictException):
        client.create_quick_response(knowledgeBaseId=kb_id, name="Other", content={"content": "x"}, shortcutKey="wel")

    token = str(uuid.uuid4())
    a = client.create_quick_response(knowledgeBaseId=kb_id, name="Plain", content={"content": "text"},
                                     clientToken=token)["quickResponse"]
    b = client.create_quick_response(knowledgeBaseId=kb_id, name="Plain", content={"content": "text"},
                                     clientToken=token)["quickResponse"]
    assert a == b and a["contents"] == {"plainText": {"content": "text"}} and a["contentType"] == PLAIN

    for i in range(5):
        client.create_quick_response(knowledgeBaseId=kb_id, name="extra %d" % i, content={"content": "x"})
    page = client.list_quick_responses(knowledgeBaseId=kb_id, maxResults=3)
    assert len(page["quickResponseSummaries"]) == 3 and page["nextToken"]
    summary = page["quickResponseSummaries"][0]
    assert summary == {k: v for k, v in qr.items()
                       if k not in ("contents", "groupingConfiguration", "shortcutKey", "language")}
    everything = list_all(client, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id,
                          maxResults=3)
    assert len(everything) == 7

    resp = client.delete_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr["quickResponseId"])
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr["quickResponseId"])
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.delete_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr["quickResponseId"])


def test_quick_response_errors(client):
    custom = new_kb(client, kb_type="CUSTOM")
    with pytest.raises(client.exceptions.ValidationException):
        client.create_quick_response(knowledgeBaseId=custom["knowledgeBaseId"], name="x", content={"content": "y"})
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.create_quick_response(knowledgeBaseId=str(uuid.uuid4()), name="x", content={"content": "y"})
    kb_id = new_kb(client)["knowledgeBaseId"]
    with pytest.raises(client.exceptions.ValidationException) as ei:
        client.create_quick_response(knowledgeBaseId=kb_id, name="x", content={"content": "y" * 1025},
                                     contentType="text/plain")
    message = error_of(ei)[1]
    assert message.startswith("2 validation errors detected: ")
    assert "at 'content.content' failed to satisfy constraint: Member must have length less than or equal to 1024" in message
    assert "at 'contentType' failed to satisfy constraint: Member must satisfy regular expression pattern" in message
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=str(uuid.uuid4()))
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.list_quick_responses(knowledgeBaseId=str(uuid.uuid4()))


# ----------------------------------------------------------------------------- signatures


def test_wrong_secret_is_rejected(emu, client_factory):
    client = client_factory(emu.url, secret_key="not-the-secret")
    with pytest.raises(client.exceptions.ClientError) as ei:
        client.list_knowledge_bases()
    code, message, status, headers = error_of(ei)
    assert (code, status) == ("InvalidSignatureException", 403)
    assert headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert message.startswith(
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method."
    )
    assert "GET\n/knowledgeBases\n" in message  # the canonical request the emulator expected


def test_unknown_access_key_is_rejected(emu, client_factory):
    client = client_factory(emu.url, access_key="AKIDUNKNOWN")
    with pytest.raises(client.exceptions.ClientError) as ei:
        client.get_knowledge_base(knowledgeBaseId=str(uuid.uuid4()))
    code, message, status, _ = error_of(ei)
    assert (code, status, message) == (
        "UnrecognizedClientException", 403, "The security token included in the request is invalid.")


def test_signature_covers_path_query_and_body(emu):
    kb_body = json.dumps({"name": "signed", "knowledgeBaseType": "CUSTOM", "clientToken": str(uuid.uuid4())})
    status, _, doc = signed_request(emu.url, "POST", "/knowledgeBases", kb_body.encode(),
                                    headers={"Content-Type": "application/json"})
    assert status == 200, doc
    kb_id = doc["knowledgeBase"]["knowledgeBaseId"]
    status, _, doc = signed_request(emu.url, "GET", "/knowledgeBases?maxResults=1")
    assert status == 200, doc

    # Tampering after signing: body, query and path.
    req = AWSRequest(method="POST", url=emu.url + "/knowledgeBases", data=kb_body.encode(),
                     headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(AKID, SECRET), "wisdom", REGION).add_auth(req)
    tampered = kb_body.replace("signed", "sIgned").encode()
    status, headers, body = http_request("POST", emu.url + "/knowledgeBases", tampered, dict(req.headers.items()))
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    req = AWSRequest(method="GET", url=emu.url + "/knowledgeBases?maxResults=1")
    SigV4Auth(Credentials(AKID, SECRET), "wisdom", REGION).add_auth(req)
    status, headers, _ = http_request("GET", emu.url + "/knowledgeBases?maxResults=2", None, dict(req.headers.items()))
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    req = AWSRequest(method="GET", url=emu.url + "/knowledgeBases/" + kb_id)
    SigV4Auth(Credentials(AKID, SECRET), "wisdom", REGION).add_auth(req)
    status, headers, _ = http_request("GET", emu.url + "/knowledgeBases/" + str(uuid.uuid4()), None,
                                      dict(req.headers.items()))
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException")


def test_wrong_service_scope_is_rejected(emu):
    status, headers, doc = signed_request(emu.url, "GET", "/knowledgeBases", service="s3")
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    assert doc["message"] == "Credential should be scoped to correct service: 'wisdom'. "


def test_malformed_or_missing_signature_without_credentials():
    with running() as e:
        status, headers, body = http_request("GET", e.url + "/knowledgeBases")
        assert (status, headers["x-amzn-errortype"]) == (403, "MissingAuthenticationTokenException")
        assert json.loads(body) == {"message": "Missing Authentication Token"}

        status, headers, body = http_request("GET", e.url + "/knowledgeBases",
                                             headers={"Authorization": "AWS4-HMAC-SHA256 Credential=x"})
        assert (status, headers["x-amzn-errortype"]) == (400, "IncompleteSignatureException")
        assert "Authorization header requires 'Signature' parameter." in json.loads(body)["message"]

        # Any key is accepted when no credentials are configured.
        client = make_client(e.url, access_key="ANYKEY", secret_key="anything")
        assert client.list_knowledge_bases()["knowledgeBaseSummaries"] == []


def test_clock_skew_is_rejected(emu):
    old = time.time() - 20 * 60
    amz_date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(old))
    auth = ("AWS4-HMAC-SHA256 Credential=%s/%s/%s/wisdom/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=%s" % (AKID, amz_date[:8], REGION, "0" * 64))
    status, headers, body = http_request("GET", emu.url + "/knowledgeBases",
                                         headers={"Authorization": auth, "X-Amz-Date": amz_date})
    assert (status, headers["x-amzn-errortype"]) == (403, "InvalidSignatureException")
    assert json.loads(body)["message"].startswith("Signature expired: %s is now earlier than " % amz_date)


def _suite_cases():
    if not os.path.isdir(SIGV4_SUITE):
        return []
    return sorted(d for d in os.listdir(SIGV4_SUITE)
                  if os.path.exists(os.path.join(SIGV4_SUITE, d, "header-signed-request.txt")))


def _parse_suite_request(raw):
    """Return (method, target bytes, [(name, value)], body) of a test-suite request file."""
    head, _, body = raw.partition(b"\n\n")
    lines = head.split(b"\n")
    first = lines[0].decode("latin-1")
    method = first.split(" ", 1)[0]
    target = first[len(method) + 1:first.rindex(" HTTP/")]
    headers = []
    for line in lines[1:]:
        text = line.decode("latin-1")
        if text[:1] in (" ", "\t") and headers:
            headers[-1] = (headers[-1][0], headers[-1][1] + "\n" + text)
        else:
            name, _, value = text.partition(":")
            headers.append((name, value))
    return method, target.encode("latin-1"), headers, body


@pytest.mark.parametrize("case", _suite_cases())
def test_verifier_accepts_published_sigv4_vectors(case):
    # Data: AWS SigV4 test suite (aws-c-auth, Apache License 2.0), see shared/reference/sigv4-test-suite/README.md.
    folder = os.path.join(SIGV4_SUITE, case)
    with open(os.path.join(folder, "context.json")) as f:
        ctx = json.load(f)
    with open(os.path.join(folder, "header-signed-request.txt"), "rb") as f:
        method, target, headers, body = _parse_suite_request(f.read())
    now = calendar.timegm(time.strptime(ctx["timestamp"], "%Y-%m-%dT%H:%M:%SZ"))
    creds = {ctx["credentials"]["access_key_id"]: ctx["credentials"]["secret_access_key"]}
    body_hash = hashlib.sha256(body).hexdigest()
    result = sigv4verify.verify(method, target, headers, body_hash, ctx["service"], creds, now=now,
                                normalize=ctx["normalize"])
    assert result["accessKeyId"] == ctx["credentials"]["access_key_id"]
    with open(os.path.join(folder, "header-canonical-request.txt"), "rb") as f:
        expected_creq = f.read().decode("utf-8")
    hmap = {}
    for name, value in headers:
        hmap.setdefault(name.lower(), []).append(value)
    auth = hmap["authorization"][0]
    signed = sorted(auth.split("SignedHeaders=")[1].split(",")[0].split(";"))
    raw_path, _, raw_query = target.partition(b"?")
    payload = hmap["x-amz-content-sha256"][0] if "x-amz-content-sha256" in hmap else body_hash
    assert sigv4verify.build_canonical_request(method, raw_path, raw_query, hmap, signed, payload,
                                               ctx["normalize"]) == expected_creq
    # A one-character change to the method is caught.
    with pytest.raises(sigv4verify.SignatureError) as ei:
        sigv4verify.verify("PUT" if method != "PUT" else "GET", target, headers, body_hash, ctx["service"], creds,
                           now=now, normalize=ctx["normalize"])
    assert ei.value.code == "InvalidSignatureException"


def test_published_sigv4_vectors_are_present():
    assert len(_suite_cases()) >= 30


# ----------------------------------------------------------------------------- process: CLI, restart, signals


def _subprocess_env():
    """Return an environment whose PYTHONPATH finds the same qconnect_c package as this test."""
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _spawn(*args):
    """Start `python -m qconnect_c.local` with args; return (process, base URL from its first line)."""
    env = _subprocess_env()
    proc = subprocess.Popen([sys.executable, "-m", "qconnect_c.local"] + list(args), cwd=PACKAGE_ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("http://"):
        proc.kill()
        raise AssertionError("no URL on the first line: %r / %r" % (line, proc.stderr.read()))
    return proc, line


def _stop(proc, sig=signal.SIGTERM):
    proc.send_signal(sig)
    try:
        return proc.wait(15)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()


def test_cli_persists_state_across_restart(tmp_path, client_factory):
    db = str(tmp_path / "state.sqlite3")
    proc, url = _spawn("--db", db, "--credentials", "%s:%s" % (AKID, SECRET), "--processing-delay", "0.05")
    try:
        assert url.startswith("http://127.0.0.1:")
        client = client_factory(url)
        kb_id = new_kb(client)["knowledgeBaseId"]
        with open(EXAMPLE_CSV, "rb") as f:
            job = import_csv(client, kb_id, f.read())
        qr = client.create_quick_response(knowledgeBaseId=kb_id, name="By hand", content={"content": "x"})
        before_items = list_all(client, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id)
        before_kb = client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"]
        report = fetch(job["failedRecordReport"])
    finally:
        assert _stop(proc) == 0
    assert os.path.exists(db)

    proc, url2 = _spawn("--db", db, "--credentials", "%s:%s" % (AKID, SECRET), "--port", "0")
    try:
        client = client_factory(url2)
        assert client.get_knowledge_base(knowledgeBaseId=kb_id)["knowledgeBase"] == before_kb
        after = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])["importJob"]
        assert after["status"] == "COMPLETE"
        assert (after["createdTime"], after["lastModifiedTime"]) == (job["createdTime"], job["lastModifiedTime"])
        assert after["failedRecordReport"].startswith(url2 + "/")
        assert fetch(after["failedRecordReport"]) == report
        assert list_all(client, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id) == before_items
        assert client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=qr["quickResponse"]["quickResponseId"])[
            "quickResponse"] == qr["quickResponse"]
    finally:
        assert _stop(proc, signal.SIGINT) == 0


def test_cli_resumes_jobs_in_progress_after_restart(tmp_path, client_factory):
    db = str(tmp_path / "resume.sqlite3")
    proc, url = _spawn("--db", db, "--processing-delay", "60")
    try:
        client = client_factory(url)
        kb_id = new_kb(client)["knowledgeBaseId"]
        up = upload(client, kb_id, b"name,content\r\nresumed,yes\r\n")
        job = start_import(client, kb_id, up["uploadId"])
    finally:
        assert _stop(proc) == 0  # does not wait for the 60 s delay
    proc, url = _spawn("--db", db, "--processing-delay", "0")
    try:
        client = client_factory(url)
        assert wait_job(client, kb_id, job["importJobId"])["status"] == "COMPLETE"
        assert [q["name"] for q in client.list_quick_responses(knowledgeBaseId=kb_id)["quickResponseSummaries"]] == [
            "resumed"]
    finally:
        assert _stop(proc) == 0


def test_cli_default_database_is_temporary():
    proc, url = _spawn("--verbose")
    client = make_client(url)
    new_kb(client)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert out == ""  # nothing after the URL line
    db = [line.split("database ", 1)[1] for line in err.splitlines() if "database " in line][0]
    assert db.endswith(".sqlite3")
    assert not os.path.exists(db) and not os.path.exists(os.path.dirname(db))
    assert "POST /knowledgeBases" in err  # --verbose logs requests


def test_cli_rejects_bad_options():
    env = _subprocess_env()
    for args in (["--credentials", "no-colon"], ["--max-jobs-in-progress", "0"]):
        res = subprocess.run([sys.executable, "-m", "qconnect_c.local"] + args, cwd=PACKAGE_ROOT, env=env,
                             capture_output=True, text=True, timeout=30)
        assert res.returncode == 2, res
        assert res.stdout == ""


# ----------------------------------------------------------------------------- generated tables


def test_model_tables_match_botocore():
    from qconnect_c.local import _genmodel

    with open(os.path.join(LOCAL_DIR, "model.py"), encoding="utf-8") as f:
        assert f.read() == _genmodel.build(_genmodel.load_service_model())


def test_emulator_does_not_use_botocore_at_run_time():
    import ast

    for name in sorted(os.listdir(LOCAL_DIR)):
        if not name.endswith(".py") or name == "_genmodel.py":
            continue
        with open(os.path.join(LOCAL_DIR, name), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                mods = [node.module or ""]
            else:
                continue
            assert not any(m.split(".")[0] in ("botocore", "boto3") for m in mods), (name, mods)
