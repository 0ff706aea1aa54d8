"""A scripted HTTP/1.1 server on 127.0.0.1 that records every request it receives.

Each request is stored as a ``RecordedRequest`` (method, raw request target split
into path and query, headers in received order, body bytes) and answered from a
script: replies keyed by a request header value first, then a FIFO queue, then the
sticky default reply.  Connections are kept alive, so a client's connection reuse is
exercised; ``connection_ids`` tells how many connections carried the requests.
"""

import collections
import http.server
import itertools
import socketserver
import threading

_REASONS = {code: status.phrase for code, status in http.server.HTTPStatus._value2member_map_.items()}
_NO_BODY_STATUSES = (204, 304)


class Reply:
    """One scripted answer: status, header list (sent verbatim, in order), body bytes."""

    def __init__(self, status=200, headers=(), body=b"", reason=None):
        if isinstance(headers, dict):
            headers = list(headers.items())
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.status = int(status)
        self.headers = [(str(k), str(v)) for k, v in headers]
        self.body = bytes(body)
        self.reason = reason if reason is not None else _REASONS.get(self.status, "Unknown")

    def wire_bytes(self):
        """Returns the full HTTP/1.1 response (status line, headers, body) as bytes."""
        names = {k.lower() for k, _ in self.headers}
        headers = list(self.headers)
        if "content-length" not in names and self.status not in _NO_BODY_STATUSES:
            headers.append(("Content-Length", str(len(self.body))))
        lines = ["HTTP/1.1 %d %s" % (self.status, self.reason)]
        lines += ["%s: %s" % (k, v) for k, v in headers]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        body = b"" if self.status in _NO_BODY_STATUSES else self.body
        return head + body

    def __repr__(self):
        return "Reply(%d, %r, %r)" % (self.status, self.headers, self.body[:200])


class RecordedRequest:
    """One received request, exactly as it came off the socket (headers decoded latin-1)."""

    def __init__(self, method, target, version, headers, body, connection_id):
        self.method = method
        self.target = target
        path, sep, query = target.partition("?")
        self.path = path
        self.query = query if sep else None
        self.version = version
        self.headers = headers
        self.body = body
        self.connection_id = connection_id

    def header(self, name, default=None):
        """Returns the first value of header ``name`` (case-insensitive), or ``default``."""
        values = self.header_all(name)
        return values[0] if values else default

    def header_all(self, name):
        """Returns every value of header ``name`` (case-insensitive), in received order."""
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]

    def header_names(self):
        """Returns the sorted set of lower-cased header names."""
        return sorted({k.lower() for k, _ in self.headers})

    def describe(self):
        """Returns a multi-line human-readable dump, for failure messages."""
        out = ["%s %s %s" % (self.method, self.target, self.version)]
        out += ["%s: %s" % (k, v) for k, v in self.headers]
        out.append("")
        out.append(repr(self.body))
        return "\n".join(out)

    def __repr__(self):
        return "<RecordedRequest %s %s body=%d bytes>" % (self.method, self.target, len(self.body))


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60

    def setup(self):
        super().setup()
        self.connection_id = next(self.server.owner._connection_counter)

    def log_message(self, format, *args):  # noqa: A002 - signature fixed by the base class
        pass

    def _read_body(self):
        """Returns the request body bytes (Content-Length or chunked), b'' if none."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle_any(self):
        body = self._read_body()
        request = RecordedRequest(
            method=self.command,
            target=self.path,
            version=self.request_version,
            headers=list(self.headers.items()),
            body=body,
            connection_id=self.connection_id,
        )
        reply = self.server.owner._record_and_pick(request)
        self.wfile.write(reply.wire_bytes())
        self.wfile.flush()
        if (self.headers.get("Connection") or "").lower() == "close":
            self.close_connection = True
        else:
            self.close_connection = False

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle_any


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class RecordingServer:
    """Threaded recording HTTP server; use start()/stop() or as a context manager."""

    def __init__(self, host="127.0.0.1"):
        self._host = host
        self._lock = threading.Lock()
        self._connection_counter = itertools.count(1)
        self._httpd = None
        self._thread = None
        self.requests = []
        self._default = None
        self._fifo = collections.deque()
        self._keyed = []

    # -- lifecycle -------------------------------------------------------------
    def start(self):
        """Binds an ephemeral port and serves in a daemon thread; returns self."""
        self._httpd = _Server((self._host, 0), _Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="recording-server", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stops serving and closes the listening socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(5)
            self._httpd = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        """Returns the base URL, e.g. http://127.0.0.1:54321."""
        host, port = self._httpd.server_address[:2]
        return "http://%s:%d" % (host, port)

    # -- script ----------------------------------------------------------------
    def reset(self):
        """Forgets recorded requests and every scripted reply."""
        with self._lock:
            self.requests = []
            self._default = None
            self._fifo.clear()
            self._keyed = []

    def clear_requests(self):
        """Forgets recorded requests only; the script stays."""
        with self._lock:
            self.requests = []

    def set_reply(self, status=200, headers=(), body=b"", *, header=None, value=None):
        """Sets the sticky default reply, or with header/value the reply for requests
        whose header ``header`` equals ``value``."""
        reply = status if isinstance(status, Reply) else Reply(status, headers, body)
        with self._lock:
            if header is None:
                self._default = reply
            else:
                self._keyed.append((header.lower(), value, reply))

    def push_reply(self, status=200, headers=(), body=b""):
        """Queues a one-shot reply, used (FIFO) before the sticky default."""
        reply = status if isinstance(status, Reply) else Reply(status, headers, body)
        with self._lock:
            self._fifo.append(reply)

    def take_requests(self):
        """Returns the recorded requests and forgets them."""
        with self._lock:
            taken, self.requests = self.requests, []
        return taken

    def _record_and_pick(self, request):
        with self._lock:
            self.requests.append(request)
            for name, value, reply in self._keyed:
                if request.header(name) == value:
                    return reply
            if self._fifo:
                return self._fifo.popleft()
            if self._default is not None:
                return self._default
        return Reply(599, [("Content-Type", "text/plain")], b"recording server: no reply scripted")
