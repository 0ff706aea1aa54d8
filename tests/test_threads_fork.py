"""One client shared by many threads, and a client carried across fork().

* Threads: 16 threads x 1,000 calls on one client against an echo server
  (tests/tls_fixtures.py, run in its own process so it does not compete
  for the GIL) whose every reply carries the id of its request: each reply
  must be its request's.  Throughput grows with threads while the calls
  wait on the network (the GIL is released): against a server that takes
  20 ms per reply, 8 threads must do more than 3x the calls per second of
  one thread.
* Fork: a client created and used before os.fork() (so its pool holds a
  live keep-alive connection, plain or TLS) works in the child, the parent
  keeps working, the two never share a connection, and the child's copies
  of the parent's sockets are closed; also with another thread of the
  parent in the middle of a call, and in a multiprocessing "fork" pool.
"""

import json
import multiprocessing
import os
import select
import signal
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import tls_fixtures  # noqa: E402
from tls_fixtures import EchoServer  # noqa: E402

import qconnect_c  # noqa: E402

# These tests fork a multi-threaded process on purpose (CPython 3.12+ warns
# that the child may deadlock: what they check is that it does not).
pytestmark = pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded, use of fork:DeprecationWarning")


@pytest.fixture(autouse=True)
def isolated(monkeypatch):
    for name in list(os.environ):
        if name.startswith("AWS_") or name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return tls_fixtures.make_pki(str(tmp_path_factory.mktemp("pki")))


def make_client(url, verify=None, **config):
    config.setdefault("retries", {"total_max_attempts": 1})
    config.setdefault("read_timeout", 10)
    return qconnect_c.client("qconnect", region_name="us-east-1", endpoint_url=url,
                             verify=verify, aws_access_key_id="AKIDEXAMPLE",
                             aws_secret_access_key="secret/EXAMPLE",
                             config=qconnect_c.Config(**config))


def kb_of(client, kb):
    """Calls get_knowledge_base(kb); returns the echoed id after checking
    the request id echoed in the reply headers too."""
    r = client.get_knowledge_base(knowledgeBaseId=kb)
    assert r["ResponseMetadata"]["RequestId"] == "req-" + kb
    return r["knowledgeBase"]["knowledgeBaseId"]


