"""Paginators of qconnect_c against boto3's, run live.

Wire tests: the same paginated call goes through a boto3 client and a qconnect_c
client pointed at a paging server on 127.0.0.1 (pages cut from a fixed item list by
the request's ``maxResults``/``nextToken``); the requests that reached the server,
the pages, ``build_full_result()``, resume tokens and errors must be equal.

Logic tests: ``botocore.paginate.Paginator`` and ``qconnect_c.paginate.Paginator``
drive the same scripted in-process method with configurations this service does not
use (several tokens, several result keys of mixed types, dotted keys,
``more_results``, non-aggregate keys, bytes tokens, old-style starting tokens).
"""

import base64
import copy
import json
import os
import subprocess
import sys
import textwrap
import urllib.parse

import boto3
import botocore.exceptions
import botocore.paginate
import botocore.session
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from recording_server import RecordingServer, Reply  # noqa: E402

import qconnect_c  # noqa: E402
import qconnect_c.exceptions  # noqa: E402
import qconnect_c.paginate  # noqa: E402
from qconnect_c import _model  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCESS_KEY = "AKIDPAGINATEEXAMPLE"
SECRET_KEY = "paginate/Secret+Key/0123456789EXAMPLE"
KB = "00000000-1111-2222-3333-444444444444"
ASSISTANT = "aaaaaaaa-1111-2222-3333-444444444444"
N_ITEMS = 8
DEFAULT_PAGE = 3

_BOTO_MODEL = botocore.session.get_session().get_service_model("qconnect")


# ------------------------------------------------------------------ items
def _import_job(i):
    return {"importJobId": f"job-{i}", "knowledgeBaseId": KB, "uploadId": f"up-{i}",
            "knowledgeBaseArn": "arn:aws:wisdom:us-east-1:123456789012:knowledge-base/" + KB,
            "importJobType": "QUICK_RESPONSES", "status": "COMPLETE",
            "createdTime": 1700000000.25 + i, "lastModifiedTime": 1700000100 + i,
            "metadata": {"k": str(i)}}


def _quick_response(i):
    return {"quickResponseArn": f"arn:qr/{i}", "quickResponseId": f"qr-{i}",
            "knowledgeBaseArn": "arn:kb", "knowledgeBaseId": KB, "name": f"Reply {i}",
            "contentType": "application/x.quickresponse;format=plain", "status": "CREATED",
            "createdTime": 1700000000 + i, "lastModifiedTime": 1700000000.5 + i,
            "isActive": i % 2 == 0, "channels": ["Chat"]}


def _knowledge_base(i):
    return {"knowledgeBaseId": f"kb-{i}", "knowledgeBaseArn": f"arn:kb/{i}", "name": f"KB {i}",
            "knowledgeBaseType": "QUICK_RESPONSES", "status": "ACTIVE", "tags": {"n": str(i)}}


def _search_result(i):
    item = _quick_response(i)
    item["contents"] = {"plainText": {"content": f"hello {i}"}}
    return item


def _query_result(i):
    return {"resultId": f"r-{i}", "relevanceScore": 0.5 + i / 100,
            "document": {"contentReference": {"contentId": f"c-{i}"},
                         "title": {"text": f"Doc {i}"}}}


# op -> (kwargs, result key, item maker, where the tokens travel)
OPS = {
    "list_import_jobs": ({"knowledgeBaseId": KB}, "importJobSummaries", _import_job, "query"),
    "list_quick_responses": ({"knowledgeBaseId": KB}, "quickResponseSummaries",
                             _quick_response, "query"),
    "list_knowledge_bases": ({}, "knowledgeBaseSummaries", _knowledge_base, "query"),
    "search_quick_responses": (
        {"knowledgeBaseId": KB,
         "searchExpression": {"queries": [{"name": "content", "values": ["hello"],
                                           "operator": "CONTAINS"}]}},
        "results", _search_result, "query"),
    "query_assistant": ({"assistantId": ASSISTANT, "queryText": "hello"}, "results",
                        _query_result, "body"),
}


