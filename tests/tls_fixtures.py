"""Test PKI and servers on 127.0.0.1 for the transport tests.

* :func:`make_pki` makes, with the ``openssl`` command, a CA and two server
  certificates signed by it: one for ``localhost``/``127.0.0.1`` and one for
  another name (``other.example``), for the wrong-host-name case.
* :class:`EchoServer` is an HTTP/1.1 server (plain or TLS through Python's
  ``ssl`` module) on an asyncio loop in a daemon thread.  Every reply echoes
  the knowledge base id of the request path (``/knowledgeBases/<id>...``) as
  a GetKnowledgeBase result, so a client can tell that each reply is the one
  of its own request.  It counts accepted connections and the largest number
  open and in flight at once, records each request
  with the id of the connection that carried it, and can wait ``delay``
  seconds before each reply (or ``<ms>`` for an id ``sleep<ms>-...``) or
  close the connection after each reply (without announcing it).  ``GET /__stats`` answers the counters as JSON,
  which is how a server run in another process (:func:`spawn_echo_server`,
  or ``python tests/tls_fixtures.py serve``) is observed.
"""

import asyncio
import itertools
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse

FIXED_DATE = "Sat, 01 Aug 2026 12:00:00 GMT"
_KB_PATH = re.compile(r"^/knowledgeBases/([^/?]+)")
_SLEEP_ID = re.compile(r"^/knowledgeBases/sleep(\d+)-")


