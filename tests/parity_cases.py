"""Case data for test_parity.py: one call, the reply the server gives, and what the
reference client (boto3) is expected to do with it (a sanity check that the case
exercises what its name says; the parity assertions compare the two clients)."""

import collections
import datetime
import json

KB = "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"
KB_ARN = "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/" + KB
JOB = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
UPLOAD = "upload-7f6e5d4c"
ASSISTANT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
AGENT = "11112222-3333-4444-8555-666677778888"

FIXED_DATE = "Sat, 01 Aug 2026 12:00:00 GMT"
FIXED_SERVER = "parity-recorder/1.0"


def headers(request_id="req-0001", content_type="application/json", extra=(), drop=()):
    """Returns the fixed reply header list both clients receive; ``extra`` appended,
    names in ``drop`` (lower-case) left out."""
    base = [
        ("Date", FIXED_DATE),
        ("Server", FIXED_SERVER),
        ("Content-Type", content_type),
        ("x-amzn-RequestId", request_id),
        ("Connection", "keep-alive"),
    ]
    out = [(k, v) for k, v in base if k.lower() not in drop and v is not None]
    return out + list(extra)


def reply(status=200, body=None, **kw):
    """Returns (status, headers, body bytes); dict/list bodies are JSON-encoded."""
    if body is None:
        raw = b""
    elif isinstance(body, (bytes, bytearray)):
        raw = bytes(body)
    elif isinstance(body, str):
        raw = body.encode("utf-8")
    else:
        raw = json.dumps(body).encode("utf-8")
    return (status, headers(**kw), raw)


def error_reply(status, code, message="the message", extra_body=None, header_code=True, **kw):
    """Returns an error reply: the code in x-amzn-ErrorType (and, if header_code is
    False, nowhere but the given body), JSON body with message and extra members."""
    body = {"message": message}
    body.update(extra_body or {})
    extra = [("x-amzn-ErrorType", code)] if header_code else []
    return reply(status, body, extra=extra + list(kw.pop("extra", ())), **kw)


IMPORT_JOB = {
    "importJobId": JOB,
    "knowledgeBaseId": KB,
    "uploadId": UPLOAD,
    "knowledgeBaseArn": KB_ARN,
    "importJobType": "QUICK_RESPONSES",
    "status": "START_IN_PROGRESS",
    "url": "https://example.invalid/upload?X-Amz-Signature=abc",
    "urlExpiry": 1785600000,
    "createdTime": 1785500000.25,
    "lastModifiedTime": "2026-07-31T10:20:30Z",
    "metadata": {"team": "support", "lang": "fr"},
    "externalSourceConfiguration": {
        "source": "AMAZON_CONNECT",
        "configuration": {"connectConfiguration": {"instanceId": "inst-1"}},
    },
}

OK_IMPORT = reply(200, {"importJob": IMPORT_JOB})


def import_job(**changes):
    """Returns a StartImportJob reply whose importJob has ``changes`` applied
    (a value of ... removes the key)."""
    job = dict(IMPORT_JOB)
    for k, v in changes.items():
        if v is ...:
            job.pop(k, None)
        else:
            job[k] = v
    return reply(200, {"importJob": job})


class ModelDict(dict):
    """A dict subclass, as users sometimes pass (botocore accepts any dict)."""


Case = collections.namedtuple(
    "Case",
    "id op params reply expect code client args",
    defaults=(None, None, "default", ()),
)
# expect: "ok" | "client_error" | "validation" | "type_error"
# code: for client errors, the Error.Code boto3 must report
# client: "default" (no retries), "session" (session token), "region" (eu-central-1),
#         "default_retries" (botocore's default retry configuration)

SIJ = dict(knowledgeBaseId=KB, importJobType="QUICK_RESPONSES", uploadId=UPLOAD)


def sij(**over):
    """Returns StartImportJob parameters: the minimal set updated with ``over``."""
    p = dict(SIJ)
    p.update(over)
    return p


UNICODE_TEXT = "caf\u00e9 \u65e5\u672c \U0001F600 \"q\" \\ / \n\t\r \x00\x1f\x7f \u2028 </x> \ufeff"
PRINTABLE_PUNCT = "!\"$'()*,;:@[]{}|\\^`<>"

