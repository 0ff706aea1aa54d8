"""The HTTP side of the emulator: rest-json routing, SigV4 checks, uploads and downloads.

API requests are matched against the service's routes, authenticated, turned
into operation parameters, validated against the model and handed to the
Service. Paths under /_files/ are the emulator's own presigned-style URLs for
uploading content and downloading uploaded files and failed-record reports;
they are authorized by the token in their query string, not by SigV4.
"""

import hashlib
import json
import os
import shutil
import socket
import tempfile
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape

from . import sigv4verify, validate
from .model import OPERATIONS, ROUTES, SHAPES, SIGNING_NAME
from .service import RequestContext, Service, ServiceError, log_to_stderr
from .store import Store

CHUNK = 64 * 1024
MAX_API_BODY = 10 * 1024 * 1024
MAX_UPLOAD = 1024 * 1024 * 1024
FILES_PREFIX = "/_files/"


def _compile_routes():
    """Return [(method, segments, operation, status)] with '{label}' segments kept as markers."""
    out = []
    for method, uri, op, status in ROUTES:
        path = uri.split("?", 1)[0]
        segments = [s for s in path.split("/") if s]
        out.append((method, segments, op, status))
    return out


_ROUTES = _compile_routes()


def match_route(method, segments):
    """Return (operation, labels, status, path_known) for a request path split into decoded segments.

    operation is None when no route matches the method and path; path_known
    tells whether some other method of the service uses that path.
    """
    best = None
    path_known = False
    for r_method, r_segments, op, status in _ROUTES:
        if len(r_segments) != len(segments):
            continue
        labels = {}
        literals = 0
        for pattern, actual in zip(r_segments, segments):
            if pattern.startswith("{") and pattern.endswith("}"):
                if actual == "":
                    break
                labels[pattern[1:-1].rstrip("+")] = actual
            elif pattern == actual:
                literals += 1
            else:
                break
        else:
            if r_method != method:
                path_known = True
                continue
            if best is None or literals > best[0]:
                best = (literals, op, labels, status)
    if best is None:
        return None, {}, None, path_known
    return best[1], best[2], best[3], True


class _Reject(Exception):
    """Abort handling of a request with an already-decided error reply."""

    def __init__(self, error, xml=False):
        super().__init__(error.message)
        self.error = error
        self.xml = xml


