"""End-to-end tests of client.import_quick_responses (qconnect_c.workflow)
against the local emulator.

The reference for the final state is the same workflow done by hand with
boto3 (StartContentUpload, a PUT with urllib, StartImportJob, GetImportJob
until the end): importing the same file through qconnect_c must leave the
service in the same state, and boto3 must read back the same job.
"""

import csv
import io
import os
import pickle
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import tracemalloc
import types
import urllib.request
import uuid

import boto3
import pytest
from botocore.config import Config

import qconnect_c
import qconnect_c.local
from qconnect_c import _progress, workflow
from qconnect_c.exceptions import EndpointConnectionError
from qconnect_c.workflow import (
    ImportJobFailedError,
    ImportJobTimeoutError,
    ImportQuickResponsesError,
    UploadError,
)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE_CSV = os.path.join(REPO, "examples", "quick_responses.csv")
PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(qconnect_c.__file__)))

AKID = "AKIDWORKFLOWTEST"
SECRET = "workflow/test/secret"
REGION = "us-east-1"
HEADER = "name,content,contentType,description,shortcutKey,language,channels,isActive\r\n"

# Fields of an ImportJobData that differ between two imports of the same file.
JOB_IDENTITY = {"importJobId", "knowledgeBaseId", "knowledgeBaseArn", "uploadId", "url",
                "failedRecordReport", "urlExpiry", "createdTime", "lastModifiedTime"}
# Fields of a QuickResponseData that differ between two knowledge bases.
QR_IDENTITY = {"quickResponseArn", "quickResponseId", "knowledgeBaseArn", "knowledgeBaseId",
               "createdTime", "lastModifiedTime"}


# ----------------------------------------------------------------------------- fixtures and helpers


def make_qc(url):
    return qconnect_c.client("qconnect", region_name=REGION, endpoint_url=url,
                             aws_access_key_id=AKID, aws_secret_access_key=SECRET,
                             config=qconnect_c.Config(retries={"total_max_attempts": 1}))


def make_boto3(url):
    return boto3.client("qconnect", region_name=REGION, endpoint_url=url,
                        aws_access_key_id=AKID, aws_secret_access_key=SECRET,
                        config=Config(retries={"total_max_attempts": 1}))


@pytest.fixture(scope="module")
def emu():
    with qconnect_c.local.running(credentials=["%s:%s" % (AKID, SECRET)], processing_delay=0.2,
                                  max_jobs_in_progress=50) as e:
        yield e


@pytest.fixture(scope="module")
def slow_emu():
    """An emulator whose jobs stay START_IN_PROGRESS for ten minutes."""
    with qconnect_c.local.running(credentials=["%s:%s" % (AKID, SECRET)], processing_delay=600) as e:
        yield e


@pytest.fixture
def qc(emu):
    return make_qc(emu.url)


@pytest.fixture(scope="module")
def b3(emu):
    return make_boto3(emu.url)


def new_kb(client, kb_type="QUICK_RESPONSES"):
    return client.create_knowledge_base(name="kb %s" % uuid.uuid4().hex[:8],
                                        knowledgeBaseType=kb_type)["knowledgeBase"]["knowledgeBaseId"]


def list_all(client, method, key, **kwargs):
    items, token = [], None
    while True:
        args = dict(kwargs, maxResults=7)
        if token:
            args["nextToken"] = token
        page = getattr(client, method)(**args)
        items += page[key]
        token = page.get("nextToken")
        if not token:
            return items


def kb_state(client, kb_id):
    """Return the knowledge base's quick responses, without ids and times, sorted by name."""
    out = []
    for s in list_all(client, "list_quick_responses", "quickResponseSummaries", knowledgeBaseId=kb_id):
        qr = client.get_quick_response(knowledgeBaseId=kb_id, quickResponseId=s["quickResponseId"])
        out.append({k: v for k, v in qr["quickResponse"].items() if k not in QR_IDENTITY})
    return sorted(out, key=lambda q: q["name"])


def job_shape(job):
    return {k: v for k, v in job.items() if k not in JOB_IDENTITY and k != "ResponseMetadata"}


def download(url):
    with urllib.request.urlopen(url, timeout=30) as resp:
        return resp.read()


