#!/usr/bin/env python3
"""Writes the committed seed corpora fuzz/corpus/<target>/ from the
project's test vectors (parse replies, request parameters, the SigV4 test
suite, endpoint cases) plus a few hand-made inputs, in each target's input
layout (see the comment at the top of fuzz/fuzz_<target>.c).

    python3 fuzz/make_seeds.py     # rewrites fuzz/corpus/*/seed-*

Regression inputs (fuzz/corpus/<target>/regress-*) are kept as they are.
"""
import base64
import glob
import gzip
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
MAX_LEN = 16384


def _service_model():
    import botocore

    path = os.path.join(os.path.dirname(botocore.__file__), "data", "qconnect",
                        "2020-10-19", "service-2.json.gz")
    with gzip.open(path) as f:
        return json.load(f)


MODEL = _service_model()
# The core's operation table is sorted by API name.
OPS = sorted(MODEL["operations"])


def op_byte(name):
    return OPS.index(name)


def field(b):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogatepass")
    b = b[:255]
    return bytes([len(b)]) + b


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def clear(target):
    for p in glob.glob(os.path.join(CORPUS, target, "seed-*")):
        os.remove(p)


# ------------------------------------------------------------ parse, error

def parse_seeds():
    clear("parse")
    clear("error")
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "vectors", "parse",
                                              "*.json"))):
        v = json.load(open(path))
        if "body_b64" in v:
            body = base64.b64decode(v["body_b64"])
        else:
            body = (v.get("body") or "").encode("utf-8", "surrogatepass")
        head = "".join(f"{k}: {val}\r\n" for k, val in v["headers"])
        status = v["status"]
        target = "parse" if status < 300 else "error"
        base = 200 if target == "parse" else 300
        data = (bytes([op_byte(v["operation"])]) +
                struct.pack("<H", status - base) +
                bytes([v.get("retry_attempts", 0)]) +
                head.encode("latin-1") + b"\r\n" + body)
        if len(data) <= MAX_LEN:
            write(target, v["name"], data)
    # The Date header the retry layer reads (ttl of amz-sdk-request).
    for target, status, date in (
            ("parse", 0, "Sun, 29 Nov 2026 11:00:00 GMT"),
            ("error", 203, "Mon, 31 Dec 9999 23:59:59 UTC"),
            ("error", 100, "Thu, 01 Jan 1970 00:00:00 GMT")):
        head = (f"x-amzn-RequestId: r\r\nDate: {date}\r\n"
                "x-amzn-ErrorType: ThrottlingException\r\n")
        write(target, f"date-{status}",
              bytes([op_byte("StartImportJob")]) + struct.pack("<H", status) +
              b"\x01" + head.encode() + b"\r\n" + b'{"message": "slow down"}')


# ------------------------------------------------------------------- value

def _members(shape_name):
    return list(MODEL["shapes"][shape_name].get("members", {}))


def enc_value(v, shape_name):
    shape = MODEL["shapes"].get(shape_name) if shape_name else None
    if isinstance(v, dict) and len(v) == 1:
        (tag, inner), = v.items()
        if tag == "__tuple__":
            return enc_list(inner, shape, 0x18)
        if tag == "__bigint__":
            return b"\x03" + field(inner)
        if tag == "__wtf8_hex__":
            return b"\x25" + field(bytes.fromhex(inner))
    if v is None:
        return b"\x00"
    if isinstance(v, bool):
        return b"\x11" if v else b"\x01"
    if isinstance(v, int):
        return b"\x02" + struct.pack("<q", max(min(v, 2**63 - 1), -2**63))
    if isinstance(v, float):
        return b"\x04" + struct.pack("<d", v)
    if isinstance(v, str):
        return b"\x05" + field(v)
    if isinstance(v, list):
        return enc_list(v, shape, 0x08)
    if isinstance(v, dict):
        items = list(v.items())[:6]
        out = b"\x09" + bytes([len(items)])
        for k, val in items:
            out += enc_key(k, shape) + enc_value(val, _member_shape(shape, k))
        return out
    return b"\x0a"