# ------------------------------------------------------------------ server
class PagingServer(RecordingServer):
    """Cuts pages from ``N_ITEMS`` items made by ``item``: token ``t<offset>``, page size
    ``maxResults`` (``DEFAULT_PAGE`` without one).  ``mode`` bends the protocol:
    "empty_last" ends with ``nextToken: ""``, "repeat" always answers the same token,
    "error_second" fails the second request, "missing_key" leaves the result key out
    of every page after the first."""

    def __init__(self):
        super().__init__()
        self.item = _import_job
        self.result_key = "importJobSummaries"
        self.where = "query"
        self.mode = "normal"

    def _record_and_pick(self, request):
        with self._lock:
            self.requests.append(request)
            number = len(self.requests)
        if self.where == "query":
            params = {k: v[0] for k, v in urllib.parse.parse_qs(request.query or "").items()}
        else:
            params = json.loads(request.body or b"{}")
        if self.mode == "error_second" and number == 2:
            return Reply(400, [("Content-Type", "application/json"),
                               ("x-amzn-ErrorType", "ValidationException"),
                               ("x-amzn-RequestId", "rid-error")],
                         json.dumps({"message": "the token has expired"}))
        token = params.get("nextToken")
        if token is not None and not (isinstance(token, str) and token[:1] == "t"
                                      and token[1:].isdigit()):
            return Reply(400, [("Content-Type", "application/json"),
                               ("x-amzn-ErrorType", "ValidationException"),
                               ("x-amzn-RequestId", "rid-bad-token")],
                         json.dumps({"message": f"bad token {token!r}"}))
        offset = int(token[1:]) if token else 0
        size = int(params.get("maxResults") or DEFAULT_PAGE)
        items = [self.item(i) for i in range(offset, min(offset + size, N_ITEMS))]
        body = {self.result_key: items}
        if self.mode == "missing_key" and offset:
            del body[self.result_key]
        if self.mode == "repeat":
            body["nextToken"] = "t1"
        elif offset + size < N_ITEMS:
            body["nextToken"] = f"t{offset + size}"
        elif self.mode == "empty_last":
            body["nextToken"] = ""
        return Reply(200, [("Content-Type", "application/json"),
                           ("x-amzn-RequestId", f"rid-{number}")], json.dumps(body))