def report_rows(url):
    return list(csv.DictReader(io.StringIO(download(url).decode("utf-8"), newline="")))


def import_by_hand(client, kb_id, data, **extra):
    """The workflow done by hand with a boto3 client and urllib; return the final job."""
    up = client.start_content_upload(knowledgeBaseId=kb_id, contentType="text/csv")
    req = urllib.request.Request(up["url"], data=data, method="PUT",
                                 headers=dict(up["headersToInclude"], **{"Content-Length": str(len(data))}))
    with urllib.request.urlopen(req, timeout=30) as resp:
        assert resp.status == 200
    job = client.start_import_job(knowledgeBaseId=kb_id, importJobType="QUICK_RESPONSES",
                                  uploadId=up["uploadId"], **extra)["importJob"]
    deadline = time.monotonic() + 30
    while job["status"] == "START_IN_PROGRESS":
        assert time.monotonic() < deadline
        time.sleep(0.05)
        job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])["importJob"]
    return job


def wait_job(client, kb_id, job_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=job_id)["importJob"]
        if job["status"] != "START_IN_PROGRESS":
            return job
        assert time.monotonic() < deadline
        time.sleep(0.05)


def csv_bytes(rows):
    return (HEADER + "".join(rows)).encode("utf-8")


with open(EXAMPLE_CSV, "rb") as _f:
    EXAMPLE = _f.read()

METADATA = {"source": "test_workflow", "batch": "1"}
EXTERNAL = {"source": "AMAZON_CONNECT",
            "configuration": {"connectConfiguration": {"instanceId": "instance-0001"}}}


@pytest.fixture(scope="module")
def reference(emu, b3):
    """The example file imported by hand through boto3: (job, quick responses, report rows)."""
    kb_id = new_kb(b3)
    job = import_by_hand(b3, kb_id, EXAMPLE, metadata=METADATA, externalSourceConfiguration=EXTERNAL)
    assert job["status"] == "COMPLETE"
    return job, kb_state(b3, kb_id), report_rows(job["failedRecordReport"])


# ----------------------------------------------------------------------------- the happy path


def test_import_matches_the_workflow_done_by_hand_with_boto3(qc, b3, reference):
    ref_job, ref_state, ref_report = reference
    kb_id = new_kb(qc)
    job = qc.import_quick_responses(kb_id, EXAMPLE_CSV, metadata=METADATA,
                                    externalSourceConfiguration=EXTERNAL, poll_interval=0.05)

    assert "ResponseMetadata" not in job
    assert job["status"] == "COMPLETE"
    assert job["knowledgeBaseId"] == kb_id and job["importJobType"] == "QUICK_RESPONSES"
    assert job_shape(job) == job_shape(ref_job)
    assert set(job) == set(ref_job)
    # boto3 reads back the very same job (urlExpiry is "one hour from the call").
    seen = b3.get_import_job(knowledgeBaseId=kb_id, importJobId=job["importJobId"])["importJob"]
    assert {k: v for k, v in seen.items() if k != "urlExpiry"} == {k: v for k, v in job.items() if k != "urlExpiry"}
    # The upload went through unchanged; the state and the report are those of the import by hand.
    assert download(job["url"]) == EXAMPLE
    assert kb_state(b3, kb_id) == ref_state
    assert len(ref_state) == 48
    assert report_rows(job["failedRecordReport"]) == ref_report
    assert [r["failureReason"] for r in ref_report] == [
        "content is empty", "a quick response named 'Greeting' already exists in the knowledge base"]


def test_import_by_arn_and_client_token_reaches_start_import_job(qc, b3):
    kb = qc.create_knowledge_base(name="by arn", knowledgeBaseType="QUICK_RESPONSES")["knowledgeBase"]
    token = str(uuid.uuid4())
    job = qc.import_quick_responses(kb["knowledgeBaseArn"], io.BytesIO(csv_bytes(["a,b,,,,,,\r\n"])),
                                    clientToken=token, poll_interval=0.05)
    assert job["status"] == "COMPLETE" and job["knowledgeBaseId"] == kb["knowledgeBaseId"]
    # The same token with the same parameters is the same job, as the service defines it.
    again = b3.start_import_job(knowledgeBaseId=kb["knowledgeBaseId"], importJobType="QUICK_RESPONSES",
                                uploadId=job["uploadId"], clientToken=token)["importJob"]
    assert again["importJobId"] == job["importJobId"]
    assert [q["name"] for q in kb_state(b3, kb["knowledgeBaseId"])] == ["a"]


