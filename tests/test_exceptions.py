"""qconnect_c.exceptions against botocore.exceptions, compared live."""

import inspect
import pickle
import string

import pytest

import botocore.exceptions as botocore_exceptions

from qconnect_c import exceptions as qce  # noqa: E402

# Base classes botocore takes from its vendored requests/urllib3 stubs; in
# qconnect_c they are replaced by OSError (documented in the module).
_VENDORED_PREFIX = "botocore.vendored"


def _botocore_exception_classes():
    result = []
    for name, obj in vars(botocore_exceptions).items():
        if (
            inspect.isclass(obj)
            and issubclass(obj, BaseException)
            and obj.__module__ == "botocore.exceptions"
            and obj.__name__ == name
        ):
            result.append(obj)
    return sorted(result, key=lambda c: c.__name__)


BOTO_CLASSES = _botocore_exception_classes()
BOTO_NAMES = [c.__name__ for c in BOTO_CLASSES]


def _fmt_fields(cls):
    fmt = getattr(cls, "fmt", "")
    return [f for _, f, _, _ in string.Formatter().parse(fmt) if f]


def _sample_kwargs(cls):
    # Distinct, printable values so a swapped field would show.
    return {f: f"<{f}-value>" for f in _fmt_fields(cls)}


def _kwargs_classes():
    """Classes built with keyword arguments only."""
    skip = {"ClientError", "EventStreamError", "WaiterError"}
    return [
        c
        for c in BOTO_CLASSES
        if c.__name__ not in skip
        and hasattr(c, "fmt")
        and not issubclass(c, Warning)
    ]


def test_every_botocore_exception_name_exists():
    missing = [n for n in BOTO_NAMES if not hasattr(qce, n)]
    assert missing == []
    assert len(BOTO_NAMES) >= 100


@pytest.mark.parametrize("name", BOTO_NAMES)
def test_hierarchy_matches(name):
    boto_cls = getattr(botocore_exceptions, name)
    our_cls = getattr(qce, name)

    def bases(cls, own_module):
        names = set()
        builtins = set()
        for k in cls.__mro__[1:]:
            if k.__module__ == own_module:
                names.add(k.__name__)
            elif k.__module__ == "builtins":
                builtins.add(k.__name__)
        return names, builtins

    boto_names, boto_builtins = bases(boto_cls, "botocore.exceptions")
    our_names, our_builtins = bases(our_cls, "qconnect_c.exceptions")
    assert our_names == boto_names
    assert our_builtins == boto_builtins
    vendored = [
        k for k in boto_cls.__mro__ if k.__module__.startswith(_VENDORED_PREFIX)
    ]
    if vendored:
        # requests' RequestException is an OSError: so are ours.
        assert issubclass(our_cls, OSError)


@pytest.mark.parametrize(
    "cls", _kwargs_classes(), ids=lambda c: c.__name__
)
def test_message_matches(cls):
    kwargs = _sample_kwargs(cls)
    boto_err = cls(**kwargs)
    our_err = getattr(qce, cls.__name__)(**kwargs)
    assert str(our_err) == str(boto_err)
    assert repr(our_err) == repr(boto_err)
    assert our_err.args == boto_err.args
    assert our_err.kwargs == boto_err.kwargs
    assert type(our_err).fmt == cls.fmt


@pytest.mark.parametrize(
    "cls", _kwargs_classes(), ids=lambda c: c.__name__
)
def test_pickle_round_trip(cls):
    kwargs = _sample_kwargs(cls)
    err = getattr(qce, cls.__name__)(**kwargs)
    if cls.__name__ == "MissingServiceIdError":
        # Not a BotoCoreError: neither botocore's nor ours can be unpickled.
        for e in (err, cls(**kwargs)):
            with pytest.raises(TypeError):
                pickle.loads(pickle.dumps(e))
        return
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is type(err)
    assert str(back) == str(err)
    assert back.kwargs == err.kwargs


def test_missing_format_field_raises_like_botocore():
    with pytest.raises(KeyError) as boto:
        botocore_exceptions.EndpointConnectionError()
    with pytest.raises(KeyError) as ours:
        qce.EndpointConnectionError()
    assert str(ours.value) == str(boto.value)