CASES = [
    # ---- StartImportJob: requests ------------------------------------------------
    Case("sij-minimal", "start_import_job", sij(), OK_IMPORT, "ok"),
    Case("sij-metadata-map", "start_import_job",
         sij(metadata={"team": "support", "priority": "high", "k\u00e9y": "v\u00e4lue"}), OK_IMPORT, "ok"),
    Case("sij-metadata-many-keys", "start_import_job",
         sij(metadata={"key%02d" % i: "v" * i for i in range(1, 40)}), OK_IMPORT, "ok"),
    Case("sij-metadata-empty-map", "start_import_job", sij(metadata={}), OK_IMPORT, "ok"),
    Case("sij-external-source", "start_import_job",
         sij(externalSourceConfiguration={"source": "AMAZON_CONNECT",
                                          "configuration": {"connectConfiguration": {"instanceId": "inst-1"}}}),
         OK_IMPORT, "ok"),
    Case("sij-external-source-empty-connect", "start_import_job",
         sij(externalSourceConfiguration={"configuration": {"connectConfiguration": {}}, "source": "AMAZON_CONNECT"}),
         OK_IMPORT, "ok"),
    Case("sij-explicit-client-token", "start_import_job", sij(clientToken="my-token-123"), OK_IMPORT, "ok"),
    Case("sij-client-token-first", "start_import_job",
         {"clientToken": "tok", "uploadId": UPLOAD, "importJobType": "QUICK_RESPONSES", "knowledgeBaseId": KB},
         OK_IMPORT, "ok"),
    Case("sij-kwarg-order", "start_import_job",
         {"metadata": {"b": "2", "a": "1"}, "uploadId": UPLOAD, "knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES"},
         OK_IMPORT, "ok"),
    Case("sij-kb-arn", "start_import_job", sij(knowledgeBaseId=KB_ARN), OK_IMPORT, "ok"),
    Case("sij-kb-spaces", "start_import_job", sij(knowledgeBaseId="my kb  id "), OK_IMPORT, "ok"),
    Case("sij-kb-unicode-latin", "start_import_job", sij(knowledgeBaseId="caf\u00e9"), OK_IMPORT, "ok"),
    Case("sij-kb-unicode-cjk", "start_import_job", sij(knowledgeBaseId="\u65e5\u672c"), OK_IMPORT, "ok"),
    Case("sij-kb-emoji", "start_import_job", sij(knowledgeBaseId="kb\U0001F600x"), OK_IMPORT, "ok"),
    Case("sij-kb-query-chars", "start_import_job", sij(knowledgeBaseId="a?b#c%d&e+f=g"), OK_IMPORT, "ok"),
    Case("sij-kb-percent-encoded-lookalike", "start_import_job", sij(knowledgeBaseId="%2F%41%zz"), OK_IMPORT, "ok"),
    Case("sij-kb-tilde-dot", "start_import_job", sij(knowledgeBaseId="a~b.c-d_e"), OK_IMPORT, "ok"),
    Case("sij-kb-punctuation", "start_import_job", sij(knowledgeBaseId=PRINTABLE_PUNCT), OK_IMPORT, "ok"),
    Case("sij-kb-slashes", "start_import_job", sij(knowledgeBaseId="a/b//c/"), OK_IMPORT, "ok"),
    Case("sij-kb-dot", "start_import_job", sij(knowledgeBaseId="."), OK_IMPORT, "ok"),
    Case("sij-kb-dotdot", "start_import_job", sij(knowledgeBaseId=".."), OK_IMPORT, "ok"),
    Case("sij-kb-dotdot-slash", "start_import_job", sij(knowledgeBaseId="../x"), OK_IMPORT, "ok"),
    Case("sij-kb-empty", "start_import_job", sij(knowledgeBaseId=""), OK_IMPORT, "ok"),
    Case("sij-kb-crlf", "start_import_job", sij(knowledgeBaseId="a\r\nX-Injected: 1"), OK_IMPORT, "ok"),
    Case("sij-kb-4096", "start_import_job", sij(knowledgeBaseId="k" * 4096), OK_IMPORT, "ok"),
    Case("sij-upload-4096", "start_import_job", sij(uploadId="u" * 4096), OK_IMPORT, "ok"),
    Case("sij-4096-unicode-metadata", "start_import_job",
         sij(metadata={"\u00e9" * 4096: "\U0001F600" * 4096}, clientToken="t" * 4096), OK_IMPORT, "ok"),
    Case("sij-unicode-body", "start_import_job",
         sij(uploadId=UNICODE_TEXT, metadata={UNICODE_TEXT: UNICODE_TEXT}), OK_IMPORT, "ok"),
    Case("sij-crlf-in-body", "start_import_job", sij(uploadId="line1\r\nline2"), OK_IMPORT, "ok"),
    Case("sij-dict-subclass", "start_import_job",
         sij(metadata=ModelDict(a="1", b="2"),
             externalSourceConfiguration=ModelDict(source="AMAZON_CONNECT",
                                                   configuration=collections.OrderedDict(
                                                       connectConfiguration={"instanceId": "i"}))),
         OK_IMPORT, "ok"),
    Case("sij-session-token", "start_import_job", sij(), OK_IMPORT, "ok", client="session"),
    Case("sij-other-region", "start_import_job", sij(), OK_IMPORT, "ok", client="region"),

    # ---- StartImportJob: replies -------------------------------------------------
    Case("resp-iso8601-timestamps", "start_import_job", sij(),
         import_job(urlExpiry="2026-08-01T12:00:00Z", createdTime="2026-08-01T12:00:00.123456Z",
                    lastModifiedTime="2026-08-01T14:00:00+02:00"), "ok"),
    Case("resp-iso8601-millis-no-zone", "start_import_job", sij(),
         import_job(createdTime="2026-08-01T12:00:00.5", lastModifiedTime="2026-08-01T23:59:59.999Z"), "ok"),
    Case("resp-epoch-int", "start_import_job", sij(),
         import_job(urlExpiry=0, createdTime=1785600000, lastModifiedTime=2000000000), "ok"),
    Case("resp-epoch-float", "start_import_job", sij(),
         import_job(urlExpiry=1785600000.5, createdTime=1785600000.123, lastModifiedTime=1.5), "ok"),
    Case("resp-unknown-members", "start_import_job", sij(),
         reply(200, {"importJob": dict(IMPORT_JOB, brandNew="x", nested={"a": [1, 2]}), "topLevelExtra": 1}), "ok"),
    Case("resp-unknown-union-member", "start_import_job", sij(),
         import_job(externalSourceConfiguration={"source": "AMAZON_CONNECT",
                                                 "configuration": {"s3Configuration": {"bucket": "b"}}}), "ok"),
    Case("resp-null-members", "start_import_job", sij(),
         import_job(metadata=None, url=None, externalSourceConfiguration=None), "ok"),
    Case("resp-sparse", "start_import_job", sij(),
         import_job(metadata=..., externalSourceConfiguration=..., url=..., createdTime=...), "ok"),
    Case("resp-empty-object", "start_import_job", sij(), reply(200, {}), "ok"),
    Case("resp-empty-body", "start_import_job", sij(), reply(200, None), "ok"),
    Case("resp-unicode-strings", "start_import_job", sij(),
         reply(200, ('{"importJob": {"uploadId": "caf\u00e9 \u65e5\u672c \U0001F600", '
                     '"importJobId": "\\u00e9\\ud83d\\ude00\\n\\"", "metadata": {"\u00e9": "\\u65e5"}}}')), "ok"),
    Case("resp-header-variants", "start_import_job", sij(),
         reply(200, {"importJob": {"importJobId": JOB}}, drop=("x-amzn-requestid",),
               extra=[("x-amz-request-id", "amz-rid-9"), ("x-amz-id-2", "host-id-2"), ("X-Custom-Thing", "Mixed Case")]), "ok"),
    Case("resp-no-request-id", "start_import_job", sij(),
         reply(200, {"importJob": {"importJobId": JOB}}, drop=("x-amzn-requestid",)), "ok"),

    # ---- StartImportJob: modelled errors (each with extra body members) ----------
    Case("err-conflict", "start_import_job", sij(),
         error_reply(409, "ConflictException", "already running", {"extra": 1, "details": {"a": "b"}}),
         "client_error", "ConflictException"),
    Case("err-validation", "start_import_job", sij(),
         error_reply(400, "ValidationException", "bad upload", {"fieldList": [{"name": "uploadId"}]}),
         "client_error", "ValidationException"),
    Case("err-service-quota", "start_import_job", sij(),
         error_reply(402, "ServiceQuotaExceededException", "too many", {"quotaCode": "L-1"}),
         "client_error", "ServiceQuotaExceededException"),
    Case("err-unauthorized", "start_import_job", sij(),
         error_reply(401, "UnauthorizedException", "who are you", {"reason": "x"}),
         "client_error", "UnauthorizedException"),
    Case("err-access-denied", "start_import_job", sij(),
         error_reply(403, "AccessDeniedException", "no", {"Reason": "policy"}),
         "client_error", "AccessDeniedException"),
    Case("err-resource-not-found", "start_import_job", sij(),
         error_reply(404, "ResourceNotFoundException", "no kb", {"resourceName": "kb-1", "other": True}),
         "client_error", "ResourceNotFoundException"),
    Case("err-modelled-member-types", "start_import_job", sij(),
         error_reply(404, "ResourceNotFoundException", "typed members", {"resourceName": 123}),
         "client_error", "ResourceNotFoundException"),
    Case("err-unknown-code", "start_import_job", sij(),
         error_reply(400, "SomethingNewException", "new error", {"x": 1}), "client_error", "SomethingNewException"),
    Case("err-errortype-suffix", "start_import_job", sij(),
         error_reply(409, "ConflictException:http://internal.amazon.com/coral/com.amazon.coral.validate/", "c"),
         "client_error", "ConflictException"),
    Case("err-errortype-namespaced", "start_import_job", sij(),
         error_reply(404, "com.amazonaws.wisdom#ResourceNotFoundException", "ns", {"resourceName": "r"}),
         "client_error", "ResourceNotFoundException"),
    Case("err-body-code", "start_import_job", sij(),
         reply(409, {"code": "ConflictException", "message": "lower code"}), "client_error", "ConflictException"),
    Case("err-body-Code", "start_import_job", sij(),
         reply(400, {"Code": "ValidationException", "Message": "upper code"}), "client_error", "ValidationException"),
    Case("err-body-dunder-type", "start_import_job", sij(),
         reply(404, {"__type": "com.amazonaws.wisdom#ResourceNotFoundException", "message": "typed",
                     "resourceName": "kb"}),
         "client_error", "ResourceNotFoundException"),
    Case("err-body-dunder-type-suffix", "start_import_job", sij(),
         reply(400, {"__type": "ValidationException:http://internal.amazon.com/x", "Message": "m"}),
         "client_error", "ValidationException"),
    Case("err-header-beats-body", "start_import_job", sij(),
         reply(400, {"code": "ConflictException", "__type": "x#AccessDeniedException", "message": "m"},
               extra=[("X-Amzn-ErrorType", "ValidationException")]),
         "client_error", "ValidationException"),
    Case("err-status-only", "start_import_job", sij(), reply(418, {"message": "teapot"}), "client_error", "418"),
    Case("err-body-code-number", "start_import_job", sij(), reply(400, {"code": 42, "message": "numeric code"}),
         "client_error", 42),
    Case("err-unicode-message", "start_import_job", sij(),
         reply(400, '{"message": "caf\\u00e9 日本 \\ud83d\\ude00 😀"}',
               extra=[("x-amzn-ErrorType", "ValidationException")]),
         "client_error", "ValidationException"),
    Case("err-null-message", "start_import_job", sij(),
         reply(400, {"message": None}, extra=[("x-amzn-ErrorType", "ValidationException")]),
         "client_error", "ValidationException"),
    Case("err-500-html", "start_import_job", sij(),
         reply(500, "<html><body><h1>Internal Server Error</h1></body></html>", content_type="text/html"),
         "client_error", "500"),
    Case("err-503-html", "start_import_job", sij(),
         reply(503, "<html>\n<head><title>503 Service Unavailable</title></head></html>", content_type="text/html"),
         "client_error", "503"),
    Case("err-403-text", "start_import_job", sij(),
         reply(403, "Forbidden: you shall not pass", content_type="text/plain"), "client_error", "403"),
    Case("err-500-empty", "start_import_job", sij(), reply(500, None), "client_error", "500"),
    Case("err-400-default-retries", "start_import_job", sij(),
         error_reply(400, "ValidationException", "no retry for this"), "client_error", "ValidationException",
         client="default_retries"),
    Case("sij-default-retries-ok", "start_import_job", sij(), OK_IMPORT, "ok", client="default_retries"),

    # ---- validation (nothing may be sent) ----------------------------------------
    Case("val-missing-one", "start_import_job", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES"},
         None, "validation"),
    Case("val-missing-all", "start_import_job", {}, None, "validation"),
    Case("val-missing-several-with-unknown", "start_import_job", {"uploadId": UPLOAD, "bogus": 1, "alsoBogus": None},
         None, "validation"),
    Case("val-unknown-param", "start_import_job", sij(knowledgeBaseID="typo"), None, "validation"),
    Case("val-int-for-string", "start_import_job", sij(uploadId=12345), None, "validation"),
    Case("val-none-for-string", "start_import_job", sij(uploadId=None), None, "validation"),
    Case("val-list-for-string", "start_import_job", sij(uploadId=["a", "b"]), None, "validation"),
    Case("val-dict-for-string", "start_import_job", sij(importJobType={"a": 1}), None, "validation"),
    Case("val-bytes-bool-float-for-string", "start_import_job",
         sij(uploadId=b"raw", importJobType=True, clientToken=1.5), None, "validation"),
    Case("val-str-for-map", "start_import_job", sij(metadata="k=v"), None, "validation"),
    Case("val-list-for-structure", "start_import_job", sij(externalSourceConfiguration=[("source", "x")]),
         None, "validation"),
    Case("val-empty-strings", "start_import_job", sij(uploadId="", clientToken=""), None, "validation"),
    Case("val-map-bad-key-value", "start_import_job",
         sij(metadata={1: "v", "k": 2, "": "empty-key", "e": "", (1, 2): None}), None, "validation"),
    Case("val-union-zero", "start_import_job",
         sij(externalSourceConfiguration={"source": "AMAZON_CONNECT", "configuration": {}}), None, "validation"),
    Case("val-union-unknown-member", "start_import_job",
         sij(externalSourceConfiguration={"source": "AMAZON_CONNECT",
                                          "configuration": {"connectConfiguration": {}, "s3": {}}}),
         None, "validation"),
    Case("val-union-two-members", "create_knowledge_base",
         {"name": "kb", "knowledgeBaseType": "EXTERNAL",
          "sourceConfiguration": {"appIntegrations": {"appIntegrationArn": "arn:x"},
                                  "managedSourceConfiguration": {"webCrawlerConfiguration": {}}}},
         None, "validation"),
    Case("val-union-three-members", "query_assistant",
         {"assistantId": ASSISTANT,
          "queryInputData": {"queryTextInputData": {"text": "q"}, "intentInputData": {"intentId": "i"},
                             "caseSummarizationInputData": {}}},
         None, "validation"),
    Case("val-nested-all-together", "start_import_job",
         {"knowledgeBaseId": None, "uploadId": "",
          "metadata": {"k": None, 3: "x"},
          "externalSourceConfiguration": {"configuration": {"connectConfiguration": {"instanceId": 7, "zz": 1}},
                                          "extra": True},
          "nope": 1},
         None, "validation"),
    Case("val-list-types", "create_quick_response",
         {"knowledgeBaseId": KB, "name": "n", "content": {"content": "c"}, "channels": ["Chat", 5, "", None]},
         None, "validation"),
    Case("val-str-for-list-and-bool", "create_quick_response",
         {"knowledgeBaseId": KB, "name": "n", "content": {"content": "c"}, "channels": "Chat", "isActive": "yes"},
         None, "validation"),
    Case("val-int-range-and-types", "list_import_jobs",
         {"knowledgeBaseId": KB, "maxResults": 0}, None, "validation"),
    Case("val-float-for-int", "list_import_jobs", {"knowledgeBaseId": KB, "maxResults": 1.5}, None, "validation"),
    Case("val-str-for-int", "list_quick_responses", {"knowledgeBaseId": KB, "maxResults": "10", "nextToken": 3},
         None, "validation"),
    Case("val-float-range", "create_ai_prompt",
         {"assistantId": ASSISTANT, "name": "p", "type": "ANSWER_GENERATION",
          "templateConfiguration": {"textFullAIPromptEditTemplateConfiguration": {"text": "t"}},
          "visibilityStatus": "SAVED", "templateType": "TEXT", "modelId": "m", "apiFormat": "MESSAGES",
          "inferenceConfiguration": {"temperature": -0.5, "topP": "0.5", "topK": -1}},
         None, "validation"),
    Case("val-bad-timestamp", "create_ai_agent_version",
         {"assistantId": ASSISTANT, "aiAgentId": AGENT, "modifiedTime": "not a date"}, None, "validation"),
    Case("val-bad-document", "retrieve",
         {"assistantId": ASSISTANT, "retrievalQuery": "q",
          "retrievalConfiguration": {"knowledgeSource": {"assistantAssociationIds": ["a"]},
                                     "filter": {"equals": {"key": "k", "value": {"s": {1, 2}}},
                                                "in": {"key": "k", "value": [1, b"x"]}}}},
         None, "validation"),
    Case("val-long-in-uri", "delete_ai_agent_version",
         {"assistantId": ASSISTANT, "aiAgentId": AGENT, "versionNumber": 0}, None, "validation"),
    Case("val-positional-arg", "start_import_job", {}, None, "type_error", args=(KB,)),
    Case("val-positional-and-kwargs", "get_import_job", {"knowledgeBaseId": KB, "importJobId": JOB},
         None, "type_error", args=("x", "y")),

    # ---- other operations ----------------------------------------------------------
    Case("get-import-job", "get_import_job", {"knowledgeBaseId": KB, "importJobId": JOB},
         reply(200, {"importJob": IMPORT_JOB}), "ok"),
    Case("get-import-job-arn-404", "get_import_job", {"importJobId": JOB, "knowledgeBaseId": KB_ARN},
         error_reply(404, "ResourceNotFoundException", "gone", {"resourceName": JOB}),
         "client_error", "ResourceNotFoundException"),
    Case("get-import-job-unmodelled-for-op", "get_import_job", {"importJobId": JOB, "knowledgeBaseId": KB},
         error_reply(409, "ConflictException", "not modelled on GetImportJob"), "client_error", "ConflictException"),
    Case("list-import-jobs-query", "list_import_jobs",
         {"knowledgeBaseId": KB, "maxResults": 25, "nextToken": "a+b/c=d ==&x=\u00e9~"},
         reply(200, {"importJobSummaries": [
             {"importJobId": JOB, "knowledgeBaseId": KB, "uploadId": UPLOAD, "knowledgeBaseArn": KB_ARN,
              "importJobType": "QUICK_RESPONSES", "status": "COMPLETE", "createdTime": 1785500000,
              "lastModifiedTime": 1785500001.75, "metadata": {}},
             {"importJobId": "j2", "status": "FAILED", "unknownField": 3}], "nextToken": "n2"}), "ok"),
    Case("list-import-jobs-4096-token", "list_import_jobs", {"knowledgeBaseId": KB, "nextToken": "t/" * 2048},
         reply(200, {"importJobSummaries": [], "nextToken": "n" * 4096}), "ok"),
    Case("list-import-jobs-query-order", "list_import_jobs",
         {"nextToken": "tok", "knowledgeBaseId": KB, "maxResults": 100},
         reply(200, {"importJobSummaries": []}), "ok"),
    Case("list-import-jobs-bool-as-int", "list_import_jobs", {"knowledgeBaseId": KB, "maxResults": True},
         reply(200, {"importJobSummaries": []}), "ok"),
    Case("list-import-jobs-no-query", "list_import_jobs", {"knowledgeBaseId": KB},
         reply(200, {"importJobSummaries": [], "nextToken": None}), "ok"),
    Case("create-quick-response", "create_quick_response",
         {"knowledgeBaseId": KB, "name": "Greeting", "content": {"content": "Hello {{name}} \u00e9"},
          "contentType": "application/x.quickresponse;format=plain",
          "groupingConfiguration": {"criteria": "RoutingProfileArn", "values": ["arn:a", "arn:b"]},
          "description": "d", "shortcutKey": "hi", "isActive": False, "channels": ["Chat", "Email"],
          "language": "fr_FR", "tags": {"env": "test", "owner": "\u65e5\u672c"}},
         reply(200, {"quickResponse": {
             "quickResponseArn": "arn:qr", "quickResponseId": "qr1", "knowledgeBaseArn": KB_ARN,
             "knowledgeBaseId": KB, "name": "Greeting", "contentType": "application/x.quickresponse;format=plain",
             "status": "CREATED", "createdTime": 1785500000, "lastModifiedTime": "2026-07-31T10:20:30.5Z",
             "contents": {"plainText": {"content": "Hello"}, "markdown": {"content": "**Hello**"}},
             "groupingConfiguration": {"criteria": "RoutingProfileArn", "values": ["arn:a"]},
             "isActive": False, "channels": ["Chat", "Email"], "language": "fr_FR", "tags": {"env": "test"}}}),
         "ok"),
    Case("create-quick-response-true-and-empty-list", "create_quick_response",
         {"knowledgeBaseId": KB, "name": "n", "content": {"content": "c"}, "isActive": True, "channels": [],
          "tags": {}},
         reply(200, {"quickResponse": {"isActive": True, "channels": []}}), "ok"),
    Case("get-knowledge-base", "get_knowledge_base", {"knowledgeBaseId": KB},
         reply(200, {"knowledgeBase": {
             "knowledgeBaseId": KB, "knowledgeBaseArn": KB_ARN, "name": "kb", "knowledgeBaseType": "QUICK_RESPONSES",
             "status": "ACTIVE", "lastContentModificationTime": 1785500000.999,
             "renderingConfiguration": {"templateUri": "https://t/{{x}}"},
             "serverSideEncryptionConfiguration": {"kmsKeyId": "k"}, "description": "desc",
             "tags": {"a": "b"}, "sourceConfiguration": {"appIntegrations": {"appIntegrationArn": "arn:ai",
                                                                              "objectFields": ["f1", "f2"]}}}}),
         "ok"),
    Case("delete-import-job", "delete_import_job", {"knowledgeBaseId": KB, "importJobId": JOB},
         reply(204, None, drop=("content-type",)), "ok"),
    Case("delete-import-job-200-body", "delete_import_job", {"knowledgeBaseId": KB_ARN, "importJobId": JOB},
         reply(200, {"ignored": True}), "ok"),
    Case("list-quick-responses", "list_quick_responses", {"knowledgeBaseId": KB, "maxResults": 2},
         reply(200, {"quickResponseSummaries": [
             {"quickResponseArn": "arn:qr", "quickResponseId": "q1", "knowledgeBaseArn": KB_ARN, "knowledgeBaseId": KB,
              "name": "n", "contentType": "t", "status": "CREATED", "createdTime": 1785500000,
              "lastModifiedTime": 1785500000, "isActive": True, "channels": ["Chat"], "tags": {}}],
             "nextToken": "next"}), "ok"),
    Case("search-quick-responses", "search_quick_responses",
         {"knowledgeBaseId": KB, "maxResults": 10, "nextToken": "p/2",
          "searchExpression": {"queries": [{"name": "content", "values": ["hello", "w\u00f6rld"],
                                            "operator": "CONTAINS", "allowFuzziness": True, "priority": "HIGH"}],
                               "filters": [{"name": "isActive", "operator": "EQUALS", "values": ["true"],
                                            "includeNoExistence": False}],
                               "orderOnField": {"name": "name", "order": "ASC"}},
          "attributes": {"firstName": "Ann", "x y": "\U0001F600"}},
         reply(200, {"results": [{"quickResponseId": "q1", "isActive": True, "createdTime": 1.0,
                                  "contents": {"plainText": {"content": "hi"}},
                                  "attributesNotInterpolated": ["a"], "attributesInterpolated": []}],
                     "nextToken": "n"}), "ok"),
    Case("search-quick-responses-error", "search_quick_responses",
         {"knowledgeBaseId": KB, "searchExpression": {}},
         error_reply(408, "RequestTimeoutException", "slow"), "client_error", "RequestTimeoutException"),
    Case("delete-ai-agent-version-long-uri", "delete_ai_agent_version",
         {"assistantId": ASSISTANT, "aiAgentId": AGENT + ":7", "versionNumber": 12345678901234},
         reply(204, None, drop=("content-type",)), "ok"),
    Case("create-ai-prompt-floats", "create_ai_prompt",
         {"assistantId": ASSISTANT, "name": "p", "type": "ANSWER_GENERATION",
          "templateConfiguration": {"textFullAIPromptEditTemplateConfiguration": {"text": "Answer {{q}}"}},
          "visibilityStatus": "SAVED", "templateType": "TEXT", "modelId": "m", "apiFormat": "MESSAGES",
          "inferenceConfiguration": {"temperature": 0.1, "topP": 1, "topK": 200, "maxTokensToSample": 4096}},
         reply(200, {"aiPrompt": {"aiPromptId": "p1", "modifiedTime": 1785500000.5,
                                  "inferenceConfiguration": {"temperature": 0.1, "topP": 1, "topK": 5}}}), "ok"),
    Case("create-ai-prompt-float-repr", "create_ai_prompt",
         {"assistantId": ASSISTANT, "name": "p", "type": "ANSWER_GENERATION",
          "templateConfiguration": {"textFullAIPromptEditTemplateConfiguration": {"text": "t"}},
          "visibilityStatus": "PUBLISHED", "templateType": "TEXT", "modelId": "m", "apiFormat": "MESSAGES",
          "inferenceConfiguration": {"temperature": 1e-07, "topP": 0.30000000000000004}},
         reply(200, '{"aiPrompt": {"inferenceConfiguration": {"temperature": 1E-7, "topP": 3e-1, "topK": 5.0, '
                    '"maxTokensToSample": 12345678901234567890}, "modifiedTime": 1.785500000123e9}}'), "ok"),
    Case("create-ai-guardrail-double", "create_ai_guardrail",
         {"assistantId": ASSISTANT, "name": "g", "blockedInputMessaging": "no", "blockedOutputsMessaging": "no",
          "visibilityStatus": "SAVED",
          "contextualGroundingPolicyConfig": {"filtersConfig": [{"type": "GROUNDING", "threshold": 0.75},
                                                                {"type": "RELEVANCE", "threshold": 1e16}]}},
         reply(200, {"aiGuardrail": {"name": "g"}}), "ok"),
    Case("create-ai-agent-version-datetime", "create_ai_agent_version",
         {"assistantId": ASSISTANT, "aiAgentId": AGENT,
          "modifiedTime": datetime.datetime(2026, 7, 31, 10, 20, 30, 999999, tzinfo=datetime.timezone.utc)},
         reply(200, {"versionNumber": 3, "aiAgent": {"aiAgentId": AGENT, "modifiedTime": 1785500000}}), "ok"),
    Case("create-ai-agent-version-offset-datetime", "create_ai_agent_version",
         {"assistantId": ASSISTANT, "aiAgentId": AGENT,
          "modifiedTime": datetime.datetime(2026, 7, 31, 10, 20, 30,
                                            tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))},
         reply(200, {"versionNumber": 4}), "ok"),
    Case("create-ai-agent-version-iso-string", "create_ai_agent_version",
         {"assistantId": ASSISTANT, "aiAgentId": AGENT, "modifiedTime": "2026-07-31T10:20:30Z"},
         reply(200, {"versionNumber": 5}), "ok"),
    Case("create-ai-agent-version-epoch", "create_ai_agent_version",
         {"assistantId": ASSISTANT, "aiAgentId": AGENT, "modifiedTime": 1785500000},
         reply(200, {"versionNumber": 6}), "ok"),
    Case("retrieve-document-values", "retrieve",
         {"assistantId": ASSISTANT, "retrievalQuery": "q \u00e9",
          "retrievalConfiguration": {
              "knowledgeSource": {"assistantAssociationIds": ["a1", "a2"]},
              "filter": {"andAll": [
                  {"equals": {"key": "s", "value": "str \U0001F600"}},
                  {"greaterThan": {"key": "n", "value": 5}},
                  {"lessThan": {"key": "f", "value": 2.5}},
                  {"in": {"key": "l", "value": ["a", 1, True, None, {"nested": [1.0, {"z": None}]}]}},
                  {"notEquals": {"key": "b", "value": False}},
                  {"equals": {"key": "o", "value": {"b": 1, "a": {"c": "d"}}}},
              ]},
              "numberOfResults": 3, "overrideKnowledgeBaseSearchType": "HYBRID"}},
         reply(200, {"results": []}), "ok"),
]