def test_wait_false_returns_the_started_job(qc, b3):
    kb_id = new_kb(qc)
    job = qc.import_quick_responses(kb_id, EXAMPLE_CSV, wait=False, metadata=METADATA)
    assert job["status"] == "START_IN_PROGRESS"
    assert job["metadata"] == METADATA and "failedRecordReport" not in job
    final = wait_job(b3, kb_id, job["importJobId"])
    assert final["status"] == "COMPLETE"
    assert final["createdTime"] == job["createdTime"] and final["uploadId"] == job["uploadId"]
    assert len(kb_state(b3, kb_id)) == 48


class _ReadOnly(io.RawIOBase):
    """A non-seekable binary stream with only read() (like a pipe or a socket)."""

    def __init__(self, data, chunk=1000):
        self._data, self._pos, self._chunk = data, 0, chunk

    def readable(self):
        return True

    def read(self, n=-1):
        n = self._chunk if n is None or n < 0 else min(n, self._chunk)
        out = self._data[self._pos:self._pos + n]
        self._pos += len(out)
        return out

    readinto = None


def _sources(tmp_path):
    """Yield (id, source factory, expect spooling) for every kind of source."""
    copy = tmp_path / "copy.csv"
    copy.write_bytes(EXAMPLE)
    prefixed = tmp_path / "prefixed.csv"
    prefixed.write_bytes(b"JUNK BEFORE THE FILE\n" + EXAMPLE)
    unlinked = tmp_path / "unlinked.csv"
    unlinked.write_bytes(EXAMPLE)

    def at_offset():
        f = open(prefixed, "rb")
        f.seek(len(b"JUNK BEFORE THE FILE\n"))
        return f

    def deleted():
        f = open(unlinked, "rb")
        os.unlink(unlinked)
        return f

    def pipe():
        r, w = os.pipe()

        def feed():
            with open(w, "wb") as out:
                out.write(EXAMPLE)

        threading.Thread(target=feed, daemon=True).start()
        return open(r, "rb")

    return [
        ("str path", lambda: str(copy), False),
        ("pathlib path", lambda: copy, False),
        ("open file", lambda: open(copy, "rb"), False),
        ("unbuffered file", lambda: open(copy, "rb", buffering=0), False),
        ("file not at offset 0", at_offset, True),
        ("file whose path is gone", deleted, True),
        ("file opened from a descriptor", lambda: open(os.open(copy, os.O_RDONLY), "rb"), True),
        ("BytesIO", lambda: io.BytesIO(EXAMPLE), True),
        ("read-only stream", lambda: _ReadOnly(EXAMPLE), True),
        ("pipe", pipe, True),
    ]


def test_every_kind_of_source_gives_the_same_state(qc, b3, reference, tmp_path, monkeypatch):
    _, ref_state, ref_report = reference
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))
    for name, make, spooled in _sources(tmp_path):
        src = make()
        events = []
        kb_id = new_kb(qc)
        job = qc.import_quick_responses(kb_id, src, poll_interval=0.05,
                                        progress=lambda *e: events.append(e))
        assert job["status"] == "COMPLETE", name
        assert download(job["url"]) == EXAMPLE, name
        assert kb_state(b3, kb_id) == ref_state, name
        assert report_rows(job["failedRecordReport"]) == ref_report, name
        stages = [e[0] for e in events]
        assert ("spool" in stages) == spooled, (name, stages)
        if spooled:
            assert events[stages.index("spool"):stages.index("upload")][-1] == ("spool", len(EXAMPLE), len(EXAMPLE))
        if hasattr(src, "read"):
            assert src.read() == b"", name  # read to its end
            src.close()
        assert os.listdir(spool_dir) == [], name  # the temporary copy is gone


# ----------------------------------------------------------------------------- progress