def enc_list(items, shape, tag):
    items = items[:5]
    member = shape["member"]["shape"] if shape and "member" in shape else None
    return bytes([tag, len(items)]) + b"".join(enc_value(i, member)
                                               for i in items)


def _member_shape(shape, key):
    if not shape:
        return None
    if shape["type"] == "structure":
        m = shape.get("members", {}).get(key)
        return m["shape"] if m else None
    if shape["type"] == "map":
        return shape["value"]["shape"]
    return None


def enc_key(k, shape):
    if shape and shape["type"] == "structure" and k in shape.get("members", {}):
        return bytes([list(shape["members"]).index(k)])
    return b"\xc0" + field(k)


def value_seeds():
    clear("value")
    cases = json.load(open(os.path.join(ROOT, "tests", "vectors", "requests",
                                        "requests.json")))["cases"]
    for case in cases:
        op = MODEL["operations"][case["operation"]]
        in_shape = op.get("input", {}).get("shape")
        params = list(case.get("params", {}).items())[:9]
        for opts, suffix in ((0x00, ""), (0xC0, "-signed")):
            data = bytes([op_byte(case["operation"]), opts, len(params)])
            for k, v in params:
                shape = MODEL["shapes"][in_shape] if in_shape else None
                data += enc_key(k, shape) + enc_value(v, _member_shape(shape, k))
            write("value", case["name"] + suffix, data)


# ------------------------------------------------------------------- sigv4

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]


def sigv4_seeds():
    clear("sigv4")
    base = os.path.join(ROOT, "tests", "vectors", "sigv4")
    for d in sorted(os.listdir(base)):
        req_path = os.path.join(base, d, "request.txt")
        if not os.path.exists(req_path):
            continue
        ctx = json.load(open(os.path.join(base, d, "context.json")))
        raw = open(req_path, "rb").read().decode("utf-8", "surrogateescape")
        head, _, body = raw.partition("\n\n")
        lines = head.split("\n")
        method, target, _ = lines[0].split(" ", 2) if lines[0].count(" ") >= 2 \
            else (lines[0], "/", "")
        path, _, query = target.partition("?")
        headers = []
        for line in lines[1:]:
            if line[:1] in (" ", "\t") and headers:
                headers[-1][1] += "\n" + line  # refused by the header list
                continue
            name, _, value = line.partition(":")
            headers.append([name, value])
        host = next((v for n, v in headers if n.lower() == "host"), "")
        headers = [h for h in headers if h[0].lower() != "host"][:11]
        msel = METHODS.index(method) if method in METHODS else 0
        opts = 0x10 | (0 if ctx.get("normalize", True) else 1)
        if ctx["credentials"].get("token"):
            opts |= 0x04
        enc = lambda s: s.encode("utf-8", "surrogateescape")
        data = bytes([msel, opts]) + field(enc(host)) + field(enc(path)) + \
            field(enc(query)) + field(enc(body)) + field(ctx["region"]) + \
            b"\x00\x00" + bytes([len(headers)])
        for n, v in headers:
            data += field(enc(n)) + field(enc(v))
        write("sigv4", d, data)


# ---------------------------------------------------------------- endpoint

def endpoint_seeds():
    clear("endpoint")
    d = json.load(open(os.path.join(ROOT, "tests", "vectors", "endpoints.json")))
    for i, c in enumerate(d["ruleset"]):
        if i % 8:
            continue  # a sample: the cases differ mostly in flags
        flags = (1 if c["use_fips"] else 0) | (2 if c["use_dualstack"] else 0)
        if c["region"] is None:
            flags |= 0x08
        if c["endpoint"] is not None:
            flags |= 0x10
        if i % 16 == 0:
            flags |= 0x20
        write("endpoint", f"rules-{i:03d}",
              bytes([flags]) + field(c["region"] or "") +
              field(c["endpoint"] or ""))
    for i, c in enumerate(d["region_names"]):
        if i % 2:
            continue
        write("endpoint", f"region-{i:03d}",
              bytes([0x20]) + field(c["region"] or "") + field(""))


