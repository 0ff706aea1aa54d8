"""The quick-response import workflow in one call.

Importing quick responses into Amazon Q in Connect takes four steps:
StartContentUpload, an HTTP ``PUT`` of the CSV file to the URL it returns
(with the headers it returns), StartImportJob, and GetImportJob until the
job is done. :func:`import_quick_responses` does all of them::

    import qconnect_c

    client = qconnect_c.client("qconnect", region_name="us-east-1")
    job = client.import_quick_responses(kb_id, "quick_responses.csv", progress=True)
    print(job["status"], job.get("failedRecordReport"))

The upload goes through the C core: the file is streamed from disk, never
read whole into memory. See docs/workflow.md.
"""

import errno
import html
import http
import io
import os
import re
import stat
import tempfile
import time

from qconnect_c import _progress

__all__ = [
    "import_quick_responses",
    "ImportQuickResponsesError",
    "UploadError",
    "ImportJobFailedError",
    "ImportJobTimeoutError",
    "CONTENT_TYPE",
]

#: The content type the CSV file is uploaded with.
CONTENT_TYPE = "text/csv"

_IN_PROGRESS = "START_IN_PROGRESS"
_SPOOL_CHUNK = 256 * 1024
_EXCERPT_CHARS = 300


# ----------------------------------------------------------------------------- errors


class ImportQuickResponsesError(Exception):
    """Root of the errors raised by :func:`import_quick_responses` itself
    (service errors are the client's usual ``ClientError`` subclasses)."""


class UploadError(ImportQuickResponsesError):
    """The HTTP ``PUT`` of the file was answered with a non-2xx status.

    :ivar status: the HTTP status code (``int``).
    :ivar code: the error code of an S3-style XML body (``"AccessDenied"``),
        or ``None``.
    :ivar error_message: the ``<Message>`` of that body, or ``None``.
    :ivar body: the response body (``bytes``).
    :ivar headers: the response headers (``dict``, lower-case names).
    :ivar url: the upload URL without its query string (which holds the
        upload's credentials).
    """

    def __init__(self, status, body=b"", headers=None, url=""):
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        self.url = url.split("?", 1)[0]
        self.code, self.error_message = _xml_error(body)
        try:
            reason = " " + http.HTTPStatus(status).phrase
        except ValueError:
            reason = ""
        what = ""
        if self.code or self.error_message:
            what = " (%s)" % ": ".join(x for x in (self.code, self.error_message) if x)
        excerpt = body[:_EXCERPT_CHARS].decode("utf-8", "replace")
        if len(body) > _EXCERPT_CHARS:
            excerpt += "..."
        msg = "Upload failed: HTTP %d%s%s from PUT %s" % (status, reason, what, self.url)
        msg += "; response body: %r" % excerpt if excerpt else "; empty response body"
        super().__init__(msg)

    def __reduce__(self):
        return (UploadError, (self.status, self.body, self.headers, self.url))


class ImportJobFailedError(ImportQuickResponsesError):
    """The import job ended ``FAILED``.

    :ivar job: the final ``importJob`` dict (as GetImportJob returns it).
    :ivar failed_record_report: the URL of the failed-record report, or
        ``None`` when the job has none.
    """

    def __init__(self, job):
        self.job = job
        self.failed_record_report = job.get("failedRecordReport")
        msg = "Import job %s into knowledge base %s FAILED" % (
            job.get("importJobId"), job.get("knowledgeBaseId"))
        if self.failed_record_report:
            msg += "; failed-record report: %s" % self.failed_record_report
        super().__init__(msg)

    def __reduce__(self):
        return (ImportJobFailedError, (self.job,))


class ImportJobTimeoutError(ImportQuickResponsesError, TimeoutError):
    """The import job was still ``START_IN_PROGRESS`` when ``timeout`` ran out.

    The job goes on in the service; poll GetImportJob to follow it.

    :ivar job: the last ``importJob`` dict seen.
    :ivar timeout: the timeout, in seconds.
    """

    def __init__(self, job, timeout):
        self.job = job
        self.timeout = timeout
        super().__init__(
            "Import job %s into knowledge base %s is still %s after %gs; it goes on "
            "in the service (follow it with get_import_job)" % (
                job.get("importJobId"), job.get("knowledgeBaseId"), job.get("status"), timeout))

    def __reduce__(self):
        return (ImportJobTimeoutError, (self.job, self.timeout))


def _xml_error(body):
    """Return (code, message) of an S3-style XML error body, each None if absent."""
    text = body[:65536].decode("utf-8", "replace")
    found = []
    for tag in ("Code", "Message"):
        m = re.search(r"<%s>(.*?)</%s>" % (tag, tag), text, re.S)
        found.append(html.unescape(m.group(1).strip()) if m else None)
    return found[0], found[1]