def test_progress_callable_receives_the_documented_events(qc):
    kb_id = new_kb(qc)
    events = []
    job = qc.import_quick_responses(kb_id, EXAMPLE_CSV, progress=lambda *e: events.append(e),
                                    poll_interval=0.05, timeout=30)
    assert job["status"] == "COMPLETE"
    size = len(EXAMPLE)
    upload = [e for e in events if e[0] == "upload"]
    wait = [e for e in events if e[0] == "wait"]
    assert [e[0] for e in events] == ["upload"] * len(upload) + ["wait"] * len(wait)
    assert upload[0] == ("upload", 0, size) and upload[-1] == ("upload", size, size)
    assert all(a[1] <= b[1] for a, b in zip(upload, upload[1:]))
    assert all(e[2] == size for e in upload)
    assert wait[0] == ("wait", 0.0, 30)
    assert len(wait) >= 3  # the job stays in progress for 0.2 s, polled every 0.05 s
    assert all(isinstance(e[1], float) and e[2] == 30 for e in wait)
    assert all(a[1] < b[1] for a, b in zip(wait, wait[1:]))

    # wait=False: no wait events.
    events.clear()
    qc.import_quick_responses(new_kb(qc), EXAMPLE_CSV, wait=False, progress=lambda *e: events.append(e))
    assert {e[0] for e in events} == {"upload"}


def sparse_file(path, size):
    """Create a file of `size` zero bytes that takes no disk space; return its path as str."""
    with open(path, "wb") as f:
        f.truncate(size)
    return str(path)


def test_an_exception_from_progress_stops_the_workflow(qc, b3, tmp_path):
    big = sparse_file(tmp_path / "big.csv", 512 * 1024 * 1024)

    class Stop(Exception):
        pass

    def progress(stage, done, total):
        if stage == "upload" and done > 0:
            raise Stop(done, total)

    kb_id = new_kb(qc)
    with pytest.raises(Stop) as ei:
        qc.import_quick_responses(kb_id, big, progress=progress)
    done, total = ei.value.args
    assert 0 < done < total  # stopped in the middle of the upload
    # No import job was started, and the client is still fine.
    assert b3.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"] == []
    assert qc.import_quick_responses(kb_id, EXAMPLE_CSV, poll_interval=0.05)["status"] == "COMPLETE"

    def in_wait(stage, done, total):
        if stage == "wait":
            raise Stop(done)

    with pytest.raises(Stop):
        qc.import_quick_responses(kb_id, EXAMPLE_CSV, progress=in_wait)
    assert len(b3.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]) == 2


class _Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self._tty = tty

    def isatty(self):
        return self._tty


@pytest.mark.parametrize("tty", [False, True], ids=["not a tty", "tty"])
def test_progress_true_without_tqdm_draws_a_plain_bar(qc, monkeypatch, tty):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    err = _Stream(tty)
    monkeypatch.setattr(sys, "stderr", err)
    job = qc.import_quick_responses(new_kb(qc), EXAMPLE_CSV, progress=True, poll_interval=0.05)
    out = err.getvalue()
    assert "Uploaded quick_responses.csv: 12.0 KiB in " in out
    assert "Import job %s: START_IN_PROGRESS" % job["importJobId"] in out
    assert "Import job %s: COMPLETE after " % job["importJobId"] in out
    assert out.endswith("\n")
    if tty:
        assert "\r" in out and "\x1b[K" in out
    else:
        assert "\r" not in out and "\x1b" not in out
        lines = out.splitlines()
        assert lines[0] == "Uploading quick_responses.csv (12.0 KiB)"
        assert len(lines) <= 5  # a few lines, not one per poll


