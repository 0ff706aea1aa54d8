#!/usr/bin/env python3
"""Generates qconnect_c/_docs.py: the docstrings of the client methods and of
the paginators' ``paginate`` methods, built from the documentation in
botocore's qconnect model.

The text is the one boto3 gives these docstrings: reStructuredText with the
description (the model's HTML converted), the "See also" link, the request
syntax, the parameters, the return type and the response syntax and
structure.  Each docstring is stored zlib-compressed against a shared preset
dictionary and base64-encoded, and is decompressed only when asked for.

Usage: gen_docs.py [--out PATH] [--json PATH]
       (PATH defaults to qconnect_c/_docs.py; --json also dumps the texts)
"""

import argparse
import base64
import collections
import html.parser
import json
import os
import sys
import zlib

SERVICE = "qconnect"
API_VERSION = "2020-10-19"
CLIENT_CLASS = "QConnect"
DOCS_BASE = "https://docs.aws.amazon.com/goto/WebAPI"
DEFAULT_DOCS_LINK = "https://docs.aws.amazon.com/index.html"
INDENT = "  "

# Python type names and example values shown for model types.
PY_TYPE = {"blob": "bytes", "character": "string", "double": "float", "long": "integer",
           "map": "dict", "structure": "dict", "timestamp": "datetime"}
PY_EXAMPLE = {"double": "123.0", "long": "123", "integer": "123", "string": "'string'",
              "blob": "b'bytes'", "boolean": "True|False", "list": "[...]", "map": "{...}",
              "structure": "{...}", "timestamp": "datetime(2015, 1, 1)"}
DOCUMENT_EXAMPLE = "{...}|[...]|123|123.4|'string'|True|None"
DOCUMENT_TYPE = ":ref:`document<document>`"

# Sections replaced by a pointer to the online documentation when longer
# than this many lines.
LINE_LIMITS = {"request-example": ("Request Syntax", 1500),
               "request-params": ("Parameters", 5000),
               "response-example": ("Response Syntax", 1500),
               "description": ("Response Structure", 5000)}

DEPRECATED_TEXT = ("This operation is deprecated and may not function as expected. "
                   "This operation should not be used going forward and is only kept "
                   "for the purpose of backwards compatiblity.")
IDEMPOTENCY_TEXT = "This field is autopopulated if not provided."
UNION_INPUT_NOTE = (".. note::    This is a Tagged Union structure. Only one of the "
                    "    following top level keys can be set: {}. ")
UNION_OUTPUT_NOTE = (".. note::    This is a Tagged Union structure. Only one of the "
                     "    following top level keys will be set: {}. "
                     "    If a client receives an unknown member it will "
                     "    set ``SDK_UNKNOWN_MEMBER`` as the top level key, "
                     "    which maps to the name or tag of the unknown "
                     "    member. The structure of ``SDK_UNKNOWN_MEMBER`` is "
                     "    as follows")
UNION_UNKNOWN_EXAMPLE = "'SDK_UNKNOWN_MEMBER': {'name': 'UnknownMemberName'}"


