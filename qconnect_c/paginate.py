"""Paginators: iterate over every page of a paginated operation.

``client.get_paginator("list_quick_responses").paginate(**kwargs)`` returns a
:class:`PageIterator`; iterating it sends the operation again and again,
carrying the service's ``nextToken`` from one response to the next request,
and yields each response dict.  ``PaginationConfig`` (``MaxItems``,
``PageSize``, ``StartingToken``), resume tokens, ``build_full_result()`` and
the error messages behave as boto3's paginators do, and resume tokens made by
either library are understood by the other.

Result keys and tokens of this service are plain (dotted) member names, which
are looked up here directly; ``jmespath`` is only imported for
:meth:`PageIterator.search` and for expressions that are more than dotted
names.
"""

import base64
import itertools
import json
import logging
import re

from qconnect_c.exceptions import InvalidExpressionError, PaginationError

__all__ = ["Paginator", "PageIterator", "ResultKeyIterator",
           "PaginatorModel", "TokenEncoder", "TokenDecoder"]

log = logging.getLogger(__name__)

# Key under which an encoded token lists the paths of its bytes values.
_ENCODED_KEYS = "boto_encoded_keys"
# Key of a resume token counting the items of the first page already seen.
_TRUNCATE_KEY = "boto_truncate_amount"
# Separator of the old ``token___index`` starting-token format.
_OLD_SEPARATOR = "___"

_DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")

# (API operation name, member name) of limit keys whose model type is
# "string" (PageSize is then sent as a string, else converted with int()).
# This service's limit keys are all integers; tests check this against the
# service model.
_STRING_LIMIT_KEYS = frozenset()


# --------------------------------------------------------------- tokens
class TokenEncoder:
    """Turns a pagination-state dict into an opaque string: base64 of its
    JSON text.  Bytes values (which JSON cannot hold) are stored base64
    encoded, and their paths listed under ``boto_encoded_keys``."""

    def encode(self, token):
        """Return the opaque string (str) for the dict ``token``."""
        try:
            text = json.dumps(token)
        except (TypeError, UnicodeDecodeError):
            plain, paths = _bytes_to_text(token, [])
            plain[_ENCODED_KEYS] = paths
            text = json.dumps(plain)
        return base64.b64encode(text.encode("utf-8")).decode("utf-8")


def _bytes_to_text(value, path):
    """Return (copy of ``value`` with bytes base64-encoded, their paths)."""
    if isinstance(value, dict):
        copy, paths = {}, []
        for key, item in value.items():
            copy[key], found = _bytes_to_text(item, path + [key])
            paths += found
        return copy, paths
    if isinstance(value, list):
        copy, paths = [], []
        for index, item in enumerate(value):
            item, found = _bytes_to_text(item, path + [index])
            copy.append(item)
            paths += found
        return copy, paths
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("utf-8"), [path]
    return value, []


class TokenDecoder:
    """Turns a string made by :class:`TokenEncoder` back into the dict."""

    def decode(self, token):
        """Return the dict encoded in the string ``token``."""
        state = json.loads(base64.b64decode(token.encode("utf-8")).decode("utf-8"))
        paths = state.pop(_ENCODED_KEYS, None)
        if paths is None:
            return state
        for path in paths:
            holder = state
            for step in path[:-1]:
                holder = holder[step]
            holder[path[-1]] = base64.b64decode(holder[path[-1]].encode("utf-8"))
        return state


# --------------------------------------------------------- expressions
class _MemberPath:
    """A dotted member path (``"a"``, ``"a.b"``) evaluated like the
    equivalent compiled JMESPath expression: ``search`` returns the value or
    None when a step is missing or not a mapping.  ``expression`` and
    ``parsed`` are those of jmespath's ``ParsedResult``."""

    __slots__ = ("expression", "_names")

    def __init__(self, expression):
        self.expression = expression
        self._names = tuple(expression.split("."))

    @property
    def parsed(self):
        fields = [{"type": "field", "children": [], "value": n} for n in self._names]
        if len(fields) == 1:
            return fields[0]
        return {"type": "subexpression", "children": fields}

    def search(self, value, options=None):
        for name in self._names:
            try:
                value = value.get(name)
            except AttributeError:
                return None
            if value is None:
                return None
        return value

    def __repr__(self):
        return repr(self.parsed)


