#!/usr/bin/env python3
"""atheris target: the binding's Python -> C conversion (and back).

Random nested Python values — dicts (and subclasses, non-str keys), lists,
tuples, str with lone surrogates and NULs, bytes, bytearray, huge ints,
nan/inf, None, datetimes (naive, aware, with a tzinfo that raises),
Decimal, and objects whose __str__/__repr__/__getattr__ raise or whose
__str__ mutates the parameters being converted — go to

  * the core client: ``_core.Client(region, canned_reply=...).call(op, params,
    validate)`` for an operation chosen by the input, and
  * the public client (``qconnect_c.client("qconnect", ...)`` with its core
    answering from a canned reply): ``start_import_job(**params)`` and
    another operation.

Exceptions are fine; a crash, a sanitizer report, a SystemError (a C
function returning NULL without an exception, or a result with one set) or
a reference leak on the objects passed in is a finding.

Run (see mk/hardening.mk, `make fuzz`): with the ASan build of the
extension and the ASan runtime preloaded,
    python fuzz/fuzz_binding.py -max_total_time=60 fuzz/corpus/binding
"""
import datetime
import decimal
import math
import os
import sys

import ctypes

# With libFuzzer + ASan preloaded as one library (`make fuzz` builds it),
# atheris must use that libFuzzer, which also sees the coverage of the
# extension (built with -fsanitize=fuzzer-no-link); else its own copy.
if hasattr(ctypes.CDLL(None), "LLVMFuzzerRunDriver"):
    import atheris_no_libfuzzer as atheris
else:
    import atheris

with atheris.instrument_imports():
    import qconnect_c
    from qconnect_c import _core, exceptions, session as _session

OPS = [api for _, api in _core.operations()]
SIJ = OPS.index("StartImportJob")
KB = "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"
SIJ_REPLY = (200, "x-amzn-RequestId: r-1\r\nContent-Type: application/json\r\n",
             b'{"importJob": {"importJobId": "j", "knowledgeBaseId": "kb", '
             b'"status": "START_IN_PROGRESS", "createdTime": 1717990000.5, '
             b'"metadata": {"k": "\\ud800"}}}')
REPLIES = [
    SIJ_REPLY,
    (400, "x-amzn-ErrorType: ValidationException:http://x/\r\n",
     b'{"message": "bad", "Message": "\\u0000"}'),
    (500, "Content-Type: text/html\r\n", b"<html>\xff\xfe</html>"),
    (200, "", b'{"importJob": [1, 2]}'),
    (404, "x-amzn-ErrorType: ResourceNotFoundException\r\n",
     b'{"message": "' + b"x" * 300 + b'"}'),
]
# Names the generator uses as keys, so the validator goes deep.
NAMES = ["knowledgeBaseId", "importJobType", "uploadId", "clientToken",
         "metadata", "externalSourceConfiguration", "source",
         "configuration", "connectConfiguration", "instanceId", "assistantId",
         "maxResults", "nextToken", "tags", "content", "name", "type",
         "QUICK_RESPONSES", "AMAZON_CONNECT", "queryText", "filters",
         "field", "operator", "value", "\udc80", "a\x00b", ""]


class RaisingStr:
    def __str__(self):
        raise ValueError("str() of this object fails")

    def __repr__(self):
        raise KeyError("repr() of this object fails")


class WeirdStr:
    def __str__(self):
        return 42  # not a str: TypeError from str()


class SurrogateStr:
    def __str__(self):
        return "\ud800 lone"


class RaisingGetattr:
    def __getattr__(self, name):
        raise RuntimeError("no attribute " + name)


class Readable:
    def read(self, n=-1):
        return b"data"


class RaisingTz(datetime.tzinfo):
    def utcoffset(self, dt):
        raise ValueError("no offset")


class BigTz(datetime.tzinfo):
    def utcoffset(self, dt):
        return datetime.timedelta(hours=23, minutes=59)


class DictSub(dict):
    def items(self):
        raise RuntimeError("items() is overridden")

    def __iter__(self):
        raise RuntimeError("iter() is overridden")


class ListSub(list):
    def __iter__(self):
        raise RuntimeError("iter() is overridden")


class StrSub(str):
    def __str__(self):
        raise ValueError("StrSub.__str__")


class IntSub(int):
    def __str__(self):
        raise ValueError("IntSub.__str__")


class Mutator:
    """Its __str__ (run while a validation message is formatted, with the
    GIL taken back) empties the containers being converted."""

    def __init__(self, victims):
        self.victims = victims

    mutated = False

    def __str__(self):
        Mutator.mutated = True
        for v in self.victims:
            v.clear()
        return "mutated"


def text(fdp, n):
    kind = fdp.ConsumeIntInRange(0, 5)
    if kind == 0:
        return fdp.PickValueInList(NAMES)
    if kind == 1:
        return fdp.ConsumeUnicode(n)  # may hold lone surrogates
    if kind == 2:
        return fdp.ConsumeUnicodeNoSurrogates(n) + "\x00"
    if kind == 3:
        return chr(fdp.ConsumeIntInRange(0xD800, 0xDFFF)) * fdp.ConsumeIntInRange(0, 3)
    if kind == 4:
        return StrSub(fdp.ConsumeUnicodeNoSurrogates(n))
    return "x" * fdp.ConsumeIntInRange(0, 70000)


