"""The QConnect client class: boto3's method names and signatures, each a
thin call into the C core (``qconnect_c._core``).

Methods are made once, at import, from the generated operation list: each
is a ``_core.Method``, a method descriptor written in C that converts the
call's keyword arguments straight into the core's values, so a call runs no
Python code of ours between the caller and the C core.
"""

from qconnect_c import _core, _model

__all__ = ["QConnect", "ClientMeta"]


class ClientMeta:
    """Holds additional client information (``client.meta``), as in boto3."""

    def __init__(self, region_name, endpoint_url, config, partition="aws"):
        self._region_name = region_name
        self._endpoint_url = endpoint_url
        self._config = config
        self._partition = partition

    @property
    def service_name(self):
        return _model.SERVICE_NAME

    @property
    def region_name(self):
        return self._region_name

    @property
    def endpoint_url(self):
        return self._endpoint_url

    @property
    def config(self):
        return self._config

    @property
    def partition(self):
        return self._partition

    @property
    def method_to_api_mapping(self):
        return dict(_model.OPERATION_NAMES)

    def __repr__(self):
        return (f"ClientMeta(region_name={self._region_name!r}, "
                f"endpoint_url={self._endpoint_url!r})")


class BaseClient:
    """Common machinery of generated clients."""

    _PY_TO_API = {}

    def __init__(self, core, meta, exceptions, parameter_validation=True):
        self._core = core
        self.meta = meta
        self.exceptions = exceptions
        self._validate = bool(parameter_validation)

    def _make_api_call(self, operation_name, api_params):
        """Run the operation named by its API name (``"StartImportJob"``)."""
        return self._core.call(_OP_INDEX_BY_API[operation_name], api_params,
                               self._validate)

    def can_paginate(self, operation_name):
        """Return True if the operation can be paginated."""
        api = self._PY_TO_API.get(operation_name)
        return api is not None and api in _model.PAGINATORS

    def get_paginator(self, operation_name):
        """Return a paginator for the method named ``operation_name``
        (e.g. ``"list_quick_responses"``): its ``paginate(**kwargs)`` takes
        the method's arguments plus ``PaginationConfig`` and iterates over
        the pages.  Raises ``OperationNotPageableError`` for a method that
        cannot be paginated (see :meth:`can_paginate`).
        """
        api = self._PY_TO_API[operation_name]
        if not self.can_paginate(operation_name):
            from qconnect_c.exceptions import OperationNotPageableError

            raise OperationNotPageableError(operation_name=operation_name)
        from qconnect_c.paginate import make_paginator

        return make_paginator(self, operation_name, api, _model.PAGINATORS[api])

    def import_quick_responses(self, knowledgeBaseId, source, *, wait=True,
                               progress=None, metadata=None,
                               externalSourceConfiguration=None,
                               clientToken=None, poll_interval=1.0,
                               timeout=600):
        """Upload a CSV of quick responses and import it into a knowledge
        base: StartContentUpload, a streamed HTTP PUT, StartImportJob and,
        with ``wait=True``, GetImportJob until the job finishes.

        See :func:`qconnect_c.workflow.import_quick_responses`."""
        from qconnect_c.workflow import import_quick_responses

        return import_quick_responses(
            self, knowledgeBaseId, source, wait=wait, progress=progress,
            metadata=metadata,
            externalSourceConfiguration=externalSourceConfiguration,
            clientToken=clientToken, poll_interval=poll_interval,
            timeout=timeout)

    @property
    def waiter_names(self):
        """The names of the waiters of this client (none for this service)."""
        return list(_model.WAITERS)

    def close(self):
        """Close the client's connections (they are also closed when the
        client is garbage collected)."""
        self._core = _ClosedCore()

    def __repr__(self):
        return f"<qconnect_c.client.{type(self).__name__} object at {id(self):#x}>"


class _ClosedCore:
    def call(self, *args):
        raise RuntimeError("the client has been closed")

    def set_credentials(self, *args):
        raise RuntimeError("the client has been closed")


def _make_method(index, py_name, api_name):
    method = _core.Method(index, py_name, f"QConnect.{py_name}")
    method.__module__ = __name__
    method.__doc__ = LazyDocstring(("method", py_name), method)
    return method


class LazyDocstring(str):
    """A docstring read from ``qconnect_c._docs`` only when shown.

    It is an empty ``str`` whose ``str()``, ``repr()`` and ``expandtabs()``
    (used by ``help()`` and ``inspect.getdoc``) give the text; the first time
    the text is read it also becomes the owner's plain ``__doc__``.
    """

    def __new__(cls, key, owner):
        self = super().__new__(cls)
        self._key = key
        self._owner = owner
        self._text = None
        return self

    def _load(self):
        if self._text is None:
            from qconnect_c import _docs

            self._text = _docs.docstring(*self._key)
            self._owner.__doc__ = self._text
        return self._text

    def __str__(self):
        return self._load()

    __repr__ = __str__

    def expandtabs(self, tabsize=8):
        return self._load().expandtabs(tabsize)

    def __reduce__(self):
        return str, (self._load(),)


_OPERATIONS = _core.operations()
_OP_INDEX_BY_API = {api: i for i, (_, api) in enumerate(_OPERATIONS)}


class QConnect(BaseClient):
    """A client for Amazon Q in Connect (service ``qconnect``)."""


QConnect._PY_TO_API = {py: api for py, api in _OPERATIONS}
for _i, (_py, _api) in enumerate(_OPERATIONS):
    setattr(QConnect, _py, _make_method(_i, _py, _api))
del _i, _py, _api
