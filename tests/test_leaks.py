"""Leak checks of the binding and the core, from Python: memory (tracemalloc
and the process RSS), live objects and reference counts stay flat over
more than 100,000 calls mixing successes, modelled service errors,
validation errors and transport errors (a closed 127.0.0.1 port).

Calls go through the public client (Session.client, its core answering
from a canned reply: no I/O) and through the core client directly.
"""

import gc
import os
import socket
import sys
import time
import tracemalloc

import pytest

import canned

import qconnect_c
from qconnect_c import _core, exceptions as qexc

KB = "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"
OK_REPLY = (200, "x-amzn-RequestId: req-ok\r\nContent-Type: application/json\r\n",
            b'{"importJob": {"importJobId": "job-1", "knowledgeBaseId": "kb",'
            b' "status": "START_IN_PROGRESS", "createdTime": 1717990000.5,'
            b' "urlExpiry": 1718000000, "metadata": {"team": "support",'
            b' "emoji": "\\ud83d\\ude00", "lone": "\\ud800"},'
            b' "externalSourceConfiguration": {"source": "AMAZON_CONNECT",'
            b' "configuration": {"connectConfiguration": {"instanceId": "i"}}}}}')
ERR_REPLY = (400, "x-amzn-RequestId: req-err\r\n"
             "x-amzn-ErrorType: ValidationException:http://internal/\r\n",
             b'{"message": "bad upload", "resourceName": "r"}')
CALLS = int(os.environ.get("QC_LEAK_CALLS", "100000"))
TRANSPORT_EVERY = 200  # one transport error per this many calls


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    canned.isolate_aws_env(monkeypatch, tmp_path)


def public_client(reply=None, endpoint_url=None):
    """Session.client, its core answering with reply (no I/O) when given."""
    session = qconnect_c.Session(
        aws_access_key_id="AKIDLEAKS", aws_secret_access_key="leak-secret",
        aws_session_token="leak-token", region_name="us-east-1")
    return canned.session_client(
        session, reply, endpoint_url=endpoint_url,
        config=qconnect_c.Config(retries={"total_max_attempts": 1},
                                 connect_timeout=2, read_timeout=2))


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Workload:
    """The mixed calls; counts what each kind did."""

    def __init__(self):
        self.ok = public_client(OK_REPLY)
        self.err = public_client(ERR_REPLY)
        self.down = public_client(endpoint_url=f"http://127.0.0.1:{closed_port()}")
        ops = [api for _, api in _core.operations()]
        self.sij = ops.index("StartImportJob")
        self.core_ok = _core.Client("us-east-1", canned_reply=OK_REPLY)
        self.core_ok.set_credentials("AKIDLEAKS", "leak-secret", "leak-token")
        self.core_err = _core.Client("us-east-1", canned_reply=ERR_REPLY,
                                     error_factory=self.err.exceptions.from_code)
        self.core_err.set_credentials("AKIDLEAKS", "leak-secret", None)
        # Parameters reused by every call: their reference counts are checked.
        self.label = "".join(["kb-", "0123456789"])  # a fresh str object
        self.upload = "".join(["upload-", "\u00e9\U0001F600"])
        self.meta_value = "".join(["value-", "\ud800"])  # lone surrogate
        self.metadata = {"team": self.meta_value, "n\u00e9": "x" * 300}
        self.params = {"knowledgeBaseId": self.label,
                       "importJobType": "QUICK_RESPONSES",
                       "uploadId": self.upload, "metadata": self.metadata,
                       "clientToken": "token-1"}
        self.bad_params = {"knowledgeBaseId": self.label,
                           "importJobType": 7, "uploadId": [self.upload],
                           "metadata": {"k": self.metadata}, "unknown": 1.5}
        self.counts = {"ok": 0, "service": 0, "validation": 0, "transport": 0}

    def watched(self):
        return [self.params, self.bad_params, self.metadata, self.label,
                self.upload, self.meta_value]

    def run(self, n):
        ok, err, down = self.ok, self.err, self.down
        core_ok, core_err, sij = self.core_ok, self.core_err, self.sij
        params, bad = self.params, self.bad_params
        counts = self.counts
        for i in range(n):
            k = i % 10
            if i % TRANSPORT_EVERY == 0:
                try:
                    down.start_import_job(**params)
                except qexc.EndpointConnectionError:
                    counts["transport"] += 1
            elif k < 3:
                r = ok.start_import_job(**params)
                assert r["importJob"]["importJobId"] == "job-1"
                counts["ok"] += 1
            elif k < 6:
                r = core_ok.call(sij, params)
                counts["ok"] += 1
            elif k < 8:
                try:
                    if k == 6:
                        err.start_import_job(**params)
                    else:
                        core_err.call(sij, params)
                except qexc.ClientError as e:
                    assert e.response["Error"]["Code"] == "ValidationException"
                    counts["service"] += 1
            else:
                try:
                    if k == 8:
                        ok.start_import_job(**bad)
                    else:
                        core_ok.call(sij, bad)
                except qexc.ParamValidationError:
                    counts["validation"] += 1


def _under_asan():
    """True when the AddressSanitizer runtime is loaded (`make sanitize`):
    its quarantine holds freed memory, so RSS says nothing there (ASan
    itself checks the memory instead)."""
    with open("/proc/self/maps") as f:
        return any("asan" in line for line in f)


