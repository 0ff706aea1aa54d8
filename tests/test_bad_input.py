"""Bad input everywhere: NULs, lone surrogates, 10 MB strings, deep nesting,
non-str keys, dict subclasses, objects whose __str__ raises, huge ints,
nan/inf, bytes where str is expected. Each must give a clear error or
botocore's own behaviour, never a crash.

botocore runs live beside qconnect_c: its client answers from a
before-send hook with the same canned reply the qconnect_c core is given,
so both clients are compared on what they raise (class and message), what
they return and the request they would have sent (method, URL, body).
"""

import collections
import datetime
import decimal
import math
import sys

import pytest

import canned

from qconnect_c import _core, exceptions as qexc

KB = "2f1a3b4c-5d6e-4f70-8192-a3b4c5d6e7f8"
ASSISTANT = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
ACCESS_KEY = "AKIDBADINPUTEXAMPLE"
SECRET_KEY = "bad/Input+Secret0123456789abcdefEXAMPLE"
HEADERS = {"x-amzn-RequestId": "req-bad-input",
           "Content-Type": "application/json"}
BODY = b'{"importJob": {"importJobId": "job-1", "status": "START_IN_PROGRESS"}}'
BIG = 10 << 20  # 10 MiB


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    canned.isolate_aws_env(monkeypatch, tmp_path)


_REPLY = canned.Reply(200, HEADERS, BODY)


def boto_client(validation=True):
    """A botocore client answering every call from a before-send hook;
    returns (client, dict where the last request is stored)."""
    return canned.boto_client(_REPLY, validation, ACCESS_KEY, SECRET_KEY)


def qc_client(validation=True):
    """The public qconnect_c client (Session.client) whose core answers
    every call with the canned reply instead of using the network."""
    return canned.qc_client(_REPLY, validation, ACCESS_KEY, SECRET_KEY)


outcome = canned.outcome


def boto_request(seen):
    r = seen.get("request")
    return None if r is None else (r.method, r.url, r.body or b"")


def qc_request(client):
    r = client._core.last_request()
    return None if r is None else (r[0], r[1], r[3])


def both(op, params, validation=True, api=False):
    """Runs op with params on both clients; returns ((outcome, request) of
    botocore, (outcome, request) of qconnect_c)."""
    bc, seen = boto_client(validation)
    qc = qc_client(validation)
    if api:
        b = outcome(lambda: bc._make_api_call(op, params))
        q = outcome(lambda: qc._make_api_call(op, params))
    else:
        b = outcome(lambda: getattr(bc, op)(**params))
        q = outcome(lambda: getattr(qc, op)(**params))
    return (b, boto_request(seen)), (q, qc_request(qc))


def sij(**over):
    p = dict(knowledgeBaseId=KB, importJobType="QUICK_RESPONSES",
             uploadId="upload-1", clientToken="token-fixed-1")
    p.update(over)
    return p


def prompt(**inference):
    return dict(assistantId=ASSISTANT, name="p", type="ANSWER_GENERATION",
                templateConfiguration={
                    "textFullAIPromptEditTemplateConfiguration": {"text": "t"}},
                visibilityStatus="PUBLISHED", templateType="TEXT", modelId="m",
                apiFormat="MESSAGES", clientToken="token-fixed-1",
                inferenceConfiguration=inference)


def retrieve(value):
    """Retrieve with a document value in the filter."""
    return dict(assistantId=ASSISTANT, retrievalQuery="q",
                retrievalConfiguration={
                    "knowledgeSource": {"assistantAssociationIds": ["a"]},
                    "filter": {"equals": {"key": "k", "value": value}}})


def deep(n, leaf="x"):
    d = leaf
    for _ in range(n):
        d = {"a": d}
    return d


class RaisingStr:
    def __str__(self):
        raise ValueError("str() of this value fails")

    def __hash__(self):
        return 1


class SurrogateStr:
    def __str__(self):
        return "\ud800 lone"