def _compile(expression):
    """Return an object with ``expression`` and ``search(value)`` for a
    pagination-config expression; jmespath is used only for non-dotted ones."""
    if isinstance(expression, str) and _DOTTED_NAME.match(expression):
        return _MemberPath(expression)
    import jmespath

    return jmespath.compile(expression)


def _set_path(target, expression, value):
    """Store ``value`` in the nested dict ``target`` at the dotted
    ``expression``, creating missing intermediate dicts; returns None."""
    if not expression or expression == "." or any(c in expression for c in "[]*"):
        raise InvalidExpressionError(expression=expression)
    rest = expression
    while True:
        head, _, rest_after = rest.partition(".")
        if not head:
            raise InvalidExpressionError(expression=rest)
        if not rest_after:
            target[head] = value
            return
        if head not in target:
            target[head] = {}
        target = target[head]
        rest = rest_after


def _merge_into(base, extra):
    """Copy ``extra`` into ``base`` recursively (nested dicts are merged,
    anything else replaced); returns None."""
    for key, value in extra.items():
        if isinstance(value, dict) and key in base:
            _merge_into(base[key], value)
        else:
            base[key] = value


def _as_list(value):
    return value if isinstance(value, list) else [value]


# ------------------------------------------------------------- iterator
class PageIterator:
    """An iterable over the pages (response dicts) of a paginated call.

    It is not an iterator itself: every ``for`` loop over it sends requests
    again.  Use ``iter()`` to get a generator."""

    def __init__(self, method, input_token, output_token, more_results,
                 result_keys, non_aggregate_keys, limit_key, max_items,
                 starting_token, page_size, op_kwargs):
        self._method = method
        self._input_token = input_token
        self._output_token = output_token
        self._more_results = more_results
        self._result_keys = result_keys
        self._non_aggregate_key_exprs = non_aggregate_keys
        self._limit_key = limit_key
        self._max_items = max_items
        self._starting_token = starting_token
        self._page_size = page_size
        self._op_kwargs = op_kwargs
        self._resume_token = None
        self._non_aggregate_part = {}
        self._token_encoder = TokenEncoder()
        self._token_decoder = TokenDecoder()

    @property
    def result_keys(self):
        return self._result_keys

    @property
    def resume_token(self):
        """Token to specify to resume pagination."""
        return self._resume_token

    @resume_token.setter
    def resume_token(self, value):
        if not isinstance(value, dict):
            raise ValueError(f"Bad starting token: {value}")
        expected = list(self._input_token)
        if _TRUNCATE_KEY in value:
            expected.append(_TRUNCATE_KEY)
        if sorted(expected) != sorted(value):
            raise ValueError(f"Bad starting token: {value}")
        self._resume_token = self._token_encoder.encode(value)

    @property
    def non_aggregate_part(self):
        return self._non_aggregate_part

    # -- the page loop
    def __iter__(self):
        kwargs = self._op_kwargs
        if self._starting_token is None:
            token = dict.fromkeys(self._input_token)
        else:
            token = self._parse_starting_token()[0]
        primary = self.result_keys[0]
        seen = 0
        skip = 0
        last_token = None
        first = True
        self._inject_starting_params(kwargs)
        while True:
            response = self._make_request(kwargs)
            page = self._extract_parsed_response(response)
            if first:
                first = False
                if self._starting_token is not None:
                    skip = self._handle_first_request(page, primary, skip)
                self._record_non_aggregate_key_values(page)
            else:
                skip = 0
            items = primary.search(page)
            count = 0 if items is None else len(items)
            excess = 0
            if self._max_items is not None:
                excess = seen + count - self._max_items
            if excess > 0:
                self._truncate_response(page, primary, excess, skip, token)
                yield response
                return
            yield response
            seen += count
            token = self._get_next_token(page)
            if all(value is None for value in token.values()):
                return
            if self._max_items is not None and seen == self._max_items:
                self.resume_token = token
                return
            if last_token is not None and last_token == token:
                raise PaginationError(
                    message=f"The same next token was received twice: {token}")
            self._inject_token_into_kwargs(kwargs, token)
            last_token = token

    def search(self, expression):
        """Apply the JMESPath ``expression`` to each page and yield the
        results, one element at a time when a result is a list (needs the
        ``jmespath`` package)."""
        import jmespath

        compiled = jmespath.compile(expression)
        for page in self:
            found = compiled.search(page)
            if isinstance(found, list):
                yield from found
            else:
                yield found

    def _make_request(self, kwargs):
        return self._method(**kwargs)

    def _extract_parsed_response(self, response):
        return response

    def _record_non_aggregate_key_values(self, response):
        part = {}
        for expression in self._non_aggregate_key_exprs:
            _set_path(part, expression.expression, expression.search(response))
        self._non_aggregate_part = part

    def _inject_starting_params(self, kwargs):
        if self._starting_token is not None:
            self._inject_token_into_kwargs(kwargs, self._parse_starting_token()[0])
        if self._page_size is not None:
            kwargs[self._limit_key] = self._page_size

    def _inject_token_into_kwargs(self, kwargs, token):
        for name, value in token.items():
            if value is not None and value != "None":
                kwargs[name] = value
            elif name in kwargs:
                del kwargs[name]

    def _handle_first_request(self, page, primary, skip):
        """Drop the items of the first page a resume token says were seen
        already; return how many were dropped."""
        skip = self._parse_starting_token()[1]
        items = primary.search(page)
        kept = items[skip:] if isinstance(items, (list, str)) else None
        _set_path(page, primary.expression, kept)
        for key in self.result_keys:
            if key is primary:
                continue
            sample = key.search(page)
            if isinstance(sample, list):
                empty = []
            elif isinstance(sample, str):
                empty = ""
            elif isinstance(sample, (int, float)):
                empty = sample
            else:
                empty = None
            _set_path(page, key.expression, empty)
        return skip

    def _truncate_response(self, page, primary, excess, skip, token):
        items = primary.search(page)
        if items is None:
            items = []
        keep = len(items) - excess
        _set_path(page, primary.expression, items[:keep])
        # The resume index counts from the start of the service's page,
        # including the items dropped by a starting token.
        token[_TRUNCATE_KEY] = keep + skip
        self.resume_token = token

    def _get_next_token(self, page):
        if self._more_results is not None and not self._more_results.search(page):
            return {}
        token = {}
        for output, name in zip(self._output_token, self._input_token):
            value = output.search(page)
            token[name] = value if value else None
        return token

    def result_key_iters(self):
        """Return one :class:`ResultKeyIterator` per result key, sharing one
        run of requests."""
        copies = itertools.tee(self, len(self.result_keys))
        return [ResultKeyIterator(pages, key)
                for pages, key in zip(copies, self.result_keys)]

    def build_full_result(self):
        """Fetch every page and return one dict: result keys concatenated
        (lists) or summed (numbers, strings), the non-aggregate keys of the
        first page, and ``NextToken`` when MaxItems stopped the run early."""
        full = {}
        for response in self:
            page = response
            if isinstance(response, tuple) and len(response) == 2:
                page = response[1]
            for key in self.result_keys:
                value = key.search(page)
                if value is None:
                    continue
                existing = key.search(full)
                if existing is None:
                    _set_path(full, key.expression, value)
                elif isinstance(value, list):
                    existing.extend(value)
                elif isinstance(value, (int, float, str)):
                    _set_path(full, key.expression, existing + value)
        _merge_into(full, self.non_aggregate_part)
        if self.resume_token is not None:
            full["NextToken"] = self.resume_token
        return full

    # -- starting tokens
    def _parse_starting_token(self):
        """Return (dict of input tokens, items to skip on the first page)."""
        if self._starting_token is None:
            return None
        try:
            token = self._token_decoder.decode(self._starting_token)
            index = 0
            if _TRUNCATE_KEY in token:
                index = token.pop(_TRUNCATE_KEY)
        except (ValueError, TypeError):
            token, index = self._parse_starting_token_deprecated()
        return token, index

    def _parse_starting_token_deprecated(self):
        """Read the old ``token___token___index`` starting-token format."""
        log.debug("Attempting to fall back to old starting token parser. "
                  "For token: %s", self._starting_token)
        if self._starting_token is None:
            return None
        parts = self._starting_token.split(_OLD_SEPARATOR)
        index = 0
        if len(parts) == len(self._input_token) + 1:
            try:
                index = int(parts[-1])
                parts = parts[:-1]
            except ValueError:
                parts = [self._starting_token]
        values = [None if part == "None" else part for part in parts]
        return self._convert_deprecated_starting_token(values), index

    def _convert_deprecated_starting_token(self, values):
        if len(values) > len(self._input_token):
            raise ValueError(f"Bad starting token: {self._starting_token}")
        if len(values) < len(self._input_token):
            log.debug("Old format starting token does not contain all input "
                      "tokens. Setting the rest, in order, as None.")
            values = values + [None] * (len(self._input_token) - len(values))
        return dict(zip(self._input_token, values))