def run_threads(n, fn):
    threads = [threading.Thread(target=fn, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
        assert not t.is_alive()


# ---------------------------------------------------------------------- threads
def test_16_threads_x_1000_calls_on_one_client():
    threads, calls = 16, 1000
    with tls_fixtures.spawn_echo_server() as srv:
        client = make_client(srv.url(), max_pool_connections=threads)
        errors, mismatched, done = [], [], [0] * threads

        def work(i):
            try:
                for j in range(calls):
                    kb = "t%02d-%04d" % (i, j)
                    r = client.get_knowledge_base(knowledgeBaseId=kb)
                    if r["knowledgeBase"]["knowledgeBaseId"] != kb or \
                            r["knowledgeBase"]["name"] != "kb-" + kb or \
                            r["ResponseMetadata"]["RequestId"] != "req-" + kb or \
                            r["ResponseMetadata"]["HTTPStatusCode"] != 200:
                        mismatched.append((kb, r))
                    done[i] += 1
            except Exception as e:  # reported below
                errors.append((i, e))

        start = time.monotonic()
        run_threads(threads, work)
        elapsed = time.monotonic() - start
        stats = srv.stats()
    assert not errors, errors[:3]
    assert not mismatched, mismatched[:3]
    assert done == [calls] * threads
    assert stats["received"] == threads * calls
    assert stats["accepts"] <= threads  # the pool's connections, reused
    assert elapsed < 30, elapsed
    print("\n16 threads x 1000 calls: %.2f s, %.0f calls/s, %d connections"
          % (elapsed, threads * calls / elapsed, stats["accepts"]))


def _rate(client, n_threads, calls_per_thread):
    errors = []

    def work(i):
        try:
            for j in range(calls_per_thread):
                kb = "r%d-%d-%d" % (n_threads, i, j)
                assert kb_of(client, kb) == kb
        except Exception as e:  # reported below
            errors.append(e)

    start = time.monotonic()
    run_threads(n_threads, work)
    elapsed = time.monotonic() - start
    assert not errors, errors[:3]
    return n_threads * calls_per_thread / elapsed


def test_throughput_grows_with_threads_while_the_network_waits():
    """A behavioural check that the GIL is released while a call waits: with
    20 ms per reply, one thread is bound by the latency; 8 threads overlap
    their waits."""
    with EchoServer(delay=0.02, record=False) as srv:
        client = make_client(srv.url(), max_pool_connections=8)
        kb_of(client, "warm-up")
        one = _rate(client, 1, 25)
        eight = _rate(client, 8, 25)
    print("\ncalls/s with 20 ms replies: 1 thread %.1f, 8 threads %.1f (%.1fx)"
          % (one, eight, eight / one))
    assert eight > 3 * one, (one, eight)


def test_threads_share_connections_across_tls(pki):
    with EchoServer(ssl_context=pki.server_context()) as srv:
        client = make_client(srv.url("localhost"), verify=pki.ca_cert,
                             max_pool_connections=4)
        errors = []

        def work(i):
            try:
                for j in range(50):
                    kb = "s%d-%d" % (i, j)
                    assert kb_of(client, kb) == kb
            except Exception as e:  # reported below
                errors.append(e)

        run_threads(8, work)
        assert not errors, errors[:3]
        assert srv.stats()["accepts"] <= 4


# ---------------------------------------------------------------------- fork
def _wait_child(pid, timeout=30.0):
    """Waits for child pid (killing it after timeout); returns its exit code."""
    end = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > end:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.01)


def _read_all(fd, timeout=30.0):
    data = b""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    os.close(fd)
    return data


def _fork(child_fn):
    """Forks; the child runs child_fn() and writes its JSON result to a pipe,
    then leaves with os._exit. Returns (pid, read end)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            os.close(r)
            result = child_fn()
            os.write(w, json.dumps({"ok": result}).encode())
            code = 0
        except BaseException as e:  # reported to the parent
            try:
                os.write(w, json.dumps({"error": "%s: %s" % (type(e).__name__, e)}).encode())
            except BaseException:
                pass
        finally:
            os._exit(code)
    os.close(w)
    return pid, r


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_fork_child_uses_its_own_connections(pki, tls):
    ctx = pki.server_context() if tls else None
    with EchoServer(ssl_context=ctx) as srv:
        client = make_client(srv.url("localhost"), verify=pki.ca_cert)
        assert kb_of(client, "parent-0") == "parent-0"
        assert srv.stats()["open_now"] == 1  # the pooled keep-alive connection

        pid, r = _fork(lambda: [kb_of(client, "child-%d" % i) for i in range(5)])
        result = json.loads(_read_all(r) or b"{}")
        assert _wait_child(pid) == 0, result
        assert result == {"ok": ["child-%d" % i for i in range(5)]}

        for i in range(1, 6):  # the parent goes on, on its own connection
            assert kb_of(client, "parent-%d" % i) == "parent-%d" % i

        by_conn = {}
        for req in srv.take_requests():
            by_conn.setdefault(req.conn_id, []).append(req.target.rsplit("/", 1)[1])
    parent = [c for c, ids in by_conn.items() if "parent-0" in ids]
    child = [c for c, ids in by_conn.items() if "child-0" in ids]
    assert len(parent) == 1 and len(child) == 1 and parent != child, by_conn
    assert by_conn[parent[0]] == ["parent-%d" % i for i in range(6)]
    assert by_conn[child[0]] == ["child-%d" % i for i in range(5)]


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_fork_child_closes_its_copies_of_the_parent_sockets(pki, tls):
    """While the child lives, closing the parent's client closes the
    parent's connection for real: the child let go of its copy of the
    socket (and never wrote on it: no TLS close_notify)."""
    ctx = pki.server_context() if tls else None
    with EchoServer(ssl_context=ctx) as srv:
        client = make_client(srv.url("localhost"), verify=pki.ca_cert)
        kb_of(client, "parent-0")
        go_r, go_w = os.pipe()

        def child():
            os.close(go_w)
            got = kb_of(client, "child-0")
            ready.write(b"x")
            ready.flush()
            os.read(go_r, 1)  # stay alive until the parent has checked
            return got

        ready_r, ready_w = os.pipe()
        ready = os.fdopen(ready_w, "wb")
        pid, r = _fork(child)
        ready.close()
        os.close(go_r)
        try:
            assert select.select([ready_r], [], [], 20)[0], "the child did not call"
            assert os.read(ready_r, 1) == b"x"
            os.close(ready_r)
            conns = {req.target.rsplit("/", 1)[1]: req.conn_id for req in srv.take_requests()}
            assert set(conns) == {"parent-0", "child-0"}
            assert conns["parent-0"] != conns["child-0"]
            client.close()
            del client
            deadline = time.monotonic() + 5
            while conns["parent-0"] in srv.open_ids and time.monotonic() < deadline:
                time.sleep(0.01)
            assert conns["parent-0"] not in srv.open_ids  # really closed
            assert conns["child-0"] in srv.open_ids       # the child's is alive
        finally:
            os.close(go_w)
            result = json.loads(_read_all(r) or b"{}")
            code = _wait_child(pid)
        assert code == 0 and result == {"ok": "child-0"}, result


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_fork_while_another_thread_is_in_a_call(pki, tls):
    """fork() while a thread of the parent holds the only pooled connection
    in a slow call: the child gets a working pool (it does not wait for a
    thread that does not exist in it, nor touch that connection), and the
    parent's call still completes."""
    ctx = pki.server_context() if tls else None
    with EchoServer(ssl_context=ctx) as srv:
        client = make_client(srv.url("localhost"), verify=pki.ca_cert, max_pool_connections=1)
        kb_of(client, "warm")
        slow = {}

        def slow_call():
            try:
                slow["kb"] = kb_of(client, "sleep800-slow")
            except Exception as e:  # reported below
                slow["error"] = e

        t = threading.Thread(target=slow_call)
        t.start()
        deadline = time.monotonic() + 5
        while srv.stats()["in_flight"] != 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert srv.stats()["in_flight"] == 1

        pid, r = _fork(lambda: [kb_of(client, "child-%d" % i) for i in range(3)])
        result = json.loads(_read_all(r) or b"{}")
        code = _wait_child(pid)
        t.join(10)
        assert code == 0 and result == {"ok": ["child-0", "child-1", "child-2"]}, result
        assert slow == {"kb": "sleep800-slow"}
        assert kb_of(client, "after") == "after"


def test_fork_child_draws_its_own_random_ids():
    """The idempotency token and invocation id come from OpenSSL's RNG,
    which reseeds in a forked child: parent and child never draw the same
    values."""
    with EchoServer() as srv:
        client = make_client(srv.url())
        params = {"importJobType": "QUICK_RESPONSES", "uploadId": "u"}
        client.start_import_job(knowledgeBaseId="parent-0", **params)

        def child():
            for i in range(3):
                client.start_import_job(knowledgeBaseId="child-%d" % i, **params)
            return True

        pid, r = _fork(child)
        result = json.loads(_read_all(r) or b"{}")
        assert _wait_child(pid) == 0 and result == {"ok": True}, result
        for i in range(1, 4):
            client.start_import_job(knowledgeBaseId="parent-%d" % i, **params)
        reqs = srv.take_requests()
    assert len(reqs) == 7
    tokens = [json.loads(req.body)["clientToken"] for req in reqs]
    ids = [req.header("amz-sdk-invocation-id") for req in reqs]
    assert len(set(tokens)) == 7 and len(set(ids)) == 7, (tokens, ids)


def test_fork_before_first_use_and_grandchild():
    with EchoServer() as srv:
        client = make_client(srv.url())

        def child():
            out = [kb_of(client, "child")]
            pid, r = _fork(lambda: kb_of(client, "grandchild"))
            res = json.loads(_read_all(r) or b"{}")
            if _wait_child(pid) != 0:
                raise RuntimeError("grandchild failed: %r" % (res,))
            out.append(res["ok"])
            out.append(kb_of(client, "child-again"))
            return out

        pid, r = _fork(child)
        result = json.loads(_read_all(r) or b"{}")
        assert _wait_child(pid) == 0, result
        assert result == {"ok": ["child", "grandchild", "child-again"]}
        assert kb_of(client, "parent") == "parent"


# A module-level client, as a multiprocessing worker function reaches it.
_POOL_CLIENT = None


def _pool_task(kb):
    return os.getpid(), kb_of(_POOL_CLIENT, kb)


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_multiprocessing_fork_pool(pki, tls):
    global _POOL_CLIENT
    ctx = pki.server_context() if tls else None
    with EchoServer(ssl_context=ctx) as srv:
        _POOL_CLIENT = make_client(srv.url("localhost"), verify=pki.ca_cert)
        try:
            assert kb_of(_POOL_CLIENT, "parent-before") == "parent-before"
            kbs = ["job-%d" % i for i in range(24)]
            with multiprocessing.get_context("fork").Pool(3) as pool:
                results = pool.map(_pool_task, kbs, chunksize=2)
            assert [kb for _, kb in results] == kbs
            assert os.getpid() not in {pid for pid, _ in results}
            assert kb_of(_POOL_CLIENT, "parent-after") == "parent-after"
            conns = {}
            for req in srv.take_requests():
                conns.setdefault(req.conn_id, set()).add(req.target.rsplit("/", 1)[1])
        finally:
            _POOL_CLIENT = None
    parent_conns = [c for c, ids in conns.items() if "parent-before" in ids]
    assert len(parent_conns) == 1
    assert conns[parent_conns[0]] == {"parent-before", "parent-after"}
    assert sum(len(ids) for ids in conns.values()) == 26