def value(fdp, depth, victims):
    if depth > 6:
        return None
    kind = fdp.ConsumeIntInRange(0, 27)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeBool()
    if kind == 2:
        return fdp.ConsumeInt(fdp.ConsumeIntInRange(1, 80))
    if kind == 3:
        return fdp.PickValueInList([10 ** 5000, -(2 ** 64), 2 ** 63, -2 ** 63 - 1,
                                    IntSub(7), 2 ** 31])
    if kind == 4:
        return fdp.PickValueInList([math.nan, math.inf, -math.inf, -0.0,
                                    5e-324, 1e308, fdp.ConsumeFloat()])
    if kind in (5, 6, 7):
        return text(fdp, 40)
    if kind == 8:
        return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 40))
    if kind == 9:
        return bytearray(fdp.ConsumeBytes(8))
    if kind in (10, 11, 12):
        d = {}
        for _ in range(fdp.ConsumeIntInRange(0, 5)):
            d[key(fdp)] = value(fdp, depth + 1, victims)
        return d
    if kind in (13, 14):
        lst = [value(fdp, depth + 1, victims)
               for _ in range(fdp.ConsumeIntInRange(0, 4))]
        return tuple(lst) if kind == 14 else lst
    if kind == 15:
        return RaisingStr()
    if kind == 16:
        return fdp.PickValueInList([WeirdStr(), SurrogateStr(),
                                    RaisingGetattr(), Readable(), object()])
    if kind == 17:
        y = fdp.ConsumeIntInRange(1, 9999)
        tz = fdp.PickValueInList([None, datetime.timezone.utc, RaisingTz(),
                                  BigTz(), datetime.timezone(
                                      datetime.timedelta(hours=-12))])
        return datetime.datetime(y, 12, 31, 23, 59, 59, 999999, tzinfo=tz)
    if kind == 18:
        return fdp.PickValueInList([decimal.Decimal("1.5"),
                                    decimal.Decimal("NaN"),
                                    decimal.Decimal("sNaN"),
                                    decimal.Decimal("1e999999")])
    if kind == 19:
        d = DictSub()
        dict.__setitem__(d, key(fdp), value(fdp, depth + 1, victims))
        return d
    if kind == 20:
        return ListSub([value(fdp, depth + 1, victims)])
    if kind == 21:
        return Mutator(victims)
    if kind == 22:
        return datetime.date(2024, 1, 2)
    if kind == 23:
        return {1, 2}
    if kind == 24:
        return fdp.PickValueInList([b"\xff", "2024-01-02T03:04:05Z",
                                    "not a date", "1e400", "nan"])
    if kind == 25:
        # A deep nest: RecursionError, not a crash.
        deep = {}
        cur = deep
        for _ in range(fdp.ConsumeIntInRange(0, 3000)):
            cur["a"] = {}
            cur = cur["a"]
        return deep
    if kind == 26:
        lst = []
        lst.append(lst)  # a cycle
        return lst
    return 1j


def key(fdp):
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind < 7:
        return text(fdp, 20)
    return fdp.PickValueInList([1, None, (1, 2), b"k", 2.5, frozenset()])


def params(fdp, victims):
    top = {}
    for _ in range(fdp.ConsumeIntInRange(0, 6)):
        k = key(fdp) if fdp.ConsumeIntInRange(0, 3) == 0 else \
            fdp.PickValueInList(NAMES[:17])
        top[k] = value(fdp, 1, victims)
    victims.append(top)
    return top


def _canned_session_client(reply, validation):
    """The public client from a Session, its core answering with reply."""
    real = _core.Client

    class _Shim:
        CoreError = _core.CoreError

        @staticmethod
        def Client(*args, **kwargs):
            kwargs["canned_reply"] = reply
            return real(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(_core, name)

    saved = _session._core
    _session._core = _Shim()
    try:
        return qconnect_c.Session(
            aws_access_key_id="AKIDFUZZ", aws_secret_access_key="fuzz-secret",
            aws_session_token="fuzz-token", region_name="us-east-1").client(
                "qconnect", config=qconnect_c.Config(
                    parameter_validation=validation,
                    retries={"total_max_attempts": 1}))
    finally:
        _session._core = saved


CORES = []
PUBLIC = []


def _setup():
    for reply in REPLIES:
        core = _core.Client("us-east-1", canned_reply=reply, max_attempts=1)
        core.set_credentials("AKIDFUZZ", "fuzz-secret", "fuzz-token")
        CORES.append(core)
        PUBLIC.append((_canned_session_client(reply, True),
                       _canned_session_client(reply, False)))


def _refs(objs):
    return [sys.getrefcount(o) for o in objs]


def test_one(data):
    fdp = atheris.FuzzedDataProvider(data)
    victims = []
    p = params(fdp, victims)
    which = fdp.ConsumeIntInRange(0, len(REPLIES) - 1)
    # Containers made for this input alone (shared objects such as
    # interned strings or small ints change count elsewhere).
    watched = [p] + [v for v in p.values() if type(v) in (dict, list, tuple)]
    mode = fdp.ConsumeIntInRange(0, 3)
    kwargs = {k: v for k, v in p.items() if isinstance(k, str)}
    before = _refs(watched)
    try:
        if mode == 0:
            CORES[which].call(SIJ, p, fdp.ConsumeBool())
        elif mode == 1:
            CORES[which].call(fdp.ConsumeIntInRange(0, len(OPS) - 1), p,
                              fdp.ConsumeBool())
        else:
            client = PUBLIC[which][fdp.ConsumeIntInRange(0, 1)]
            if mode == 2:
                client.start_import_job(**kwargs)
            else:
                client.list_import_jobs(**kwargs)
    except SystemError:
        raise
    except (Exception, RecursionError):
        pass
    after = _refs(watched)
    if Mutator.mutated:
        Mutator.mutated = False  # the containers were emptied on purpose
    elif before != after:
        raise AssertionError(f"reference counts changed: {before} -> {after}")


def main():
    sys.setrecursionlimit(2000)
    _setup()
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