def test_progress_true_uses_tqdm_auto_when_importable(qc, monkeypatch):
    bars = []

    class RecordingBar:
        """Records the calls the workflow makes on tqdm.auto.tqdm."""

        def __init__(self, total=None, desc=None, **kwargs):
            self.total, self.desc, self.kwargs = total, desc, kwargs
            self.n, self.postfix, self.closed = 0, [], False
            bars.append(self)

        def update(self, n):
            self.n += n

        def set_postfix_str(self, text):
            self.postfix.append(text)

        def close(self):
            self.closed = True

    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", types.SimpleNamespace(tqdm=RecordingBar))
    # tqdm draws in a terminal (or a notebook); stderr here is a pipe.
    from qconnect_c import _progress
    monkeypatch.setattr(_progress, "_isatty", lambda stream: True)
    job = qc.import_quick_responses(new_kb(qc), io.BytesIO(EXAMPLE), progress=True, poll_interval=0.05)
    spool, upload, wait = bars
    assert (spool.desc, spool.total, spool.n) == ("Buffering BytesIO", len(EXAMPLE), len(EXAMPLE))
    assert (upload.desc, upload.total, upload.n) == ("Uploading BytesIO", len(EXAMPLE), len(EXAMPLE))
    assert upload.kwargs["unit"] == "B" and upload.kwargs["unit_scale"] is True
    assert wait.desc == "Import job %s" % job["importJobId"] and wait.total is None
    assert wait.postfix[0] == "START_IN_PROGRESS" and wait.postfix[-1] == "COMPLETE"
    assert all(b.closed for b in bars)


def test_progress_true_without_a_terminal_prints_plain_lines(qc, capfd):
    from qconnect_c import _progress
    assert isinstance(_progress.make_reporter(True, "x.csv"), _progress._PlainReporter)
    qc.import_quick_responses(new_kb(qc), EXAMPLE_CSV, progress=True, poll_interval=0.05)
    err = capfd.readouterr().err
    assert "\r" not in err and "Uploaded" in err and "COMPLETE" in err


def test_progress_none_and_false_are_silent(qc, capfd):
    for value in (None, False):
        qc.import_quick_responses(new_kb(qc), EXAMPLE_CSV, progress=value, poll_interval=0.05)
    assert capfd.readouterr() == ("", "")
    with pytest.raises(TypeError, match="progress must be"):
        qc.import_quick_responses(new_kb(qc), EXAMPLE_CSV, progress="yes")


# ----------------------------------------------------------------------------- failures


def test_failed_job_raises_with_the_job_and_its_report(qc, b3):
    kb_id = new_kb(qc)
    rows = ["Empty content,,,,,,,\r\n", ",No name,,,,,,\r\n"]
    with pytest.raises(ImportJobFailedError) as ei:
        qc.import_quick_responses(kb_id, io.BytesIO(csv_bytes(rows)), poll_interval=0.05)
    err = ei.value
    assert isinstance(err, ImportQuickResponsesError)
    assert err.job["status"] == "FAILED" and err.job["knowledgeBaseId"] == kb_id
    seen = b3.get_import_job(knowledgeBaseId=kb_id, importJobId=err.job["importJobId"])["importJob"]
    assert {k: v for k, v in seen.items() if k != "urlExpiry"} == {
        k: v for k, v in err.job.items() if k != "urlExpiry"}
    assert err.failed_record_report == err.job["failedRecordReport"]
    assert str(err) == "Import job %s into knowledge base %s FAILED; failed-record report: %s" % (
        err.job["importJobId"], kb_id, err.failed_record_report)
    assert [(r["lineNumber"], r["failureReason"]) for r in report_rows(err.failed_record_report)] == [
        ("2", "content is empty"), ("3", "name is empty")]
    # The same file imported by hand with boto3 fails the same way.
    by_hand = import_by_hand(b3, new_kb(b3), csv_bytes(rows))
    assert job_shape(by_hand) == job_shape(err.job) and set(by_hand) == set(err.job)
    assert report_rows(by_hand["failedRecordReport"]) == report_rows(err.failed_record_report)

    # A file that can't be read at all fails too; with wait=False nothing is raised.
    job = qc.import_quick_responses(kb_id, io.BytesIO(b"name,content\r\n"), wait=False)
    assert wait_job(b3, kb_id, job["importJobId"])["status"] == "FAILED"
    with pytest.raises(ImportJobFailedError) as ei:
        qc.import_quick_responses(kb_id, io.BytesIO(b"\xff\xfe not utf-8"), poll_interval=0.05)
    assert len(report_rows(ei.value.failed_record_report)) == 1