# ================================================================ sections
class Section:
    """One named part of a document: its own text pieces, then its
    sub-sections in creation order.  A sub-section starts at its parent's
    indentation level of the moment; ``newline``/``paragraph`` indent what
    follows by the section's current level.  The HTML state (paragraph
    handling, list depth, open link) is per section as well."""

    def __init__(self, name, level=0, links=None):
        self.name = name
        self.level = level
        self.pieces = []
        self.subs = {}
        self.links = links if links is not None else {}
        self.keep = True
        self.paragraphs = True
        self.list_depth = 0
        self.href = None

    def sub(self, name):
        child = Section(name, self.level, self.links)
        self.subs[name] = child
        return child

    # -- raw text
    def put(self, text):
        if self.keep and text is not None:
            self.pieces.append(text)

    def last(self):
        return self.pieces[-1]

    def pop(self):
        return self.pieces.pop() if self.pieces else None

    def push(self, text):
        self.pieces.append(text)

    def clear(self):
        self.pieces = []

    # -- layout
    def pad(self):
        return INDENT * self.level

    def indent(self):
        self.level += 1

    def dedent(self):
        if self.level > 0:
            self.level -= 1

    def newline(self):
        self.put("\n" + self.pad())

    def paragraph(self):
        self.put("\n\n" + self.pad())

    def line(self, text):
        self.put(self.pad() + text + "\n")

    # -- inline markup
    def open_inline(self, mark):
        if self.pieces and self.pieces[-1] in ("*", "**") and mark in ("*", "**"):
            self.put(" ")
        self.put(mark)

    def close_inline(self, mark):
        previous = self.pop()
        if previous == mark:  # nothing between the marks: drop both
            return
        self.push(previous)
        self.put(mark)

    def space_after_previous(self):
        previous = self.pop()
        if previous is None:
            previous = ""
        if previous and not previous.endswith(" "):
            previous += " "
        self.push(previous)

    def bold(self, text):
        if text:
            self.open_inline("**")
            self.put(text)
            self.close_inline("**")

    def italics(self, text):
        if text:
            self.open_inline("*")
            self.put(text)
            self.close_inline("*")

    def start_block(self, title):
        self.paragraph()
        self.put(f".. {title}::")
        self.indent()
        self.paragraph()

    def end_block(self):
        self.dedent()
        self.paragraph()

    def start_code_block(self):
        self.put("::")
        self.indent()
        self.paragraph()

    def code_block(self, text):
        self.start_code_block()
        self.line(text)
        self.end_block()

    def html(self, text):
        """Append the model documentation ``text`` (HTML) as reST."""
        if text:
            _HtmlReader(self).convert(text)

    # -- output
    def render(self, docs_link):
        out = "".join(self.pieces) + "".join(s.render(docs_link) for s in self.subs.values())
        limit = LINE_LIMITS.get(self.name)
        if limit and len(out.encode("utf-8").splitlines()) > limit[1]:
            out = ("\n\n    **%s**\n    ::\n\n        # This section is too large to render.\n"
                   "        # Please see the AWS API Documentation linked below.\n\n    %s\n    "
                   % (limit[0], docs_link))
        return out


# ================================================================== HTML
BLOCK_TAGS = ("p", "note", "ul", "li")
FLATTEN_IF_NESTED = ("i", "b")
CODE_LIKE = ("code", "a")
NOT_INSIDE_CODE = ("span", "i", "code", "a")


class _Text:
    """A run of text: leading space, words, trailing space."""

    def __init__(self, data):
        self.lead = self.core = self.trail = ""
        if not data:
            return
        if data.isspace():
            self.trail = data
            return
        start = 0
        while data[start].isspace():
            start += 1
        end = len(data)
        while data[end - 1].isspace():
            end -= 1
        self.lead, self.core, self.trail = data[:start], data[start:end], data[end:]

    def blank(self):
        return self.core == "" and (self.lead != "" or self.trail != "")

    def starts_blank(self):
        return self.lead != "" or (self.core == "" and self.trail != "")

    def ends_blank(self):
        return self.trail != "" or (self.core == "" and self.lead != "")

    def strip_left(self):
        if self.lead:
            self.lead = ""
        elif self.core == "":
            self.strip_right()

    def strip_right(self):
        if self.trail:
            self.trail = ""
        elif self.core == "":
            self.strip_left()

    def tidy(self):
        pass

    def emit(self, sec):
        text = self.lead + " ".join(self.core.split()) + self.trail
        if text:
            sec.put(text)