class Handler(BaseHTTPRequestHandler):
    """One connection's requests (HTTP/1.1 keep-alive)."""

    protocol_version = "HTTP/1.1"
    server_version = "qconnect-local"
    timeout = 120
    _request_id = None

    # ----------------------------------------------------------------- plumbing

    def setup(self):
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def version_string(self):
        return self.server_version

    def log_message(self, fmt, *args):
        if self.server.emulator.verbose:
            log_to_stderr("%s %s" % (self.address_string(), fmt % args))

    def _base_url(self):
        host = self.headers.get("Host")
        return "http://%s" % host if host else self.server.emulator.url

    def _send(self, status, body=b"", content_type="application/json", headers=()):
        """Write a complete response with a Content-Length (none for 204) and a request id."""
        self.send_response(status)
        self.send_header("x-amzn-RequestId", self._request_id)
        for name, value in headers:
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")
        if body and self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def _send_error_json(self, error):
        """Write a rest-json error reply: x-amzn-ErrorType header and {"message": ...} body."""
        body = json.dumps({"message": error.message}, ensure_ascii=False).encode("utf-8")
        self._send(error.status, body, "application/json", [("x-amzn-ErrorType", error.code)])

    def _send_error_xml(self, error):
        """Write an S3-style XML error reply (used by the /_files/ URLs)."""
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
            "<RequestId>%s</RequestId></Error>" % (escape(error.code), escape(error.message), self._request_id)
        ).encode("utf-8")
        self._send(error.status, body, "application/xml", [("x-amz-request-id", self._request_id)])

    def _body_length(self):
        """Return the declared Content-Length, -1 for chunked bodies, 0 when there is no body."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return -1
        raw = self.headers.get("Content-Length")
        if raw is None:
            return 0
        try:
            length = int(raw)
        except ValueError:
            length = -2
        if length < 0:
            self.close_connection = True
            raise _Reject(ServiceError("BadRequest", "Invalid Content-Length header: %r" % raw, 400))
        return length

    def _iter_body(self, limit):
        """Yield the request body in chunks (Content-Length or chunked), refusing more than `limit` bytes."""
        length = self._body_length()
        if length > limit:
            self.close_connection = True
            raise _Reject(ServiceError("EntityTooLarge", "The request body is larger than %d bytes." % limit, 413))
        if length >= 0:
            remaining = length
            while remaining:
                data = self.rfile.read(min(CHUNK, remaining))
                if not data:
                    self.close_connection = True
                    raise _Reject(ServiceError("IncompleteBody", "The request body ended early.", 400))
                remaining -= len(data)
                yield data
            return
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise _Reject(ServiceError("BadRequest", "Malformed chunked request body.", 400))
            if size == 0:
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass
                return
            total += size
            if total > limit:
                self.close_connection = True
                raise _Reject(ServiceError("EntityTooLarge", "The request body is larger than %d bytes." % limit, 413))
            remaining = size
            while remaining:
                data = self.rfile.read(min(CHUNK, remaining))
                if not data:
                    self.close_connection = True
                    raise _Reject(ServiceError("IncompleteBody", "The request body ended early.", 400))
                remaining -= len(data)
                yield data
            self.rfile.readline(8)

    def _drain_or_close(self):
        """Make sure an unread request body cannot be taken for the next request."""
        try:
            if self._body_length() != 0:
                self.close_connection = True
        except _Reject:
            self.close_connection = True

    # ----------------------------------------------------------------- dispatch

    def handle_expect_100(self):
        """Answer 'Expect: 100-continue' with an early error when an upload would be refused anyway."""
        self._request_id = str(uuid.uuid4())
        if self.command == "PUT" and self.path.startswith(FILES_PREFIX):
            try:
                self._check_put()
            except _Reject as exc:
                self.close_connection = True
                self._send_error_xml(exc.error)
                return False
        return super().handle_expect_100()

    def _handle(self):
        if not self._request_id:
            self._request_id = str(uuid.uuid4())
        try:
            raw_path = self.path.split("?", 1)[0]
            if raw_path.startswith(FILES_PREFIX):
                try:
                    self._handle_file()
                except _Reject as exc:
                    self._drain_or_close()
                    self._send_error_xml(exc.error)
                return
            try:
                status, body = self._handle_api()
            except _Reject as exc:
                self._drain_or_close()
                self._send_error_json(exc.error)
                return
            except ServiceError as exc:
                self._send_error_json(exc)
                return
            if body is None:
                self._send(status)
            else:
                self._send(status, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
        except (ConnectionError, socket.timeout):
            self.close_connection = True
        except Exception:
            log_to_stderr("internal error:\n" + traceback.format_exc())
            self.close_connection = True
            try:
                self._send_error_json(ServiceError("InternalServerException", "Internal server error.", 500))
            except OSError:
                pass
        finally:
            self._request_id = None

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    # ----------------------------------------------------------------- API requests

    def _handle_api(self):
        emulator = self.server.emulator
        raw_path, _, raw_query = self.path.partition("?")
        chunks = list(self._iter_body(MAX_API_BODY))
        body = b"".join(chunks)
        body_hash = hashlib.sha256(body).hexdigest()
        if "x-amz-content-sha256" in self.headers:
            declared = self.headers["x-amz-content-sha256"].strip()
            if declared != "UNSIGNED-PAYLOAD" and declared != body_hash:
                raise ServiceError(
                    "XAmzContentSHA256Mismatch",
                    "The provided 'x-amz-content-sha256' header does not match what was computed.",
                    400,
                )
        try:
            auth = sigv4verify.verify(
                self.command,
                self.path.encode("latin-1"),
                self.headers.items(),
                body_hash,
                SIGNING_NAME,
                credentials=emulator.credentials,
                max_skew=emulator.max_clock_skew or None,
            )
        except sigv4verify.SignatureError as exc:
            raise ServiceError(exc.code, exc.message, exc.status)
        segments = [unquote(s) for s in raw_path.split("/")[1:]] if raw_path not in ("", "/") else []
        op, labels, status, path_known = match_route(self.command, segments)
        if op is None:
            raise ServiceError(
                "UnknownOperationException",
                "No QConnect operation is served by %s %s." % (self.command, raw_path),
                404,
            )
        if op not in OPERATIONS:
            raise ServiceError(
                "UnsupportedOperationException",
                "The operation %s is not supported by this QConnect emulator. Supported operations: %s."
                % (op, ", ".join(sorted(OPERATIONS))),
                501,
            )
        params = self._params(op, labels, raw_query, body)
        ctx = RequestContext(self._base_url(), auth["region"], auth["accessKeyId"])
        return getattr(emulator.service, op)(params, ctx)

    def _params(self, op, labels, raw_query, body):
        """Return the operation's input parameters assembled from path, query and JSON body; validated."""
        shape = SHAPES[OPERATIONS[op]["input"]]
        doc = {}
        if body.strip():
            try:
                doc = json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ServiceError("SerializationException", "The request body is not valid JSON: %s" % exc, 400)
            if not isinstance(doc, dict):
                raise ServiceError("SerializationException", "The request body must be a JSON object.", 400)
        query = {}
        for key, value in parse_qsl(raw_query, keep_blank_values=True):
            query.setdefault(key, value)
        params = {}
        type_errors = []
        for name, member in shape.get("members", {}).items():
            location = member.get("location")
            if location == "uri":
                value = labels.get(member["locationName"])
            elif location == "querystring":
                value = query.get(member["locationName"])
                if value is not None and SHAPES[member["shape"]]["type"] in ("integer", "long"):
                    try:
                        value = int(value)
                    except ValueError:
                        type_errors.append(
                            "Value '%s' at '%s' failed to satisfy constraint: Member must be of type integer"
                            % (value, name)
                        )
                        continue
            elif location == "header":
                value = self.headers.get(member["locationName"])
            else:
                value = doc.get(name)
            if value is not None:
                params[name] = value
        errors = type_errors + validate.violations(OPERATIONS[op]["input"], params)
        if errors:
            raise ServiceError("ValidationException", validate.message(errors))
        return params

    # ----------------------------------------------------------------- /_files/ URLs

    def _file_target(self):
        """Return (kind, name, token) parsed from a /_files/<kind>/<name>?token=... request."""
        raw_path, _, raw_query = self.path.partition("?")
        parts = raw_path[len(FILES_PREFIX):].split("/")
        if len(parts) != 2 or not parts[1]:
            raise _Reject(ServiceError("NoSuchKey", "The specified key does not exist.", 404))
        token = dict(parse_qsl(raw_query)).get("token", "")
        return parts[0], unquote(parts[1]), token

    def _check_put(self):
        """Return the upload row an upload PUT may write; raise _Reject otherwise."""
        kind, name, token = self._file_target()
        if kind != "uploads":
            raise _Reject(ServiceError("MethodNotAllowed", "The specified method is not allowed.", 405))
        service = self.server.emulator.service
        try:
            row = service.upload_for_put(name, token)
        except ServiceError as exc:
            raise _Reject(exc)
        sent = (self.headers.get("Content-Type") or "").strip()
        if sent != row["content_type"]:
            raise _Reject(ServiceError(
                "SignatureDoesNotMatch",
                "The upload URL requires the header content-type: %s (from headersToInclude); the request "
                "sent %s." % (row["content_type"], "content-type: " + sent if sent else "no content-type"),
                403,
            ))
        length = self._body_length()
        if length == 0 and "Content-Length" not in self.headers:
            raise _Reject(ServiceError("MissingContentLength", "You must provide the Content-Length HTTP header.",
                                       411))
        if length > MAX_UPLOAD:
            raise _Reject(ServiceError(
                "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size of %d bytes." % MAX_UPLOAD,
                400,
            ))
        return row

    def _handle_file(self):
        service = self.server.emulator.service
        if self.command == "PUT":
            row = self._check_put()
            final = service.store.path(row["file"])
            tmp = "%s.%s.part" % (final, uuid.uuid4().hex)
            md5 = hashlib.md5()
            size = 0
            try:
                with open(tmp, "wb") as out:
                    for data in self._iter_body(MAX_UPLOAD):
                        out.write(data)
                        md5.update(data)
                        size += len(data)
                os.replace(tmp, final)
            finally:
                if os.path.exists(tmp):
                    os.remove(tmp)
            service.upload_finished(row["upload_id"], size)
            self._send(200, b"", "application/xml",
                       [("ETag", '"%s"' % md5.hexdigest()), ("x-amz-request-id", self._request_id)])
            return
        if self.command not in ("GET", "HEAD"):
            raise _Reject(ServiceError("MethodNotAllowed", "The specified method is not allowed.", 405))
        kind, name, token = self._file_target()
        try:
            path, content_type = service.file_for_get(kind, name, token)
            src = open(path, "rb")
        except ServiceError as exc:
            raise _Reject(exc)
        except OSError:
            raise _Reject(ServiceError("NoSuchKey", "The specified key does not exist.", 404))
        with src:
            size = os.fstat(src.fileno()).st_size
            self._drain_or_close()
            self.send_response(200)
            self.send_header("x-amzn-RequestId", self._request_id)
            self.send_header("x-amz-request-id", self._request_id)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(size))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command == "GET":
                shutil.copyfileobj(src, self.wfile, CHUNK)


