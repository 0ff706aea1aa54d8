#!/usr/bin/env python3
"""Generates the reply-parsing golden cases in tests/vectors/parse/ from botocore.

Each case is one HTTP reply (status, raw header lines, body bytes) for one
qconnect operation. The reply is served from 127.0.0.1 to a real botocore
client, so what is recorded is exactly what a boto3 user gets: the parsed
dict (or ClientError.response), or the exception botocore raises.

    python3 tools/gen_parse_vectors.py            # (re)write the vectors
    python3 tools/gen_parse_vectors.py --check    # compare, write nothing

See tests/vectors/parse/README.md for the file format.
"""

import argparse
import base64
import datetime
import json
import os
import socket
import sys
import threading
import time

import botocore
import botocore.session
from botocore.config import Config
from dateutil import tz as dateutil_tz

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "vectors", "parse")
TAGS = ("__int__", "__float__", "__ts__", "__bytes__", "__wtf8__")
# json.loads gives up at Python's recursion limit, so how deep a body botocore
# reads depends on the caller's stack. The vectors record a call made from a
# script's top level under the default limit (1000): there an unmodelled
# error body may nest this deep (tests/test_parse_vectors.py re-measures it).
TOP_LEVEL_ERROR_DEPTH = 982
# That holds up to CPython 3.11. From 3.12 json's C decoder counts against the
# interpreter's own C recursion limit instead (botocore then reads error
# bodies about 1494 levels deep on 3.12.1, 9995 on 3.13.0, whatever
# sys.setrecursionlimit says): there is nothing to calibrate, and the cases
# below that go past the 3.11 depths get another outcome. The vectors are
# recorded with 3.10/3.11 (`make vectors`).
DEPTH_FOLLOWS_RECURSION_LIMIT = sys.version_info < (3, 12)
PAST_RECURSION_LIMIT_CASES = ("bad_document_depth_982", "bad_error_depth_983",
                              "bad_modeled_depth_981")


# --------------------------------------------------------------- the server