@pytest.fixture(scope="module")
def server():
    srv = PagingServer().start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def clients(server, tmp_path_factory):
    """(boto3 client, qconnect_c client), both pointed at the paging server."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = str(home / "config")
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(home / "credentials")
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    kwargs = dict(region_name="us-east-1", endpoint_url=server.url,
                  aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
    boto = boto3.session.Session().client(
        "qconnect", config=botocore.config.Config(retries={"max_attempts": 0}), **kwargs)
    ours = qconnect_c.Session().client(
        "qconnect", config=qconnect_c.Config(retries={"max_attempts": 0}), **kwargs)
    yield boto, ours
    os.environ.clear()
    os.environ.update(saved)


def _outcome(run):
    """Return ("ok", value) or ("error", class name, message) of ``run()``."""
    try:
        return ("ok", run())
    except Exception as exc:  # compared with the other side's outcome
        return ("error", type(exc).__name__, str(exc))


def _drive(server, client, op, config, action, mode="normal", extra=None):
    """Run one paginated call; return (outcome, resume token, requests seen)."""
    kwargs, key, item, where = OPS[op]
    server.mode, server.result_key, server.item, server.where = mode, key, item, where
    server.clear_requests()
    call = copy.deepcopy(kwargs)
    call.update(extra or {})
    if config is not None:
        call["PaginationConfig"] = dict(config)
    paginator = client.get_paginator(op)
    state = {}

    def run():
        pages = state["pages"] = paginator.paginate(**call)
        if action == "pages":
            return list(pages)
        if action == "full":
            return pages.build_full_result()
        if action == "search":
            return list(pages.search(f"{key}[].{_first_field(item)}"))
        return [list(i) for i in pages.result_key_iters()]

    outcome = _outcome(run)
    requests = [(r.method, r.target, r.body) for r in server.take_requests()]
    token = state["pages"].resume_token if "pages" in state else None
    return outcome, token, requests


def _first_field(item):
    return next(iter(item(0)))


def _both(server, clients, *args, **kwargs):
    boto, ours = clients
    expected = _drive(server, boto, *args, **kwargs)
    got = _drive(server, ours, *args, **kwargs)
    assert got[2] == expected[2], "requests differ"
    assert got[0] == expected[0], "results differ"
    assert got[1] == expected[1], "resume tokens differ"
    return expected


CONFIGS = [
    None,
    {},
    {"MaxItems": 4},
    {"MaxItems": 3},
    {"MaxItems": 6, "PageSize": 3},
    {"PageSize": 2},
    {"PageSize": "5"},
    {"MaxItems": "5", "PageSize": 2},
    {"MaxItems": 1, "PageSize": 4},
    {"MaxItems": 100},
    {"MaxItems": 0},
    {"PageSize": 20},
]


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: json.dumps(c).replace(" ", ""))
def test_pages_requests_and_tokens(server, clients, op, config):
    outcome, _, requests = _both(server, clients, op, config, "pages")
    assert outcome[0] == "ok" and requests


@pytest.mark.parametrize("op", sorted(OPS))
@pytest.mark.parametrize("config", [None, {"MaxItems": 4}, {"MaxItems": 6, "PageSize": 2},
                                    {"PageSize": 4}, {"MaxItems": 7, "PageSize": 3}],
                         ids=lambda c: json.dumps(c).replace(" ", ""))
def test_build_full_result(server, clients, op, config):
    outcome, token, _ = _both(server, clients, op, config, "full")
    full = outcome[1]
    key = OPS[op][1]
    max_items = (config or {}).get("MaxItems")
    assert len(full[key]) == min(N_ITEMS, max_items or N_ITEMS)
    assert ("NextToken" in full) == (max_items is not None and max_items < N_ITEMS)
    if token is not None:
        assert full["NextToken"] == token


@pytest.mark.parametrize("op", sorted(OPS))
def test_search_and_result_key_iters(server, clients, op):
    outcome, _, _ = _both(server, clients, op, {"MaxItems": 5}, "search")
    assert len(outcome[1]) == 5
    outcome, _, _ = _both(server, clients, op, {"PageSize": 3}, "iters")
    assert len(outcome[1][0]) == N_ITEMS


@pytest.mark.parametrize("op", ["list_import_jobs", "query_assistant", "search_quick_responses"])
@pytest.mark.parametrize("max_items,page_size", [(3, None), (4, None), (2, 3), (5, 2), (1, 1)])
def test_resume_until_done(server, clients, op, max_items, page_size):
    """Resume with each side's own token until the items run out; every item once."""
    key = OPS[op][1]
    token = None
    seen = []
    for _ in range(N_ITEMS + 2):
        config = {"MaxItems": max_items}
        if page_size:
            config["PageSize"] = page_size
        if token:
            config["StartingToken"] = token
        outcome, token, _ = _both(server, clients, op, config, "full")
        seen += outcome[1][key]
        if token is None:
            break
        decoded = json.loads(base64.b64decode(token))
        assert set(decoded) <= {"nextToken", "boto_truncate_amount"}
    assert [item[_first_field(OPS[op][2])] for item in seen] == \
        [OPS[op][2](i)[_first_field(OPS[op][2])] for i in range(N_ITEMS)]


