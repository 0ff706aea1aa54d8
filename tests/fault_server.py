"""A fault-injecting HTTP/1.1 server on 127.0.0.1 for the retry tests.

Every request is recorded (method, target, headers in received order, body) and
answered by the next scripted ``Fault`` (first in, first out), or by the default
one when the script is empty.  A fault is a plain reply or one of the failures a
network can produce:

* ``reply``          -- status, headers and body, as given;
* ``reset``          -- the connection is reset (RST) before any reply byte;
* ``reset_mid_body`` -- the head and half of the body go out, then a reset;
* ``truncate``       -- the head announces the full Content-Length, half of the
                        body goes out, then an orderly close (FIN);
* ``close``          -- the connection is closed (FIN) without a reply;
* ``stall``          -- nothing is sent for ``stall`` seconds, then the reply.

Connections are kept alive between requests, so clients reuse them as they would
with the real service.  The server is thread-safe; use it as a context manager or
with start()/stop().
"""

import collections
import http.server
import socket
import socketserver
import struct
import threading
import time

_REASONS = {c: s.phrase for c, s in http.server.HTTPStatus._value2member_map_.items()}

FIXED_DATE = "Sat, 01 Aug 2026 12:00:00 GMT"


class Fault:
    """One scripted answer."""

    KINDS = ("reply", "reset", "reset_mid_body", "truncate", "close", "stall")

    def __init__(self, kind="reply", status=200, headers=(), body=b"", stall=0.0):
        if kind not in self.KINDS:
            raise ValueError("unknown fault kind %r" % (kind,))
        if isinstance(body, str):
            body = body.encode("utf-8")
        if isinstance(headers, dict):
            headers = list(headers.items())
        self.kind = kind
        self.status = int(status)
        self.headers = [(str(k), str(v)) for k, v in headers]
        self.body = bytes(body)
        self.stall = float(stall)

    def head_bytes(self):
        """Returns the status line and headers (Content-Length added when absent)."""
        lines = ["HTTP/1.1 %d %s" % (self.status, _REASONS.get(self.status, "Unknown"))]
        lines += ["%s: %s" % kv for kv in self.headers]
        if not any(k.lower() == "content-length" for k, _ in self.headers):
            lines.append("Content-Length: %d" % len(self.body))
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def __repr__(self):
        return "Fault(%s, %d, body=%r)" % (self.kind, self.status, self.body[:60])


def reply(status=200, body=b"", headers=None, request_id="req-fault-1",
          content_type="application/json", date=FIXED_DATE):
    """Returns a reply Fault with fixed, realistic headers (Date first)."""
    base = [("Date", date), ("Content-Type", content_type),
            ("x-amzn-RequestId", request_id)]
    base = [(k, v) for k, v in base if v is not None]
    return Fault("reply", status, base + list(headers or ()), body)


def error(status, code, message="the message", request_id="req-fault-1", in_header=True,
          extra_headers=()):
    """Returns a service error reply: the code in x-amzn-ErrorType (or, when
    in_header is False, as the body's "__type"), a JSON body with the message."""
    import json

    body = {"message": message}
    headers = list(extra_headers)
    if in_header:
        headers.append(("x-amzn-ErrorType", code))
    else:
        body["__type"] = code
    return reply(status, json.dumps(body), headers=headers, request_id=request_id)


class Request:
    """One received request."""

    def __init__(self, method, target, headers, body, connection_id, received_at):
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.connection_id = connection_id
        self.received_at = received_at

    def header(self, name, default=None):
        """Returns the first value of header ``name`` (case-insensitive)."""
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return default

    def header_names(self):
        """Returns the sorted lower-cased header names."""
        return sorted({k.lower() for k, _ in self.headers})

    def __repr__(self):
        return "<Request %s %s %d bytes>" % (self.method, self.target, len(self.body))


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        owner = self.server.owner
        conn = self.request
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        cid = owner._new_connection()
        buf = b""
        while not owner._stopping.is_set():
            got = self._read_request(conn, buf)
            if got is None:
                return
            req, buf = got
            req.connection_id = cid
            fault = owner._record_and_pick(req)
            if not self._answer(conn, fault, owner):
                return

    @staticmethod
    def _recv(conn):
        try:
            return conn.recv(65536)
        except OSError:
            return b""

    def _read_request(self, conn, buf):
        """Returns (Request, leftover bytes) or None when the peer went away."""
        while b"\r\n\r\n" not in buf:
            data = self._recv(conn)
            if not data:
                return None
            buf += data
        head, _, buf = buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.append((k, v.strip()))
        length = 0
        for k, v in headers:
            if k.lower() == "content-length":
                length = int(v)
            if k.lower() == "expect" and v.lower() == "100-continue":
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        while len(buf) < length:
            data = self._recv(conn)
            if not data:
                return None
            buf += data
        body, buf = buf[:length], buf[length:]
        return Request(parts[0], parts[1], headers, body, 0, time.monotonic()), buf

    @staticmethod
    def _reset(conn):
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    def _answer(self, conn, fault, owner):
        """Sends the fault; returns True when the connection stays open."""
        try:
            if fault.kind == "reset":
                self._reset(conn)
                return False
            if fault.kind == "close":
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
                return False
            if fault.kind == "stall":
                if owner._stopping.wait(fault.stall):
                    return False
            head = fault.head_bytes()
            if fault.kind in ("reset_mid_body", "truncate"):
                conn.sendall(head + fault.body[: len(fault.body) // 2])
                time.sleep(0.05)
                if fault.kind == "reset_mid_body":
                    self._reset(conn)
                else:
                    conn.shutdown(socket.SHUT_RDWR)
                    conn.close()
                return False
            conn.sendall(head + fault.body)
            return True
        except OSError:
            return False


class _TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


class FaultServer:
    """The server; ``url`` is its base URL once started."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._script = collections.deque()
        self._default = reply(200, b"{}")
        self._stopping = threading.Event()
        self._server = None
        self._thread = None
        self.requests = []
        self.connections = 0

    def start(self):
        """Binds an ephemeral port and serves from a daemon thread; returns self."""
        self._server = _TCPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="fault-server", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stops serving; stalled answers are abandoned."""
        if self._server is not None:
            self._stopping.set()
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return "http://%s:%d" % (host, port)

    def script(self, faults, default=None):
        """Replaces the script (answers in request order) and the default answer,
        and forgets the recorded requests."""
        with self._lock:
            self._script = collections.deque(faults)
            if default is not None:
                self._default = default
            self.requests = []

    def take_requests(self):
        """Returns the requests recorded so far and forgets them."""
        with self._lock:
            out, self.requests = self.requests, []
            return out

    def wait_requests(self, n, timeout=10.0):
        """Waits until n requests were recorded; returns True if they were."""
        end = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < n:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def _new_connection(self):
        with self._lock:
            self.connections += 1
            return self.connections

    def _record_and_pick(self, req):
        with self._cond:
            self.requests.append(req)
            self._cond.notify_all()
            return self._script.popleft() if self._script else self._default