class _Elem:
    """An element with children (the root has tag None)."""

    def __init__(self, tag=None, attrs=None, parent=None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.kids = []

    def add(self, node):
        node.parent = self
        self.kids.append(node)

    def blank(self):
        return all(k.blank() for k in self.kids)

    def starts_blank(self):
        return bool(self.kids) and self.kids[0].starts_blank()

    def ends_blank(self):
        return bool(self.kids) and self.kids[-1].ends_blank()

    def strip_left(self):
        while self.kids and self.kids[0].blank():
            del self.kids[0]
        if self.kids:
            self.kids[0].strip_left()

    def strip_right(self):
        while self.kids and self.kids[-1].blank():
            del self.kids[-1]
        if self.kids:
            self.kids[-1].strip_right()

    def tidy(self):
        """Drop the white space a browser would not show."""
        if self.tag is None or self.tag in BLOCK_TAGS:
            self.strip_left()
            self.strip_right()
        if self.tag is not None:
            for before, after in zip(self.kids, self.kids[1:]):
                if isinstance(before, _Text) and before.ends_blank() and after.starts_blank():
                    after.strip_left()
            for before, after in zip(self.kids, self.kids[1:]):
                if isinstance(after, _Text) and before.ends_blank() and after.starts_blank():
                    before.strip_right()
        for kid in self.kids:
            kid.tidy()

    def emit(self, sec):
        if self.tag is not None:
            nested = any(isinstance(k, _Elem) for k in self.kids)
            in_code = (self.parent is not None and self.parent.tag in CODE_LIKE
                       and self.tag in NOT_INSIDE_CODE)
            if not ((self.tag in FLATTEN_IF_NESTED and nested) or in_code):
                _TAG_START[self.tag](sec, self.attrs)
                for kid in self.kids:
                    kid.emit(sec)
                _TAG_END[self.tag](sec)
                return
        for kid in self.kids:
            kid.emit(sec)


def _start_p(sec, attrs):
    if sec.paragraphs:
        sec.put("\n\n" + sec.pad())


def _start_list(sec, attrs):
    if sec.list_depth:
        sec.indent()
    sec.list_depth += 1
    sec.paragraph()


def _end_list(sec):
    sec.list_depth -= 1
    if sec.list_depth:
        sec.dedent()
    sec.paragraph()


def _start_li(sec, attrs):
    sec.newline()
    sec.paragraphs = False
    sec.put("* ")


def _end_li(sec):
    sec.paragraphs = True
    sec.newline()


def _start_code(sec, attrs):
    sec.space_after_previous()
    sec.open_inline("``")


def _start_a(sec, attrs):
    sec.space_after_previous()
    if attrs:
        for key, value in attrs:
            if key == "href":
                sec.href = value.strip()
                sec.put("`")
    else:
        sec.put(" ")


def _end_a(sec):
    if not sec.href:
        return
    # Gather the link text written since the opening back-quote.
    text = sec.pop()
    while not text.startswith("`"):
        text = sec.pop() + text
    if text:
        if text.startswith("` "):
            text = "`" + text[1:].lstrip(" ")
        sec.push(text)
    text = sec.pop().rstrip(" ")
    if text and text != "`":
        sec.push(text.replace(":", "\\:"))
        sec.push(f" <{sec.href}>`__")
    elif text == "`":
        sec.push(f"`<{sec.href}>`__")
    else:
        sec.push(sec.href)
        sec.links[sec.href] = sec.href
        sec.put("`__")
    sec.href = None


def _keep(flag):
    def handler(sec, attrs=None):
        sec.keep = flag
    return handler


_TAG_START = {
    "p": _start_p, "ul": _start_list, "ol": _start_list, "li": _start_li,
    "b": lambda s, a: s.open_inline("**"), "bold": lambda s, a: s.open_inline("**"),
    "i": lambda s, a: s.open_inline("*"), "italics": lambda s, a: s.open_inline("*"),
    "code": _start_code, "a": _start_a,
    "note": lambda s, a: s.start_block("note"),
    "important": lambda s, a: s.start_block("warning"),
    "danger": lambda s, a: s.start_block("danger"),
    "codeblock": lambda s, a: s.start_code_block(),
    "examples": _keep(False), "fullname": _keep(False),
}
_TAG_END = {
    "p": lambda s: _start_p(s, None), "ul": _end_list, "ol": _end_list, "li": _end_li,
    "b": lambda s: s.close_inline("**"), "bold": lambda s: s.close_inline("**"),
    "i": lambda s: s.close_inline("*"), "italics": lambda s: s.close_inline("*"),
    "code": lambda s: s.close_inline("``"), "a": _end_a,
    "note": Section.end_block, "important": Section.end_block, "danger": Section.end_block,
    "codeblock": Section.end_block,
    "examples": _keep(True), "fullname": _keep(True),
}


class _Broken(Exception):
    """The HTML closes more elements than it opened."""


class _HtmlReader(html.parser.HTMLParser):
    """Reads one documentation string into element trees and writes them to
    a section: what has been read when the input ends, then whatever the
    parser still held back."""

    def __init__(self, sec):
        self.sec = sec
        self.root = self.node = _Elem()
        super().__init__()

    def handle_starttag(self, tag, attrs):
        if tag in _TAG_START:
            if self.node is None:
                raise _Broken()
            elem = _Elem(tag, attrs)
            self.node.add(elem)
            self.node = elem

    def handle_endtag(self, tag):
        if tag in _TAG_END:
            if self.node is None:
                raise _Broken()
            self.node = self.node.parent

    def handle_data(self, data):
        if self.node is None:
            raise _Broken()
        self.node.add(_Text(data))

    def _flush(self):
        root = self.root
        self.root = self.node = _Elem()
        root.tidy()
        root.emit(self.sec)

    def convert(self, text):
        try:
            self.feed(text)
            self._flush()
            self.close()
            self._flush()
        except _Broken:
            pass


# ================================================================= shapes
class Shape:
    """A model shape as seen through a member reference (the reference's
    traits, such as its documentation, override the shape's own)."""

    def __init__(self, model, name, spec, members=None):
        self.model = model
        self.name = name
        self.spec = spec
        self.type = spec.get("type")
        self.doc = spec.get("documentation", "")
        self.required = spec.get("required", [])
        self._members = members

    @classmethod
    def of(cls, model, ref):
        name = ref["shape"]
        spec = model["shapes"][name]
        if len(ref) > 1:
            spec = dict(spec)
            spec.update((k, v) for k, v in ref.items() if k != "shape")
        return cls(model, name, spec)

    @property
    def members(self):
        if self._members is None:
            self._members = collections.OrderedDict(
                (k, Shape.of(self.model, ref))
                for k, ref in self.spec.get("members", {}).items())
        return self._members

    def part(self, key):
        return Shape.of(self.model, self.spec[key])

    @property
    def enum(self):
        return self.spec.get("enum")

    @property
    def is_document(self):
        return bool(self.spec.get("document"))

    @property
    def is_union(self):
        return bool(self.spec.get("union"))

    @property
    def idempotent(self):
        return "idempotencyToken" in self.spec

    def kind(self):
        return "document" if self.is_document else self.type

    def py_type(self):
        return DOCUMENT_TYPE if self.is_document else PY_TYPE.get(self.type, self.type)


def _synthetic(name, type_name, doc, members=None):
    """A shape that is not in the model (the paginators' extra parameters)."""
    return Shape(None, name, {"type": type_name, "documentation": doc},
                 members=collections.OrderedDict(members or ()))


def _with_extra(members, extra):
    if not extra:
        return members
    merged = collections.OrderedDict(members)
    for shape in extra:
        merged[shape.name] = shape
    return merged


# ============================================================== examples
def document_example(sec, shape, request, prefix=None, extra=None, hidden=None):
    """The request or response syntax block of an operation."""
    sec.newline()
    sec.start_code_block()
    if prefix is not None:
        sec.put(prefix)
    _example(sec, shape, [], request, extra, hidden)
    sec.sub("final-blank-line").newline()


def _example(sec, shape, history, request, extra=None, hidden=None):
    if shape.name in history:
        sec.put("{'... recursive ...'}")
        return
    history.append(shape.name)
    kind = shape.kind()
    if kind == "structure":
        _example_structure(sec, shape, history, request, extra, hidden)
    elif kind == "list":
        inner = sec.sub("list-value")
        _open_nested(inner, "[")
        _example(inner.sub("member"), shape.part("member"), history, request)
        inner.sub("ending-comma").put(",")
        _close_nested(inner.sub("ending-bracket"), "]")
    elif kind == "map":
        inner = sec.sub("map-value")
        _open_nested(inner, "{")
        inner.sub("key").put("'string': ")
        _example(inner.sub("value"), shape.part("value"), history, request)
        _close_nested(inner.sub("ending-bracket"), "}")
    elif kind == "string" and shape.enum:
        sec.put("|".join(f"'{value}'" for value in shape.enum))
    elif kind == "document":
        sec.put(DOCUMENT_EXAMPLE)
    else:
        sec.put(PY_EXAMPLE.get(shape.type, "..."))
    history.pop()


def _open_nested(sec, mark):
    sec.put(mark)
    sec.indent()
    sec.indent()
    sec.newline()


def _close_nested(sec, mark=None):
    sec.dedent()
    sec.dedent()
    sec.newline()
    if mark is not None:
        sec.put(mark)


def _example_structure(sec, shape, history, request, extra, hidden):
    call = request and len(history) <= 1
    if not request and not shape.members:
        sec.put("{}")
        return
    opening, closing = ("(", ")") if call else ("{", "}")
    body = sec.sub("structure-value")
    _open_nested(body, opening)
    members = _with_extra(shape.members, extra)
    last = len(members) - 1
    for index, (name, member) in enumerate(members.items()):
        if hidden and name in hidden:
            continue
        part = body.sub(name)
        part.put(f"{name}=" if call else f"'{name}': ")
        _example(part.sub("member-value"), member, history, request)
        if index < last:
            comma = part.sub("ending-comma")
            comma.put(",")
            comma.newline()
    if body.subs:
        _close_nested(body.sub("ending-bracket"), closing)
    else:
        body.clear()
        body.put(opening + closing)
        _close_nested(body)


# ============================================================ parameters
def document_params(sec, shape, request, extra=None, hidden=None):
    """The parameter list (request) or response structure of an operation."""
    _params(sec, shape, [], request, extra=extra, hidden=hidden)


def _params(sec, shape, history, request, name=None, required=False, extra=None,
            hidden=None):
    if shape.name in history:
        _describe(sec, shape, request, name=name)
        return
    history.append(shape.name)
    top = len(history) == 2
    kind = shape.kind()
    if kind == "structure":
        if request:
            _request_structure(sec, shape, history, name, top, required, extra, hidden)
        else:
            _response_structure(sec, shape, history, name, extra, hidden)
    elif kind == "list":
        _describe(sec, shape, request, name=name, top=top, required=required)
        inner = sec.sub(shape.spec["member"]["shape"])
        inner.indent()
        inner.newline()
        _params(inner, shape.part("member"), history, request)
        end = sec.sub("end-list")
        end.dedent()
        end.newline()
    elif kind == "map":
        _describe(sec, shape, request, name=name, top=top, required=required)
        key = sec.sub("key")
        key.indent()
        key.newline()
        _describe(key, shape.part("key"), request)
        value = sec.sub(shape.spec["value"]["shape"])
        value.indent()
        value.indent()
        value.newline()
        _params(value, shape.part("value"), history, request)
        end = sec.sub("end-map")
        for _ in range(2):
            end.dedent()
            end.newline()
    else:
        _describe(sec, shape, request, name=name, top=top, required=required)
    history.pop()


def _request_structure(sec, shape, history, name, top, required, extra, hidden):
    nested = len(history) > 1
    if nested:
        _describe(sec, shape, True, name=name, top=top, required=required)
        sec.indent()
    for member_name, member in _with_extra(shape.members, extra).items():
        if hidden and member_name in hidden:
            continue
        part = sec.sub(member_name)
        part.newline()
        _params(part, member, history, True, name=member_name,
                required=member_name in shape.required)
    end = sec.sub("end-structure")
    if nested:
        end.dedent()
    end.newline()


def _response_structure(sec, shape, history, name, extra, hidden):
    members = _with_extra(shape.members, extra)
    _describe(sec, shape, False, name=name)
    for member_name, member in members.items():
        if hidden and member_name in hidden:
            continue
        part = sec.sub(member_name)
        part.indent()
        part.newline()
        _params(part, member, history, False, name=member_name)
    end = sec.sub("end-structure")
    end.dedent()
    end.newline()


def _type_label(sec, shape):
    if shape.is_document:
        sec.put(f"({DOCUMENT_TYPE}) --")
    else:
        sec.italics(f"({shape.py_type()}) --")
    sec.put(" ")


def _name_label(sec, name):
    sec.put("- ")
    if name is not None:
        sec.bold(name)
        sec.put(" ")


def _describe(sec, shape, request, name=None, top=False, required=False):
    """One parameter's heading (name, type, required mark) and text."""
    union_members = ", ".join(f"``{k}``" for k in shape.members) if shape.is_union else ""
    if not request:
        _name_label(sec.sub("param-name"), name)
        _type_label(sec.sub("param-type"), shape)
        text = sec.sub("param-documentation")
        if shape.doc:
            text.indent()
            if shape.is_union:
                sec.sub("param-tagged-union-docs").put(UNION_OUTPUT_NOTE.format(union_members))
                sec.sub("param-unknown-example").code_block(UNION_UNKNOWN_EXAMPLE)
            text.html(shape.doc)
        sec.paragraph()
        return
    if top:
        kind = sec.sub("param-type")
        kind.put(f":type {name}: {shape.py_type()}")
        kind.sub("end-param-type").newline()
        sec.sub("param-name").put(f":param {name}: ")
    else:
        _name_label(sec.sub("param-name"), name)
        _type_label(sec.sub("param-type"), shape)
    if required:
        mark = sec.sub("is-required")
        mark.indent()
        mark.bold("[REQUIRED]")
        mark.put(" ")
    if shape.doc:
        text = sec.sub("param-documentation")
        text.indent()
        if shape.is_union:
            sec.sub("param-tagged-union-docs").put(UNION_INPUT_NOTE.format(union_members))
        text.html(shape.doc)
        if shape.idempotent:
            text.put(IDEMPOTENCY_TEXT)
    sec.sub("end-param").paragraph()


# =============================================================== methods
def method_docstring(model, api_name, description, prefix, extra_in=None, extra_out=None,
                     hidden_in=None, hidden_out=None):
    """The raw docstring text of one operation's method."""
    op = model["operations"][api_name]
    uid = model["metadata"].get("uid")
    docs_link = f"{DOCS_BASE}/{uid}/{api_name}" if uid else DEFAULT_DOCS_LINK
    root = Section("docstring")
    intro = root.sub("method-intro")
    intro.html(description)
    if op.get("deprecated"):
        intro.start_block("danger")
        intro.line(DEPRECATED_TEXT)
        intro.end_block()
    if uid is not None:
        intro.paragraph()
        intro.put("See also: ")
        intro.put(f"`AWS API Documentation <{docs_link}>`_")
        intro.line("")
    example = root.sub("request-example")
    example.paragraph()
    example.bold("Request Syntax")
    if "input" in op:
        document_example(example, Shape.of(model, op["input"]), True, prefix, extra_in,
                         hidden_in)
        document_params(root.sub("request-params"), Shape.of(model, op["input"]), True,
                        extra_in, hidden_in)
    else:
        example.paragraph()
        example.start_code_block()
        example.put(prefix + "()")
        root.sub("request-params")
    ret = root.sub("return")
    ret.newline()
    if "output" in op:
        output = Shape.of(model, op["output"])
        ret.put(":rtype: dict")
        ret.newline()
        ret.put(":returns: ")
        ret.indent()
        ret.newline()
        syntax = ret.sub("response-example")
        syntax.newline()
        syntax.bold("Response Syntax")
        syntax.paragraph()
        document_example(syntax, output, False, None, extra_out, hidden_out)
        structure = ret.sub("description")
        structure.newline()
        structure.bold("Response Structure")
        structure.paragraph()
        document_params(structure, output, False, extra_out, hidden_out)
    else:
        ret.put(":returns: None")
    text = root.render(docs_link)
    if root.links:
        raise SystemExit("gen_docs.py: link targets are not supported")
    return text


def paginate_docstring(model, api_name, py_name, config):
    """The raw docstring text of a paginator's ``paginate`` method."""
    options = [_synthetic(
        "MaxItems", "integer",
        "<p>The total number of items to return. If the total number of items available "
        "is more than the value specified in max-items then a <code>NextToken</code> will "
        "be provided in the output that you can use to resume pagination.</p>")]
    if config.get("limit_key"):
        options.append(_synthetic("PageSize", "integer", "<p>The size of each page.<p>"))
    options.append(_synthetic(
        "StartingToken", "string",
        "<p>A token to specify where to start paginating. This is the <code>NextToken</code> "
        "from a previous response.</p>"))
    extra_in = [_synthetic(
        "PaginationConfig", "structure",
        "<p>A dictionary that provides parameters to control pagination.</p>",
        [(s.name, s) for s in options])]
    extra_out = [_synthetic("NextToken", "string", "<p>A token to resume pagination.</p>")]
    hidden_in = _listify(config["input_token"])
    if config.get("limit_key"):
        hidden_in.append(config["limit_key"])
    hidden_out = _listify(config["output_token"])
    description = ("Creates an iterator that will paginate through responses from "
                   f":py:meth:`{CLIENT_CLASS}.Client.{py_name}`.")
    return method_docstring(model, api_name, description,
                            "response_iterator = paginator.paginate", extra_in, extra_out,
                            hidden_in, hidden_out)


def _listify(value):
    return list(value) if isinstance(value, list) else [value]


def build(model, paginators, py_names):
    """Return ({method name: docstring}, {API name: paginate docstring})."""
    methods = {}
    for api_name in model["operations"]:
        op = model["operations"][api_name]
        methods[py_names[api_name]] = method_docstring(
            model, api_name, op.get("documentation"),
            f"response = client.{py_names[api_name]}")
    paginate = {}
    for api_name, config in paginators.items():
        paginate[api_name] = paginate_docstring(model, api_name, py_names[api_name], config)
    return methods, paginate


# ================================================================ output
def _shared_dictionary(texts, size=32768):
    """A zlib preset dictionary: the lines that occur most often across the
    docstrings (weighted by length), most valuable last."""
    counts = collections.Counter()
    for text in texts:
        for line in set(text.splitlines()):
            if len(line) > 8:
                counts[line] += 1
    ranked = sorted((n * len(line), line) for line, n in counts.items() if n > 1)
    chosen, total = [], 0
    for _, line in reversed(ranked):
        if total + len(line) + 1 > size:
            continue
        chosen.append(line)
        total += len(line) + 1
    return "\n".join(reversed(chosen)).encode("utf-8")


def _pack(text, zdict):
    packer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict)
    data = packer.compress(text.encode("utf-8")) + packer.flush()
    return base64.b64encode(data).decode("ascii")