def test_memory_and_refcounts_flat_over_100k_calls():
    w = Workload()
    watched = w.watched()
    w.run(5000)  # warm-up: caches (keys, tzinfos), allocator pools
    gc.collect()
    refs0 = [sys.getrefcount(o) for o in watched]
    objs0 = len(gc.get_objects())
    tracemalloc.start()
    traced0 = tracemalloc.get_traced_memory()[0]
    rss0 = rss_bytes()
    t0 = time.monotonic()
    # The first half also warms what tracemalloc sees for the first time;
    # the second half must add (next to) nothing.
    w.run(CALLS // 2)
    gc.collect()
    rss_mid = rss_bytes()
    blocks_mid = sys.getallocatedblocks()
    traced_mid = tracemalloc.get_traced_memory()[0]
    w.run(CALLS - CALLS // 2)
    elapsed = time.monotonic() - t0
    gc.collect()
    traced1 = tracemalloc.get_traced_memory()[0]
    blocks1 = sys.getallocatedblocks()
    tracemalloc.stop()
    rss1 = rss_bytes()
    objs1 = len(gc.get_objects())
    refs1 = [sys.getrefcount(o) for o in watched]
    total = sum(w.counts.values())
    print(f"{total} calls in {elapsed:.1f} s: {w.counts}; traced "
          f"{traced0} -> {traced_mid} -> {traced1} B; blocks {blocks_mid} -> "
          f"{blocks1}; RSS {rss0 >> 10} -> {rss_mid >> 10} -> {rss1 >> 10} "
          f"KiB; gc objects {objs0} -> {objs1}")
    assert total >= 100_000 or CALLS < 100_000
    assert min(w.counts.values()) > 0
    # Python-side allocations: flat over the second half (well under a
    # byte a call), and bounded overall.
    assert traced1 - traced_mid < 32 * 1024
    assert traced1 - traced0 < 512 * 1024
    assert blocks1 - blocks_mid < 200
    assert objs1 - objs0 < 50
    assert refs1 == refs0
    if not _under_asan():
        # C allocations: a leak of even 32 bytes a call would add 1.6 MB
        # over the second half.
        assert rss1 - rss_mid < 1024 * 1024, (rss_mid, rss1)
        assert rss1 - rss0 < 4 * 1024 * 1024, (rss0, rss1)


def test_returned_objects_hold_no_extra_references():
    # (Counts are taken outside assert statements: pytest's rewriting keeps
    # subexpressions alive while it evaluates them.)
    w = Workload()
    w.run(100)
    r = w.core_ok.call(w.sij, w.params)
    job = r["importJob"]
    metadata = job["metadata"]
    headers = r["ResponseMetadata"]["HTTPHeaders"]
    created = job["createdTime"]
    # Each is held by its container and by one name here, plus
    # getrefcount's own argument.
    counts = [sys.getrefcount(r), sys.getrefcount(job),
              sys.getrefcount(metadata), sys.getrefcount(headers),
              sys.getrefcount(created)]
    assert counts == [2, 3, 3, 3, 3]
    del job, metadata, headers, created
    r2 = w.ok.start_import_job(**w.params)
    n = sys.getrefcount(r2)
    assert n == 2
    err = None
    try:
        w.core_err.call(w.sij, w.params)
    except qexc.ClientError as e:
        err = e
    response = err.response
    n = sys.getrefcount(response)
    assert n == 3  # err.response and `response`
    del err, response
    gc.collect()


def test_exceptions_do_not_keep_parameters_alive():
    """An error's traceback must not hold the caller's parameters."""
    w = Workload()
    before = sys.getrefcount(w.params)
    for _ in range(1000):
        try:
            w.core_ok.call(w.sij, w.bad_params)
        except qexc.ParamValidationError:
            pass
        try:
            w.core_err.call(w.sij, w.params)
        except qexc.ClientError:
            pass
        try:
            w.down.start_import_job(**w.params) if _ % 100 == 0 else None
        except qexc.EndpointConnectionError:
            pass
    gc.collect()
    after = sys.getrefcount(w.params)
    assert after == before


def test_client_creation_and_destruction_flat():
    """Clients (and their connection pools, canned transports, credentials)
    are freed when dropped."""
    def cycle(n):
        for i in range(n):
            c = _core.Client("us-east-1", canned_reply=OK_REPLY)
            c.set_credentials("ak", "sk", "tok")
            c.set_credentials("ak2", "sk2", None)
            if i % 5 == 0:
                _core.Client("eu-west-1")  # a libcurl transport
            try:
                _core.Client("not a region!")
            except _core.CoreError:
                pass

    cycle(300)
    gc.collect()
    rss0 = rss_bytes()
    objs0 = len(gc.get_objects())
    blocks0 = sys.getallocatedblocks()
    cycle(3000)
    gc.collect()
    rss1 = rss_bytes()
    assert len(gc.get_objects()) - objs0 < 50
    assert sys.getallocatedblocks() - blocks0 < 200
    if not _under_asan():
        assert rss1 - rss0 < 2 * 1024 * 1024, (rss0, rss1)