def test_upload_error_names_the_status_and_the_body(emu, b3, monkeypatch):
    client = make_qc(emu.url)
    original = client.start_content_upload

    def wrong_header(**kwargs):
        reply = original(**kwargs)
        reply["headersToInclude"] = {"content-type": "text/plain"}
        return reply

    monkeypatch.setattr(client, "start_content_upload", wrong_header)
    kb_id = new_kb(client)
    with pytest.raises(UploadError) as ei:
        client.import_quick_responses(kb_id, EXAMPLE_CSV)
    err = ei.value
    assert err.status == 403 and err.code == "SignatureDoesNotMatch"
    assert err.error_message and err.error_message in str(err)
    assert str(err).startswith("Upload failed: HTTP 403 Forbidden (SignatureDoesNotMatch: ")
    assert "response body: '<?xml" in str(err)
    assert b"<Code>SignatureDoesNotMatch</Code>" in err.body
    assert err.headers["content-type"] == "application/xml"
    assert "?" not in err.url and "token" not in str(err)  # the URL's credentials stay out of the message
    assert b3.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"] == []
    assert pickle.loads(pickle.dumps(err)).status == 403


def test_upload_to_an_expired_url(monkeypatch):
    with qconnect_c.local.running(credentials=["%s:%s" % (AKID, SECRET)]) as e:
        client = make_qc(e.url)
        original = client.start_content_upload

        def then_wait_an_hour(**kwargs):
            reply = original(**kwargs)
            e.advance_time(3601)
            return reply

        monkeypatch.setattr(client, "start_content_upload", then_wait_an_hour)
        with pytest.raises(UploadError) as ei:
            client.import_quick_responses(new_kb(client), EXAMPLE_CSV)
        assert (ei.value.status, ei.value.code, ei.value.error_message) == (403, "AccessDenied", "Request has expired")


def test_upload_connection_error_is_the_clients(emu, monkeypatch):
    client = make_qc(emu.url)
    original = client.start_content_upload
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead_port = s.getsockname()[1]

    def dead_url(**kwargs):
        reply = original(**kwargs)
        reply["url"] = "http://127.0.0.1:%d/upload" % dead_port
        return reply

    monkeypatch.setattr(client, "start_content_upload", dead_url)
    with pytest.raises(EndpointConnectionError) as ei:
        client.import_quick_responses(new_kb(client), EXAMPLE_CSV)
    assert "127.0.0.1:%d" % dead_port in str(ei.value)


def test_service_errors_are_the_clients(qc):
    with pytest.raises(qc.exceptions.ResourceNotFoundException):
        qc.import_quick_responses(str(uuid.uuid4()), EXAMPLE_CSV)
    with pytest.raises(qc.exceptions.ValidationException):
        qc.import_quick_responses(new_kb(qc, "MESSAGE_TEMPLATES"), EXAMPLE_CSV)
    kb_id = new_kb(qc)
    with pytest.raises(qc.exceptions.ValidationException) as ei:
        qc.import_quick_responses(kb_id, EXAMPLE_CSV, metadata={"k%d" % i: "v" for i in range(11)})
    assert "metadata" in str(ei.value)


def test_bad_arguments_fail_before_any_request(qc, tmp_path):
    kb_id = new_kb(qc)
    with pytest.raises(FileNotFoundError):
        qc.import_quick_responses(kb_id, str(tmp_path / "missing.csv"))
    with pytest.raises(IsADirectoryError):
        qc.import_quick_responses(kb_id, str(tmp_path))
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(ValueError, match="not a regular file"):
        qc.import_quick_responses(kb_id, tmp_path / "fifo")
    with pytest.raises(TypeError, match="io.BytesIO"):
        qc.import_quick_responses(kb_id, EXAMPLE)
    with open(EXAMPLE_CSV, "r", encoding="utf-8") as text:
        with pytest.raises(TypeError, match="binary mode"):
            qc.import_quick_responses(kb_id, text)
    with pytest.raises(TypeError, match="a path or a binary file object"):
        qc.import_quick_responses(kb_id, 42)
    with pytest.raises(ValueError, match="poll_interval"):
        qc.import_quick_responses(kb_id, EXAMPLE_CSV, poll_interval=0)
    with pytest.raises(ValueError, match="timeout"):
        qc.import_quick_responses(kb_id, EXAMPLE_CSV, timeout=-1)
    with pytest.raises(TypeError, match="qconnect_c client"):
        workflow.import_quick_responses(make_boto3(qc.meta.endpoint_url), kb_id, EXAMPLE_CSV)
    assert qc.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"] == []