STARTING_TOKENS = [
    "t3",                      # not base64: the old format, a plain service token
    "t3___1",                  # old format with an index
    "None___2",
    "t2___x",                  # old format, bad index: the whole string is the token
    "t4t4",                    # base64 of bytes that are not UTF-8
    base64.b64encode(b'{"nextToken": "t2"}').decode(),
    base64.b64encode(b'{"nextToken": "t2", "boto_truncate_amount": 2}').decode(),
    base64.b64encode(b'{"nextToken": null, "boto_truncate_amount": 1}').decode(),
    base64.b64encode(b'{"nextToken": "None"}').decode(),
    base64.b64encode(b'{"maxResults": 2}').decode(),
    base64.b64encode(b'{"bogus": 1}').decode(),
    base64.b64encode(b'[1, 2]').decode(),
    base64.b64encode(b'123').decode(),
    "a___b___c",
]


@pytest.mark.parametrize("op", ["list_quick_responses", "query_assistant"])
@pytest.mark.parametrize("starting", STARTING_TOKENS)
@pytest.mark.parametrize("config", [{}, {"MaxItems": 2}, {"MaxItems": 5, "PageSize": 2}],
                         ids=lambda c: json.dumps(c).replace(" ", ""))
def test_starting_tokens(server, clients, op, starting, config):
    config = dict(config, StartingToken=starting)
    _both(server, clients, op, config, "pages")
    _both(server, clients, op, config, "full")


@pytest.mark.parametrize("mode", ["empty_last", "repeat", "error_second", "missing_key"])
@pytest.mark.parametrize("config", [{}, {"MaxItems": 5}, {"PageSize": 4}],
                         ids=lambda c: json.dumps(c).replace(" ", ""))
def test_server_quirks(server, clients, mode, config):
    for op in ("list_import_jobs", "query_assistant"):
        _both(server, clients, op, config, "pages", mode=mode)
        _both(server, clients, op, config, "full", mode=mode)


def test_repeated_token_error_text(server, clients):
    outcome, _, requests = _both(server, clients, "list_knowledge_bases", {}, "pages",
                                 mode="repeat")
    assert outcome[0] == "error" and outcome[1] == "PaginationError"
    assert "The same next token was received twice" in outcome[2]
    assert len(requests) == 2


@pytest.mark.parametrize("config", [
    {"MaxItems": "many"}, {"PageSize": "big"}, {"PageSize": None, "MaxItems": None},
    {"PageSize": 2.9}, {"MaxItems": 2.5},
], ids=lambda c: json.dumps(c).replace(" ", ""))
def test_bad_pagination_config(server, clients, config):
    _both(server, clients, "list_import_jobs", config, "pages")


def test_bad_arguments_reach_validation(server, clients):
    """Unknown or invalid parameters fail the same way on the first request."""
    boto, ours = clients
    for extra in ({"bogus": 1}, {"maxResults": "x"}):
        results = []
        for client in (boto, ours):
            server.clear_requests()
            pages = client.get_paginator("list_import_jobs").paginate(knowledgeBaseId=KB,
                                                                      **extra)
            results.append((_outcome(lambda: list(pages))[1:], len(server.take_requests())))
        assert results[0] == results[1]
        assert results[0][0][0] == "ParamValidationError"


def test_reiterating_reuses_the_mutated_arguments(server, clients):
    """Iterating one PageIterator twice starts the second run where the first ended."""
    boto, ours = clients
    runs = []
    for client in (boto, ours):
        kwargs, key, item, where = OPS["list_import_jobs"]
        server.mode, server.result_key, server.item, server.where = "normal", key, item, where
        server.clear_requests()
        pages = client.get_paginator("list_import_jobs").paginate(
            knowledgeBaseId=KB, PaginationConfig={"PageSize": 3})
        first = list(pages)
        second = list(pages)
        runs.append((first, second, [r.target for r in server.take_requests()]))
    assert runs[0] == runs[1]
    assert len(runs[0][2]) == 4


