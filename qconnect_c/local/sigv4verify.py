"""Server-side verification of AWS Signature Version 4 (Authorization header form).

The verifier rebuilds the canonical request from what actually arrived on the
wire (method, raw request target, headers, payload hash), derives the signing
key from the caller's secret and compares signatures in constant time. Errors
carry the status code, error code and message the real service uses.
"""

import calendar
import hashlib
import hmac
import re
import time
from email.utils import parsedate_tz, mktime_tz
from urllib.parse import quote, unquote_to_bytes

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
DEFAULT_MAX_SKEW = 15 * 60

_AMZ_DATE_RE = re.compile(r"^(\d{8})T(\d{6})Z$")
_SIG_RE = re.compile(r"^[0-9a-f]{64}$")
_WS_RE = re.compile(r"\s+")

MSG_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
MSG_UNKNOWN_KEY = "The security token included in the request is invalid."


class SignatureError(Exception):
    """A request that fails authentication: HTTP status, error code and message."""

    def __init__(self, code, message, status=403):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _header_map(headers):
    """Return {lower-case name: [values in arrival order]} from (name, value) pairs."""
    out = {}
    for name, value in headers:
        out.setdefault(name.strip().lower(), []).append(value)
    return out


def _canonical_header_value(values):
    """Return the canonical form of a header's values: trimmed, spaces folded, ','-joined."""
    return ",".join(_WS_RE.sub(" ", v.strip()) for v in values)


def _remove_dot_segments(path):
    """Return `path` with '.'/'..' segments resolved and empty segments dropped."""
    if not path:
        return "/"
    out = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    lead = "/" if path.startswith("/") else ""
    trail = "/" if path.endswith("/") and out else ""
    return lead + "/".join(out) + trail


def _as_bytes(text):
    """Return `text` as bytes: bytes unchanged, str encoded as UTF-8."""
    return text if isinstance(text, bytes) else text.encode("utf-8")


def canonical_uri(raw_path, normalize=True):
    """Return the canonical URI (str) for a raw request path (bytes or str) as received.

    For services other than S3 the path as received (already percent-encoded
    once by the client) is normalized and percent-encoded again, which is the
    "double encoding" the signing specification asks for.
    """
    path = _as_bytes(raw_path or b"/")
    if normalize:
        path = _remove_dot_segments(path.decode("latin-1")).encode("latin-1")
    return quote(path, safe="/~")


def canonical_query(raw_query):
    """Return the canonical query string: every pair decoded, strictly re-encoded, sorted."""
    raw = _as_bytes(raw_query or b"")
    pairs = []
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        pairs.append((quote(unquote_to_bytes(key), safe="-_.~"), quote(unquote_to_bytes(value), safe="-_.~")))
    pairs.sort()
    return "&".join("%s=%s" % kv for kv in pairs)


def signing_key(secret, date, region, service):
    """Return the derived SigV4 signing key (bytes) for one scope."""
    k = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        k = hmac.new(k, part.encode("utf-8"), hashlib.sha256).digest()
    return k


def _parse_authorization(value):
    """Return (fields dict, missing list) parsed from an AWS4-HMAC-SHA256 Authorization value."""
    rest = value[len(ALGORITHM):]
    fields = {}
    for item in rest.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, val = item.partition("=")
        if sep:
            fields[key.strip()] = val.strip()
    missing = [k for k in ("Credential", "Signature", "SignedHeaders") if k not in fields]
    return fields, missing


def _parse_request_date(hmap):
    """Return (amz date string YYYYMMDDTHHMMSSZ, epoch seconds) from X-Amz-Date or Date."""
    if "x-amz-date" in hmap:
        raw = hmap["x-amz-date"][-1].strip()
        m = _AMZ_DATE_RE.match(raw)
        if not m:
            raise SignatureError(
                "IncompleteSignatureException",
                "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                "http://en.wikipedia.org/wiki/ISO_8601" % raw,
                400,
            )
        try:
            tm = time.strptime(raw, "%Y%m%dT%H%M%SZ")
        except ValueError:
            raise SignatureError(
                "IncompleteSignatureException",
                "Date must be in ISO-8601 'basic format'. Got '%s'." % raw,
                400,
            )
        return raw, calendar.timegm(tm)
    if "date" in hmap:
        raw = hmap["date"][-1].strip()
        parsed = parsedate_tz(raw)
        if parsed is None:
            raise SignatureError("IncompleteSignatureException", "Invalid Date header: '%s'." % raw, 400)
        epoch = mktime_tz(parsed)
        return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch)), epoch
    return None, None


def _fmt(epoch):
    """Return epoch seconds formatted as a basic ISO-8601 UTC timestamp."""
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


def build_canonical_request(method, raw_path, raw_query, hmap, signed, payload_hash, normalize=True):
    """Return the canonical request text for the given request parts."""
    lines = [method.upper(), canonical_uri(raw_path, normalize), canonical_query(raw_query)]
    for name in signed:
        lines.append("%s:%s" % (name, _canonical_header_value(hmap.get(name, []))))
    lines.append("")
    lines.append(";".join(signed))
    lines.append(payload_hash)
    return "\n".join(lines)


