"""The emulated operations: knowledge bases, content uploads, import jobs, quick responses.

Each operation takes the request parameters (already checked against the
model) and a RequestContext, and returns (HTTP status, response dict or None).
Failures raise ServiceError with the service's error code.
"""

import base64
import binascii
import json
import os
import re
import secrets
import sqlite3
import sys
import threading
import time
import traceback
import uuid

from .csvimport import DEFAULT_CONTENT_TYPE, FileProblem, QuickResponseReader, ReportWriter, RowProblem
from .model import ERROR_STATUS

_UUID_RE = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")
_ARN_TAIL_RE = re.compile(r"^arn:[a-z-]*?:wisdom:[a-z0-9-]*?:[0-9]{12}:([a-z-]*?)/(.+)$")

DEFAULT_MAX_RESULTS = 100
DEFAULT_UPLOAD_TTL_MINUTES = 60
DOWNLOAD_URL_TTL = 3600
IN_PROGRESS = "START_IN_PROGRESS"

_KB_OPTIONAL = (
    "description",
    "sourceConfiguration",
    "renderingConfiguration",
    "vectorIngestionConfiguration",
    "serverSideEncryptionConfiguration",
    "tags",
)
_KB_SUMMARY_OPTIONAL = _KB_OPTIONAL


class ServiceError(Exception):
    """An error reply: error code, message and HTTP status (from the model when modeled)."""

    def __init__(self, code, message, status=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else ERROR_STATUS.get(code, 400)


class RequestContext:
    """What an operation needs to know about the request beyond its parameters."""

    def __init__(self, base_url, region, access_key_id=None):
        self.base_url = base_url
        self.region = region
        self.access_key_id = access_key_id


def _ts(value):
    """Return a stored epoch time as the reply's epoch-seconds number (millisecond precision)."""
    return round(value, 3)


def _fingerprint(params, drop=("clientToken",)):
    """Return a canonical text of request parameters for idempotency comparison."""
    return json.dumps({k: v for k, v in params.items() if k not in drop and v is not None}, sort_keys=True)


def _encode_token(seq):
    """Return the opaque pagination token that resumes after row `seq`."""
    return base64.urlsafe_b64encode(("qc1:%d" % seq).encode("ascii")).decode("ascii")


def _decode_token(token):
    """Return the row sequence a pagination token resumes after; raise ValidationException."""
    try:
        text = base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii")
        prefix, _, number = text.partition(":")
        if prefix != "qc1":
            raise ValueError(token)
        return int(number)
    except (ValueError, UnicodeError, binascii.Error):
        raise ServiceError("ValidationException", "Invalid pagination token: '%s'" % token)


class Service:
    """State and behaviour of one emulated account (all regions share one store)."""

    def __init__(self, store, account_id="123456789012", max_jobs_in_progress=5, processing_delay=0.2,
                 log=None):
        self.store = store
        self.account_id = account_id
        self.max_jobs_in_progress = max_jobs_in_progress
        self.processing_delay = processing_delay
        self.time_offset = 0.0
        self._log = log or (lambda text: None)
        self._stop = threading.Event()
        self._jobs_lock = threading.Lock()
        self._job_threads = {}

    # ----------------------------------------------------------------- helpers

    def now(self):
        """Return the service clock in epoch seconds (wall clock plus any test offset)."""
        return time.time() + self.time_offset

    def _arn(self, region, kind, *ids):
        """Return a wisdom ARN for a resource of `kind` identified by `ids`."""
        partition = "aws-cn" if region.startswith("cn-") else "aws"
        return "arn:%s:wisdom:%s:%s:%s/%s" % (partition, region, self.account_id, kind, "/".join(ids))

    def _caller_arn(self):
        """Return the identity recorded as lastModifiedBy."""
        return "arn:aws:iam::%s:root" % self.account_id

    @staticmethod
    def _not_found(what, ident):
        return ServiceError("ResourceNotFoundException", "%s not found: %s" % (what, ident))

    def _kb(self, conn, ident):
        """Return the knowledge-base row named by an id or ARN; raise ResourceNotFoundException."""
        if _UUID_RE.match(ident):
            row = conn.execute("SELECT * FROM knowledge_bases WHERE id = ?", (ident,)).fetchone()
        else:
            row = conn.execute("SELECT * FROM knowledge_bases WHERE arn = ?", (ident,)).fetchone()
        if row is None:
            raise self._not_found("Knowledge base", ident)
        return row

    @staticmethod
    def _require_quick_responses(kb, action):
        """Raise ValidationException unless the knowledge base is of type QUICK_RESPONSES."""
        if kb["kb_type"] != "QUICK_RESPONSES":
            raise ServiceError(
                "ValidationException",
                "%s requires a knowledge base of type QUICK_RESPONSES; knowledge base %s is of type %s."
                % (action, kb["id"], kb["kb_type"]),
            )

    def _idempotent(self, conn, operation, token, fingerprint):
        """Return the resource id recorded for (operation, token) or None; ConflictException on mismatch."""
        if not token:
            return None
        row = conn.execute(
            "SELECT fingerprint, resource_id FROM idempotency WHERE operation = ? AND token = ?",
            (operation, token),
        ).fetchone()
        if row is None:
            return None
        if row["fingerprint"] != fingerprint:
            raise ServiceError(
                "ConflictException",
                "The clientToken '%s' was already used for a %s request with different parameters."
                % (token, operation),
            )
        return row["resource_id"]

    @staticmethod
    def _remember(conn, operation, token, fingerprint, resource_id):
        """Record the resource created for (operation, token)."""
        if token:
            conn.execute(
                "INSERT OR REPLACE INTO idempotency (operation, token, fingerprint, resource_id) VALUES (?, ?, ?, ?)",
                (operation, token, fingerprint, resource_id),
            )

    @staticmethod
    def _page(conn, sql, args, params):
        """Return (rows, nextToken or None) for a seq-ordered listing query with paging parameters."""
        limit = params.get("maxResults") or DEFAULT_MAX_RESULTS
        after = _decode_token(params["nextToken"]) if params.get("nextToken") else 0
        rows = conn.execute(sql + " AND seq > ? ORDER BY seq LIMIT ?", tuple(args) + (after, limit + 1)).fetchall()
        token = None
        if len(rows) > limit:
            rows = rows[:limit]
            token = _encode_token(rows[-1]["seq"])
        return rows, token

    # ----------------------------------------------------------------- shapes

    @staticmethod
    def _kb_data(row, summary=False):
        """Return KnowledgeBaseData (or KnowledgeBaseSummary) for a row."""
        out = {
            "knowledgeBaseId": row["id"],
            "knowledgeBaseArn": row["arn"],
            "name": row["name"],
            "knowledgeBaseType": row["kb_type"],
            "status": row["status"],
        }
        extra = json.loads(row["extra"])
        for key in _KB_OPTIONAL:
            if key in extra:
                out[key] = extra[key]
        if not summary and row["content_modified"] is not None:
            out["lastContentModificationTime"] = _ts(row["content_modified"])
        return out

    def _file_url(self, ctx, kind, name, token):
        """Return the emulator's own download URL for a stored file."""
        return "%s/_files/%s/%s?token=%s" % (ctx.base_url, kind, name, token)

    def _job_data(self, conn, row, kb, ctx, summary=False):
        """Return ImportJobData (or ImportJobSummary) for a job row (conn reads the upload)."""
        out = {
            "importJobId": row["id"],
            "knowledgeBaseId": kb["id"],
            "uploadId": row["upload_id"],
            "knowledgeBaseArn": kb["arn"],
            "importJobType": row["job_type"],
            "status": row["status"],
            "createdTime": _ts(row["created"]),
            "lastModifiedTime": _ts(row["modified"]),
        }
        if row["metadata"] is not None:
            out["metadata"] = json.loads(row["metadata"])
        if row["external"] is not None:
            out["externalSourceConfiguration"] = json.loads(row["external"])
        if summary:
            return out
        upload = conn.execute("SELECT token FROM uploads WHERE upload_id = ?", (row["upload_id"],)).fetchone()
        token = upload["token"] if upload is not None else "-"
        out["url"] = self._file_url(ctx, "uploads", row["upload_id"], token)
        out["urlExpiry"] = _ts(float(int(self.now())) + DOWNLOAD_URL_TTL)
        if row["report"] is not None:
            out["failedRecordReport"] = self._file_url(ctx, "reports", row["id"], row["report_token"])
        return out

    @staticmethod
    def _qr_data(row, kb, summary=False):
        """Return QuickResponseData (or QuickResponseSummary) for a row."""
        out = {
            "quickResponseArn": kb["arn"].replace(":knowledge-base/", ":quick-response/", 1) + "/" + row["id"],
            "quickResponseId": row["id"],
            "knowledgeBaseArn": kb["arn"],
            "knowledgeBaseId": kb["id"],
            "name": row["name"],
            "contentType": row["content_type"],
            "status": "CREATED",
            "createdTime": _ts(row["created"]),
            "lastModifiedTime": _ts(row["modified"]),
        }
        if not summary:
            kind = "markdown" if row["content_type"].endswith("format=markdown") else "plainText"
            out["contents"] = {kind: {"content": row["content"]}}
        if row["description"] is not None:
            out["description"] = row["description"]
        if not summary and row["grouping"] is not None:
            out["groupingConfiguration"] = json.loads(row["grouping"])
        if not summary and row["shortcut_key"] is not None:
            out["shortcutKey"] = row["shortcut_key"]
        out["lastModifiedBy"] = row["modified_by"]
        out["isActive"] = bool(row["is_active"])
        if row["channels"] is not None:
            out["channels"] = json.loads(row["channels"])
        if not summary and row["language"] is not None:
            out["language"] = row["language"]
        if row["tags"] is not None:
            out["tags"] = json.loads(row["tags"])
        return out

    # ----------------------------------------------------------------- knowledge bases

    def CreateKnowledgeBase(self, params, ctx):
        token = params.get("clientToken")
        fp = _fingerprint(params)
        with self.store.write() as conn:
            existing = self._idempotent(conn, "CreateKnowledgeBase", token, fp)
            if existing is not None:
                row = conn.execute("SELECT * FROM knowledge_bases WHERE id = ?", (existing,)).fetchone()
                if row is not None:
                    return 200, {"knowledgeBase": self._kb_data(row)}
            kb_id = str(uuid.uuid4())
            extra = {k: params[k] for k in _KB_OPTIONAL if params.get(k) is not None}
            conn.execute(
                "INSERT INTO knowledge_bases (id, arn, name, kb_type, status, extra, created) "
                "VALUES (?, ?, ?, ?, 'ACTIVE', ?, ?)",
                (kb_id, self._arn(ctx.region, "knowledge-base", kb_id), params["name"],
                 params["knowledgeBaseType"], json.dumps(extra), self.now()),
            )
            self._remember(conn, "CreateKnowledgeBase", token, fp, kb_id)
            row = conn.execute("SELECT * FROM knowledge_bases WHERE id = ?", (kb_id,)).fetchone()
        return 200, {"knowledgeBase": self._kb_data(row)}

    def GetKnowledgeBase(self, params, ctx):
        with self.store.connection() as conn:
            return 200, {"knowledgeBase": self._kb_data(self._kb(conn, params["knowledgeBaseId"]))}

    def ListKnowledgeBases(self, params, ctx):
        with self.store.connection() as conn:
            rows, token = self._page(conn, "SELECT * FROM knowledge_bases WHERE 1", (), params)
        out = {"knowledgeBaseSummaries": [self._kb_data(r, summary=True) for r in rows]}
        if token:
            out["nextToken"] = token
        return 200, out

    def DeleteKnowledgeBase(self, params, ctx):
        files = []
        with self.store.write() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            busy = conn.execute(
                "SELECT COUNT(*) FROM import_jobs WHERE kb_id = ? AND status = ?", (kb["id"], IN_PROGRESS)
            ).fetchone()[0]
            if busy:
                raise ServiceError(
                    "ConflictException",
                    "Knowledge base %s has %d import job(s) in progress; delete it when they finish."
                    % (kb["id"], busy),
                )
            files += [r["file"] for r in conn.execute("SELECT file FROM uploads WHERE kb_id = ?", (kb["id"],))]
            files += [r["report"] for r in conn.execute(
                "SELECT report FROM import_jobs WHERE kb_id = ? AND report IS NOT NULL", (kb["id"],))]
            for table in ("uploads", "import_jobs", "quick_responses"):
                conn.execute("DELETE FROM %s WHERE kb_id = ?" % table, (kb["id"],))
            conn.execute("DELETE FROM knowledge_bases WHERE id = ?", (kb["id"],))
        self._remove_files(files)
        return 204, None

    def _remove_files(self, names):
        """Delete stored files by relative name, ignoring those already gone."""
        for name in names:
            try:
                os.remove(self.store.path(name))
            except OSError:
                pass

    # ----------------------------------------------------------------- uploads

    def StartContentUpload(self, params, ctx):
        ttl_minutes = params.get("presignedUrlTimeToLive") or DEFAULT_UPLOAD_TTL_MINUTES
        with self.store.write() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            if kb["kb_type"] not in ("CUSTOM", "QUICK_RESPONSES"):
                raise ServiceError(
                    "ValidationException",
                    "Content can only be uploaded to a knowledge base of type CUSTOM or QUICK_RESPONSES; "
                    "knowledge base %s is of type %s." % (kb["id"], kb["kb_type"]),
                )
            upload_id = secrets.token_urlsafe(48)
            token = secrets.token_urlsafe(24)
            now = self.now()
            expiry = float(int(now + ttl_minutes * 60))
            conn.execute(
                "INSERT INTO uploads (upload_id, kb_id, content_type, token, expiry, created, file) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (upload_id, kb["id"], params["contentType"], token, expiry, now, "uploads/" + upload_id),
            )
        return 200, {
            "uploadId": upload_id,
            "url": self._file_url(ctx, "uploads", upload_id, token),
            "urlExpiry": _ts(expiry),
            "headersToInclude": {"content-type": params["contentType"]},
        }

    # ----------------------------------------------------------------- import jobs

    def StartImportJob(self, params, ctx):
        token = params.get("clientToken")
        with self.store.write() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            self._require_quick_responses(kb, "Import job type %s" % params["importJobType"])
            fp = _fingerprint(dict(params, knowledgeBaseId=kb["id"]))
            existing = self._idempotent(conn, "StartImportJob", token, fp)
            if existing is not None:
                row = conn.execute("SELECT * FROM import_jobs WHERE id = ?", (existing,)).fetchone()
                if row is not None:
                    return 200, {"importJob": self._job_data(conn, row, kb, ctx)}
            upload = conn.execute(
                "SELECT * FROM uploads WHERE upload_id = ? AND kb_id = ?", (params["uploadId"], kb["id"])
            ).fetchone()
            if upload is None:
                raise ServiceError(
                    "ValidationException",
                    "uploadId '%s' is not an upload of knowledge base %s; call StartContentUpload on this "
                    "knowledge base first." % (params["uploadId"], kb["id"]),
                )
            now = self.now()
            if upload["expiry"] <= now:
                raise ServiceError(
                    "ValidationException",
                    "The upload '%s' expired at %s; start a new upload."
                    % (params["uploadId"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(upload["expiry"]))),
                )
            if upload["uploaded"] is None:
                raise ServiceError(
                    "ValidationException",
                    "Nothing was uploaded for uploadId '%s': PUT the file to the url returned by "
                    "StartContentUpload, with its headersToInclude, before starting the import." % params["uploadId"],
                )
            busy = conn.execute(
                "SELECT COUNT(*) FROM import_jobs WHERE kb_id = ? AND status = ?", (kb["id"], IN_PROGRESS)
            ).fetchone()[0]
            if busy >= self.max_jobs_in_progress:
                raise ServiceError(
                    "ServiceQuotaExceededException",
                    "Knowledge base %s already has %d import jobs in progress, the maximum allowed; "
                    "retry when one finishes." % (kb["id"], busy),
                )
            job_id = str(uuid.uuid4())
            conn.execute(
                "INSERT INTO import_jobs (id, kb_id, upload_id, job_type, status, created, modified, metadata, "
                "external, report_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (job_id, kb["id"], params["uploadId"], params["importJobType"], IN_PROGRESS, now, now,
                 json.dumps(params["metadata"]) if params.get("metadata") is not None else None,
                 json.dumps(params["externalSourceConfiguration"])
                 if params.get("externalSourceConfiguration") is not None else None,
                 secrets.token_urlsafe(24)),
            )
            self._remember(conn, "StartImportJob", token, fp, job_id)
            row = conn.execute("SELECT * FROM import_jobs WHERE id = ?", (job_id,)).fetchone()
            data = self._job_data(conn, row, kb, ctx)
        self._launch(job_id)
        return 200, {"importJob": data}

    def _job_row(self, conn, kb, job_id):
        """Return a job row of the knowledge base; raise ResourceNotFoundException."""
        row = conn.execute("SELECT * FROM import_jobs WHERE id = ? AND kb_id = ?", (job_id, kb["id"])).fetchone()
        if row is None:
            raise self._not_found("Import job", job_id)
        return row

    def GetImportJob(self, params, ctx):
        with self.store.connection() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            row = self._job_row(conn, kb, params["importJobId"])
            return 200, {"importJob": self._job_data(conn, row, kb, ctx)}

    def ListImportJobs(self, params, ctx):
        with self.store.connection() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            rows, token = self._page(conn, "SELECT * FROM import_jobs WHERE kb_id = ?", (kb["id"],), params)
            out = {"importJobSummaries": [self._job_data(conn, r, kb, ctx, summary=True) for r in rows]}
        if token:
            out["nextToken"] = token
        return 200, out

    def DeleteImportJob(self, params, ctx):
        with self.store.write() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            row = self._job_row(conn, kb, params["importJobId"])
            if row["status"] == IN_PROGRESS:
                raise ServiceError(
                    "ConflictException",
                    "Import job %s is in progress (status %s) and cannot be deleted until it finishes."
                    % (row["id"], row["status"]),
                )
            conn.execute("DELETE FROM import_jobs WHERE id = ?", (row["id"],))
        if row["report"] is not None:
            self._remove_files([row["report"]])
        return 204, None

    # ----------------------------------------------------------------- quick responses

    def _insert_quick_response(self, conn, kb, qr, now):
        """Insert one quick response; return its id or raise RowProblem on a name/shortcut clash."""
        qr_id = str(uuid.uuid4())
        try:
            conn.execute(
                "INSERT INTO quick_responses (id, kb_id, name, content_type, content, description, shortcut_key, "
                "is_active, channels, language, grouping, tags, created, modified, modified_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (qr_id, kb["id"], qr["name"], qr.get("contentType") or DEFAULT_CONTENT_TYPE, qr["content"],
                 qr.get("description"), qr.get("shortcutKey"),
                 1 if qr.get("isActive", True) else 0,
                 json.dumps(qr["channels"]) if qr.get("channels") is not None else None,
                 qr.get("language"),
                 json.dumps(qr["groupingConfiguration"]) if qr.get("groupingConfiguration") is not None else None,
                 json.dumps(qr["tags"]) if qr.get("tags") is not None else None,
                 now, now, self._caller_arn()),
            )
        except sqlite3.IntegrityError as exc:
            if "shortcut_key" in str(exc):
                raise RowProblem(
                    "a quick response with shortcutKey '%s' already exists in the knowledge base" % qr["shortcutKey"]
                )
            raise RowProblem("a quick response named '%s' already exists in the knowledge base" % qr["name"])
        return qr_id

    def CreateQuickResponse(self, params, ctx):
        token = params.get("clientToken")
        with self.store.write() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            self._require_quick_responses(kb, "CreateQuickResponse")
            fp = _fingerprint(dict(params, knowledgeBaseId=kb["id"]))
            existing = self._idempotent(conn, "CreateQuickResponse", token, fp)
            row = None
            if existing is not None:
                row = conn.execute("SELECT * FROM quick_responses WHERE id = ?", (existing,)).fetchone()
            if row is None:
                qr = dict(params, content=params["content"].get("content"))
                if qr["content"] is None:
                    raise ServiceError(
                        "ValidationException",
                        "1 validation error detected: Value null at 'content.content' failed to satisfy "
                        "constraint: Member must not be null",
                    )
                now = self.now()
                try:
                    qr_id = self._insert_quick_response(conn, kb, qr, now)
                except RowProblem as exc:
                    raise ServiceError("ConflictException", exc.reason[0].upper() + exc.reason[1:] + ".")
                conn.execute("UPDATE knowledge_bases SET content_modified = ? WHERE id = ?", (now, kb["id"]))
                self._remember(conn, "CreateQuickResponse", token, fp, qr_id)
                row = conn.execute("SELECT * FROM quick_responses WHERE id = ?", (qr_id,)).fetchone()
        return 200, {"quickResponse": self._qr_data(row, kb)}

    def _qr_row(self, conn, kb, ident):
        """Return a quick-response row of the knowledge base by id or ARN; raise ResourceNotFoundException."""
        qr_id = ident
        m = _ARN_TAIL_RE.match(ident)
        if m:
            qr_id = m.group(2).rsplit("/", 1)[-1]
            expected = kb["arn"].replace(":knowledge-base/", ":quick-response/", 1) + "/" + qr_id
            if ident != expected:
                raise self._not_found("Quick response", ident)
        row = conn.execute("SELECT * FROM quick_responses WHERE id = ? AND kb_id = ?", (qr_id, kb["id"])).fetchone()
        if row is None:
            raise self._not_found("Quick response", ident)
        return row

    def GetQuickResponse(self, params, ctx):
        with self.store.connection() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            row = self._qr_row(conn, kb, params["quickResponseId"])
        return 200, {"quickResponse": self._qr_data(row, kb)}

    def ListQuickResponses(self, params, ctx):
        with self.store.connection() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            rows, token = self._page(conn, "SELECT * FROM quick_responses WHERE kb_id = ?", (kb["id"],), params)
        out = {"quickResponseSummaries": [self._qr_data(r, kb, summary=True) for r in rows]}
        if token:
            out["nextToken"] = token
        return 200, out

    def DeleteQuickResponse(self, params, ctx):
        with self.store.write() as conn:
            kb = self._kb(conn, params["knowledgeBaseId"])
            row = self._qr_row(conn, kb, params["quickResponseId"])
            conn.execute("DELETE FROM quick_responses WHERE id = ?", (row["id"],))
            conn.execute("UPDATE knowledge_bases SET content_modified = ? WHERE id = ?", (self.now(), kb["id"]))
        return 204, None

    # ----------------------------------------------------------------- upload files

    def upload_for_put(self, upload_id, token):
        """Return the upload row a PUT may write to; raise ServiceError (S3-style codes) otherwise."""
        row = self.store.query_one("SELECT * FROM uploads WHERE upload_id = ?", (upload_id,))
        if row is None or not secrets.compare_digest(row["token"], token or ""):
            raise ServiceError("AccessDenied", "Access Denied", 403)
        if row["expiry"] <= self.now():
            raise ServiceError("AccessDenied", "Request has expired", 403)
        return row

    def upload_finished(self, upload_id, size):
        """Record that an upload's file is complete."""
        with self.store.write() as conn:
            conn.execute("UPDATE uploads SET uploaded = ?, size = ? WHERE upload_id = ?", (self.now(), size, upload_id))

    def file_for_get(self, kind, name, token):
        """Return (absolute path, content type) of a downloadable file; raise ServiceError otherwise."""
        if kind == "uploads":
            row = self.store.query_one("SELECT token, file, content_type, uploaded FROM uploads WHERE upload_id = ?",
                                       (name,))
            if row is None or not secrets.compare_digest(row["token"], token or ""):
                raise ServiceError("AccessDenied", "Access Denied", 403)
            if row["uploaded"] is None:
                raise ServiceError("NoSuchKey", "The specified key does not exist.", 404)
            return self.store.path(row["file"]), row["content_type"]
        if kind == "reports":
            row = self.store.query_one("SELECT report, report_token FROM import_jobs WHERE id = ?", (name,))
            if row is None or not secrets.compare_digest(row["report_token"], token or ""):
                raise ServiceError("AccessDenied", "Access Denied", 403)
            if row["report"] is None:
                raise ServiceError("NoSuchKey", "The specified key does not exist.", 404)
            return self.store.path(row["report"]), "text/csv"
        raise ServiceError("NoSuchKey", "The specified key does not exist.", 404)

    # ----------------------------------------------------------------- background jobs

    def resume_jobs(self):
        """Start processing every job left in progress (after a restart)."""
        for row in self.store.query("SELECT id FROM import_jobs WHERE status = ? ORDER BY seq", (IN_PROGRESS,)):
            self._log("resuming import job %s" % row["id"])
            self._launch(row["id"])

    def _launch(self, job_id):
        """Process a job on its own background thread after the processing delay."""
        thread = threading.Thread(target=self._run_job, args=(job_id,), name="import-" + job_id[:8], daemon=True)
        with self._jobs_lock:
            if self._stop.is_set() or job_id in self._job_threads:
                return
            self._job_threads[job_id] = thread
        thread.start()

    def _run_job(self, job_id):
        """Thread body: wait, process, and always forget the thread afterwards."""
        try:
            if self._stop.wait(self.processing_delay):
                return
            self._process(job_id)
        except _Interrupted:
            self._log("import job %s interrupted by shutdown; it resumes on restart" % job_id)
        except Exception:
            self._log("import job %s crashed:\n%s" % (job_id, traceback.format_exc()))
            try:
                with self.store.write() as conn:
                    conn.execute("UPDATE import_jobs SET status = 'FAILED', modified = ? WHERE id = ? AND status = ?",
                                 (self.now(), job_id, IN_PROGRESS))
            except Exception:
                pass
        finally:
            with self._jobs_lock:
                self._job_threads.pop(job_id, None)

    def _process(self, job_id):
        """Turn the job's CSV into quick responses in one transaction and set its final status."""
        report_rel = "reports/%s.csv" % job_id
        report_path = self.store.path(report_rel)
        tmp_path = report_path + ".tmp"
        try:
            self._process_into(job_id, report_rel, report_path, tmp_path)
        finally:
            if os.path.exists(tmp_path):
                os.remove(tmp_path)

    def _process_into(self, job_id, report_rel, report_path, tmp_path):
        """Body of _process: import rows, write the report to tmp_path and move it to report_path."""
        with self.store.write() as conn:
            job = conn.execute("SELECT * FROM import_jobs WHERE id = ?", (job_id,)).fetchone()
            if job is None or job["status"] != IN_PROGRESS:
                return
            kb = conn.execute("SELECT * FROM knowledge_bases WHERE id = ?", (job["kb_id"],)).fetchone()
            if kb is None:
                conn.execute("DELETE FROM import_jobs WHERE id = ?", (job_id,))
                return
            upload = conn.execute("SELECT * FROM uploads WHERE upload_id = ?", (job["upload_id"],)).fetchone()
            imported = failed = 0
            problem = None
            conn.execute("SAVEPOINT rows")
            with open(tmp_path, "w", encoding="utf-8", newline="") as report_file:
                report = ReportWriter(report_file)
                try:
                    if upload is None:
                        raise FileProblem(None, "the uploaded file no longer exists")
                    try:
                        source = open(self.store.path(upload["file"]), "rb")
                    except OSError as exc:
                        raise FileProblem(None, "the uploaded file cannot be opened (%s)" % exc.strerror)
                    with source:
                        reader = QuickResponseReader(source)
                        report.header(reader.header)
                        width = len(reader.header)
                        now = self.now()
                        for line, row in reader:
                            if self._stop.is_set():
                                raise _Interrupted()
                            try:
                                qr = reader.to_quick_response(row)
                                self._insert_quick_response(conn, kb, qr, now)
                            except RowProblem as exc:
                                report.row(line, row, exc.reason, width)
                                failed += 1
                                continue
                            imported += 1
                        if imported == 0 and failed == 0:
                            raise FileProblem(None, "the file has a header row but no data rows")
                except FileProblem as exc:
                    conn.execute("ROLLBACK TO rows")
                    problem = exc
                    imported = 0
                    report_file.seek(0)
                    report_file.truncate()
                    report = ReportWriter(report_file)
                    report.header([])
                    report.row(exc.line, [], exc.reason, 0)
            conn.execute("RELEASE rows")
            now = self.now()
            status = "COMPLETE" if imported > 0 else "FAILED"
            has_report = problem is not None or failed > 0
            if has_report:
                os.replace(tmp_path, report_path)
            else:
                os.remove(tmp_path)
            conn.execute(
                "UPDATE import_jobs SET status = ?, modified = ?, report = ?, imported = ?, failed = ? WHERE id = ?",
                (status, now, report_rel if has_report else None, imported, failed, job_id),
            )
            if imported:
                conn.execute("UPDATE knowledge_bases SET content_modified = ? WHERE id = ?", (now, kb["id"]))
        self._log("import job %s: %s, %d imported, %d failed%s"
                  % (job_id, status, imported, failed, " (%s)" % problem.reason if problem else ""))

    def wait_idle(self, timeout=None):
        """Wait until no job is being processed; return True when idle."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._jobs_lock:
                threads = list(self._job_threads.values())
            if not threads:
                return True
            for thread in threads:
                remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
                thread.join(remaining)
                if deadline is not None and time.monotonic() >= deadline:
                    with self._jobs_lock:
                        return not self._job_threads

    def shutdown(self, timeout=10.0):
        """Stop starting or continuing jobs and wait (bounded) for their threads."""
        self._stop.set()
        self.wait_idle(timeout)


class _Interrupted(Exception):
    """Raised inside a job when the emulator is shutting down."""


def log_to_stderr(text):
    """Write one log line to standard error."""
    sys.stderr.write("qconnect_c.local: %s\n" % text)
    sys.stderr.flush()