# -------------------------------------------------------------- get_paginator
def test_get_paginator_errors_and_types(clients):
    boto, ours = clients
    for name in _model.OPERATION_NAMES:
        assert ours.can_paginate(name) == boto.can_paginate(name), name
        if boto.can_paginate(name):
            theirs, mine = boto.get_paginator(name), ours.get_paginator(name)
            assert type(mine).__name__ == type(theirs).__name__
            assert isinstance(mine, qconnect_c.paginate.Paginator)
            assert [k.expression for k in mine.result_keys] == \
                [k.expression for k in theirs.result_keys]
            assert [k.parsed for k in mine.result_keys] == [k.parsed for k in theirs.result_keys]
            assert repr(mine.result_keys) == repr(theirs.result_keys)
            assert type(mine.paginate(**OPS.get(name, ({},))[0])).__name__ == "PageIterator"
        else:
            with pytest.raises(botocore.exceptions.OperationNotPageableError) as expected:
                boto.get_paginator(name)
            with pytest.raises(qconnect_c.exceptions.OperationNotPageableError) as got:
                ours.get_paginator(name)
            assert str(got.value) == str(expected.value)
            assert got.value.kwargs == expected.value.kwargs
    for side in clients:
        with pytest.raises(KeyError) as err:
            side.get_paginator("no_such_method")
        assert err.value.args == ("no_such_method",)


def test_paginator_class_is_shared(clients):
    _, ours = clients
    first = ours.get_paginator("list_contents")
    second = ours.get_paginator("list_contents")
    assert type(first) is type(second) and first is not second


def test_limit_key_types_match_model():
    """Every paginator's limit key is an integer member of the operation's input, so
    PageSize goes through int() (as botocore does for non-string limit keys)."""
    for api, config in _model.PAGINATORS.items():
        member = _BOTO_MODEL.operation_model(api).input_shape.members[config["limit_key"]]
        is_string = member.type_name == "string"
        assert is_string == ((api, config["limit_key"]) in qconnect_c.paginate._STRING_LIMIT_KEYS)
    loader = botocore.session.get_session().get_component("data_loader")
    page_config = loader.load_service_model("qconnect", "paginators-1", "2020-10-19")
    assert page_config["pagination"] == _model.PAGINATORS


# ----------------------------------------------------- logic with a fake method
class FakeService:
    """Answers from scripted pages: the page index travels in the ``Marker`` token
    (as ``"m<i>"``, or as bytes ``b"m<i>"`` when ``bytes_tokens``)."""

    def __init__(self, pages, bytes_tokens=False, repeat=False):
        self.pages = pages
        self.bytes_tokens = bytes_tokens
        self.repeat = repeat
        self.calls = []

    def __call__(self, **kwargs):
        self.calls.append(copy.deepcopy(kwargs))
        marker = kwargs.get("Marker")
        if isinstance(marker, bytes):
            marker = marker.decode()
        index = int(marker[1:]) if marker else 0
        page = copy.deepcopy(self.pages[min(index, len(self.pages) - 1)])
        if index + 1 < len(self.pages) or self.repeat:
            nxt = "m1" if self.repeat else f"m{index + 1}"
            page["NextMarker"] = nxt.encode() if self.bytes_tokens else nxt
            page.setdefault("Nested", {})["NextSub"] = f"s{index + 1}"
            page["IsTruncated"] = True
        else:
            page["IsTruncated"] = False
        return page


def _pages(count=4, per_page=3):
    pages = []
    for p in range(count):
        pages.append({
            "Items": [f"i{p}.{k}" for k in range(per_page)],
            "Nested": {"Others": [{"o": p}] * (p % 2 + 1), "Deep": {"v": p}},
            "Count": per_page,
            "Text": f"<{p}>",
            "Owner": {"id": f"owner{p}"},
            "Meta": {"Region": f"r{p}", "Ignored": p},
        })
    return pages