def verify(method, target, headers, body_sha256, service, credentials=None, now=None,
           max_skew=DEFAULT_MAX_SKEW, normalize=True):
    """Check a request's SigV4 Authorization header.

    method: HTTP method; target: the raw request target (path?query, bytes, or
    str taken as UTF-8) exactly as received; headers: iterable of (name, value) pairs as received; body_sha256:
    hex SHA-256 of the received body; service: the signing name expected in the
    scope; credentials: {access key id: secret} or None to accept any key
    (then only the form of the header is checked); now: epoch seconds (default
    the current time); max_skew: allowed clock difference in seconds (None to
    skip the check).

    Returns a dict with accessKeyId, region, date and service on success;
    raises SignatureError otherwise.
    """
    hmap = _header_map(headers)
    auths = hmap.get("authorization")
    if not auths:
        raise SignatureError("MissingAuthenticationTokenException", "Missing Authentication Token")
    if len(auths) > 1:
        raise SignatureError("IncompleteSignatureException", "Multiple Authorization headers.", 400)
    auth = auths[0].strip()
    if not auth.startswith(ALGORITHM + " "):
        algo = auth.split(" ", 1)[0]
        raise SignatureError(
            "IncompleteSignatureException",
            "Unsupported AWS 'algorithm': '%s'. Only '%s' is accepted." % (algo, ALGORITHM),
            400,
        )
    fields, missing = _parse_authorization(auth)
    amz_date, epoch = _parse_request_date(hmap)
    problems = ["Authorization header requires '%s' parameter." % k for k in missing]
    if amz_date is None:
        problems.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
    if problems:
        raise SignatureError("IncompleteSignatureException", " ".join(problems) + " Authorization=" + auth, 400)

    scope = fields["Credential"].split("/")
    if len(scope) != 5 or not all(scope):
        raise SignatureError(
            "IncompleteSignatureException",
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got '%s'" % fields["Credential"],
            400,
        )
    akid, scope_date, region, scope_service, terminator = scope
    if terminator != "aws4_request":
        raise SignatureError(
            "InvalidSignatureException",
            "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'. " % terminator,
        )
    if scope_service != service:
        raise SignatureError(
            "InvalidSignatureException",
            "Credential should be scoped to correct service: '%s'. " % service,
        )
    if scope_date != amz_date[:8]:
        raise SignatureError(
            "InvalidSignatureException",
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            "from HTTP: '%s' != '%s', from '%s'." % (scope_date, amz_date[:8], amz_date),
        )
    signed = [h.strip().lower() for h in fields["SignedHeaders"].split(";") if h.strip()]
    if "host" not in signed:
        raise SignatureError(
            "InvalidSignatureException", "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
        )
    absent = [h for h in signed if h not in hmap]
    if absent:
        raise SignatureError(
            "InvalidSignatureException",
            "The request signature names header(s) that are not in the request: %s." % ", ".join(absent),
        )
    signature = fields["Signature"]
    if not _SIG_RE.match(signature):
        raise SignatureError(
            "IncompleteSignatureException",
            "Signature must be 64 lower-case hexadecimal characters. Authorization=" + auth,
            400,
        )

    if max_skew is not None:
        current = time.time() if now is None else now
        if epoch < current - max_skew:
            raise SignatureError(
                "InvalidSignatureException",
                "Signature expired: %s is now earlier than %s (%s - %d min.)"
                % (amz_date, _fmt(current - max_skew), _fmt(current), max_skew // 60),
            )
        if epoch > current + max_skew:
            raise SignatureError(
                "InvalidSignatureException",
                "Signature not yet current: %s is still later than %s (%s + %d min.)"
                % (amz_date, _fmt(current + max_skew), _fmt(current), max_skew // 60),
            )

    result = {"accessKeyId": akid, "region": region, "date": amz_date, "service": scope_service}
    if credentials is None:
        return result
    secret = credentials.get(akid)
    if secret is None:
        raise SignatureError("UnrecognizedClientException", MSG_UNKNOWN_KEY)

    raw_path, _, raw_query = _as_bytes(target).partition(b"?")
    payload_hash = body_sha256
    if "x-amz-content-sha256" in hmap:
        payload_hash = hmap["x-amz-content-sha256"][-1].strip()
    signed_sorted = sorted(set(signed))
    creq = build_canonical_request(method, raw_path, raw_query, hmap, signed_sorted, payload_hash, normalize)
    credential_scope = "/".join((scope_date, region, scope_service, "aws4_request"))
    sts = "\n".join((ALGORITHM, amz_date, credential_scope, hashlib.sha256(creq.encode("utf-8")).hexdigest()))
    key = signing_key(secret, scope_date, region, scope_service)
    expected = hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise SignatureError(
            "InvalidSignatureException",
            MSG_BAD_SIGNATURE
            + "\n\nThe Canonical String for this request should have been\n'%s'\n\n"
            "The String-to-Sign should have been\n'%s'\n" % (creq, sts),
        )
    return result