# --------------------------------------------------------------------- PKI
class PKI:
    """Paths of the files made by :func:`make_pki`."""

    def __init__(self, directory):
        self.dir = directory
        self.ca_cert = os.path.join(directory, "ca.pem")
        self.ca_key = os.path.join(directory, "ca.key")
        self.server_cert = os.path.join(directory, "localhost.pem")
        self.server_key = os.path.join(directory, "localhost.key")
        self.other_cert = os.path.join(directory, "other.pem")
        self.other_key = os.path.join(directory, "other.key")

    def server_context(self, wrong_name=False):
        """An ``ssl`` server context presenting the localhost certificate
        (or, with wrong_name, the other.example one)."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if wrong_name:
            ctx.load_cert_chain(self.other_cert, self.other_key)
        else:
            ctx.load_cert_chain(self.server_cert, self.server_key)
        return ctx


def _openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _leaf(directory, name, sans, serial):
    """Makes <name>.key and <name>.pem for the SAN list, signed by the CA."""
    _openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
             "-subj", "/CN=%s" % sans[0].split(":", 1)[1], cwd=directory)
    ext = os.path.join(directory, name + ".ext")
    with open(ext, "w") as f:
        f.write("basicConstraints = critical, CA:FALSE\n"
                "keyUsage = critical, digitalSignature\n"
                "extendedKeyUsage = serverAuth\n"
                "subjectKeyIdentifier = hash\n"
                "authorityKeyIdentifier = keyid\n"
                "subjectAltName = %s\n" % ", ".join(sans))
    _openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-set_serial", str(serial), "-days", "365", "-sha256",
             "-extfile", name + ".ext", "-out", name + ".pem", cwd=directory)


def make_pki(directory):
    """Makes the test CA and server certificates in directory; returns a
    :class:`PKI`."""
    os.makedirs(directory, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "365", "-sha256",
             "-subj", "/CN=qconnect_c test CA",
             "-addext", "basicConstraints = critical, CA:TRUE",
             "-addext", "keyUsage = critical, keyCertSign, cRLSign",
             cwd=directory)
    _leaf(directory, "localhost", ["DNS:localhost", "IP:127.0.0.1"], 1001)
    _leaf(directory, "other", ["DNS:other.example"], 1002)
    return PKI(directory)


# --------------------------------------------------------------------- server
class Recorded:
    """One request as the server saw it."""

    __slots__ = ("method", "target", "headers", "body", "conn_id")

    def __init__(self, method, target, headers, body, conn_id):
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.conn_id = conn_id

    def header(self, name, default=None):
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return default


def echo_body(kb_id):
    """The JSON reply for knowledge base kb_id (a GetKnowledgeBase result)."""
    return {"knowledgeBase": {"knowledgeBaseId": kb_id, "name": "kb-" + kb_id,
                              "status": "ACTIVE"}}


class EchoServer:
    """See the module docstring. Use as a context manager or start()/stop()."""

    def __init__(self, ssl_context=None, delay=0.0, close_after_reply=False,
                 record=True, backlog=128):
        self.ssl_context = ssl_context
        self.delay = float(delay)
        self.close_after_reply = close_after_reply
        self.record = record
        self.backlog = backlog
        self.port = None
        self._loop = None
        self._server = None
        self._thread = None
        self._lock = threading.Lock()
        self._writers = {}  # open connection -> True while a request is served
        self._conn_ids = itertools.count(1)  # never reset
        self.reset()

    def reset(self):
        """Forgets the counters and recorded requests."""
        with self._lock:
            self.accepts = 0
            self.open_now = 0
            self.max_open = 0
            self.open_ids = set()  # ids of the connections open now
            self.in_flight = 0
            self.max_in_flight = 0
            self.requests = []
            self.received = 0  # requests read (counted before the reply goes out)

    # -- lifecycle
    def start(self):
        ready = threading.Event()
        failure = []

        def run():
            loop = asyncio.new_event_loop()
            self._loop = loop
            loop.set_exception_handler(self._on_loop_error)
            try:
                kwargs = {"ssl": self.ssl_context, "ssl_handshake_timeout": 10} \
                    if self.ssl_context is not None else {}
                self._server = loop.run_until_complete(asyncio.start_server(
                    self._handle, "127.0.0.1", 0, backlog=self.backlog, **kwargs))
                self.port = self._server.sockets[0].getsockname()[1]
            except Exception as e:  # reported by start()
                failure.append(e)
                ready.set()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                self._server.close()
                for writer in list(self._writers):
                    writer.transport.abort()
                tasks = asyncio.all_tasks(loop)
                if tasks:
                    loop.run_until_complete(asyncio.wait(tasks, timeout=2))
                for task in asyncio.all_tasks(loop):
                    task.cancel()
                loop.run_until_complete(asyncio.sleep(0))
                loop.close()

        self._thread = threading.Thread(target=run, name="echo-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop(self):
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def url(self, host="127.0.0.1"):
        scheme = "https" if self.ssl_context is not None else "http"
        return "%s://%s:%d" % (scheme, host, self.port)

    def stats(self):
        with self._lock:
            return {"accepts": self.accepts, "max_open": self.max_open,
                    "open_now": self.open_now, "in_flight": self.in_flight,
                    "max_in_flight": self.max_in_flight,
                    "received": self.received}

    def take_requests(self):
        with self._lock:
            out, self.requests = self.requests, []
            return out

    def close_idle(self, timeout=5.0):
        """Closes (FIN) every open connection that is not serving a request,
        as a server dropping idle keep-alive connections; returns once they
        are gone."""
        done = threading.Event()

        def close():
            for writer, busy in list(self._writers.items()):
                if not busy:
                    writer.close()
            done.set()

        self._loop.call_soon_threadsafe(close)
        done.wait(timeout)
        return self.wait_closed(timeout)

    def wait_closed(self, timeout=5.0):
        """Waits until no connection is open; returns True if none is."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                if self.open_now == 0:
                    return True
            time.sleep(0.01)
        return False

    # -- internals
    @staticmethod
    def _on_loop_error(loop, context):
        # A client that rejects the certificate or goes away is expected.
        exc = context.get("exception")
        if isinstance(exc, (ssl.SSLError, OSError, asyncio.CancelledError)) or \
                "handshake" in context.get("message", "").lower():
            return
        loop.default_exception_handler(context)

    async def _handle(self, reader, writer):
        self._writers[writer] = False
        with self._lock:
            self.accepts += 1
            conn_id = next(self._conn_ids)
            self.open_now += 1
            self.max_open = max(self.max_open, self.open_now)
            self.open_ids.add(conn_id)
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                        ConnectionError, ssl.SSLError, OSError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                parts = lines[0].split(" ")
                if len(parts) != 3:
                    return
                headers = []
                length = 0
                for line in lines[1:]:
                    if not line:
                        continue
                    k, _, v = line.partition(":")
                    headers.append((k, v.strip()))
                    if k.lower() == "content-length":
                        length = int(v)
                try:
                    body = await reader.readexactly(length) if length else b""
                except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError, OSError):
                    return
                method, target = parts[0], parts[1]
                self._writers[writer] = True
                with self._lock:
                    self.in_flight += 1
                    self.received += 1
                    self.max_in_flight = max(self.max_in_flight, self.in_flight)
                    if self.record:
                        self.requests.append(Recorded(method, target, headers, body, conn_id))
                try:
                    delay = self._delay_for(target)
                    if delay:
                        await asyncio.sleep(delay)
                    writer.write(self._reply(target))
                    await writer.drain()
                except (ConnectionError, ssl.SSLError, OSError):
                    return
                finally:
                    self._writers[writer] = False
                    with self._lock:
                        self.in_flight -= 1
                if self.close_after_reply:
                    return
        finally:
            self._writers.pop(writer, None)
            try:
                writer.close()
                if self.ssl_context is None:
                    # Counted closed once the socket is (the close runs on a
                    # later turn of the loop): wait_closed() must not let a
                    # client send its next request into a socket about to
                    # be closed. (TLS would wait here for the peer's
                    # close_notify.)
                    await writer.wait_closed()
            except Exception:  # the peer may be gone already
                pass
            finally:
                with self._lock:
                    self.open_now -= 1
                    self.open_ids.discard(conn_id)

    def _delay_for(self, target):
        m = _SLEEP_ID.match(target)
        if m:
            return int(m.group(1)) / 1000.0
        return 0.0 if target.startswith("/__stats") else self.delay

    def _reply(self, target):
        if target.startswith("/__stats"):
            body = json.dumps(self.stats()).encode()
            rid = "stats"
        else:
            path = urllib.parse.urlsplit(target).path if "://" in target else target
            m = _KB_PATH.match(path)
            kb_id = urllib.parse.unquote(m.group(1)) if m else ""
            body = json.dumps(echo_body(kb_id)).encode()
            rid = "req-" + kb_id
        head = ("HTTP/1.1 200 OK\r\nDate: %s\r\nContent-Type: application/json\r\n"
                "x-amzn-RequestId: %s\r\nContent-Length: %d\r\n\r\n"
                % (FIXED_DATE, rid, len(body)))
        return head.encode("latin-1") + body


