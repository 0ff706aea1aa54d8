"""Generate golden request vectors from botocore, live.

For each case (operation + parameters) botocore's own validator and
rest-json serializer produce either the validation report or the request
(method, path, query string, headers, body bytes) that goes on the wire.
tests/c/test_request.c replays every case through the C core and compares
byte for byte; tests/test_request_vectors.py checks the file is current.

Values JSON cannot express are encoded as {"__tuple__": [...]},
{"__datetime__": "iso"}, {"__float__": "repr"} (nan/inf), {"__bytes__": "text"}; in stored params
also {"__bigint__": "digits"} and {"__wtf8_hex__": "hex"} (lone surrogates).

Usage: python tools/gen_request_vectors.py [--out FILE] [--check]
"""
import argparse
import datetime
import json
import os
import sys
import uuid
from unittest import mock

import botocore.session
from botocore.awsrequest import prepare_request_dict
from botocore.exceptions import ParamValidationError
from botocore.validate import ParamValidator
from botocore.serialize import create_serializer

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "tests", "vectors", "requests", "requests.json")
TOKEN = "5f2a6d2c-0d1b-4b5e-9a55-3c1e7f9b2a10"
KB = "8f1c2b7e-1d3a-4c5b-9e6f-0a1b2c3d4e5f"
ARN = "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/" + KB
UP = "upload-0001"

CASES = [
    ("sij_minimal", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP}),
    ("sij_token", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "clientToken": "tok-1"}),
    ("sij_metadata", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "metadata": {"team": "support", "prio": "1", "ünï": "çødé"}}),
    ("sij_external", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "externalSourceConfiguration": {"source": "AMAZON_CONNECT", "configuration": {"connectConfiguration": {"instanceId": "inst-1"}}}}),
    ("sij_full_order", "StartImportJob", {"metadata": {"a": "b"}, "uploadId": UP, "clientToken": "t", "knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "externalSourceConfiguration": {"configuration": {"connectConfiguration": {"instanceId": "i"}}, "source": "AMAZON_CONNECT"}}),
    ("sij_arn", "StartImportJob", {"knowledgeBaseId": ARN, "importJobType": "QUICK_RESPONSES", "uploadId": UP}),
    ("sij_odd_id", "StartImportJob", {"knowledgeBaseId": "a b?c#d%e&f+g=h/i:j~k.l_m-n'o\"p<q>r[s]t{u}v|w^x`y", "importJobType": "QUICK_RESPONSES", "uploadId": UP}),
    ("sij_unicode_id", "StartImportJob", {"knowledgeBaseId": "é日本😀", "importJobType": "QUICK_RESPONSES", "uploadId": "u\u2028\x7f"}),
    ("sij_dots", "StartImportJob", {"knowledgeBaseId": "..", "importJobType": "QUICK_RESPONSES", "uploadId": "."}),
    ("sij_escapes", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "Q\"\\\n\r\t\b\f\x01\x1f/", "uploadId": "😀𝄞é"}),
    ("sij_long", "StartImportJob", {"knowledgeBaseId": "k" * 4096, "importJobType": "QUICK_RESPONSES", "uploadId": "u" * 4096}),
    ("sij_surrogate", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": "a\udc80b"}),
    ("sij_autotoken", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "metadata": {}}),
    # validation
    ("v_missing_all", "StartImportJob", {}),
    ("v_missing_one", "StartImportJob", {"knowledgeBaseId": KB, "uploadId": UP}),
    ("v_unknown", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "bogus": 1, "other": "x"}),
    ("v_types", "StartImportJob", {"knowledgeBaseId": 123, "importJobType": None, "uploadId": ["a"], "metadata": "x"}),
    ("v_types2", "StartImportJob", {"knowledgeBaseId": True, "importJobType": 1.5, "uploadId": {"a": 1}, "metadata": {"__tuple__": ["a"]}}),
    ("v_empty_strings", "StartImportJob", {"knowledgeBaseId": "", "importJobType": "", "uploadId": ""}),
    ("v_map_bad", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "metadata": {"k": 1, "": "v", "x": None}}),
    ("v_union_empty", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "externalSourceConfiguration": {"source": "AMAZON_CONNECT", "configuration": {}}}),
    ("v_union_two", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "externalSourceConfiguration": {"source": "AMAZON_CONNECT", "configuration": {"connectConfiguration": {"instanceId": "i"}, "other": 1}}}),
    ("v_nested", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "externalSourceConfiguration": {"configuration": {"connectConfiguration": {"instanceId": 5, "zz": 1}}, "extra": True}}),
    ("v_struct_not_dict", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "externalSourceConfiguration": "nope"}),
    ("v_empty_token", "StartImportJob", {"knowledgeBaseId": KB, "importJobType": "QUICK_RESPONSES", "uploadId": UP, "clientToken": ""}),
    # other operations
    ("get_import_job", "GetImportJob", {"knowledgeBaseId": KB, "importJobId": "job/1 2"}),
    ("list_import_jobs", "ListImportJobs", {"knowledgeBaseId": KB, "maxResults": 5, "nextToken": "a+b/c=="}),
    ("list_import_jobs_bad", "ListImportJobs", {"knowledgeBaseId": KB, "maxResults": 0}),
    ("list_import_jobs_bool", "ListImportJobs", {"knowledgeBaseId": KB, "maxResults": True}),
    ("list_import_jobs_big", "ListImportJobs", {"knowledgeBaseId": KB, "maxResults": 123456789012345678901234567890}),
    ("delete_import_job", "DeleteImportJob", {"knowledgeBaseId": KB, "importJobId": "j"}),
    ("get_kb", "GetKnowledgeBase", {"knowledgeBaseId": KB}),
    ("create_qr", "CreateQuickResponse", {"knowledgeBaseId": KB, "name": "Greeting", "content": {"content": "Hello **there**"}, "contentType": "application/x.quickresponse;format=markdown", "channels": ["Chat", "Email"], "isActive": False, "language": "en_US", "groupingConfiguration": {"criteria": "RoutingProfileArn", "values": ["a", "b"]}, "shortcutKey": "hi", "description": "d"}),
    ("create_qr_tuple", "CreateQuickResponse", {"knowledgeBaseId": KB, "name": "n", "content": {"content": "c"}, "channels": {"__tuple__": ["Chat"]}}),
    ("create_qr_bad_list", "CreateQuickResponse", {"knowledgeBaseId": KB, "name": "n", "content": {"content": "c"}, "channels": ["Chat", 5, None], "isActive": "yes"}),
    ("search_qr", "SearchQuickResponses", {"knowledgeBaseId": KB, "searchExpression": {"queries": [{"name": "content", "values": ["hello"], "operator": "CONTAINS", "allowFuzziness": True, "priority": "HIGH"}], "filters": [{"name": "isActive", "operator": "EQUALS", "values": ["true"]}], "orderOnField": {"name": "name", "order": "ASC"}}, "maxResults": 10, "nextToken": "n t", "attributes": {"k": "v"}}),
    ("create_kb", "CreateKnowledgeBase", {"name": "kb", "knowledgeBaseType": "QUICK_RESPONSES", "tags": {"env": "test"}, "description": "x"}),
    ("list_kbs", "ListKnowledgeBases", {}),
    ("list_kbs_page", "ListKnowledgeBases", {"maxResults": 100, "nextToken": "&=?/"}),
    ("start_content_upload", "StartContentUpload", {"knowledgeBaseId": KB, "contentType": "text/csv", "presignedUrlTimeToLive": 60}),
    ("delete_qr", "DeleteQuickResponse", {"knowledgeBaseId": KB, "quickResponseId": "q"}),
    ("list_qrs", "ListQuickResponses", {"knowledgeBaseId": KB}),
    ("update_session_data", "UpdateSessionData", {"assistantId": "a", "sessionId": "s", "data": [{"key": "k", "value": {"stringValue": "v"}}]}),
]