def test_extra_kwargs_kept_like_botocore():
    boto = botocore_exceptions.EndpointConnectionError(
        endpoint_url="https://x", error=ValueError("boom")
    )
    ours = qce.EndpointConnectionError(
        endpoint_url="https://x", error=ValueError("boom")
    )
    assert str(ours) == str(boto)
    assert set(ours.kwargs) == {"endpoint_url", "error"}


def test_http_client_error_request_response():
    for cls_name in ("HTTPClientError", "ReadTimeoutError",
                     "ConnectionClosedError", "ResponseStreamingError"):
        kwargs = _sample_kwargs(getattr(botocore_exceptions, cls_name))
        boto = getattr(botocore_exceptions, cls_name)(
            request="REQ", response="RESP", **kwargs
        )
        ours = getattr(qce, cls_name)(request="REQ", response="RESP", **kwargs)
        assert str(ours) == str(boto)
        assert (ours.request, ours.response) == (boto.request, boto.response)
        back = pickle.loads(pickle.dumps(ours))
        assert (back.request, back.response) == ("REQ", "RESP")
        assert str(back) == str(ours)


def test_timeouts_are_oserrors_and_connection_errors():
    err = qce.ConnectTimeoutError(endpoint_url="https://h")
    assert isinstance(err, qce.ConnectionError)
    assert isinstance(err, qce.BotoCoreError)
    assert isinstance(err, OSError)
    assert err.errno is None
    assert isinstance(qce.ReadTimeoutError(endpoint_url="u"), OSError)
    assert isinstance(qce.SSLError(endpoint_url="u", error="e"), OSError)
    assert isinstance(
        qce.ProxyConnectionError(proxy_url="p"), qce.ConnectionError
    )
    assert not isinstance(
        qce.EndpointConnectionError(endpoint_url="u"), OSError
    )
    assert issubclass(qce.InvalidRegionError, ValueError)
    assert issubclass(qce.UnknownEndpointError, ValueError)
    assert issubclass(qce.NoRegionError, qce.BaseEndpointResolverError)
    assert issubclass(qce.InvalidMaxRetryAttemptsError,
                      qce.InvalidRetryConfigurationError)


def test_waiter_error():
    boto = botocore_exceptions.WaiterError("W", "because", {"a": 1})
    ours = qce.WaiterError("W", "because", {"a": 1})
    assert str(ours) == str(boto)
    assert ours.last_response == {"a": 1}
    assert ours.kwargs == boto.kwargs


def test_missing_service_id_error():
    boto = botocore_exceptions.MissingServiceIdError(service_name="s")
    ours = qce.MissingServiceIdError(service_name="s")
    assert str(ours) == str(boto)
    assert not isinstance(ours, qce.BotoCoreError)


CLIENT_ERROR_RESPONSES = [
    {},
    {"Error": {}},
    {"Error": {"Code": "ValidationException"}},
    {"Error": {"Message": "bad thing"}},
    {"Error": {"Code": "C", "Message": "M"}},
    {"Error": {"Code": "C", "Message": "M"}, "ResponseMetadata": {}},
    {
        "Error": {"Code": "C", "Message": "M"},
        "ResponseMetadata": {"MaxAttemptsReached": True, "RetryAttempts": 4},
    },
    {
        "Error": {"Code": "C", "Message": "M"},
        "ResponseMetadata": {"MaxAttemptsReached": True},
    },
    {
        "Error": {"Code": "C", "Message": "M"},
        "ResponseMetadata": {"MaxAttemptsReached": False, "RetryAttempts": 2},
    },
    {
        "Error": {"Code": "ThrottlingException", "Message": "slow down"},
        "ResponseMetadata": {
            "RequestId": "abc",
            "HTTPStatusCode": 400,
            "MaxAttemptsReached": True,
            "RetryAttempts": 0,
        },
    },
    {"Error": {"Code": "", "Message": ""}},
    {"Error": {"Code": None, "Message": None}},
]