class RawServer:
    """Answers every HTTP/1.1 request on 127.0.0.1 with self.reply (raw bytes)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.reply = b""
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.closed = True
        self.sock.close()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        try:
            while True:
                while b"\r\n\r\n" not in buf:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                head, _, buf = buf.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while len(buf) < length:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buf += data
                buf = buf[length:]
                conn.sendall(self.reply)
        except OSError:
            pass
        finally:
            conn.close()


def wire(status, headers, body):
    """The raw reply: header names/values are latin-1 text, one char per byte."""
    out = b"HTTP/1.1 %d Reason\r\n" % status
    for name, value in headers:
        out += name.encode("latin-1") + b": " + value.encode("latin-1") + b"\r\n"
    return out + b"\r\n" + body


# ------------------------------------------------------------ value codec

def encode(value):
    """botocore's parsed value as tagged JSON (see README.md)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            assert isinstance(k, str), k
            out[k] = encode(v)
        assert not (len(out) == 1 and next(iter(out)) in TAGS), out
        return out
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) < 2 ** 53 else {"__int__": str(value)}
    if isinstance(value, float):
        return {"__float__": repr(value)}
    if isinstance(value, str):
        if "\x00" in value or any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            return {"__wtf8__": value.encode("utf-8", "surrogatepass").hex()}
        return value
    if isinstance(value, bytes):
        return {"__bytes__": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            delta = value - datetime.datetime(1970, 1, 1)
            zone = "naive"
        else:
            delta = value - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
            if isinstance(value.tzinfo, dateutil_tz.tzlocal):
                zone = "local"
            elif isinstance(value.tzinfo, dateutil_tz.tzutc):
                zone = "utc"
            else:
                zone = int(value.utcoffset().total_seconds())
        return {"__ts__": [delta.days * 86400 + delta.seconds, delta.microseconds, zone]}
    raise TypeError("cannot encode %r" % (value,))


# -------------------------------------------------------------- parameters

def minimal_params(shape, depth=0):
    """The smallest value botocore's validator accepts for shape."""
    t = shape.type_name
    if t == "structure":
        if shape.metadata.get("document"):
            return {}
        if shape.is_tagged_union:
            name = next(iter(shape.members))
            return {name: minimal_params(shape.members[name], depth + 1)}
        return {m: minimal_params(shape.members[m], depth + 1) for m in shape.required_members}
    if t == "list":
        return [minimal_params(shape.member, depth + 1)] * max(1, shape.metadata.get("min", 0))
    if t == "map":
        return {}
    if t == "string":
        enum = shape.metadata.get("enum")
        return enum[0] if enum else "x" * max(1, shape.metadata.get("min", 1))
    if t in ("integer", "long"):
        return max(1, shape.metadata.get("min", 1))
    if t in ("float", "double"):
        return float(max(1, shape.metadata.get("min", 1)))
    if t == "boolean":
        return True
    if t == "timestamp":
        return datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    if t == "blob":
        return b"x"
    raise TypeError(t)


# ------------------------------------------------------- synthetic bodies

class Sampler:
    """Fills every member of an output shape with varied sample values."""

    def __init__(self):
        self.n = 0

    def tick(self):
        self.n += 1
        return self.n

    def value(self, shape, depth=0):
        t = shape.type_name
        n = self.tick()
        if t == "structure":
            if shape.metadata.get("document"):
                return {"doc": [n, n + 0.5, "text", True, None, {"nested": {"k": [1.0, -0, 1e300]}}]}
            names = list(shape.members)
            if shape.is_tagged_union:
                if depth > 6:  # one member still, preferring a simple one
                    simple = [m for m in names if shape.members[m].type_name not in
                              ("structure", "list", "map")]
                    plain = [m for m in names if not shape.members[m].is_tagged_union]
                    names = (simple or plain or names)[:1]
                else:
                    names = [names[n % len(names)]]
            elif depth > 6:
                return {}
            return {m: self.value(shape.members[m], depth + 1) for m in names}
        if t == "list":
            if depth > 6:
                return []
            return [self.value(shape.member, depth + 1) for _ in range(2)]
        if t == "map":
            if depth > 6:
                return {}
            return {"key%d" % i: self.value(shape.value, depth + 1) for i in range(2)}
        if t == "string":
            enum = shape.metadata.get("enum")
            if enum:
                return enum[n % len(enum)]
            return "%s-%d%s" % (shape.name, n, "-\u00e9\u4e2d\U0001F600" if n % 7 == 0 else "")
        if t == "integer":
            return n
        if t == "long":
            return 2 ** 40 + n
        if t in ("float", "double"):
            return n / 8.0 if n % 2 else n * 0.1
        if t == "boolean":
            return n % 2 == 0
        if t == "timestamp":
            return [1700000000 + n, 1700000000.123456 + n, "2024-05-06T07:08:09.%03dZ" % (n % 1000)][n % 3]
        if t == "blob":
            return base64.b64encode(b"blob-%d" % n).decode("ascii")
        raise TypeError(t)


# ------------------------------------------------------------------- cases

REQ = [("x-amzn-RequestId", "4c1a2f3e-1111-2222-3333-444455556666")]


def js(obj):
    return json.dumps(obj).encode("utf-8")


def ok(name, op, body, headers=None, status=200, desc=""):
    hdrs = list(REQ if headers is None else headers)
    if isinstance(body, (dict, list)):
        body = js(body)
    hdrs.append(("Content-Type", "application/json"))
    if status not in (204, 304):
        hdrs.append(("Content-Length", str(len(body))))
    return {"name": name, "operation": op, "status": status, "headers": hdrs,
            "body": body, "description": desc}


def err(name, op, status, body, headers=None, desc=""):
    hdrs = list(REQ if headers is None else headers)
    if isinstance(body, (dict, list)):
        body = js(body)
    hdrs.append(("Content-Length", str(len(body))))
    return {"name": name, "operation": op, "status": status, "headers": hdrs,
            "body": body, "description": desc}


IMPORT_JOB = {
    "importJobId": "8e3d2a7c-0b1f-4a44-9d1e-6b2a1c3d4e5f",
    "knowledgeBaseId": "kb-1234",
    "uploadId": "upload-1",
    "knowledgeBaseArn": "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/kb-1234",
    "importJobType": "QUICK_RESPONSES",
    "status": "START_IN_PROGRESS",
    "url": "https://example.s3.amazonaws.com/upload?X-Amz-Signature=abc",
    "failedRecordReport": "https://example.s3.amazonaws.com/report",
    "urlExpiry": 1718000000.5,
    "createdTime": 1717990000,
    "lastModifiedTime": 1717990000.123456,
    "metadata": {"team": "support", "emoji": "\U0001F600", "empty": ""},
    "externalSourceConfiguration": {
        "source": "AMAZON_CONNECT",
        "configuration": {"connectConfiguration": {"instanceId": "inst-1"}},
    },
}

KB = {
    "knowledgeBaseId": "kb-1234",
    "knowledgeBaseArn": "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/kb-1234",
    "name": "Support KB",
    "knowledgeBaseType": "CUSTOM",
    "status": "ACTIVE",
    "lastContentModificationTime": 1717990000.999999,
    "vectorIngestionConfiguration": {
        "chunkingConfiguration": {
            "chunkingStrategy": "FIXED_SIZE",
            "fixedSizeChunkingConfiguration": {"maxTokens": 300, "overlapPercentage": 20},
        }
    },
    "sourceConfiguration": {"appIntegrations": {
        "appIntegrationArn": "arn:aws:app-integrations:us-east-1:123456789012:data-integration/x",
        "objectFields": ["Id", "Title"]}},
    "renderingConfiguration": {"templateUri": "https://example.com/{Id}"},
    "serverSideEncryptionConfiguration": {"kmsKeyId": "key-1"},
    "description": "multi\nline \"quoted\" \\ text",
    "tags": {"env": "prod"},
    "ingestionStatus": "SYNC_SUCCESS",
}

QUICK = {
    "quickResponseArn": "arn:aws:wisdom:us-east-1:123456789012:quick-response/kb/qr",
    "quickResponseId": "qr-1",
    "knowledgeBaseArn": "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/kb-1234",
    "knowledgeBaseId": "kb-1234",
    "name": "Greeting",
    "contentType": "application/x.quickresponse;format=plain",
    "status": "CREATED",
    "createdTime": 1717990000,
    "lastModifiedTime": 1717990001.5,
    "contents": {"plainText": {"content": "Hello {{name}}"}, "markdown": {"content": "**Hello**"}},
    "isActive": True,
    "channels": ["Chat", "Email"],
    "language": "en_US",
}

PROMPT = {
    "aiPromptId": "p-1", "aiPromptArn": "arn:aws:wisdom:::ai-prompt/p-1", "name": "prompt",
    "assistantId": "a-1", "assistantArn": "arn:aws:wisdom:::assistant/a-1",
    "type": "ANSWER_GENERATION", "templateType": "TEXT", "modelId": "anthropic.claude",
    "apiFormat": "MESSAGES", "visibilityStatus": "PUBLISHED",
    "templateConfiguration": {"textFullAIPromptEditTemplateConfiguration": {"text": "t"}},
    "modifiedTime": 1717990000.25,
    "inferenceConfiguration": {"temperature": 0.7, "topP": 1, "topK": 250, "maxTokensToSample": 4096},
}


def get_prompt(inference, modified=1717990000.25, version=3):
    p = dict(PROMPT)
    p["inferenceConfiguration"] = inference
    p["modifiedTime"] = modified
    return {"aiPrompt": p, "versionNumber": version}


def spans_with(timestamps):
    return {"spans": [{"spanId": "s%d" % i, "assistantId": "a", "sessionId": "s", "name": "n",
                       "type": "CLIENT", "startTimestamp": ts, "endTimestamp": 0,
                       "status": "OK", "attributes": {}} for i, ts in enumerate(timestamps)]}


def next_message(value, extra=None):
    body = {"type": "TEXT", "response": {"value": value, "messageId": "m-1",
                                         "participant": "BOT", "timestamp": 1717990000.5},
            "requestMessageId": "r-1", "conversationState": {"status": "READY"},
            "chunkedResponseTerminated": False}
    body.update(extra or {})
    return body


def hand_cases():
    c = []
    # Realistic successes.
    c.append(ok("ok_start_import_job", "StartImportJob", {"importJob": IMPORT_JOB}))
    c.append(ok("ok_get_import_job", "GetImportJob", {"importJob": IMPORT_JOB}))
    c.append(ok("ok_list_import_jobs", "ListImportJobs", {
        "importJobSummaries": [
            {k: IMPORT_JOB[k] for k in ("importJobId", "knowledgeBaseId", "uploadId", "knowledgeBaseArn",
                                        "importJobType", "status", "createdTime", "lastModifiedTime")},
            {"importJobId": "j2", "knowledgeBaseId": "kb", "uploadId": "u", "knowledgeBaseArn": "arn",
             "importJobType": "QUICK_RESPONSES", "status": "FAILED", "createdTime": 0,
             "lastModifiedTime": -1.5, "metadata": {}},
        ],
        "nextToken": "tok=="}))
    c.append(ok("ok_list_import_jobs_empty", "ListImportJobs", {"importJobSummaries": []}))
    c.append(ok("ok_create_quick_response", "CreateQuickResponse", {"quickResponse": QUICK}))
    c.append(ok("ok_get_knowledge_base", "GetKnowledgeBase", {"knowledgeBase": KB}))
    c.append(ok("ok_no_content_204", "DeleteImportJob", b"", status=204))
    c.append(ok("ok_empty_body_200", "GetKnowledgeBase", b""))
    c.append(ok("ok_unknown_members_dropped", "GetKnowledgeBase", {
        "knowledgeBase": {"name": "n", "unknownField": {"deep": [1, 2]}, "status": "ACTIVE"},
        "topLevelExtra": 1}))
    c.append(ok("ok_null_members_skipped", "GetKnowledgeBase", {
        "knowledgeBase": {"name": None, "status": "ACTIVE", "description": None, "tags": None}}))
    c.append(ok("ok_top_level_null_member", "GetKnowledgeBase", {"knowledgeBase": None}))
    # Unions.
    c.append(ok("ok_union_known", "GetAIPrompt", get_prompt({"temperature": 0.5})))
    c.append(ok("ok_union_unknown_member", "GetImportJob", {"importJob": dict(
        IMPORT_JOB, externalSourceConfiguration={"source": "AMAZON_CONNECT", "configuration": {
            "brandNewConfiguration": {"x": 1}}})}))
    c.append(ok("ok_union_with_type_key", "GetImportJob", {"importJob": dict(
        IMPORT_JOB, externalSourceConfiguration={"source": "AMAZON_CONNECT", "configuration": {
            "__type": "Whatever", "connectConfiguration": {"instanceId": "i"}}})}))
    c.append(ok("ok_union_null_sibling", "GetImportJob", {"importJob": dict(
        IMPORT_JOB, externalSourceConfiguration={"source": "AMAZON_CONNECT", "configuration": {
            "other": None, "connectConfiguration": {"instanceId": "i"}}})}))
    c.append(ok("bad_union_two_members", "GetQuickResponse", {"quickResponse": dict(
        QUICK, contents={"plainText": {"content": "a", "other": "b"}})}))
    c.append(ok("bad_union_no_member", "GetImportJob", {"importJob": dict(
        IMPORT_JOB, externalSourceConfiguration={"source": "S", "configuration": {"__type": "x"}})}))
    c.append(ok("ok_union_unknown_in_list", "GetNextMessage", next_message(
        {"text": {"value": "hi"}}, {"conversationSessionData": [
            {"key": "k1", "value": {"stringValue": "v"}},
            {"key": "k2", "value": {"futureValue": 1}}]})))
    # Documents.
    doc = {"type": "object", "properties": {"a": {"type": "integer", "minimum": 1.0, "maximum": 10}},
           "required": ["a"], "nested": [1, 1.0, -0.0, 0, 1e300, 12345678901234567890, None, True, False,
                                         "s\u00e9\U0001F600", {"deep": {"deeper": []}}]}
    c.append(ok("ok_document_output", "GetNextMessage", next_message(
        {"toolUseResult": {"toolUseId": "t", "toolName": "n", "toolResult": doc, "inputSchema": [1, "two"]}})))
    c.append(ok("ok_document_scalars", "GetNextMessage", next_message(
        {"toolUseResult": {"toolUseId": "t", "toolName": "n", "toolResult": "just a string",
                           "inputSchema": 42}})))
    c.append(ok("ok_document_special_numbers", "GetNextMessage",
           b'{"type":"TEXT","response":{"messageId":"m","participant":"BOT","timestamp":1,"value":'
           b'{"toolUseResult":{"toolUseId":"t","toolName":"n","toolResult":[NaN,Infinity,-Infinity,'
           b'1E400,-1e-400,123456789012345678901234567890,-9223372036854775808,9223372036854775808,'
           b'-0,0.0,1e2,1E+2,2.5e-3],"inputSchema":{}}}},"requestMessageId":"r",'
           b'"conversationState":{"status":"READY"}}'))
    c.append(ok("ok_document_duplicate_keys", "GetNextMessage",
                b'{"type":"TEXT","requestMessageId":"first","response":{"messageId":"m","participant":"BOT",'
                b'"timestamp":1,"value":{"toolUseResult":{"toolUseId":"t","toolName":"n","toolResult":'
                b'{"a":1,"b":2,"a":3,"c":{"x":1,"x":[2]}},"inputSchema":{}}}},"requestMessageId":"last",'
                b'"conversationState":{"status":"READY"}}'))
    many = b"{" + b",".join(b'"k%d":%d' % (i % 40, i) for i in range(100)) + b"}"
    c.append(ok("ok_document_many_duplicate_keys", "GetNextMessage",
                b'{"type":"TEXT","response":{"messageId":"m","participant":"BOT","timestamp":1,"value":'
                b'{"toolUseResult":{"toolUseId":"t","toolName":"n","toolResult":' + many +
                b',"inputSchema":{}}}},"requestMessageId":"r","conversationState":{"status":"READY"}}'))
    def deep_doc(n):
        return (b'{"type":"TEXT","response":{"messageId":"m","participant":"BOT","timestamp":1,"value":'
                b'{"toolUseResult":{"toolUseId":"t","toolName":"n","toolResult":' + b"[" * n + b"]" * n +
                b',"inputSchema":{}}}},"requestMessageId":"r","conversationState":{"status":"READY"}}')
    c.append(ok("ok_document_depth_981", "GetNextMessage", deep_doc(977),
                desc="981 levels in all: the deepest success body botocore reads from a script's top level"))
    c.append(ok("bad_document_depth_982", "GetNextMessage", deep_doc(978)))
    c.append(ok("bad_body_very_deep", "GetKnowledgeBase", b"[" * 100000 + b"]" * 100000))
    # Numbers.
    c.append(ok("ok_numbers_float_int", "GetAIPrompt", get_prompt(
        {"temperature": 0.1, "topP": 1, "topK": 250, "maxTokensToSample": 4096}, version=9007199254740993)))
    c.append(ok("ok_numbers_coerced", "GetAIPrompt", get_prompt(
        {"temperature": "0.25", "topP": True, "topK": 2.9, "maxTokensToSample": "  1_000 "},
        version=-3.7)))
    c.append(ok("ok_numbers_special_float_text", "GetAIPrompt", get_prompt(
        {"temperature": "nan", "topP": "-Infinity", "topK": -2.5, "maxTokensToSample": False},
        version="-0")))
    c.append(ok("ok_numbers_float_literals", "GetAIPrompt",
                b'{"aiPrompt":{"aiPromptId":"p","inferenceConfiguration":{"temperature":NaN,"topP":1E400,'
                b'"topK":1e20,"maxTokensToSample":123456789012345678901234567890}},"versionNumber":1.0}'))
    c.append(ok("ok_numbers_unicode_space_text", "GetAIPrompt", get_prompt(
        {"temperature": "\u00a01.5\u3000", "topK": "\u2003" + "42" + "\n"})))
    c.append(ok("bad_integer_text", "GetAIPrompt", get_prompt({"topK": "12abc"})))
    c.append(ok("bad_integer_nan", "GetAIPrompt", b'{"aiPrompt":{"inferenceConfiguration":{"topK":NaN}}}'))
    c.append(ok("bad_integer_list", "GetAIPrompt", get_prompt({"topK": [1]})))
    c.append(ok("bad_float_text", "GetAIPrompt", get_prompt({"temperature": "warm"})))
    c.append(ok("bad_float_dict", "GetAIPrompt", get_prompt({"temperature": {"v": 1}})))
    c.append(ok("bad_float_huge_int", "GetAIPrompt", b'{"aiPrompt":{"inferenceConfiguration":{"temperature":'
                + b"9" * 400 + b"}}}"))
    c.append(ok("ok_doubles", "GetRecommendations", {"recommendations": [
        {"recommendationId": "r1", "document": {"contentReference": {}}, "relevanceScore": 0.987654321,
         "relevanceLevel": "HIGH", "type": "KNOWLEDGE_CONTENT"},
        {"recommendationId": "r2", "document": {"contentReference": {}}, "relevanceScore": 5e-324},
        {"recommendationId": "r3", "document": {"contentReference": {}}, "relevanceScore": 1.7976931348623157e308},
    ], "triggers": []}))
    # Booleans.
    c.append(ok("ok_booleans_coerced", "ListMessageTemplateVersions", {"messageTemplateVersionSummaries": [
        {"isActive": v, "versionNumber": i} for i, v in enumerate(
            [True, False, "true", "TRUE", "True", "yes", "1", 1, 0, 1.0, [], {}, "false", ""])]}))
    # Strings with anything in them.
    c.append(ok("ok_string_shapes_take_any_json", "GetKnowledgeBase", {"knowledgeBase": {
        "name": 5, "description": [1, "x"], "status": {"a": None}, "knowledgeBaseId": True,
        "knowledgeBaseArn": 1.5}}))
    c.append(ok("ok_string_escapes", "GetKnowledgeBase",
                b'{"knowledgeBase":{"name":"nul\\u0000inside","description":"lone \\ud800 high, lone \\udc00 low,'
                b' pair \\ud83d\\ude00, high then text \\ud83dx, \\"q\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9 '
                b'\\u4E2D raw \xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80","status":"\\ud800\\u0041"}}'))
    c.append(ok("ok_string_list_from_text", "CreateQuickResponse", {"quickResponse": dict(
        QUICK, channels="ab\u00e9\U0001F600")}))
    c.append(ok("ok_string_list_from_dict", "CreateQuickResponse", {"quickResponse": dict(
        QUICK, channels={"Chat": 1, "Email": 2})}))
    c.append(ok("ok_list_null_items", "CreateQuickResponse", {"quickResponse": dict(
        QUICK, channels=["Chat", None, "Email"])}))
    c.append(ok("ok_map_null_values", "GetImportJob", {"importJob": dict(
        IMPORT_JOB, metadata={"a": None, "b": "x", "c": 5})}))
    c.append(ok("bad_list_from_number", "CreateQuickResponse", {"quickResponse": dict(QUICK, channels=5)}))
    c.append(ok("bad_map_from_list", "GetImportJob", {"importJob": dict(IMPORT_JOB, metadata=["a"])}))
    c.append(ok("bad_structure_from_string", "GetKnowledgeBase", {"knowledgeBase": "not an object"}))
    c.append(ok("bad_structure_from_list", "GetKnowledgeBase", {"knowledgeBase": [1, 2]}))
    # Timestamps.
    c.append(ok("ok_timestamps_epoch", "ListSpans", spans_with([
        0, 1, -1, 1717990000, 1717990000.5, 1700000000.1234565, 1700000000.1234575, -1.5, -0.0000005,
        0.0000005, 1.0000015, 253402300799, -62135596800, 253402300799.9999994 - 1, True, False, 1e-7,
        1717990000.999999, 1717990000.9999995])))
    c.append(ok("bad_timestamp_epoch_rounds_past_9999", "ListSpans", spans_with([253402300799.9999996])))
    c.append(ok("ok_timestamps_text", "ListSpans", spans_with([
        "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123Z", "2024-01-02T03:04:05.1234567Z",
        "2024-01-02T03:04:05.9999999Z", "2024-01-02T03:04:05+01:00", "2024-01-02T03:04:05+0100",
        "2024-01-02T03:04:05+01", "2024-01-02T03:04:05-00:00", "2024-01-02T03:04:05+00:00",
        "2024-01-02T03:04:05", "2024-01-02", "2024-01-02 03:04:05Z", "Tue, 02 Jan 2024 03:04:05 GMT",
        "2024-01-02T03:04:05 UTC", "20240102T030405Z", "2024-01-02t03:04:05z", "2024-01-02T03:04Z",
        "2024-01-02T03Z", "2024-01-02T03:04:05,5Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
        "2024-1-2T3:4:5Z", "2024-01-02T03:04:05-08:00", "2024-01-02T03:04:05.123456+05:30",
        "2024-01-02T03:04:05 GMT", "2024-01-02T03:04:05 +01:00", "Mon, 01 Jan 2024 00:00:00 +0000",
        "2024-02-29T12:00:00Z", "0001-01-01T00:30:00+01:00", "20240102", "20240102030405",
        "1700000000", "1700000000.5", " 1700000000 ", "1_700_000_000", "1e3", "-1.25"])))
    for i, bad in enumerate(["2024-01-02T24:00:00Z", "2024-01-02T23:59:60Z", "2024-02-30T00:00:00Z",
                             "2023-02-29T00:00:00Z", "nan", "", "not a date", "2024-01-02T03:04:05.Z",
                             "1e20", "253402300800", "-62135596801", "inf"]):
        c.append(ok("bad_timestamp_text_%02d" % i, "ListSpans", spans_with([bad])))
    c.append(ok("bad_timestamp_epoch_too_big", "ListSpans", spans_with([253402300800])))
    c.append(ok("bad_timestamp_epoch_too_small", "ListSpans", spans_with([-62135596801])))
    c.append(ok("bad_timestamp_epoch_float_too_big", "ListSpans", spans_with([1e20])))
    c.append(ok("bad_timestamp_nan", "ListSpans",
                b'{"spans":[{"spanId":"s","startTimestamp":NaN}]}'))
    c.append(ok("bad_timestamp_infinity", "ListSpans",
                b'{"spans":[{"spanId":"s","startTimestamp":Infinity}]}'))
    c.append(ok("bad_timestamp_list", "ListSpans", spans_with([[1]])))
    c.append(ok("bad_timestamp_huge_int", "ListSpans",
                b'{"spans":[{"spanId":"s","startTimestamp":' + b"9" * 30 + b"}]}"))
    # Malformed bodies.
    c.append(ok("ok_invalid_json_body", "GetKnowledgeBase", b"{not json"))
    c.append(ok("ok_truncated_json_body", "GetKnowledgeBase", js({"knowledgeBase": KB})[:-7]))
    c.append(ok("ok_whitespace_body", "GetKnowledgeBase", b" \r\n\t"))
    c.append(ok("ok_bom_body", "GetKnowledgeBase", b"\xef\xbb\xbf" + js({"knowledgeBase": {"name": "n"}})))
    c.append(ok("ok_trailing_garbage", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"n"}} x'))
    c.append(ok("ok_trailing_whitespace", "GetKnowledgeBase", b' \n{"knowledgeBase":{"name":"n"}}\r\n\t '))
    c.append(ok("ok_raw_control_char", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"a\tb"}}'))
    c.append(ok("ok_bad_escape", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"a\\xb"}}'))
    c.append(ok("ok_bad_unicode_escape", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"\\u12G4"}}'))
    c.append(ok("ok_bad_surrogate_pair_escape", "GetKnowledgeBase",
                b'{"knowledgeBase":{"name":"\\ud800\\uzzzz"}}'))
    c.append(ok("ok_leading_zero", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"n"},"x":01}'))
    c.append(ok("ok_plus_number", "GetKnowledgeBase", b'{"x":+1,"knowledgeBase":{"name":"n"}}'))
    c.append(ok("ok_trailing_comma", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"n",}}'))
    c.append(ok("ok_single_quotes", "GetKnowledgeBase", b"{'knowledgeBase':{}}"))
    c.append(ok("ok_nul_in_body", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"n"}}\x00'))
    c.append(ok("ok_int_too_many_digits", "GetKnowledgeBase",
                b'{"knowledgeBase":{"name":"n"},"x":' + b"1" * 4301 + b"}"))
    c.append(ok("ok_int_max_digits", "GetAIPrompt",
                b'{"aiPrompt":{"aiPromptId":"p"},"versionNumber":' + b"7" * 4300 + b"}"))
    c.append(ok("ok_float_many_digits", "GetAIPrompt",
                b'{"aiPrompt":{"inferenceConfiguration":{"temperature":0.' + b"3" * 5000 + b"}}}"))
    c.append(ok("ok_number_exponent_backtrack", "GetKnowledgeBase", b'{"knowledgeBase":{},"x":1e}'))
    c.append(ok("ok_duplicate_top_level_keys", "GetKnowledgeBase",
                b'{"knowledgeBase":{"name":"first"},"knowledgeBase":{"name":"second","status":"ACTIVE"}}'))
    c.append(ok("bad_body_null", "GetKnowledgeBase", b"null"))
    c.append(ok("bad_body_list", "GetKnowledgeBase", b"[]"))
    c.append(ok("bad_body_string", "GetKnowledgeBase", b'"text"'))
    c.append(ok("bad_body_number", "GetKnowledgeBase", b"12"))
    c.append(ok("bad_body_not_utf8", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"\xff"}}'))
    c.append(ok("bad_body_utf8_surrogate", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"\xed\xa0\x80"}}'))
    c.append(ok("bad_body_utf8_overlong", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"\xc0\xaf"}}'))
    c.append(ok("bad_body_utf8_truncated", "GetKnowledgeBase", b'{"knowledgeBase":{"name":"n"}}\xe4\xb8'))
    # Headers and ResponseMetadata.
    c.append(ok("ok_headers_merged", "GetKnowledgeBase", {"knowledgeBase": {"name": "n"}}, headers=[
        ("X-Amzn-RequestId", "rid-1"), ("X-Multi", "a"), ("x-multi", "b"), ("X-MULTI", ""),
        ("X-Latin1", "caf\u00c3\u00a9 \u00ff"), ("Date", "Tue, 02 Jan 2024 03:04:05 GMT"),
        ("x-empty", ""), ("X-Empty", "then")]))
    c.append(ok("ok_request_id_amz", "GetKnowledgeBase", {"knowledgeBase": {"name": "n"}}, headers=[
        ("x-amz-request-id", "amz-rid"), ("x-amz-id-2", "host-id-2")]))
    c.append(ok("ok_request_id_amz_no_host", "GetKnowledgeBase", {"knowledgeBase": {"name": "n"}},
                headers=[("X-Amz-Request-Id", "amz-rid")]))
    c.append(ok("ok_request_id_both", "GetKnowledgeBase", {"knowledgeBase": {"name": "n"}}, headers=[
        ("x-amz-request-id", "amz-rid"), ("x-amz-id-2", "h"), ("x-amzn-requestid", "amzn-rid")]))
    c.append(ok("ok_no_request_id", "GetKnowledgeBase", {"knowledgeBase": {"name": "n"}}, headers=[]))
    c.append(ok("ok_status_201", "GetKnowledgeBase", {"knowledgeBase": {"name": "n"}}, status=201))
    c.append(ok("err_status_300", "GetKnowledgeBase", {"knowledgeBase": {"name": "n"}}, status=300,
                desc="300 is parsed as a success but raised as ClientError without a code"))
    return c


ERROR_SHAPES = [
    ("AccessDeniedException", 403), ("ConflictException", 409), ("DependencyFailedException", 424),
    ("PreconditionFailedException", 412), ("RequestTimeoutException", 408),
    ("ResourceNotFoundException", 404), ("ServiceQuotaExceededException", 402),
    ("ThrottlingException", 400), ("TooManyTagsException", 400), ("UnauthorizedException", 401),
    ("UnprocessableContentException", 422), ("ValidationException", 400),
]


def error_cases():
    c = []
    for code, status in ERROR_SHAPES:
        c.append(err("err_modeled_%s" % code, "StartImportJob", status,
                     {"message": "%s happened" % code, "resourceName": "res-1", "extraField": [1, 2],
                      "Message": "capitalised too"},
                     headers=REQ + [("x-amzn-ErrorType",
                                     "%s:http://internal.amazon.com/coral/com.amazon.coral.validate/" % code)]))
    c.append(err("err_unknown_code", "GetKnowledgeBase", 400, {"message": "nope"},
                 headers=REQ + [("X-Amzn-ErrorType", "SomethingNewException")]))
    c.append(err("err_header_hash_and_colon", "GetKnowledgeBase", 400, {"message": "m"},
                 headers=REQ + [("x-amzn-errortype", "aws.protocoltests.restjson#ValidationException:extra:more")]))
    c.append(err("err_header_multiple_hash", "GetKnowledgeBase", 404, {},
                 headers=REQ + [("x-amzn-errortype", "a#b#ResourceNotFoundException")]))
    c.append(err("err_header_empty", "GetKnowledgeBase", 400, {"message": "m", "__type": "ValidationException"},
                 headers=REQ + [("x-amzn-errortype", "")]))
    c.append(err("err_header_over_body", "GetKnowledgeBase", 400,
                 {"message": "m", "code": "ConflictException", "__type": "ThrottlingException"},
                 headers=REQ + [("x-amzn-errortype", "ValidationException")]))
    c.append(err("err_body_code", "GetKnowledgeBase", 409, {"code": "ConflictException", "message": "dup"}))
    c.append(err("err_body_Code", "GetKnowledgeBase", 409, {"Code": "ns#ConflictException:x", "Message": "dup"}))
    c.append(err("err_body_code_and_Code", "GetKnowledgeBase", 409, {"Code": "A", "code": "ConflictException"}))
    c.append(err("err_body_type", "GetKnowledgeBase", 404,
                 {"__type": "com.amazon.coral#ResourceNotFoundException:http://x", "message": "gone",
                  "resourceName": "kb"}))
    c.append(err("err_body_type_and_code", "GetKnowledgeBase", 400,
                 {"__type": "ThrottlingException", "code": "ValidationException", "message": "m"}))
    c.append(err("err_body_type_null", "GetKnowledgeBase", 400, {"__type": None, "message": "m"}))
    c.append(err("err_body_code_null", "GetKnowledgeBase", 400, {"code": None, "__type": "ValidationException"}))
    c.append(err("err_body_code_number", "GetKnowledgeBase", 400, {"code": 5, "message": "m"}))
    c.append(err("bad_error_code_list", "GetKnowledgeBase", 400, {"code": ["a"], "message": "m"}))
    c.append(err("bad_error_type_number", "GetKnowledgeBase", 400, {"__type": 5, "message": "m"}))
    c.append(err("err_body_type_list_overridden", "GetKnowledgeBase", 400,
                 {"__type": ["x"], "code": "ValidationException", "message": "m"}))
    c.append(err("bad_error_type_list", "GetKnowledgeBase", 400, {"__type": ["x"], "message": "m"}))
    c.append(err("bad_error_type_list_colon", "GetKnowledgeBase", 400, {"__type": [":"], "code": "V"}))
    c.append(err("err_message_capital", "GetKnowledgeBase", 400, {"Message": "Capital", "__type": "ValidationException"}))
    c.append(err("err_message_both", "GetKnowledgeBase", 400,
                 {"Message": "Capital", "message": "lower", "__type": "ValidationException"}))
    c.append(err("err_message_null", "GetKnowledgeBase", 400, {"message": None, "__type": "ValidationException"}))
    c.append(err("err_message_object", "GetKnowledgeBase", 400,
                 {"message": {"detail": [1, 2.5]}, "__type": "ValidationException"}))
    c.append(err("err_message_errorMessage_ignored", "GetKnowledgeBase", 400, {"errorMessage": "x"}))
    c.append(err("err_no_code_anywhere", "GetKnowledgeBase", 400, {"message": "only a message"}))
    c.append(err("err_query_error_header", "GetKnowledgeBase", 400, {"__type": "ValidationException", "message": "m"},
                 headers=REQ + [("x-amzn-query-error", "AWS.SimpleQueueService.NonExistentQueue;Sender")]))
    c.append(err("err_query_error_header_bad", "GetKnowledgeBase", 400, {"__type": "ValidationException"},
                 headers=REQ + [("x-amzn-query-error", "a;b;c")]))
    c.append(err("err_query_error_with_errortype", "GetKnowledgeBase", 400, {"message": "m"},
                 headers=REQ + [("x-amzn-query-error", "Q;Receiver"), ("x-amzn-errortype", "ConflictException")]))
    c.append(err("err_500_html", "GetKnowledgeBase", 500,
                 b"<html><body><b>Http/1.1 Service Unavailable</b></body></html>",
                 headers=REQ + [("x-amzn-ErrorType", "ValidationException")]))
    c.append(err("err_503_html_whitespace", "GetKnowledgeBase", 503, b"\n\t <html>x"))
    c.append(err("err_500_empty", "GetKnowledgeBase", 500, b""))
    c.append(err("err_502_whitespace", "GetKnowledgeBase", 502, b" \r\n\x0b\x0c"))
    c.append(err("err_599_empty", "GetKnowledgeBase", 599, b"", headers=[]))
    c.append(err("err_500_doctype_html", "GetKnowledgeBase", 500, b"<!DOCTYPE html><html></html>"))
    c.append(err("err_500_json", "GetKnowledgeBase", 500,
                 {"__type": "DependencyFailedException", "message": "downstream"}))
    c.append(err("err_503_throttling", "GetKnowledgeBase", 503, {"message": "slow down"},
                 headers=REQ + [("x-amzn-ErrorType", "ThrottlingException")]))
    c.append(err("err_403_plain_text", "GetKnowledgeBase", 403, b"Forbidden: missing auth", headers=[]))
    c.append(err("err_403_plain_text_with_code", "GetKnowledgeBase", 403, b"Access denied",
                 headers=REQ + [("x-amzn-ErrorType", "AccessDeniedException:x")]))
    c.append(err("err_404_empty", "GetKnowledgeBase", 404, b""))
    c.append(err("err_404_html", "GetKnowledgeBase", 404, b"<html>not found</html>"))
    c.append(err("err_400_no_errortype", "GetKnowledgeBase", 400, {"message": "bad"}, headers=[]))
    c.append(err("err_301_empty", "GetKnowledgeBase", 301, b""))
    c.append(err("err_request_id_amz_ignored", "GetKnowledgeBase", 400, {"message": "m"},
                 headers=[("x-amz-request-id", "amz"), ("x-amz-id-2", "h")]))
    c.append(err("err_modeled_null_members", "GetKnowledgeBase", 404,
                 {"message": None, "resourceName": None, "__type": "ResourceNotFoundException"}))
    c.append(err("err_modeled_wrong_types", "GetKnowledgeBase", 404,
                 {"message": 5, "resourceName": ["a"], "__type": "ResourceNotFoundException"}))
    c.append(err("err_modeled_duplicate_keys", "GetKnowledgeBase", 404,
                 b'{"message":"first","__type":"ResourceNotFoundException","message":"last"}'))
    c.append(err("err_modeled_unicode", "GetKnowledgeBase", 400,
                 {"message": "caf\u00e9 \ud83d\ude00 \u0000 end", "__type": "ValidationException"}))
    c.append(err("bad_error_body_list", "GetKnowledgeBase", 400, b"[1,2]"))
    c.append(err("bad_error_body_null", "GetKnowledgeBase", 400, b"null"))
    c.append(err("bad_error_body_string", "GetKnowledgeBase", 400, b'"oops"'))
    c.append(err("bad_error_not_utf8", "GetKnowledgeBase", 400, b'{"message":"\xfe"}'))
    def deep_message(n, code=None):
        body = b'{"message":' + b"[" * n + b"]" * n + b"}"
        return body if code is None else body[:-1] + b',"__type":"%s"}' % code.encode()
    c.append(err("err_error_depth_982", "GetKnowledgeBase", 400, deep_message(981),
                 desc="the deepest unmodelled error body botocore reads from a script's top level"))
    c.append(err("bad_error_depth_983", "GetKnowledgeBase", 400, deep_message(982)))
    c.append(err("err_modeled_depth_980", "GetKnowledgeBase", 400, deep_message(979, "ValidationException"),
                 desc="the modelled-error pass parses the body again, two frames deeper"))
    c.append(err("bad_modeled_depth_981", "GetKnowledgeBase", 400, deep_message(980, "ValidationException")))
    c.append(err("err_invalid_json_with_header", "GetKnowledgeBase", 400, b"{broken",
                 headers=REQ + [("x-amzn-ErrorType", "ValidationException")]))
    return c


def auto_cases(service_model):
    c = []
    sampler = Sampler()
    for op in sorted(service_model.operation_names):
        om = service_model.operation_model(op)
        if om.output_shape is None:
            continue
        body = sampler.value(om.output_shape)
        c.append(ok("auto_%s" % botocore.xform_name(op), op, body,
                    desc="every member of the output shape filled (generated)"))
    return c


# ------------------------------------------------------------------ runner

class Runner:
    def __init__(self):
        self.server = RawServer()
        session = botocore.session.get_session()
        self.client = session.create_client(
            "qconnect", region_name="us-east-1",
            endpoint_url="http://127.0.0.1:%d" % self.server.port,
            aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
            config=Config(retries={"total_max_attempts": 1}, parameter_validation=True))
        self.model = self.client.meta.service_model
        self.depth_offset = 0

    def close(self):
        self.server.close()

    def _call(self, case):
        """Returns (result, exception) of the botocore call for case, made on a
        fresh thread (a stack that does not depend on our caller) whose
        recursion limit makes it behave as a call from a script's top level."""
        om = self.model.operation_model(case["operation"])
        params = minimal_params(om.input_shape) if om.input_shape else {}
        self.server.reply = wire(case["status"], case["headers"], case["body"])
        method = getattr(self.client, botocore.xform_name(case["operation"]))
        box = {}

        def target():
            old = sys.getrecursionlimit()
            sys.setrecursionlimit(1000 + self.depth_offset)
            try:
                box["result"] = method(**params)
            except Exception as e:  # noqa: BLE001 - the caller records it
                box["error"] = e
            finally:
                sys.setrecursionlimit(old)

        worker = threading.Thread(target=target)
        worker.start()
        worker.join()
        return box.get("result"), box.get("error")

    def error_depth_ok(self, depth):
        """Whether an unmodelled error body nesting depth levels parses."""
        n = depth - 1
        body = b'{"message":' + b"[" * n + b"]" * n + b"}"
        _, error = self._call(err("probe", "GetKnowledgeBase", 400, body, headers=[]))
        return not isinstance(error, RecursionError)

    def calibrate(self):
        """Sets depth_offset so that error bodies of TOP_LEVEL_ERROR_DEPTH
        levels parse and deeper ones do not (up to CPython 3.11; see
        DEPTH_FOLLOWS_RECURSION_LIMIT)."""
        self.depth_offset = 0
        if not DEPTH_FOLLOWS_RECURSION_LIMIT:
            return
        lo, hi = 100, 2000
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.error_depth_ok(mid):
                lo = mid
            else:
                hi = mid - 1
        self.depth_offset = TOP_LEVEL_ERROR_DEPTH - lo
        assert self.error_depth_ok(TOP_LEVEL_ERROR_DEPTH)
        assert not self.error_depth_ok(TOP_LEVEL_ERROR_DEPTH + 1)

    def run(self, case):
        result, error = self._call(case)
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, 20000))
        try:
            if error is None:
                return {"outcome": "ok", "error_code": None, "response": encode(result)}
            if isinstance(error, self.client.exceptions.ClientError):
                response = error.response
                md = response.get("ResponseMetadata", {})
                # MaxAttemptsReached comes from the retry handler, not the parser.
                md.pop("MaxAttemptsReached", None)
                code = response.get("Error", {}).get("Code")
                return {"outcome": "service_error",
                        "error_code": code if isinstance(code, str) else None,
                        "exception": type(error).__name__, "response": encode(response)}
            # botocore fails to parse the reply
            return {"outcome": "parse_error", "error_code": None,
                    "botocore_exception": "%s: %s" % (type(error).__name__, str(error)[:300])}
        finally:
            sys.setrecursionlimit(old_limit)