class PlainDict(dict):
    """A dict subclass adding nothing."""


# -------------------------------------------- the same as botocore, exactly

SAME_BOTH_MODES = {
    "nul_in_body_strings": ("start_import_job",
                            sij(uploadId="a\x00b", metadata={"k\x00": "v\x00"})),
    "nul_in_uri_label": ("start_import_job", sij(knowledgeBaseId="kb\x00x")),
    "lone_surrogates_in_body": ("start_import_job",
                                sij(uploadId="\ud800x",
                                    metadata={"\udfff": "\ud83d", "k": "\udc80"})),
    "10mb_body_string": ("start_import_job", sij(uploadId="x" * BIG)),
    "10mb_map_key": ("start_import_job", sij(metadata={"k" * BIG: "v"})),
    "10mb_uri_label": ("start_import_job", sij(knowledgeBaseId="y" * BIG)),
    "ordered_dict": ("start_import_job", sij(metadata=collections.OrderedDict(
        [("b", "1"), ("a", "2")]))),
    "defaultdict": ("start_import_job",
                    sij(metadata=collections.defaultdict(str, {"a": "1"}))),
    "plain_dict_subclass": ("start_import_job",
                            sij(metadata=PlainDict(a="1"),
                                externalSourceConfiguration=PlainDict(
                                    source="AMAZON_CONNECT",
                                    configuration={"connectConfiguration": {
                                        "instanceId": "i"}}))),
    "huge_int_query": ("list_import_jobs",
                       dict(knowledgeBaseId=KB, maxResults=10 ** 5000)),
    "int_past_int64_query": ("list_import_jobs",
                             dict(knowledgeBaseId=KB, maxResults=2 ** 70)),
    "bool_for_integer": ("list_import_jobs",
                         dict(knowledgeBaseId=KB, maxResults=True)),
    "nan_float": ("create_ai_prompt", prompt(temperature=math.nan)),
    "inf_floats": ("create_ai_prompt",
                   prompt(temperature=math.inf, topP=-math.inf)),
    "decimal_float": ("create_ai_prompt",
                      prompt(temperature=decimal.Decimal("0.5"))),
    "document_values": ("retrieve", retrieve(
        {"a": [1, 2.5, None, True, "x\x00\ud800", {"b": 10 ** 30}]})),
    "document_nan_inf": ("retrieve",
                         retrieve({"a": math.nan, "b": math.inf, "c": -0.0})),
    "document_huge_int": ("retrieve", retrieve(10 ** 5000)),
}

SAME_WITH_VALIDATION = {
    "non_str_map_keys": ("start_import_job",
                         sij(metadata={1: "v", None: "w", (1, 2): "x"})),
    "str_raises_in_message": ("start_import_job", sij(uploadId=RaisingStr())),
    "str_raises_nested": ("start_import_job",
                          sij(externalSourceConfiguration={
                              "source": RaisingStr(), "configuration": {}})),
    "str_raises_as_key": ("start_import_job",
                          sij(metadata={RaisingStr(): "v"})),
    "str_with_surrogate": ("start_import_job", sij(uploadId=SurrogateStr())),
    "surrogate_unknown_parameter": ("start_import_job",
                                    sij(**{"\ud800": 1, "\udfff\ud800": 2})),
    "surrogate_str_for_structure": ("start_import_job",
                                    sij(externalSourceConfiguration="\udc80x")),
    "bytes_for_str": ("start_import_job", sij(uploadId=b"upload")),
    "bytearray_for_str": ("start_import_job", sij(uploadId=bytearray(b"u"))),
    "float_for_str": ("start_import_job", sij(uploadId=1.5)),
    "nan_for_str": ("start_import_job", sij(uploadId=math.nan)),
    "datetime_for_str": ("start_import_job",
                         sij(uploadId=datetime.datetime(2024, 1, 1))),
    "decimal_for_str": ("start_import_job",
                        sij(uploadId=decimal.Decimal("1.1"))),
    "nan_for_integer": ("list_import_jobs",
                        dict(knowledgeBaseId=KB, maxResults=math.nan)),
    "huge_negative_int": ("list_import_jobs",
                          dict(knowledgeBaseId=KB, maxResults=-(10 ** 30))),
    "bytes_in_document": ("retrieve", retrieve(b"xx")),
    "list_for_str_with_surrogate": ("start_import_job",
                                    sij(uploadId=["\ud800", b"\xff"])),
}


