"""Independent AWS Signature Version 4 verification of a request as received.

Recomputes the signature of a request recorded by ``recording_server`` from what was
actually on the wire (method, raw target, headers, body) and the known secret, and
compares it with the one in its ``Authorization`` header.  Written from the SigV4
specification with hmac/hashlib only; shares no code with any signer under test.
"""

import datetime
import hashlib
import hmac
import re
import urllib.parse

ALGORITHM = "AWS4-HMAC-SHA256"
_UNRESERVED = "-_.~"  # plus ASCII letters and digits, which quote() never encodes
_AUTH_RE = re.compile(
    r"^AWS4-HMAC-SHA256 "
    r"Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


class SignatureMismatch(AssertionError):
    """Raised when the received request does not carry a valid signature."""


def _sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def _uri_encode(text, keep_slash):
    """Percent-encodes every byte of ``text`` but the unreserved set (and '/' if asked)."""
    return urllib.parse.quote(text, safe=_UNRESERVED + ("/" if keep_slash else ""))


def canonical_path(raw_path):
    """Returns the canonical URI for a non-S3 service: dot segments removed, empty
    segments dropped, then every byte of the (already encoded) path encoded again."""
    segments = []
    for seg in raw_path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if segments:
                segments.pop()
            continue
        segments.append(seg)
    path = "/" + "/".join(segments)
    if raw_path.endswith("/") and segments:
        path += "/"
    return _uri_encode(path, keep_slash=True)


def canonical_query(raw_query):
    """Returns the canonical query string: each name and value decoded then encoded
    with the unreserved set, pairs sorted by name then value."""
    if not raw_query:
        return ""
    pairs = []
    for item in raw_query.split("&"):
        name, _, value = item.partition("=")
        name = _uri_encode(urllib.parse.unquote(name), keep_slash=False)
        value = _uri_encode(urllib.parse.unquote(value), keep_slash=False)
        pairs.append((name, value))
    return "&".join("%s=%s" % nv for nv in sorted(pairs))


def _trim(value):
    return " ".join(value.split())


def parse_authorization(value):
    """Returns a dict with credential parts, signed header list and signature."""
    m = _AUTH_RE.match(value or "")
    if not m:
        raise SignatureMismatch("malformed Authorization header: %r" % (value,))
    parts = m.group("credential").split("/")
    if len(parts) != 5:
        raise SignatureMismatch("malformed credential scope: %r" % (m.group("credential"),))
    return {
        "access_key": parts[0],
        "date": parts[1],
        "region": parts[2],
        "service": parts[3],
        "terminator": parts[4],
        "signed_headers": m.group("signed").split(";"),
        "signature": m.group("signature"),
    }


def verify(request, access_key, secret_key, region, service, session_token=None, max_skew_s=900):
    """Verifies a recorded request; returns a dict of the recomputed pieces
    (canonical_request, string_to_sign, signed_headers), raises SignatureMismatch."""
    auth = parse_authorization(request.header("Authorization"))
    problems = []
    if auth["access_key"] != access_key:
        problems.append("access key %r != %r" % (auth["access_key"], access_key))
    if auth["region"] != region:
        problems.append("region %r != %r" % (auth["region"], region))
    if auth["service"] != service:
        problems.append("service %r != %r" % (auth["service"], service))
    if auth["terminator"] != "aws4_request":
        problems.append("scope terminator %r" % auth["terminator"])

    amz_date = request.header("X-Amz-Date")
    if amz_date is None or not re.fullmatch(r"\d{8}T\d{6}Z", amz_date):
        raise SignatureMismatch("missing or malformed X-Amz-Date: %r" % (amz_date,))
    if amz_date[:8] != auth["date"]:
        problems.append("scope date %r does not match X-Amz-Date %r" % (auth["date"], amz_date))
    stamp = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    skew = abs((datetime.datetime.now(datetime.timezone.utc) - stamp).total_seconds())
    if skew > max_skew_s:
        problems.append("X-Amz-Date %s is %d s away from now" % (amz_date, skew))

    signed = auth["signed_headers"]
    if signed != sorted(signed) or len(set(signed)) != len(signed) or any(h != h.lower() for h in signed):
        problems.append("SignedHeaders not sorted, unique and lower-case: %r" % (signed,))
    for required in ("host", "x-amz-date"):
        if required not in signed:
            problems.append("%s is not signed" % required)
    token = request.header("X-Amz-Security-Token")
    if session_token is not None:
        if token != session_token:
            problems.append("X-Amz-Security-Token %r != %r" % (token, session_token))
        if "x-amz-security-token" not in signed:
            problems.append("x-amz-security-token is not signed")
    elif token is not None:
        problems.append("unexpected X-Amz-Security-Token %r" % (token,))

    body_hash = _sha256_hex(request.body)
    declared = request.header("X-Amz-Content-SHA256")
    if declared is not None and declared != body_hash:
        problems.append("X-Amz-Content-SHA256 %r != sha256(body) %r" % (declared, body_hash))

    header_lines = []
    for name in signed:
        values = request.header_all(name)
        if not values:
            problems.append("signed header %r was not received" % name)
        header_lines.append("%s:%s\n" % (name, ",".join(_trim(v) for v in values)))

    canonical_request = "\n".join(
        [
            request.method.upper(),
            canonical_path(request.path),
            canonical_query(request.query),
            "".join(header_lines),
            ";".join(signed),
            body_hash,
        ]
    )
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    string_to_sign = "\n".join(
        [ALGORITHM, amz_date, scope, _sha256_hex(canonical_request.encode("utf-8"))]
    )
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), amz_date[:8])
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, auth["signature"]):
        problems.append("signature %s != recomputed %s" % (auth["signature"], expected))

    result = {
        "canonical_request": canonical_request,
        "string_to_sign": string_to_sign,
        "signed_headers": signed,
    }
    if problems:
        raise SignatureMismatch(
            "SigV4 verification failed:\n  - "
            + "\n  - ".join(problems)
            + "\n--- recomputed canonical request ---\n"
            + canonical_request
            + "\n--- request as received ---\n"
            + request.describe()
        )
    return result