FULL_CONFIG = {
    "input_token": ["Marker", "SubMarker"],
    "output_token": ["NextMarker", "Nested.NextSub"],
    "more_results": "IsTruncated",
    "limit_key": "maxResults",
    "result_key": ["Items", "Nested.Others", "Count", "Text"],
    "non_aggregate_keys": ["Owner", "Meta.Region", "Nested.Deep.v"],
}
LOGIC_CONFIGS = {
    "full": FULL_CONFIG,
    "single": {"input_token": "Marker", "output_token": "NextMarker",
               "result_key": "Items", "limit_key": "maxResults"},
    "no_limit": {"input_token": "Marker", "output_token": "NextMarker",
                 "result_key": ["Items", "Count"]},
    "no_more_results": dict(FULL_CONFIG, more_results=None),
}
LOGIC_CASES = [
    {}, {"MaxItems": 4}, {"MaxItems": 6}, {"MaxItems": 2, "PageSize": 7}, {"PageSize": "2"},
    {"MaxItems": 5, "StartingToken": "m1___s1___1"}, {"StartingToken": "m2"},
    {"StartingToken": "m1___s1___x"}, {"StartingToken": "m1___s1___2___4"},
    {"MaxItems": 1, "StartingToken": "m1___None___2"},
]


def _logic_run(module, config_name, case, action, bytes_tokens=False, repeat=False,
               resume=None):
    config = LOGIC_CONFIGS[config_name]
    if config.get("more_results", 1) is None:
        config = {k: v for k, v in config.items() if k != "more_results"}
    service = FakeService(_pages(), bytes_tokens=bytes_tokens, repeat=repeat)
    if module is botocore.paginate:
        model = _BOTO_MODEL.operation_model("ListQuickResponses")
    else:
        model = "ListQuickResponses"
    paginator = module.Paginator(service, config, model)
    pc = dict(case)
    if resume is not None:
        pc["StartingToken"] = resume
    result = {}

    def run():
        pages = paginator.paginate(Fixed={"x": [1]}, PaginationConfig=pc)
        if action == "pages":
            result["value"] = list(pages)
        elif action == "full":
            result["value"] = pages.build_full_result()
        else:
            result["value"] = [list(i) for i in pages.result_key_iters()]
        result["token"] = pages.resume_token
        result["non_aggregate"] = pages.non_aggregate_part

    outcome = _outcome(run)
    return outcome[:1] + outcome[2:], result, service.calls


@pytest.mark.parametrize("config_name", sorted(LOGIC_CONFIGS))
@pytest.mark.parametrize("case", LOGIC_CASES, ids=lambda c: json.dumps(c).replace(" ", ""))
@pytest.mark.parametrize("action", ["pages", "full", "iters"])
@pytest.mark.parametrize("bytes_tokens", [False, True], ids=["str", "bytes"])
def test_logic_matches_botocore(config_name, case, action, bytes_tokens):
    expected = _logic_run(botocore.paginate, config_name, case, action, bytes_tokens)
    got = _logic_run(qconnect_c.paginate, config_name, case, action, bytes_tokens)
    assert got == expected
    token = expected[1].get("token")
    if token is not None:
        # Resume with the token, twice over, on both sides.
        for _ in range(2):
            again = _logic_run(botocore.paginate, config_name, case, action, bytes_tokens,
                               resume=token)
            assert _logic_run(qconnect_c.paginate, config_name, case, action,
                              bytes_tokens, resume=token) == again
            token = again[1].get("token")
            if token is None:
                break


@pytest.mark.parametrize("config_name", ["full", "single", "no_limit"])
def test_logic_errors_match_botocore(config_name):
    for case in ({"PageSize": 2}, {"MaxItems": "x"}, {}):
        expected = _logic_run(botocore.paginate, config_name, case, "pages", repeat=True)
        got = _logic_run(qconnect_c.paginate, config_name, case, "pages", repeat=True)
        assert got == expected