def _assert_same(b, q):
    (bo, breq), (qo, qreq) = b, q
    assert qo == bo
    assert qreq == breq


@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
@pytest.mark.parametrize("name", sorted(SAME_BOTH_MODES))
def test_same_as_botocore(name, validation):
    op, params = SAME_BOTH_MODES[name]
    _assert_same(*both(op, params, validation))


@pytest.mark.parametrize("name", sorted(SAME_WITH_VALIDATION))
def test_same_as_botocore_when_validated(name):
    op, params = SAME_WITH_VALIDATION[name]
    _assert_same(*both(op, params, True))


def test_non_str_top_level_keys_through_make_api_call():
    params = {1: "x", None: "y", "knowledgeBaseId": KB,
              "importJobType": "QUICK_RESPONSES", "uploadId": "u"}
    _assert_same(*both("StartImportJob", params, True, api=True))


# ----------------------------------------------- deep nesting: no crash

@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
@pytest.mark.parametrize("op,params", [
    ("start_import_job", sij(metadata=deep(100_000))),
    ("retrieve", retrieve(deep(100_000))),
    ("retrieve", retrieve(deep(50_000, leaf=[]))),
], ids=["map", "document", "document_lists"])
def test_deep_nesting_is_a_recursion_error(op, params, validation):
    (bo, _), (qo, _) = both(op, params, validation)
    assert bo[:2] == ("raise", "RecursionError")
    assert qo[:2] == ("raise", "RecursionError")
    # The interpreter and the client are fine afterwards.
    (bo, breq), (qo, qreq) = both("start_import_job", sij())
    assert qo == bo and qreq == breq


def test_self_containing_values():
    lst = []
    lst.append(lst)
    d = {}
    d["a"] = d
    for value in (lst, d):
        (bo, _), (qo, _) = both("retrieve", retrieve(value), True)
        assert bo[:2] == qo[:2] == ("raise", "RecursionError")


# ---------------- without validation: json.dumps's own TypeError, exactly

JSON_ERRORS_UNVALIDATED = {
    # botocore: json.dumps raises TypeError("Object of type X is not JSON
    # serializable" / "keys must be str, int, float, bool or None, not X");
    # qconnect_c's core names the value and the binding has json.dumps
    # raise the same error on it.
    "bytes_for_str": sij(uploadId=b"upload"),
    "bytearray_for_str": sij(uploadId=bytearray(b"u")),
    "datetime_for_str": sij(uploadId=datetime.datetime(2024, 1, 1)),
    "object_for_str": sij(uploadId=RaisingStr()),
    "object_as_map_key": sij(metadata={RaisingStr(): "v"}),
    "object_in_structure": sij(externalSourceConfiguration={
        "source": RaisingStr(), "configuration": {}}),
    "decimal_map_value": sij(metadata={"a": decimal.Decimal("1")}),
    "decimal_map_key": sij(metadata={decimal.Decimal("1"): "a"}),
    "datetime_map_key": sij(metadata={datetime.datetime(2024, 1, 1): "a"}),
    # The first value json.dumps meets is the one reported.
    "second_of_two": sij(uploadId=b"first", metadata={"a": bytearray(b"x")}),
    "key_before_value": sij(metadata={(1, 2): b"v"}),
}