def render_module(version, methods, paginate):
    zdict = _shared_dictionary(list(methods.values()) + list(paginate.values()))
    out = [
        f"# Generated by tools/gen_docs.py from botocore {version} {SERVICE} {API_VERSION}"
        " — do not edit.\n",
        '"""Docstrings of the client methods and of the paginators\' ``paginate``,\n'
        "stored compressed; read through :func:`docstring`, which is only used when a\n"
        'docstring is shown (``help()``, ``__doc__``)."""\n\n',
        "import base64 as _base64\nimport zlib as _zlib\n\n",
        "_ZDICT = %r\n\n" % base64.b64encode(zdict).decode("ascii"),
        "_METHOD = {\n",
    ]
    for name in sorted(methods):
        out.append("    %r: %r,\n" % (name, _pack(methods[name], zdict)))
    out.append("}\n\n_PAGINATE = {\n")
    for name in sorted(paginate):
        out.append("    %r: %r,\n" % (name, _pack(paginate[name], zdict)))
    out.append("}\n\n\n")
    out.append('''
def docstring(kind, name):
    """Return the docstring of the client method ``name`` (kind "method",
    e.g. "start_import_job") or of the paginator of the API operation
    ``name`` (kind "paginate", e.g. "ListImportJobs")."""
    table = _METHOD if kind == "method" else _PAGINATE
    unpacker = _zlib.decompressobj(-15, zdict=_base64.b64decode(_ZDICT))
    data = unpacker.decompress(_base64.b64decode(table[name])) + unpacker.flush()
    return data.decode("utf-8")


def names(kind):
    """Return the names that have a docstring of ``kind``, sorted."""
    return sorted(_METHOD if kind == "method" else _PAGINATE)
'''.lstrip("\n"))
    return "".join(out)


def load_botocore():
    """Return (botocore version, service model dict, paginator configs,
    {API name: method name}), from botocore's bundled data."""
    import botocore
    import botocore.loaders
    from botocore import xform_name

    loader = botocore.loaders.Loader(extra_search_paths=[botocore.loaders.Loader.BUILTIN_DATA_PATH],
                                     include_default_search_paths=False)
    model = loader.load_service_model(SERVICE, "service-2", API_VERSION)
    pages = loader.load_service_model(SERVICE, "paginators-1", API_VERSION)["pagination"]
    py_names = {api: xform_name(api) for api in model["operations"]}
    return botocore.__version__, model, pages, py_names


def main(argv=None):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(root, "qconnect_c", "_docs.py"))
    parser.add_argument("--json", help="also write the docstrings as JSON to this path")
    args = parser.parse_args(argv)
    version, model, pages, py_names = load_botocore()
    methods, paginate = build(model, pages, py_names)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(render_module(version, methods, paginate))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"method": methods, "paginate": paginate}, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