def _parse_headers(text):
    """Return a dict (lower-case names) of "name: value" lines joined by CRLF."""
    out = {}
    for line in text.split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


# ----------------------------------------------------------------------------- sources


def _regular_file(path):
    """Check that `path` is a readable regular file (FileNotFoundError,
    IsADirectoryError, PermissionError, ValueError otherwise)."""
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    if not stat.S_ISREG(st.st_mode):  # opening a FIFO could block: don't
        raise ValueError("source %r is not a regular file; pass it as an open binary "
                         "file object instead" % path)
    with open(path, "rb"):
        pass


def _path_of(fobj):
    """Return the path of a file object that can be uploaded by path as is
    (a regular file at offset 0 whose name still names it), else None."""
    name = getattr(fobj, "name", None)
    if not isinstance(name, (str, bytes)):
        return None
    try:
        flush = getattr(fobj, "flush", None)
        if flush is not None:
            flush()
        st = os.fstat(fobj.fileno())
        if not stat.S_ISREG(st.st_mode) or fobj.tell() != 0:
            return None
        path = os.fsdecode(name)
        named = os.stat(path)
        if (named.st_dev, named.st_ino) != (st.st_dev, st.st_ino):
            return None
        if not os.access(path, os.R_OK):
            return None
        return path
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None


def _remaining(fobj):
    """Return the bytes left from the position of a seekable file object, or None."""
    try:
        if not fobj.seekable():
            return None
        here = fobj.tell()
        end = fobj.seek(0, os.SEEK_END)
        fobj.seek(here)
        return max(0, end - here)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None