@pytest.mark.parametrize("name", sorted(JSON_ERRORS_UNVALIDATED))
def test_unvalidated_unserializable_values_as_botocore(name):
    (bo, breq), (qo, qreq) = both("start_import_job",
                                  JSON_ERRORS_UNVALIDATED[name], False)
    assert bo[:2] == ("raise", "TypeError")
    assert qo == bo
    assert qreq is None and breq is None  # nothing was sent


# ---------------------------- the core client given what Python cannot check

def _core_client():
    c = _core.Client("us-east-1", canned_reply=(200, "", BODY))
    c.set_credentials(ACCESS_KEY, SECRET_KEY, None)
    return c


OPS = [api for _, api in _core.operations()]


@pytest.mark.parametrize("args,exc", [
    ((0, []), TypeError),
    ((0, None), TypeError),
    ((len(OPS), {}), IndexError),
    ((-1, {}), IndexError),
    ((10 ** 30, {}), OverflowError),
    (("StartImportJob", {}), TypeError),
    ((0,), TypeError),
    ((0, {}, True, 4), TypeError),
])
def test_core_call_bad_arguments(args, exc):
    with pytest.raises(exc):
        _core_client().call(*args)


def test_core_call_validate_flag_that_raises():
    class BadBool:
        def __bool__(self):
            raise ZeroDivisionError("no truth")

    with pytest.raises(ZeroDivisionError):
        _core_client().call(OPS.index("StartImportJob"), sij(), BadBool())


@pytest.mark.parametrize("kwargs,exc", [
    (dict(canned_reply=(200, "", "not bytes")), TypeError),
    (dict(canned_reply=(200,)), TypeError),
    (dict(canned_reply=(200, "No colon here\r\n", b"")), ValueError),
    (dict(endpoint_url="http://h\x00ost"), ValueError),
    (dict(user_agent="ua\ud800"), UnicodeEncodeError),
])
def test_core_client_bad_construction(kwargs, exc):
    with pytest.raises(exc):
        _core.Client("us-east-1", **kwargs)


@pytest.mark.parametrize("creds,exc", [
    (("ak", "sk\ud800"), UnicodeEncodeError),
    (("ak", None), TypeError),
    ((None, "sk"), TypeError),
    (("ak", "sk", 5), TypeError),
])
def test_core_bad_credentials(creds, exc):
    with pytest.raises(exc):
        _core_client().set_credentials(*creds)


def test_credentials_with_nul_sign_fine():
    c = _core.Client("us-east-1", canned_reply=(200, "", BODY))
    c.set_credentials("ak\x00x", "sk\x00y", "tok\x00z")
    # The token cannot go into a header: a clear error, no request.
    with pytest.raises(qexc.BotoCoreError):
        c.call(OPS.index("StartImportJob"), sij())
    assert c.last_request() is None


def test_params_mutated_by_str_during_validation():
    """__str__ runs (with the GIL taken back) while the core formats a
    validation message; emptying the parameters there must not matter."""
    params = sij()

    class Mutator:
        def __str__(self):
            params.clear()
            big.clear()
            return "mutated"

    big = ["\ud800" * 100, b"x" * 1000, 10 ** 100]
    params["uploadId"] = Mutator()
    params["metadata"] = {"k": big}
    with pytest.raises(qexc.ParamValidationError) as ei:
        _core_client().call(OPS.index("StartImportJob"), params)
    assert "mutated" in str(ei.value)


# ------------------------------------- once differences, now the same

# botocore's percent_encode does str.encode("utf-8"): a lone surrogate
# there raises UnicodeEncodeError (URI labels while the request is
# serialized, the query string when the URL is built).
@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
def test_parity_surrogate_in_uri_label(validation):
    _assert_same(*both("start_import_job", sij(knowledgeBaseId="\ud800"),
                       validation))


# botocore's _handle_float calls math.isnan(value): OverflowError for an
# int beyond the double range.
@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
def test_parity_float_member_huge_int(validation):
    _assert_same(*both("create_ai_prompt", prompt(temperature=10 ** 400),
                       validation))