def test_resume_token_setter_and_token_codec():
    config = LOGIC_CONFIGS["full"]
    its = [module.Paginator(FakeService(_pages()), config, None).paginate()
           for module in (botocore.paginate, qconnect_c.paginate)]
    for value in ({"Marker": "a", "SubMarker": None},
                  {"Marker": b"\x00\xff", "SubMarker": [b"x", {"k": b"y"}],
                   "boto_truncate_amount": 3},
                  {"Marker": "a"}, {"Marker": "a", "SubMarker": 1, "extra": 2}, "Marker", None):
        outcomes = []
        for it in its:
            def set_token(it=it):
                it.resume_token = value
                return it.resume_token
            outcomes.append(_outcome(set_token))
        assert outcomes[0] == outcomes[1], value
    data = {"a": b"\x01\x02", "b": [1, b"z", {"c": b""}], "d": "text"}
    encoded = qconnect_c.paginate.TokenEncoder().encode(data)
    assert encoded == botocore.paginate.TokenEncoder().encode(data)
    assert qconnect_c.paginate.TokenDecoder().decode(encoded) == data
    assert botocore.paginate.TokenDecoder().decode(encoded) == data


def test_paginator_model():
    doc = {"pagination": _model.PAGINATORS}
    ours = qconnect_c.paginate.PaginatorModel(doc)
    theirs = botocore.paginate.PaginatorModel(doc)
    assert ours.get_paginator("ListContents") == theirs.get_paginator("ListContents")
    for model in (ours, theirs):
        with pytest.raises(ValueError) as err:
            model.get_paginator("StartImportJob")
        assert str(err.value) == "Paginator for operation does not exist: StartImportJob"


def test_dotted_paths_follow_jmespath():
    import jmespath

    values = [None, 1, "s", [1], {"a": None}, {"a": {"b": [1, 2]}}, {"a": {"b": 0}},
              {"a": "str"}, {"a": [{"b": 1}]}, {"b": 1}]
    for expression in ("a", "a.b", "a.b.c", "_x1.Y_2"):
        ours = qconnect_c.paginate._compile(expression)
        theirs = jmespath.compile(expression)
        assert ours.parsed == theirs.parsed and repr(ours) == repr(theirs)
        for value in values:
            assert ours.search(value) == theirs.search(value), (expression, value)
    assert not isinstance(qconnect_c.paginate._compile("a[0].b"), qconnect_c.paginate._MemberPath)


@pytest.mark.parametrize("expression", ["a", "a.b.c", "a.", "a..b", ".a", "", ".", "a[0]", "a.*"])
def test_set_path_follows_botocore(expression):
    from botocore.utils import set_value_from_jmespath

    outcomes = []
    for setter in (set_value_from_jmespath, qconnect_c.paginate._set_path):
        target = {"a": {"x": 1}}
        outcome = _outcome(lambda: setter(target, expression, 5))
        outcomes.append((outcome[0],) + outcome[2:] if outcome[0] == "error" else target)
    assert outcomes[0] == outcomes[1]


# ------------------------------------------------------------ import hygiene
def _run_python(code):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_import_is_light():
    out = _run_python("""
        import sys, qconnect_c
        c = qconnect_c.client("qconnect", region_name="us-east-1",
                              aws_access_key_id="a", aws_secret_access_key="b")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("jmespath", "botocore")
                     or m in ("qconnect_c.paginate", "qconnect_c._docs")))
        c.get_paginator("list_contents").paginate(knowledgeBaseId="kb")
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("jmespath", "botocore")))
    """)
    assert out.split("\n")[:2] == ["[]", "[]"]


def test_works_without_jmespath():
    out = _run_python("""
        import sys
        sys.modules["jmespath"] = None  # makes "import jmespath" fail
        import qconnect_c.paginate as p
        def method(**kw):
            i = int(kw.get("nextToken", "0"))
            return {"items": [i, i + 1], "nextToken": str(i + 2) if i < 4 else None}
        pages = p.Paginator(method, {"input_token": "nextToken", "output_token": "nextToken",
                                     "limit_key": "maxResults", "result_key": "items"},
                            "ListContents").paginate(PaginationConfig={"MaxItems": 5})
        print(pages.build_full_result())
        try:
            list(pages.search("items[0]"))
        except ImportError:
            print("search needs jmespath")
    """)
    lines = out.strip().split("\n")
    assert lines[0].startswith("{'items': [0, 1, 2, 3, 4], 'NextToken': ")
    assert lines[1] == "search needs jmespath"