@pytest.mark.parametrize("response", CLIENT_ERROR_RESPONSES)
@pytest.mark.parametrize("operation", ["GetAssistant", "StartImportJob", ""])
def test_client_error_matches(response, operation):
    boto = botocore_exceptions.ClientError(dict(response), operation)
    ours = qce.ClientError(dict(response), operation)
    assert str(ours) == str(boto)
    assert ours.args == boto.args
    assert ours.response == boto.response
    assert ours.operation_name == boto.operation_name
    back = pickle.loads(pickle.dumps(ours))
    assert type(back) is qce.ClientError
    assert str(back) == str(ours)
    assert back.response == ours.response


def test_client_error_metadata_none_fails_like_botocore():
    response = {"Error": {"Code": "C"}, "ResponseMetadata": None}
    with pytest.raises(AttributeError):
        botocore_exceptions.ClientError(response, "Op")
    with pytest.raises(AttributeError):
        qce.ClientError(response, "Op")


def _botocore_qconnect_exceptions():
    import boto3
    client = boto3.Session().client(
        "qconnect",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="x",
    )
    model = client.meta.service_model
    shapes = [(s.name, s.error_code) for s in model.error_shapes]
    return client.exceptions, shapes


def test_client_exceptions_match_botocore(monkeypatch, tmp_path):
    import os

    for key in list(os.environ):
        if key.startswith("AWS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))
    boto_exc, shapes = _botocore_qconnect_exceptions()
    ours = qce.make_client_exceptions(shapes)
    assert type(ours).__name__ == type(boto_exc).__name__ == (
        "QConnectExceptions"
    )
    assert isinstance(ours, qce.BaseClientExceptions)
    assert ours.ClientError is qce.ClientError
    for name, code in shapes:
        our_cls = getattr(ours, name)
        boto_cls = getattr(boto_exc, name)
        assert our_cls.__name__ == boto_cls.__name__
        assert issubclass(our_cls, qce.ClientError)
        assert ours.from_code(code) is our_cls
        assert boto_exc.from_code(code) is boto_cls
        response = {"Error": {"Code": code, "Message": "m"}}
        assert str(our_cls(response, "Op")) == str(boto_cls(response, "Op"))
        # Modelled errors pickle back to plain ClientError, as in botocore.
        back = pickle.loads(pickle.dumps(our_cls(response, "Op")))
        assert type(back) is qce.ClientError
    assert ours.from_code("NoSuchCode") is qce.ClientError
    assert boto_exc.from_code("NoSuchCode") is botocore_exceptions.ClientError

    with pytest.raises(AttributeError) as ours_err:
        ours.NotAnError
    with pytest.raises(AttributeError) as boto_err:
        boto_exc.NotAnError
    # The text starts with the object's repr (address differs).
    tail = " object has no attribute NotAnError."
    assert tail in str(ours_err.value)
    assert (
        str(ours_err.value).split(tail, 1)[1]
        == str(boto_err.value).split(tail, 1)[1]
    )


def test_make_client_exceptions_inputs_and_cache():
    a = qce.make_client_exceptions(["AError", "BError"])
    b = qce.make_client_exceptions(["AError", "BError"])
    assert a is b
    assert a.from_code("AError") is a.AError
    c = qce.make_client_exceptions({"AError": "A.Code"})
    assert c.from_code("A.Code") is c.AError
    assert c.from_code("AError") is qce.ClientError
    d = qce.make_client_exceptions([("X", "XCode")], service_module_name="Foo")
    assert type(d).__name__ == "FooExceptions"
    assert d.from_code("XCode") is d.X
    e = qce.make_client_exceptions(("P", "Q"), {"P": "P.Code"})
    assert e.from_code("P.Code") is e.P
    assert e.from_code("Q") is e.Q
    assert e.from_code("P") is qce.ClientError
    try:
        raise a.AError({"Error": {"Code": "AError", "Message": "m"}}, "Op")
    except qce.ClientError as err:
        assert err.response["Error"]["Code"] == "AError"
        assert err.operation_name == "Op"