def decode(v):
    if isinstance(v, dict):
        if set(v) == {"__tuple__"}:
            return tuple(decode(x) for x in v["__tuple__"])
        if set(v) == {"__datetime__"}:
            return datetime.datetime.fromisoformat(v["__datetime__"])
        if set(v) == {"__float__"}:
            return float(v["__float__"])
        if set(v) == {"__bytes__"}:
            return v["__bytes__"].encode()
        return {k: decode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [decode(x) for x in v]
    return v


def encode(v):
    if isinstance(v, tuple):
        return {"__tuple__": [encode(x) for x in v]}
    if isinstance(v, dict):
        return {k: encode(x) for k, x in v.items()}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in v):
        return {"__wtf8_hex__": v.encode("utf-8", "surrogatepass").hex()}
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 2 ** 63:
        return {"__bigint__": str(v)}
    return v


def run_case(model, name, op_name, params):
    op = model.operation_model(op_name)
    params = decode(params)
    # The idempotency token, as botocore's before-parameter-build handler.
    auto = False
    for mname, mshape in op.input_shape.members.items():
        if mshape.metadata.get("idempotencyToken") and mname not in params:
            params = dict(params)
            params[mname] = TOKEN
            auto = True
    report = ParamValidator().validate(params, op.input_shape)
    case = {"name": name, "operation": op_name, "params": encode(decode_for_store(params, auto))}
    if auto:
        case["token"] = TOKEN
    if report.has_errors():
        case["validation"] = report.generate_report()
        return case
    ser = create_serializer("rest-json", include_validation=False)
    req = ser.serialize_to_request(params, op)
    prepare_request_dict(req, endpoint_url="https://wisdom.us-east-1.amazonaws.com")
    url = req["url"]
    path_q = url[len("https://wisdom.us-east-1.amazonaws.com"):]
    path, _, query = path_q.partition("?")
    case["method"] = req["method"]
    case["path"] = path
    case["query"] = query
    case["headers"] = {k: v for k, v in req["headers"].items()}
    body = req["body"]
    case["body"] = body.decode("utf-8") if isinstance(body, bytes) else body
    return case


def decode_for_store(params, auto):
    if auto:
        params = dict(params)
        for k in list(params):
            if params[k] == TOKEN:
                del params[k]
    return params


def build():
    session = botocore.session.get_session()
    model = session.get_service_model("qconnect")
    out = {"botocore": botocore.__version__, "endpoint": "https://wisdom.us-east-1.amazonaws.com", "cases": []}
    for name, op, params in CASES:
        out["cases"].append(run_case(model, name, op, params))
    return out


def dump(data):
    return json.dumps(data, indent=1, ensure_ascii=True, sort_keys=False) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    text = dump(build())
    with open(args.out, "w", encoding="ascii") as f:
        f.write(text)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