# ----------------------------------------------------------------------------- timeout and Ctrl-C


def test_timeout_raises_with_the_last_job(slow_emu):
    client = make_qc(slow_emu.url)
    kb_id = new_kb(client)
    started = time.monotonic()
    with pytest.raises(ImportJobTimeoutError) as ei:
        client.import_quick_responses(kb_id, EXAMPLE_CSV, poll_interval=0.1, timeout=0.5)
    took = time.monotonic() - started
    err = ei.value
    assert isinstance(err, TimeoutError) and isinstance(err, ImportQuickResponsesError)
    assert 0.5 <= took < 5
    assert err.timeout == 0.5 and err.job["status"] == "START_IN_PROGRESS"
    assert str(err).startswith("Import job %s into knowledge base %s is still START_IN_PROGRESS after 0.5s"
                               % (err.job["importJobId"], kb_id))
    # The job goes on in the service.
    job = client.get_import_job(knowledgeBaseId=kb_id, importJobId=err.job["importJobId"])["importJob"]
    assert job["status"] == "START_IN_PROGRESS"
    again = pickle.loads(pickle.dumps(err))
    assert again.job == err.job and str(again) == str(err)

    with pytest.raises(ImportJobTimeoutError):
        client.import_quick_responses(kb_id, EXAMPLE_CSV, timeout=0)