# ------------------------------------------------------------ paginator
class Paginator:
    """Makes :class:`PageIterator` objects for one operation.

    ``method`` is the client method (called with keyword arguments),
    ``pagination_config`` the operation's entry of paginators-1.json and
    ``model`` the API operation name (used to type ``PageSize``)."""

    PAGE_ITERATOR_CLS = PageIterator

    def __init__(self, method, pagination_config, model):
        self._model = model
        self._method = method
        self._pagination_cfg = pagination_config
        config = pagination_config
        self._output_token = [_compile(e) for e in _as_list(config["output_token"])]
        self._input_token = _as_list(config["input_token"])
        more = config.get("more_results")
        self._more_results = _compile(more) if more is not None else None
        self._non_aggregate_keys = [
            _compile(e) for e in config.get("non_aggregate_keys", [])]
        keys = config.get("result_key")
        self._result_keys = (
            None if keys is None else [_compile(e) for e in _as_list(keys)])
        self._limit_key = config.get("limit_key")

    @property
    def result_keys(self):
        return self._result_keys

    def paginate(self, **kwargs):
        """Return a :class:`PageIterator` over the pages of the operation
        called with ``kwargs``; ``PaginationConfig`` (``MaxItems``,
        ``PageSize``, ``StartingToken``) controls the paging."""
        params = self._extract_paging_params(kwargs)
        return self.PAGE_ITERATOR_CLS(
            self._method, self._input_token, self._output_token,
            self._more_results, self._result_keys, self._non_aggregate_keys,
            self._limit_key, params["MaxItems"], params["StartingToken"],
            params["PageSize"], kwargs)

    def _extract_paging_params(self, kwargs):
        config = kwargs.pop("PaginationConfig", {})
        max_items = config.get("MaxItems", None)
        if max_items is not None:
            max_items = int(max_items)
        page_size = config.get("PageSize", None)
        if page_size is not None:
            if self._limit_key is None:
                raise PaginationError(
                    message="PageSize parameter is not supported for the "
                    "pagination interface for this operation.")
            if (self._model, self._limit_key) in _STRING_LIMIT_KEYS:
                if not isinstance(page_size, str):
                    page_size = str(page_size)
            else:
                page_size = int(page_size)
        return {"MaxItems": max_items,
                "StartingToken": config.get("StartingToken", None),
                "PageSize": page_size}