class _HTTPServer(ThreadingHTTPServer):
    """Threaded server that remembers open connections so stop() can close them."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, emulator, family):
        self.address_family = family
        self.emulator = emulator
        self._open = set()
        self._open_lock = threading.Lock()
        super().__init__(address, Handler)

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self):
        """Shut down every open client connection."""
        with self._open_lock:
            conns = list(self._open)
        for sock in conns:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _parse_credentials(credentials):
    """Return {access key id: secret} from 'AKID:SECRET' strings, (akid, secret) pairs or a dict; None if empty."""
    if not credentials:
        return None
    if isinstance(credentials, dict):
        return dict(credentials)
    out = {}
    for item in credentials:
        if isinstance(item, str):
            akid, sep, secret = item.partition(":")
            if not sep or not akid or not secret:
                raise ValueError("credentials must look like ACCESS_KEY_ID:SECRET_ACCESS_KEY, got %r" % item)
        else:
            akid, secret = item
        out[akid] = secret
    return out


class Emulator:
    """A local QConnect service: start() it, use .url as endpoint_url, stop() it.

    Options: host, port (0 picks a free port), db (SQLite path; default a
    temporary file removed by stop()), credentials ('AKID:SECRET' strings,
    pairs or a dict; None accepts any well-formed signature),
    max_jobs_in_progress (per knowledge base), processing_delay (seconds
    before an import job is processed), account_id, max_clock_skew (seconds,
    0 disables the check), verbose (log requests to stderr).
    """

    def __init__(self, host="127.0.0.1", port=0, db=None, credentials=None, max_jobs_in_progress=5,
                 processing_delay=0.2, account_id="123456789012", max_clock_skew=sigv4verify.DEFAULT_MAX_SKEW,
                 verbose=False):
        self.host = host
        self.port = port
        self.db = db
        self.credentials = _parse_credentials(credentials)
        self.max_jobs_in_progress = int(max_jobs_in_progress)
        self.processing_delay = float(processing_delay)
        self.account_id = account_id
        self.max_clock_skew = max_clock_skew
        self.verbose = verbose
        self.url = None
        self.db_path = None
        self.service = None
        self._tmpdir = None
        self._httpd = None
        self._thread = None
        self._stopped = False

    def start(self):
        """Open the database, bind the port, resume unfinished jobs and serve on a background thread."""
        if self.db is None:
            self._tmpdir = tempfile.mkdtemp(prefix="qconnect-local-")
            db_path = os.path.join(self._tmpdir, "qconnect.sqlite3")
        else:
            db_path = self.db
        log = log_to_stderr if self.verbose else None
        self.db_path = os.path.abspath(db_path)
        store = Store(db_path)
        self.service = Service(store, account_id=self.account_id, max_jobs_in_progress=self.max_jobs_in_progress,
                               processing_delay=self.processing_delay, log=log)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        try:
            self._httpd = _HTTPServer((self.host, self.port), self, family)
        except OSError:
            store.close()
            self._cleanup_tmp()
            raise
        host, port = self._httpd.server_address[:2]
        self.port = port
        self.url = "http://%s:%d" % ("[%s]" % host if family == socket.AF_INET6 else host, port)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="qconnect-local-http", daemon=True)
        self._thread.start()
        self.service.resume_jobs()
        return self

    def advance_time(self, seconds):
        """Move the service clock forward (expiry tests); returns the new offset."""
        self.service.time_offset += seconds
        return self.service.time_offset

    def wait_idle(self, timeout=None):
        """Wait until no import job is being processed; True when idle."""
        return self.service.wait_idle(timeout)

    def stop(self, timeout=10.0):
        """Stop serving, let running jobs finish or roll back, close the store; idempotent."""
        if self._stopped or self._httpd is None:
            return
        self._stopped = True
        self._httpd.shutdown()
        self._httpd.server_close()
        self._httpd.close_connections()
        self.service.shutdown(timeout)
        self.service.store.close()
        self._cleanup_tmp()

    def _cleanup_tmp(self):
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self):
        if self._httpd is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
