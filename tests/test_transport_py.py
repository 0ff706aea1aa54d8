"""The transport seen from Python: TLS, connection pool, proxies, network
errors, User-Agent and TCP keep-alive, each compared live with boto3 under
the same settings.

Servers are on 127.0.0.1 only (tests/tls_fixtures.py: an echo server, plain
or TLS with a CA made by the ``openssl`` command; tests/fault_server.py for
broken replies; a small forwarding proxy below).  The one case that needs a
name lookup to fail runs in a private network namespace, so no query can
leave the machine.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
import warnings

import boto3
import botocore.loaders
import botocore.session
import pytest
from botocore.config import Config as BotoConfig

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tls_fixtures  # noqa: E402
from fault_server import Fault, FaultServer, reply  # noqa: E402
from tls_fixtures import EchoServer  # noqa: E402

import qconnect_c  # noqa: E402

SIDES = ("boto3", "qconnect_c")
_LOADER = botocore.loaders.create_loader()


# ---------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return tls_fixtures.make_pki(str(tmp_path_factory.mktemp("pki")))


@pytest.fixture(autouse=True)
def isolated(monkeypatch):
    """No AWS, proxy or CA settings from the environment."""
    for name in list(os.environ):
        if name.startswith("AWS_") or name.lower().endswith("_proxy") or \
                name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    warnings.simplefilter("ignore")  # urllib3's InsecureRequestWarning for verify=False


def make_client(side, url, verify=None, **config):
    """A client of side "boto3" or "qconnect_c" for url, from a fresh session
    (the environment is read now); one attempt per call unless told."""
    config.setdefault("retries", {"total_max_attempts": 1})
    config.setdefault("connect_timeout", 5)
    config.setdefault("read_timeout", 10)
    if side == "boto3":
        core = botocore.session.Session()
        core.register_component("data_loader", _LOADER)
        session = boto3.session.Session(botocore_session=core)
        cfg = BotoConfig(**config)
    else:
        session = qconnect_c.Session()
        cfg = qconnect_c.Config(**config)
    return session.client("qconnect", region_name="us-east-1", endpoint_url=url,
                          verify=verify, aws_access_key_id="AKIDEXAMPLE",
                          aws_secret_access_key="secret/EXAMPLE", config=cfg)


def outcome(client, kb="kb-1"):
    """("ok", result) or ("error", exception) of one get_knowledge_base."""
    try:
        return "ok", client.get_knowledge_base(knowledgeBaseId=kb)
    except Exception as e:  # every exception is compared
        return "error", e


def both(url, verify=None, kb="kb-1", **config):
    """Runs one call through each side; returns {side: outcome}."""
    return {side: outcome(make_client(side, url, verify, **config), kb) for side in SIDES}


def assert_same_success(outs, kb="kb-1"):
    (rk, ref), (ok, other) = outs["boto3"], outs["qconnect_c"]
    assert rk == "ok", "boto3 failed: %r" % (ref,)
    assert ok == "ok", "qconnect_c failed: %s: %s" % (type(other).__name__, other)
    assert other == ref
    assert other["knowledgeBase"]["knowledgeBaseId"] == kb


def assert_same_error(outs, cls_name, exact_message=True):
    (rk, ref), (ok, other) = outs["boto3"], outs["qconnect_c"]
    assert rk == "error" and type(ref).__name__ == cls_name, ref
    assert ok == "error", "qconnect_c returned %r" % (other,)
    assert type(other).__name__ == cls_name, "%s: %s" % (type(other).__name__, other)
    assert isinstance(other, getattr(qconnect_c.exceptions, cls_name))
    # botocore's own classes in the hierarchy are the same ones.
    ref_bases = [c.__name__ for c in type(ref).__mro__ if c.__module__ == "botocore.exceptions"]
    our_bases = [c.__name__ for c in type(other).__mro__ if c.__module__ == "qconnect_c.exceptions"]
    assert ref_bases == our_bases
    if exact_message:
        assert str(other) == str(ref)
    return ref, other


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------------- TLS
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_tls_verified_with_the_test_ca(pki, host):
    with EchoServer(ssl_context=pki.server_context()) as srv:
        outs = both(srv.url(host), verify=pki.ca_cert)
    assert_same_success(outs)


@pytest.mark.parametrize("verify", [None, True])
def test_tls_unknown_ca_fails_with_the_default_store(pki, verify):
    """Verification is on by default, against the system store, which does
    not know the test CA: SSLError for both, with botocore's message shape
    ("SSL validation failed for <url> <detail>"; the detail is the TLS
    library's own text and differs)."""
    with EchoServer(ssl_context=pki.server_context()) as srv:
        outs = both(srv.url("localhost"), verify=verify)
        ref, other = assert_same_error(outs, "SSLError", exact_message=False)
        prefix = "SSL validation failed for %s/knowledgeBases/kb-1 " % srv.url("localhost")
        assert str(ref).startswith(prefix)
        assert str(other).startswith(prefix)
        assert "local issuer certificate" in str(other)
        assert srv.stats()["received"] == 0


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_tls_wrong_host_name(pki, host):
    """A certificate from the trusted CA, but for another name."""
    with EchoServer(ssl_context=pki.server_context(wrong_name=True)) as srv:
        outs = both(srv.url(host), verify=pki.ca_cert)
        ref, other = assert_same_error(outs, "SSLError", exact_message=False)
        prefix = "SSL validation failed for %s/knowledgeBases/kb-1 " % srv.url(host)
        assert str(ref).startswith(prefix) and str(other).startswith(prefix)
        assert host in str(other)[len(prefix):]
        assert srv.stats()["received"] == 0


@pytest.mark.parametrize("wrong_name", [False, True])
def test_tls_verify_false(pki, wrong_name):
    with EchoServer(ssl_context=pki.server_context(wrong_name)) as srv:
        outs = both(srv.url("localhost"), verify=False)
    assert_same_success(outs)


def test_tls_ca_bundle_from_aws_ca_bundle(pki, monkeypatch):
    monkeypatch.setenv("AWS_CA_BUNDLE", pki.ca_cert)
    with EchoServer(ssl_context=pki.server_context()) as srv:
        outs = both(srv.url("localhost"))
    assert_same_success(outs)


def test_tls_ca_bundle_from_the_config_file(pki, monkeypatch, tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("[default]\nca_bundle = %s\n" % pki.ca_cert)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    with EchoServer(ssl_context=pki.server_context()) as srv:
        outs = both(srv.url("localhost"))
    assert_same_success(outs)


def test_tls_ca_bundle_from_requests_ca_bundle(pki, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", pki.ca_cert)
    with EchoServer(ssl_context=pki.server_context()) as srv:
        outs = both(srv.url("localhost"))
    assert_same_success(outs)


def test_tls_verify_argument_wins_over_aws_ca_bundle(pki, monkeypatch, tmp_path):
    """verify=<path> beats AWS_CA_BUNDLE (here an unrelated bundle)."""
    other = tls_fixtures.make_pki(str(tmp_path / "other"))
    monkeypatch.setenv("AWS_CA_BUNDLE", other.ca_cert)
    with EchoServer(ssl_context=pki.server_context()) as srv:
        assert_same_success(both(srv.url("localhost"), verify=pki.ca_cert))
        assert_same_error(both(srv.url("localhost")), "SSLError", exact_message=False)


def test_tls_connection_reused(pki):
    with EchoServer(ssl_context=pki.server_context()) as srv:
        c = make_client("qconnect_c", srv.url("localhost"), verify=pki.ca_cert)
        for i in range(10):
            assert c.get_knowledge_base(knowledgeBaseId="k%d" % i)["knowledgeBase"][
                "knowledgeBaseId"] == "k%d" % i
        assert srv.stats()["accepts"] == 1


# ---------------------------------------------------------------- connections
@pytest.mark.parametrize("side", SIDES)
def test_sequential_calls_use_one_connection(side):
    with EchoServer() as srv:
        c = make_client(side, srv.url())
        for i in range(20):
            r = c.get_knowledge_base(knowledgeBaseId="seq-%d" % i)
            assert r["knowledgeBase"]["knowledgeBaseId"] == "seq-%d" % i
        assert srv.stats()["accepts"] == 1
        assert {r.conn_id for r in srv.take_requests()} == {1}


def _hammer(client, n_threads, calls, prefix):
    errors, wrong = [], []

    def work(i):
        try:
            for j in range(calls):
                kb = "%s%d-%d" % (prefix, i, j)
                r = client.get_knowledge_base(knowledgeBaseId=kb)
                if r["knowledgeBase"]["knowledgeBaseId"] != kb:
                    wrong.append((kb, r))
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors, wrong


def test_pool_limit_threads_wait_for_a_connection():
    """max_pool_connections=2 and 8 threads: every call succeeds, and never
    more than 2 connections exist (threads wait for a free one)."""
    with EchoServer(delay=0.03) as srv:
        c = make_client("qconnect_c", srv.url(), max_pool_connections=2)
        errors, wrong = _hammer(c, 8, 4, "p")
        stats = srv.stats()
    assert not errors and not wrong
    assert stats["received"] == 32
    assert stats["accepts"] == 2
    assert stats["max_open"] == 2
    assert stats["max_in_flight"] == 2


def test_pool_limit_compared_with_boto3():
    """What urllib3 does instead: with a full pool it opens extra connections
    and throws them away after one use ("Connection pool is full")."""
    with EchoServer(delay=0.03) as srv:
        c = make_client("boto3", srv.url(), max_pool_connections=2)
        errors, wrong = _hammer(c, 8, 4, "b")
        stats = srv.stats()
    assert not errors and not wrong
    assert stats["max_open"] > 2  # qconnect_c keeps to the limit (test above)


def test_default_pool_is_ten_connections():
    with EchoServer(delay=0.2) as srv:
        c = make_client("qconnect_c", srv.url())
        errors, wrong = _hammer(c, 12, 2, "d")
        stats = srv.stats()
    assert not errors and not wrong
    assert stats["max_open"] == 10


def test_server_closing_an_idle_connection():
    """The server drops the kept-alive connection between two calls: the
    next call opens a new one, with no error and no retry, as boto3."""
    for side in SIDES:
        with EchoServer() as srv:
            c = make_client(side, srv.url())
            r1 = c.get_knowledge_base(knowledgeBaseId="a")
            assert srv.close_idle()
            time.sleep(0.05)
            r2 = c.get_knowledge_base(knowledgeBaseId="b")
            assert r1["ResponseMetadata"]["RetryAttempts"] == 0
            assert r2["ResponseMetadata"]["RetryAttempts"] == 0, side
            assert r2["knowledgeBase"]["knowledgeBaseId"] == "b"
            assert [r.conn_id for r in srv.take_requests()] == [1, 2], side


def test_server_closing_after_every_reply():
    with EchoServer(close_after_reply=True) as srv:
        outs = {}
        for side in SIDES:
            c = make_client(side, srv.url(), retries={"mode": "standard"})
            for i in range(5):
                outs[side] = outcome(c, "k%d" % i)
                assert outs[side][0] == "ok", outs[side]
                srv.wait_closed()
        assert srv.stats()["accepts"] == 10


# ---------------------------------------------------------------- errors
def test_refused_port():
    url = "http://127.0.0.1:%d" % free_port()
    ref, other = assert_same_error(both(url), "EndpointConnectionError")
    assert str(other) == 'Could not connect to the endpoint URL: "%s/knowledgeBases/kb-1"' % url


def test_refused_port_https():
    url = "https://127.0.0.1:%d" % free_port()
    assert_same_error(both(url), "EndpointConnectionError")


UNSHARE_CHILD = textwrap.dedent("""
    import json, os, sys, warnings
    warnings.simplefilter("ignore")
    for k in list(os.environ):
        if k.startswith("AWS_") or k.lower().endswith("_proxy"):
            del os.environ[k]
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    import boto3, botocore.config, qconnect_c
    url = sys.argv[1]
    out = {}
    for side, mod, cfg in (("boto3", boto3, botocore.config.Config),
                           ("qconnect_c", qconnect_c, qconnect_c.Config)):
        c = mod.session.Session().client(
            "qconnect", region_name="us-east-1", endpoint_url=url,
            aws_access_key_id="a", aws_secret_access_key="b",
            config=cfg(retries={"total_max_attempts": 1}, connect_timeout=5))
        try:
            c.get_knowledge_base(knowledgeBaseId="kb-1")
            out[side] = ["ok"]
        except Exception as e:
            out[side] = [type(e).__name__, str(e),
                         [k.__name__ for k in type(e).__mro__]]
    print(json.dumps(out))
""")


def _unshare_available():
    try:
        proc = subprocess.run(["unshare", "--net", "true"], capture_output=True,
                              timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return str(e)
    return proc.returncode == 0 or proc.stderr.decode(errors="replace")


def test_name_resolution_failure():
    """A host name that does not resolve: EndpointConnectionError with the
    same message. Run in a network namespace with no interface up, so the
    lookup fails without any packet leaving the machine."""
    # The tests run as root, so a private network namespace is available;
    # without one the DNS query could leave the machine, so no fallback.
    available = _unshare_available()
    assert available is True, "unshare --net failed: %s" % available
    url = "https://no-such-host.invalid"
    proc = subprocess.run(["unshare", "--net", sys.executable, "-c", UNSHARE_CHILD, url],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["boto3"][0] == out["qconnect_c"][0] == "EndpointConnectionError", out
    assert out["boto3"][1] == out["qconnect_c"][1] == \
        'Could not connect to the endpoint URL: "%s/knowledgeBases/kb-1"' % url


class _FullBacklog:
    """A listening socket whose accept queue is full: the kernel drops new
    SYNs, so a connect to it never completes (all on 127.0.0.1)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.fillers = []
        for _ in range(4):
            s = socket.socket()
            s.setblocking(False)
            try:
                s.connect(("127.0.0.1", self.port))
            except BlockingIOError:
                pass
            self.fillers.append(s)
        time.sleep(0.05)

    def close(self):
        for s in self.fillers:
            s.close()
        self.sock.close()


def test_connect_timeout():
    backlog = _FullBacklog()
    try:
        url = "http://127.0.0.1:%d" % backlog.port
        elapsed = {}
        outs = {}
        for side in SIDES:
            start = time.monotonic()
            outs[side] = outcome(make_client(side, url, connect_timeout=0.4))
            elapsed[side] = time.monotonic() - start
    finally:
        backlog.close()
    ref, other = assert_same_error(outs, "ConnectTimeoutError")
    assert str(other) == 'Connect timeout on endpoint URL: "%s/knowledgeBases/kb-1"' % url
    assert 0.3 < elapsed["qconnect_c"] < 2.0


def test_connect_timeout_is_retried_like_boto3():
    backlog = _FullBacklog()
    try:
        url = "http://127.0.0.1:%d" % backlog.port
        outs = {}
        for side in SIDES:
            c = make_client(side, url, connect_timeout=0.2,
                            retries={"mode": "standard", "total_max_attempts": 2})
            outs[side] = outcome(c)
    finally:
        backlog.close()
    assert_same_error(outs, "ConnectTimeoutError")


OK_BODY = json.dumps({"knowledgeBase": {"knowledgeBaseId": "kb-1", "name": "n"}})


def _fault_both(server, faults, **config):
    outs = {}
    for side in SIDES:
        server.script(list(faults), default=reply(200, OK_BODY))
        outs[side] = outcome(make_client(side, server.url, **config))
        server.take_requests()
    return outs


def test_read_timeout():
    with FaultServer() as srv:
        stall = Fault("stall", 200, [("Content-Type", "application/json")], OK_BODY, stall=3)
        start = time.monotonic()
        outs = _fault_both(srv, [stall, stall], read_timeout=0.4)
        assert time.monotonic() - start < 2.5
        ref, other = assert_same_error(outs, "ReadTimeoutError")
        assert str(other) == 'Read timeout on endpoint URL: "%s/knowledgeBases/kb-1"' % srv.url


@pytest.mark.parametrize("kind", ["reset_mid_body", "truncate", "reset", "close"])
def test_connection_closed(kind):
    with FaultServer() as srv:
        fault = Fault(kind, 200, [("Content-Type", "application/json")], OK_BODY)
        outs = _fault_both(srv, [fault, fault])
        ref, other = assert_same_error(outs, "ConnectionClosedError")
        assert str(other) == ('Connection was closed before we received a valid response '
                              'from endpoint URL: "%s/knowledgeBases/kb-1".' % srv.url)


# ---------------------------------------------------------------- proxies
class ForwardingProxy:
    """An HTTP proxy on 127.0.0.1: forwards absolute-form requests (plain
    HTTP) and tunnels CONNECT (HTTPS); records what it was asked."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.seen = []  # (method, target)
        self.auth = []  # Proxy-Authorization of each request (None: absent)
        self._lock = threading.Lock()
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self._stop = True
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _accept(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_head(conn, buf):
        while b"\r\n\r\n" not in buf:
            data = conn.recv(65536)
            if not data:
                return None, b""
            buf += data
        head, _, rest = buf.partition(b"\r\n\r\n")
        return head.decode("latin-1").split("\r\n"), rest

    def _serve(self, conn):
        buf = b""
        try:
            while True:
                lines, buf = self._read_head(conn, buf)
                if lines is None:
                    return
                method, target, _ = lines[0].split(" ", 2)
                auth = [line.split(":", 1)[1].strip() for line in lines[1:]
                        if line.lower().startswith("proxy-authorization:")]
                with self._lock:
                    self.seen.append((method, target))
                    self.auth.append(auth[0] if auth else None)
                if method == "CONNECT":
                    host, port = target.rsplit(":", 1)
                    up = socket.create_connection((host, int(port)), timeout=10)
                    conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    if buf:
                        up.sendall(buf)
                    self._pipe(conn, up)
                    return
                headers = [line.split(":", 1) for line in lines[1:] if line]
                headers = [(k, v.strip()) for k, v in headers]
                length = sum(int(v) for k, v in headers if k.lower() == "content-length")
                while len(buf) < length:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                body, buf = buf[:length], buf[length:]
                parts = urllib.parse.urlsplit(target)
                up = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                path = parts.path + ("?" + parts.query if parts.query else "")
                up.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
                for k, v in headers:
                    if k.lower() not in ("proxy-connection", "connection",
                                         "proxy-authorization"):
                        up.putheader(k, v)
                up.endheaders(body)
                resp = up.getresponse()
                data = resp.read()
                out = ["HTTP/1.1 %d %s" % (resp.status, resp.reason)]
                out += ["%s: %s" % kv for kv in resp.getheaders()
                        if kv[0].lower() not in ("connection", "transfer-encoding",
                                                 "content-length")]
                out.append("Content-Length: %d" % len(data))
                conn.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + data)
                up.close()
        except OSError:
            return
        finally:
            conn.close()

    @staticmethod
    def _pipe(a, b):
        def copy(src, dst):
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=copy, args=(b, a), daemon=True)
        t.start()
        copy(a, b)
        t.join(10)
        b.close()


def test_config_proxies_http():
    with EchoServer() as srv, ForwardingProxy() as proxy:
        outs = both(srv.url(), proxies={"http": proxy.url})
        assert_same_success(outs)
        target = "%s/knowledgeBases/kb-1" % srv.url()
        assert proxy.seen == [("GET", target), ("GET", target)]
        assert srv.stats()["received"] == 2


def test_config_proxies_https_tunnel(pki):
    with EchoServer(ssl_context=pki.server_context()) as srv, ForwardingProxy() as proxy:
        outs = both(srv.url("localhost"), verify=pki.ca_cert, proxies={"https": proxy.url})
        assert_same_success(outs)
        tunnel = ("CONNECT", "localhost:%d" % srv.port)
        assert proxy.seen == [tunnel, tunnel]


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_proxy_credentials_in_the_url(pki, tls):
    """user:password in the proxy URL: Basic Proxy-Authorization, as botocore
    sends it (on the forwarded request, or on CONNECT)."""
    ctx = pki.server_context() if tls else None
    with EchoServer(ssl_context=ctx) as srv, ForwardingProxy() as proxy:
        url = "http://us%%40er:p%%3Ass@127.0.0.1:%d" % proxy.port
        outs = both(srv.url("localhost"), verify=pki.ca_cert,
                    proxies={"https" if tls else "http": url})
        assert_same_success(outs)
        assert len(proxy.auth) == 2
        assert proxy.auth[0] == proxy.auth[1] == "Basic dXNAZXI6cDpzcw=="  # us@er:p:ss


def test_proxy_url_without_scheme():
    with EchoServer() as srv, ForwardingProxy() as proxy:
        outs = both(srv.url(), proxies={"http": "127.0.0.1:%d" % proxy.port})
        assert_same_success(outs)
        assert len(proxy.seen) == 2


def test_config_proxies_of_another_scheme_are_not_used():
    with EchoServer() as srv, ForwardingProxy() as proxy:
        outs = both(srv.url(), proxies={"https": proxy.url})
        assert_same_success(outs)
        assert proxy.seen == []


def test_config_proxies_ignore_no_proxy(monkeypatch):
    """Config(proxies=...) is used for every host: NO_PROXY does not apply."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    with EchoServer() as srv, ForwardingProxy() as proxy:
        outs = both(srv.url(), proxies={"http": proxy.url})
        assert_same_success(outs)
        assert len(proxy.seen) == 2


@pytest.mark.parametrize("name", ["HTTP_PROXY", "http_proxy"])
def test_environment_proxy(monkeypatch, name):
    with EchoServer() as srv, ForwardingProxy() as proxy:
        monkeypatch.setenv(name, proxy.url)
        outs = both(srv.url())
        assert_same_success(outs)
        assert len(proxy.seen) == 2


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*",
                                      ".0.0.1"])
def test_environment_no_proxy_bypasses(monkeypatch, no_proxy):
    with EchoServer() as srv, ForwardingProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", no_proxy)
        outs = both(srv.url())
        assert_same_success(outs)
        assert proxy.seen == []
        assert srv.stats()["received"] == 2


def test_environment_no_proxy_other_host(monkeypatch):
    with EchoServer() as srv, ForwardingProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "example.com,10.0.0.1")
        assert_same_success(both(srv.url()))
        assert len(proxy.seen) == 2


def test_unreachable_proxy():
    """A proxy that refuses connections: ProxyConnectionError for both."""
    with EchoServer() as srv:
        proxy_url = "http://127.0.0.1:%d" % free_port()
        outs = both(srv.url(), proxies={"http": proxy_url})
        ref, other = assert_same_error(outs, "ProxyConnectionError", exact_message=False)
        assert str(ref).startswith('Failed to connect to proxy URL: "')
        assert str(other).startswith('Failed to connect to proxy URL: "')
        assert srv.stats()["received"] == 0


def test_unreachable_proxy_message():
    with EchoServer() as srv:
        proxy_url = "http://user:pw@127.0.0.1:%d" % free_port()
        outs = both(srv.url(), proxies={"http": proxy_url})
        ref, other = assert_same_error(outs, "ProxyConnectionError", exact_message=False)
        assert str(ref) == 'Failed to connect to proxy URL: "http://***:***@127.0.0.1:%d"' % (
            urllib.parse.urlsplit(proxy_url).port)
        assert str(other) == str(ref)


# ------------------------------------------------------- User-Agent, keep-alive
def test_user_agent_names_qconnect_c_and_its_version():
    with EchoServer() as srv:
        make_client("qconnect_c", srv.url()).get_knowledge_base(knowledgeBaseId="ua")
        ua = srv.take_requests()[0].header("User-Agent")
    assert ua.split(" ")[0] == "qconnect_c/%s" % qconnect_c.__version__


def test_user_agent_extra_is_appended_as_boto3():
    with EchoServer() as srv:
        uas = {}
        for side in SIDES:
            make_client(side, srv.url(), user_agent_extra="myapp/2.5 (x)").get_knowledge_base(
                knowledgeBaseId="ua")
            uas[side] = srv.take_requests()[0].header("User-Agent")
    for side in SIDES:
        assert uas[side].endswith(" myapp/2.5 (x)"), uas[side]
    assert uas["qconnect_c"].startswith("qconnect_c/%s " % qconnect_c.__version__)


def test_user_agent_replaced_as_boto3():
    with EchoServer() as srv:
        uas = {}
        for side in SIDES:
            make_client(side, srv.url(), user_agent="custom/1.0",
                        user_agent_extra="more").get_knowledge_base(knowledgeBaseId="ua")
            uas[side] = srv.take_requests()[0].header("User-Agent")
    assert uas["qconnect_c"].startswith("custom/1.0")
    assert uas["qconnect_c"].endswith(" more")
    assert uas["boto3"].startswith("custom/1.0") and uas["boto3"].endswith(" more")


def _client_sockets_to(port):
    """SO_KEEPALIVE of each socket of this process connected to
    127.0.0.1:port (the client side of the connections)."""
    out = []
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = os.dup(int(name))
        except OSError:
            continue
        try:
            s = socket.socket(fileno=fd)
        except OSError:
            os.close(fd)
            continue
        try:
            if s.family == socket.AF_INET and s.getpeername() == ("127.0.0.1", port):
                out.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))
        except OSError:
            pass
        finally:
            s.close()
    return out


@pytest.mark.parametrize("keepalive", [True, False, None])
def test_tcp_keepalive(keepalive):
    """Config(tcp_keepalive=True) sets SO_KEEPALIVE on the client's socket,
    as botocore does; off (or unset) leaves it off."""
    config = {} if keepalive is None else {"tcp_keepalive": keepalive}
    for side in SIDES:
        with EchoServer() as srv:
            c = make_client(side, srv.url(), **config)
            c.get_knowledge_base(knowledgeBaseId="ka")
            flags = _client_sockets_to(srv.port)
            assert len(flags) == 1, (side, flags)
            assert bool(flags[0]) is bool(keepalive), side
            del c


def test_tcp_keepalive_from_the_config_file(monkeypatch, tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text("[default]\ntcp_keepalive = true\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(cfg))
    for side in SIDES:
        with EchoServer() as srv:
            c = make_client(side, srv.url())
            c.get_knowledge_base(knowledgeBaseId="ka")
            assert _client_sockets_to(srv.port) == [1], side
            del c


def test_client_sockets_are_not_inherited_by_exec():
    """Like Python's sockets, the connections are close-on-exec: a program
    started with subprocess does not hold them open."""
    import fcntl

    with EchoServer() as srv:
        c = make_client("qconnect_c", srv.url())
        c.get_knowledge_base(knowledgeBaseId="x")
        fds = []
        for name in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink("/proc/self/fd/" + name)
            except OSError:
                continue
            if target.startswith("socket:"):
                try:
                    s = socket.socket(fileno=os.dup(int(name)))
                except OSError:
                    continue
                try:
                    if s.family == socket.AF_INET and s.getpeername() == ("127.0.0.1", srv.port):
                        fds.append(int(name))
                except OSError:
                    pass
                finally:
                    s.close()
        assert len(fds) == 1
        assert fcntl.fcntl(fds[0], fcntl.F_GETFD) & fcntl.FD_CLOEXEC