class ResultKeyIterator:
    """Iterates over the elements of one result key across all pages."""

    def __init__(self, pages_iterator, result_key):
        self._pages_iterator = pages_iterator
        self.result_key = result_key

    def __iter__(self):
        for page in self._pages_iterator:
            found = self.result_key.search(page)
            if found is None:
                found = []
            yield from found


class PaginatorModel:
    """The paginators-1.json document of a service."""

    def __init__(self, paginator_config):
        self._paginator_config = paginator_config["pagination"]

    def get_paginator(self, operation_name):
        """Return the config of the API operation ``operation_name``."""
        try:
            return self._paginator_config[operation_name]
        except KeyError:
            raise ValueError(
                f"Paginator for operation does not exist: {operation_name}")


_CLASSES = {}


def make_paginator(client, py_name, api_name, config):
    """Return a paginator for ``client``'s method ``py_name``: an instance of
    a subclass named ``QConnect.Paginator.<ApiName>`` (as in boto3), whose
    ``paginate`` documentation is loaded on first use."""
    cls = _CLASSES.get(api_name)
    if cls is None:
        def paginate(self, **kwargs):
            return Paginator.paginate(self, **kwargs)

        paginate.__doc__ = _lazy_doc(("paginate", api_name), paginate)
        cls = type(f"QConnect.Paginator.{api_name}", (Paginator,),
                   {"paginate": paginate})
        _CLASSES[api_name] = cls
    return cls(getattr(client, py_name), config, api_name)


def _lazy_doc(key, owner):
    from qconnect_c.client import LazyDocstring

    return LazyDocstring(key, owner)