def test_parity_document_non_str_keys():
    _assert_same(*both("retrieve", retrieve({1: "x", None: "y", True: "z"})))


def test_parity_unvalidated_decimal_for_str():
    _assert_same(*both("start_import_job",
                       sij(uploadId=decimal.Decimal("1.1")), False))


@pytest.mark.parametrize("value", [math.nan, math.inf], ids=["nan", "inf"])
def test_parity_unvalidated_nan_in_query(value):
    _assert_same(*both("list_import_jobs",
                       dict(knowledgeBaseId=KB, maxResults=value), False))


def test_parity_unvalidated_non_str_map_keys():
    _assert_same(*both("start_import_job", sij(metadata={1: "v", None: "w"}),
                       False))


@pytest.mark.parametrize("params", [
    sij(**{"x\x00y": 1, "z": 2}),
    sij(externalSourceConfiguration="a\x00b"),
], ids=["unknown_parameter", "value_in_message"])
def test_parity_nul_in_validation_message(params):
    _assert_same(*both("start_import_job", params))


class OverridingDict(dict):
    """A dict subclass whose mapping methods disagree with its storage."""

    def items(self):
        return [("team", "from-items")]

    def keys(self):
        return ["team"]

    def __iter__(self):
        return iter(["team"])

    def __getitem__(self, key):
        return "from-getitem"


def test_parity_dict_subclass_overriding_items():
    _assert_same(*both("start_import_job",
                       sij(metadata=OverridingDict(storage="x"))))


def search(next_token, value="v"):
    """SearchContent: a URI label, a query string and a JSON body."""
    return dict(knowledgeBaseId=KB, nextToken=next_token,
                searchExpression={"filters": [
                    {"field": "NAME", "operator": "EQUALS", "value": value}]})


PARITY_BOTH_MODES = {
    # Lone surrogates in the query string: UnicodeEncodeError when
    # botocore builds the URL, after the URI labels and the body.
    "surrogate_query": ("list_import_jobs",
                        dict(knowledgeBaseId=KB, nextToken="a\ud800")),
    "surrogate_query_list": ("untag_resource",
                             dict(resourceArn="arn", tagKeys=["a", "b\udc00"])),
    "surrogate_uri_before_query": ("list_import_jobs",
                                   dict(knowledgeBaseId="\udc01",
                                        nextToken="a\ud800")),
    "surrogate_query_after_body": ("search_content", search("\ud800x")),
    "surrogate_end_of_10mb_label": ("start_import_job",
                                    sij(knowledgeBaseId="y" * BIG + "\ud800")),
    "surrogate_pair_is_fine": ("list_import_jobs",
                               dict(knowledgeBaseId=KB, nextToken="\U0001f600")),
    # Floats: the double range as Python rounds an int into it.
    "int_rounding_past_double_max": ("create_ai_prompt",
                                     prompt(temperature=2 ** 1024 - 2 ** 970)),
    "int_just_below_rounding_limit": ("create_ai_prompt",
                                      prompt(temperature=2 ** 1024 - 2 ** 970 - 1)),
    "huge_int_negative": ("create_ai_prompt", prompt(temperature=-(10 ** 400))),
    "huge_int_second_float": ("create_ai_prompt",
                              prompt(temperature=0.5, topP=10 ** 309)),
    # Decimals in a float member: float(value) first.
    "decimal_float_digits": ("create_ai_prompt",
                             prompt(temperature=decimal.Decimal("0.10"))),
    "decimal_float_huge": ("create_ai_prompt",
                           prompt(temperature=decimal.Decimal("1E+400"))),
    "decimal_float_tiny": ("create_ai_prompt",
                           prompt(temperature=decimal.Decimal("1E-400"))),
    "decimal_float_tiny_negative": ("create_ai_prompt",
                                    prompt(temperature=decimal.Decimal("-1E-400"))),
    "decimal_float_negative_zero": ("create_ai_prompt",
                                    prompt(temperature=decimal.Decimal("-0.00"))),
    "decimal_float_nan": ("create_ai_prompt",
                          prompt(temperature=decimal.Decimal("NaN"))),
    "decimal_float_snan": ("create_ai_prompt",
                           prompt(temperature=decimal.Decimal("sNaN"))),
    "decimal_float_infinity": ("create_ai_prompt",
                               prompt(topP=decimal.Decimal("-Infinity"))),
    "decimal_snan_for_str": ("start_import_job",
                             sij(uploadId=decimal.Decimal("sNaN"))),
    "decimal_in_document": ("retrieve", retrieve(decimal.Decimal("1.5"))),
    "decimal_int_member": ("create_ai_prompt",
                           prompt(maxTokensToSample=decimal.Decimal("5"))),
}