CTRL_C_SCRIPT = textwrap.dedent("""
    import sys, time
    import qconnect_c

    url, kb_id, path, akid, secret, when = sys.argv[1:]
    client = qconnect_c.client("qconnect", region_name="us-east-1", endpoint_url=url,
                               aws_access_key_id=akid, aws_secret_access_key=secret)
    events = []

    def progress(stage, done, total):
        if stage == when and done > 0 and not events:
            print("ready", flush=True)
        if stage == when and done > 0:
            events.append((done, total))

    try:
        client.import_quick_responses(kb_id, path, progress=progress, poll_interval=0.2, timeout=300)
    except KeyboardInterrupt:
        done, total = events[-1]
        print("interrupted %s at %s of %s" % (when, done, total), flush=True)
        sys.exit(130)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("when", ["wait", "upload"])
def test_ctrl_c_interrupts_the_workflow(slow_emu, tmp_path, when):
    client = make_qc(slow_emu.url)
    kb_id = new_kb(client)
    path = EXAMPLE_CSV if when == "wait" else sparse_file(tmp_path / "big.csv", 1000 * 1024 * 1024)
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", CTRL_C_SCRIPT, slow_emu.url, kb_id, path, AKID, SECRET, when],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout.readline() == "ready\n"
        time.sleep(0.1 if when == "wait" else 0.01)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert out.startswith("interrupted %s at " % when)
    assert took < 5
    jobs = client.list_import_jobs(knowledgeBaseId=kb_id)["importJobSummaries"]
    if when == "wait":  # the job goes on in the service
        assert [j["status"] for j in jobs] == ["START_IN_PROGRESS"]
    else:  # stopped before the end of the upload: no job
        done, total = map(int, out.split()[3::2])
        assert done < total
        assert jobs == []


# ----------------------------------------------------------------------------- many at once, big files


@pytest.mark.parametrize("sharing", ["one shared client", "a client per thread"])
def test_concurrent_imports_into_different_knowledge_bases(emu, b3, sharing):
    shared = make_qc(emu.url)
    n_kbs, n_rows = 4, 200
    kbs = [new_kb(shared) for _ in range(n_kbs)]
    results, errors, events = {}, [], {k: [] for k in kbs}

    def worker(kb_id):
        try:
            client = shared if sharing == "one shared client" else make_qc(emu.url)
            data = csv_bytes("%s reply %d,Text %d,,,,en_US,Chat,true\r\n" % (kb_id[:8], i, i) for i in range(n_rows))
            results[kb_id] = client.import_quick_responses(
                kb_id, io.BytesIO(data), poll_interval=0.05, timeout=60,
                progress=lambda *e: events[kb_id].append(e))
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in kbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    assert not errors, errors
    for kb_id in kbs:
        job = results[kb_id]
        assert job["status"] == "COMPLETE" and job["knowledgeBaseId"] == kb_id
        assert "failedRecordReport" not in job
        names = {q["name"] for q in list_all(b3, "list_quick_responses", "quickResponseSummaries",
                                             knowledgeBaseId=kb_id)}
        assert names == {"%s reply %d" % (kb_id[:8], i) for i in range(n_rows)}
        assert events[kb_id][-1][0] == "wait"


def _rss(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no %s in /proc/self/status" % field)


@pytest.fixture(scope="module")
def emu_process():
    """An emulator in another process, so that only the client runs in this one."""
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "qconnect_c.local", "--credentials", "%s:%s" % (AKID, SECRET),
                             "--processing-delay", "0.05"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    url = proc.stdout.readline().strip()
    assert url.startswith("http://")
    yield url
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_a_10_mb_csv_is_uploaded_with_flat_memory(emu_process, tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        while f.tell() < 10 * 1024 * 1024:
            f.write("Response %06d,%s,,,,en_US,Chat;Email,true\r\n" % (rows, ("Lorem ipsum %d " % rows) * 60))
            rows += 1
    size = path.stat().st_size
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    client = make_qc(emu_process)
    client.import_quick_responses(new_kb(client), io.BytesIO(b"name,content\r\nwarm,up\r\n"), poll_interval=0.05)

    def measure(source, **kwargs):
        kb_id = new_kb(client)
        sent = []
        rss_before = _rss("VmRSS")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the peak RSS (VmHWM) to the current RSS
        tracemalloc.start()
        try:
            job = client.import_quick_responses(kb_id, source, progress=lambda s, d, t: sent.append((s, d)),
                                                **kwargs)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        rss_growth = _rss("VmHWM") - rss_before
        assert ("upload", size) in sent
        return kb_id, job, peak, rss_growth

    kb_id, job, peak, rss_growth = measure(str(path), poll_interval=0.1, timeout=120)
    assert job["status"] == "COMPLETE" and "failedRecordReport" not in job
    assert peak < 256 * 1024, "Python allocations peaked at %d bytes" % peak
    assert rss_growth < 4 * 1024 * 1024, "RSS grew by %d bytes" % rss_growth
    page = client.list_quick_responses(knowledgeBaseId=kb_id, maxResults=100)
    assert page["quickResponseSummaries"][0]["name"] == "Response 000000"

    # A file object without a usable path is copied to a temporary file in chunks first.
    with open(os.open(path, os.O_RDONLY), "rb") as f:
        kb_id, job, peak, rss_growth = measure(f, wait=False)
    assert job["status"] == "START_IN_PROGRESS"
    assert peak < 1024 * 1024, "Python allocations peaked at %d bytes" % peak
    assert rss_growth < 4 * 1024 * 1024, "RSS grew by %d bytes" % rss_growth
    assert [p for p in os.listdir(tmp_path) if p.startswith("qconnect-upload-")] == []
    assert wait_job(client, kb_id, job["importJobId"], timeout=120)["status"] == "COMPLETE"


# ----------------------------------------------------------------------------- odds and ends


def test_the_client_method_is_the_workflow(qc):
    assert type(qc).import_quick_responses.__doc__
    err = ImportJobFailedError({"importJobId": "j", "knowledgeBaseId": "k", "status": "FAILED"})
    assert err.failed_record_report is None
    assert str(err) == "Import job j into knowledge base k FAILED"
    assert pickle.loads(pickle.dumps(err)).job == err.job


def test_format_bytes():
    assert [_progress.format_bytes(n) for n in (0, 1023, 1024, 1536, 10 * 1024 ** 2, 3 * 1024 ** 3)] == [
        "0 B", "1023 B", "1.0 KiB", "1.5 KiB", "10.0 MiB", "3.0 GiB"]