# ------------------------------------------------------- headers, curl ones

def header_seeds():
    clear("headers")
    ops = [(0, "Content-Type", "application/json"), (0, "X-Amz-Date", "x"),
           (1, "content-type", "text/plain"), (2, "CONTENT-TYPE", ""),
           (0, "Bad\r\nName", "v"), (1, "X-New", "a\nb"), (2, "x-new", "")]
    data = bytes([len(ops)])
    for op, n, v in ops:
        data += bytes([op]) + field(n) + field(v)
    write("headers", "ops", data + b"x-amzn-RequestId: abc\r\nA:b\n\n")
    write("headers", "canned-text",
          b"\x00Content-Type: application/json\r\nx-amzn-ErrorType: X:y\r\n"
          b"  folded\r\n: noname\r\n")
    clear("curl_headers")
    blocks = {
        "plain": b"HTTP/1.1 200 OK\r\nx-amzn-RequestId: r-1\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n",
        "continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\n"
                    b"x-amzn-ErrorType: ValidationException\r\n\r\n",
        "folded": b"HTTP/1.1 200 OK\r\nX-Long: part one\r\n  part two\r\n"
                  b"\tpart three\r\nContent-Length: 99999999999\r\n\r\n",
        "trailers": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"X-Trailer: t\r\n\r\n",
        "many": b"HTTP/1.1 200 OK\r\n" +
                b"".join(b"X-Fill-%d: v\r\n" % i for i in range(101)) + b"\r\n",
    }
    for name, block in blocks.items():
        write("curl_headers", name,
              b"\x04" + field("localhost,.amazonaws.com, 127.0.0.1") +
              field("wisdom.us-east-1.amazonaws.com:443") + block)


def http1_seeds():
    clear("http1")
    replies = {
        "length": (0, 0, b"HTTP/1.1 200 OK\r\nx-amzn-RequestId: r-1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 2"
                         b"\r\n\r\n{}"),
        "chunked": (0, 3, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          b"5;ext=1\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz"
                          b"\r\n0\r\nX-Trailer: t\r\n\r\n"),
        "close": (2, 6, b"HTTP/1.0 200 OK\r\nX-A: b\r\n\r\nuntil the end"),
        "continue": (0, 0, b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad "
                           b"Request\r\nx-amzn-ErrorType: ValidationException\r\n"
                           b"Content-Length: 0\r\n\r\n"),
        "head": (1, 0, b"HTTP/1.1 200 OK\r\nContent-Length: 123\r\n\r\n"),
        "folded": (0, 1, b"HTTP/1.1 200 OK\r\nX-Long: part one\r\n  part two\r\n"
                         b"\tpart three\r\nno colon\r\nContent-Length: 0\r\n\r\n"),
        "limit": (4, 9, b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" +
                        b"z" * 100),
        "many": (0, 0, b"HTTP/1.1 200 OK\r\n" +
                       b"".join(b"X-Fill-%d: v\r\n" % i for i in range(101)) +
                       b"\r\n"),
        "bad-length": (2, 0, b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
        "not-http": (2, 0, b"<html>\r\n"),
    }
    for name, (flags, step, reply) in replies.items():
        write("http1", name, bytes([flags, step]) + reply)


def main():
    parse_seeds()
    value_seeds()
    sigv4_seeds()
    endpoint_seeds()
    http1_seeds()
    header_seeds()
    for t in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, t))
        size = sum(os.path.getsize(os.path.join(CORPUS, t, f)) for f in files)
        print(f"{t:14s} {len(files):4d} files {size:8d} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