PARITY_UNVALIDATED = {
    # Decimals go into URIs and query strings as str(value).
    "decimal_uri_label": ("start_import_job",
                          sij(knowledgeBaseId=decimal.Decimal("1.10"))),
    "decimal_query_int": ("list_import_jobs",
                          dict(knowledgeBaseId=KB,
                               maxResults=decimal.Decimal("10"))),
    "decimal_query_exponent": ("list_import_jobs",
                               dict(knowledgeBaseId=KB,
                                    nextToken=decimal.Decimal("1E+2"))),
    "decimal_query_nan": ("list_import_jobs",
                          dict(knowledgeBaseId=KB,
                               nextToken=decimal.Decimal("-sNaN"))),
    "decimal_query_list": ("untag_resource",
                           dict(resourceArn="arn",
                                tagKeys=[decimal.Decimal("-Infinity")])),
    # math.isnan(value) on what has no double: TypeError.
    "str_for_float": ("create_ai_prompt", prompt(temperature="abc")),
    "none_for_nested_float": ("create_ai_prompt", prompt(temperature=None)),
    "list_for_float": ("create_ai_prompt", prompt(topP=[1.0])),
    # A conversion in botocore's serializer comes before json.dumps.
    "float_fault_before_json_fault": ("create_ai_prompt",
                                      dict(prompt(temperature=10 ** 400),
                                           name=b"p")),
    "uri_before_body": ("search_content",
                        dict(search("t", decimal.Decimal(1)),
                             knowledgeBaseId="\ud800")),
    # A name the input does not have: shape.members[name] (KeyError).
    "unknown_nested_member": ("start_import_job",
                              sij(externalSourceConfiguration={
                                  "source": "AMAZON_CONNECT",
                                  "configuration": {}, "zz": None})),
    "unknown_member_non_str": ("start_import_job",
                               sij(externalSourceConfiguration={
                                   "source": "AMAZON_CONNECT", 7: "x"})),
    "unknown_member_tuple": ("start_import_job",
                             sij(externalSourceConfiguration={
                                 (1, 2): "x", "source": "AMAZON_CONNECT"})),
}


@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
@pytest.mark.parametrize("name", sorted(PARITY_BOTH_MODES))
def test_parity_bad_values(name, validation):
    op, params = PARITY_BOTH_MODES[name]
    _assert_same(*both(op, params, validation))


@pytest.mark.parametrize("name", sorted(PARITY_UNVALIDATED))
def test_parity_bad_values_unvalidated(name):
    op, params = PARITY_UNVALIDATED[name]
    _assert_same(*both(op, params, False))


@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
def test_parity_unknown_top_level_names(validation):
    params = dict(sij(), bogus=1, **{"nothing": None})
    params[2] = "x"
    _assert_same(*both("StartImportJob", params, validation, api=True))


class NulStr:
    def __str__(self):
        return "a\x00b"


@pytest.mark.parametrize("params", [
    sij(uploadId=NulStr()),
    sij(metadata={"k\x00": 5}),
    sij(metadata={NulStr(): "v"}),
    sij(**{"\x00": 1}),
], ids=["object_str", "map_key_in_name", "object_key", "only_nul"])
def test_parity_nul_in_validation_message_more(params):
    _assert_same(*both("start_import_job", params))