def _spool(fobj, reporter):
    """Copy a binary file object, from its position to its end, to a new
    temporary file in fixed-size chunks; return the temporary file's path
    (the caller removes it)."""
    total = _remaining(fobj)
    fd, tmp = tempfile.mkstemp(prefix="qconnect-upload-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as out:
            readinto = getattr(fobj, "readinto", None)
            buf = bytearray(_SPOOL_CHUNK)
            view = memoryview(buf)
            done = 0
            reporter.spool(0, total)
            while True:
                if readinto is not None:
                    n = readinto(view)
                    if n is None:  # a non-blocking stream with nothing yet
                        time.sleep(0.01)
                        continue
                    if not n:
                        break
                    out.write(view[:n])
                else:
                    data = fobj.read(_SPOOL_CHUNK)
                    if isinstance(data, str):
                        raise TypeError("source must be opened in binary mode ('rb'), "
                                        "not text mode")
                    if not data:
                        break
                    n = len(data)
                    out.write(data)
                    del data
                done += n
                reporter.spool(done, total if total is not None and done <= total else None)
            view.release()
        if total is None or done != total:
            reporter.spool(done, done)
        return tmp
    except BaseException:
        os.unlink(tmp)
        raise


def _describe(source):
    """Return (kind, label) of a source: kind "path" or "file"."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        raise TypeError("source must be a path or a binary file object, not %s; "
                        "wrap bytes in io.BytesIO" % type(source).__name__)
    if isinstance(source, (str, os.PathLike)):
        path = os.fsdecode(os.fspath(source))
        return "path", os.path.basename(path) or path
    if isinstance(source, io.TextIOBase):
        raise TypeError("source must be opened in binary mode ('rb'), not text mode")
    if callable(getattr(source, "read", None)):
        name = getattr(source, "name", None)
        if isinstance(name, (str, bytes)):
            return "file", os.path.basename(os.fsdecode(name)) or "file"
        return "file", type(source).__name__
    raise TypeError("source must be a path or a binary file object, not %s"
                    % type(source).__name__)


# ----------------------------------------------------------------------------- workflow


def import_quick_responses(client, knowledgeBaseId, source, *, wait=True, progress=None,
                           metadata=None, externalSourceConfiguration=None, clientToken=None,
                           poll_interval=1.0, timeout=600):
    """Import a CSV file of quick responses into a ``QUICK_RESPONSES``
    knowledge base, and return the import job.

    :param client: a qconnect_c QConnect client.
    :param knowledgeBaseId: id or ARN of the knowledge base.
    :param source: the CSV file: a path (``str`` or ``os.PathLike``), or a
        binary file object, read from its current position to its end. An
        open regular file at offset 0 is uploaded straight from its path;
        any other object (``io.BytesIO``, a pipe, a file not at offset 0)
        is first copied in 256 KiB chunks to a temporary file that is
        removed afterwards.
    :param wait: poll GetImportJob until the job leaves ``START_IN_PROGRESS``
        and return its final state; with ``False``, return StartImportJob's
        ``importJob`` (status ``START_IN_PROGRESS``) at once.
    :param progress: ``None``/``False`` (silent), ``True`` (a progress bar
        on standard error; tqdm when installed) or a callable
        ``progress(stage, done, total)``; see :mod:`qconnect_c._progress`.
    :param metadata, externalSourceConfiguration, clientToken: passed to
        StartImportJob when not ``None``.
    :param poll_interval: seconds between two GetImportJob calls.
    :param timeout: seconds to wait for the job once it has started (the
        upload is not counted), or ``None`` to wait for ever.
    :returns: the ``importJob`` dict (without ``ResponseMetadata``). A job
        that ends ``COMPLETE`` may still have failed rows: they are listed
        in the CSV file at its ``failedRecordReport`` URL.
    :raises ImportJobFailedError: the job ended ``FAILED``.
    :raises ImportJobTimeoutError: the job was still in progress after
        ``timeout`` seconds.
    :raises UploadError: the upload URL answered a non-2xx status.
    :raises FileNotFoundError, TypeError, ValueError: a bad ``source`` or
        argument (before any request is sent).

    Service errors (``client.exceptions.ValidationException``, ...) and
    connection errors are raised as by the client's own methods.
    """
    if not hasattr(client, "_core"):
        raise TypeError("import_quick_responses needs a qconnect_c client "
                        "(qconnect_c.client('qconnect', ...)), not %s" % type(client).__name__)
    if not isinstance(poll_interval, (int, float)) or not poll_interval > 0:
        raise ValueError("poll_interval must be a number of seconds > 0, not %r" % (poll_interval,))
    if timeout is not None and (not isinstance(timeout, (int, float)) or timeout < 0):
        raise ValueError("timeout must be None or a number of seconds >= 0, not %r" % (timeout,))
    kind, label = _describe(source)
    upload_path = None
    if kind == "path":
        upload_path = os.fsdecode(os.fspath(source))
        _regular_file(upload_path)
    else:
        upload_path = _path_of(source)

    reporter = _progress.make_reporter(progress, label)
    tmp_path = None
    try:
        if upload_path is None:
            tmp_path = upload_path = _spool(source, reporter)
        up = client.start_content_upload(knowledgeBaseId=knowledgeBaseId,
                                         contentType=CONTENT_TYPE)
        _upload(client, up["url"], up.get("headersToInclude") or {}, upload_path, reporter)
        if kind == "file" and tmp_path is None:
            source.seek(0, os.SEEK_END)  # read to the end, as when spooled
        if tmp_path is not None:
            os.unlink(tmp_path)
            tmp_path = None

        params = {"knowledgeBaseId": knowledgeBaseId, "importJobType": "QUICK_RESPONSES",
                  "uploadId": up["uploadId"]}
        for key, value in (("metadata", metadata),
                           ("externalSourceConfiguration", externalSourceConfiguration),
                           ("clientToken", clientToken)):
            if value is not None:
                params[key] = value
        job = client.start_import_job(**params)["importJob"]
        if not wait:
            return job
        return _wait(client, knowledgeBaseId, job, poll_interval, timeout, reporter)
    finally:
        reporter.close()
        if tmp_path is not None:
            try:
                os.unlink(tmp_path)
            except OSError:
                pass


def _upload(client, url, headers, path, reporter):
    """PUT the file at `path` to `url` with `headers` through the C core;
    raise UploadError on a non-2xx reply."""
    headers = {str(k): str(v) for k, v in headers.items()}
    total = os.path.getsize(path)
    reporter.upload(0, total)
    callback = None if type(reporter) is _progress.Silent else reporter.upload
    status, header_text, body = client._core.upload_file(url, headers, path, callback)
    if not 200 <= status < 300:
        raise UploadError(status, body, _parse_headers(header_text), url)
    reporter.upload(total, total)


def _wait(client, knowledgeBaseId, job, poll_interval, timeout, reporter):
    """Poll GetImportJob until `job` leaves START_IN_PROGRESS; return its final state."""
    start = time.monotonic()
    deadline = None if timeout is None else start + timeout
    reporter.job_started(job, timeout)
    while job["status"] == _IN_PROGRESS:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            raise ImportJobTimeoutError(job, timeout)
        time.sleep(poll_interval if deadline is None else min(poll_interval, deadline - now))
        job = client.get_import_job(knowledgeBaseId=knowledgeBaseId,
                                    importJobId=job["importJobId"])["importJob"]
        reporter.job_polled(job, time.monotonic() - start)
    reporter.job_finished(job, time.monotonic() - start)
    if job["status"] == "FAILED":
        raise ImportJobFailedError(job)
    return job