# ------------------------------------------------- a server in its own process
class SpawnedServer:
    """An :class:`EchoServer` (plain HTTP) running in a child process."""

    def __init__(self, delay=0.0):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "serve", "--delay", repr(delay)],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("port "):
            self.close()
            raise RuntimeError("echo server did not start: %r" % line)
        self.port = int(line.split()[1])

    def url(self, host="127.0.0.1"):
        return "http://%s:%d" % (host, self.port)

    def stats(self):
        """The server's counters, read with a plain socket."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"GET /__stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                head, sep, body = data.partition(b"\r\n\r\n")
                if sep:
                    m = re.search(rb"Content-Length: (\d+)", head)
                    if m and len(body) >= int(m.group(1)):
                        break
        stats = json.loads(data.partition(b"\r\n\r\n")[2])
        stats["accepts"] -= 1  # this connection
        stats["received"] -= 1  # and this request
        return stats

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def spawn_echo_server(delay=0.0):
    """Starts an echo server (no recording) in another process, so its work
    does not compete with the client for the GIL."""
    return SpawnedServer(delay)


def _serve_main(argv):
    delay = 0.0
    if "--delay" in argv:
        delay = float(argv[argv.index("--delay") + 1])
    srv = EchoServer(delay=delay, record=False).start()
    print("port %d" % srv.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        _serve_main(sys.argv[2:])
    else:
        print(__doc__)