class View(dict):
    """A dict subclass that keeps its pairs elsewhere (storage empty)."""

    def __init__(self, data):
        super().__init__()
        self._d = dict(data)

    def items(self):
        return list(self._d.items())

    def keys(self):
        return list(self._d)

    def __iter__(self):
        return iter(self._d)

    def __getitem__(self, key):
        return self._d[key]

    def __contains__(self, key):
        return key in self._d

    def __len__(self):
        return len(self._d)


class ItemsOnly(dict):
    def items(self):
        return [("team", "from-items")]


class IterOnly(dict):
    def __iter__(self):
        return iter(["team"])

    def __getitem__(self, key):
        return "from-getitem"


class Reversed(list):
    def __iter__(self):
        return iter(self[::-1])


class ReversedTuple(tuple):
    def __iter__(self):
        return iter(tuple.__getitem__(self, slice(None, None, -1)))


class ItemsOf(dict):
    """items() returns whatever it was given."""

    def __init__(self, items):
        super().__init__(x="storage")
        self._items = items

    def items(self):
        return self._items


SUBCLASSES = {
    "overriding_as_structure": ("start_import_job", sij(
        externalSourceConfiguration=OverridingDict(storage="x"))),
    "view_map": ("start_import_job", sij(metadata=View({"a": "1", "b": "2"}))),
    "view_structure": ("start_import_job", sij(
        externalSourceConfiguration=View({
            "source": "AMAZON_CONNECT",
            "configuration": View({"connectConfiguration": View(
                {"instanceId": "i"})})}))),
    # json.dumps writes {} for a dict whose storage is empty, unread.
    "view_document": ("retrieve", retrieve(View({"a": View({"b": 1})}))),
    "view_document_empty": ("retrieve", retrieve(View({}))),
    "items_only_map": ("start_import_job", sij(metadata=ItemsOnly(storage="x"))),
    "items_only_document": ("retrieve", retrieve(ItemsOnly(storage="x"))),
    "iter_only_map": ("start_import_job", sij(metadata=IterOnly(storage="x"))),
    "iter_only_document": ("retrieve", retrieve(IterOnly(storage="x"))),
    "items_too_long": ("start_import_job",
                       sij(metadata=ItemsOf([("a", "b", "c")]))),
    "items_too_short": ("start_import_job", sij(metadata=ItemsOf([("a",)]))),
    "items_not_iterable": ("start_import_job", sij(metadata=ItemsOf(5))),
    "items_of_non_iterable": ("start_import_job", sij(metadata=ItemsOf([5]))),
    "items_of_lists": ("start_import_job",
                       sij(metadata=ItemsOf([["k", "v"], "kv"]))),
    "list_body": ("retrieve", dict(
        retrieve("v"), retrievalConfiguration={"knowledgeSource": {
            "assistantAssociationIds": Reversed(["a", "b", 5])}})),
    "tuple_body": ("retrieve", dict(
        retrieve("v"), retrievalConfiguration={"knowledgeSource": {
            "assistantAssociationIds": ReversedTuple(["a", "b"])}})),
    "list_query": ("untag_resource",
                   dict(resourceArn="arn", tagKeys=Reversed(["a", "b"]))),
    "list_document": ("retrieve", retrieve(Reversed([1, {"a": [2, 3]}]))),
}


@pytest.mark.parametrize("validation", [True, False], ids=["validated", "unvalidated"])
@pytest.mark.parametrize("name", sorted(SUBCLASSES))
def test_parity_container_subclasses(name, validation):
    op, params = SUBCLASSES[name]
    _assert_same(*both(op, params, validation))


def test_still_alive():
    """After all of the above in one process, a normal call works."""
    (bo, breq), (qo, qreq) = both("start_import_job", sij())
    assert qo == bo and qo[0] == "ok" and qreq == breq
    assert sys.getrecursionlimit() >= 1000