def vector(case, expect):
    body = case["body"]
    out = {
        "name": case["name"],
        "description": case.get("description") or "",
        "generator": "tools/gen_parse_vectors.py (botocore %s)" % botocore.__version__,
        "operation": case["operation"],
        "status": case["status"],
        "headers": [list(h) for h in case["headers"]],
        "retry_attempts": 0,
        "utc_is_local": "UTC" in time.tzname,
    }
    try:
        text = body.decode("utf-8")
        ok_text = "\x00" not in text
    except UnicodeDecodeError:
        ok_text = False
    if ok_text:
        out["body"] = text
    else:
        out["body_b64"] = base64.b64encode(body).decode("ascii")
    out["expect"] = expect
    return out


def generate():
    """Returns {file name: vector dict} for every case, computed live."""
    runner = Runner()
    try:
        runner.calibrate()
        cases = hand_cases() + error_cases() + auto_cases(runner.model)
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), "duplicate case names"
        return {c["name"] + ".json": vector(c, runner.run(c)) for c in cases}
    finally:
        runner.close()


def dump(v):
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 20000))
    try:
        lines = ["%s: %s" % (json.dumps(k), json.dumps(x, ensure_ascii=True, allow_nan=False,
                                                        separators=(",", ":")))
                 for k, x in v.items()]
        return "{\n" + ",\n".join(lines) + "\n}\n"
    finally:
        sys.setrecursionlimit(old_limit)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the files; write nothing")
    args = ap.parse_args()
    if not args.check and not DEPTH_FOLLOWS_RECURSION_LIMIT:
        sys.exit("the vectors are recorded with CPython 3.10 or 3.11 (see "
                 "DEPTH_FOLLOWS_RECURSION_LIMIT); this is %d.%d" % sys.version_info[:2])
    vectors = generate()
    os.makedirs(OUT_DIR, exist_ok=True)
    existing = {f for f in os.listdir(OUT_DIR) if f.endswith(".json")}
    bad = 0
    for name, v in sorted(vectors.items()):
        path = os.path.join(OUT_DIR, name)
        text = dump(v)
        if args.check:
            if name not in existing or open(path, encoding="utf-8").read() != text:
                print("differs: %s" % name)
                bad += 1
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    for name in sorted(existing - set(vectors)):
        if args.check:
            print("stale: %s" % name)
            bad += 1
        else:
            os.remove(os.path.join(OUT_DIR, name))
    print("%d vectors%s" % (len(vectors), ", %d differ" % bad if args.check else " written"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
