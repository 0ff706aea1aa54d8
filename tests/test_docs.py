"""Docstrings of the client methods and paginators, against boto3's, live.

- every method's docstring (``str(client.<method>.__doc__)``) and every paginator's
  ``paginate`` docstring is the text boto3 produces for it, character for character;
  ``help()`` / ``inspect.getdoc`` show the same text;
- the docstrings are loaded lazily: importing qconnect_c and making a client does not
  import qconnect_c._docs;
- qconnect_c/_docs.py is what tools/gen_docs.py generates now.
"""

import inspect
import os
import pathlib
import pydoc
import subprocess
import sys
import textwrap
import types

import boto3
import pytest

import qconnect_c
from qconnect_c import _model

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLIENT_MODULE = sys.modules["qconnect_c.client"]
KWARGS = dict(region_name="us-east-1", aws_access_key_id="AKIDDOCS", aws_secret_access_key="s")


@pytest.fixture(scope="module")
def clients():
    return boto3.client("qconnect", **KWARGS), qconnect_c.client("qconnect", **KWARGS)


def _first_paragraph(text):
    return text.strip().split("\n\n")[0]


@pytest.mark.parametrize("method", sorted(_model.OPERATION_NAMES))
def test_method_docstring_is_boto3s(clients, method):
    boto, ours = clients
    expected = str(getattr(boto, method).__doc__)
    got = str(getattr(ours, method).__doc__)
    assert got.strip()
    assert _first_paragraph(got) == _first_paragraph(expected)
    assert got == expected


@pytest.mark.parametrize("api", sorted(_model.PAGINATORS))
def test_paginate_docstring_is_boto3s(clients, api):
    boto, ours = clients
    method = {v: k for k, v in _model.OPERATION_NAMES.items()}[api]
    expected = str(boto.get_paginator(method).paginate.__doc__)
    got = str(ours.get_paginator(method).paginate.__doc__)
    assert got.startswith("Creates an iterator that will paginate through responses from "
                          f":py:meth:`QConnect.Client.{method}`.")
    assert got == expected


@pytest.mark.parametrize("method", ["start_import_job", "get_recommendations",
                                    "query_assistant", "create_ai_agent", "list_tags_for_resource"])
def test_help_shows_the_same_text(clients, method):
    boto, ours = clients
    assert inspect.getdoc(getattr(ours, method)) == inspect.getdoc(getattr(boto, method))
    ours_help = pydoc.render_doc(getattr(ours, method), renderer=pydoc.plaintext)
    boto_help = pydoc.render_doc(getattr(boto, method), renderer=pydoc.plaintext)
    assert ours_help.replace("qconnect_c.client", "botocore.client") == boto_help
    assert "**Request Syntax**" in ours_help and ":rtype: dict" in ours_help


def test_deprecated_and_first_paragraphs(clients):
    boto, ours = clients
    for method in ("start_import_job", "list_quick_responses", "search_quick_responses"):
        text = str(getattr(ours, method).__doc__)
        assert _first_paragraph(text) == _first_paragraph(str(getattr(boto, method).__doc__))
    assert ".. danger::" in str(ours.query_assistant.__doc__)
    assert str(ours.start_import_job.__doc__).strip().startswith(
        "Start an asynchronous job to import Amazon Q in Connect resources")


def test_docstring_becomes_plain_text_once_read():
    def owner():
        pass

    lazy = CLIENT_MODULE.LazyDocstring(("method", "delete_import_job"), owner)
    owner.__doc__ = lazy
    assert isinstance(owner.__doc__, CLIENT_MODULE.LazyDocstring)
    text = str(lazy)
    assert text.lstrip().startswith("Deletes the quick response import job.")
    assert type(owner.__doc__) is str and owner.__doc__ == text
    assert str(lazy) is text and repr(lazy) == text
    assert lazy.expandtabs() == text.expandtabs()
    assert inspect.cleandoc(lazy) == inspect.cleandoc(text)


def test_methods_look_like_boto3_methods():
    """Operations are C method descriptors: read from a client they are
    bound methods with boto3's name, signature, module and help text."""
    import boto3

    ours = qconnect_c.client("qconnect", region_name="us-east-1",
                             aws_access_key_id="a", aws_secret_access_key="b")
    boto = boto3.client("qconnect", region_name="us-east-1",
                        aws_access_key_id="a", aws_secret_access_key="b")
    for method in _model.OPERATION_NAMES:
        mine, theirs = getattr(ours, method), getattr(boto, method)
        assert inspect.ismethod(mine) and inspect.ismethod(theirs), method
        assert mine.__self__ is ours and mine.__name__ == method
        assert mine.__qualname__ == f"QConnect.{method}"
        assert mine.__module__ == "qconnect_c.client"
        assert inspect.signature(mine) == inspect.signature(theirs)
        assert callable(CLIENT_MODULE.QConnect.__dict__[method])
    unbound = CLIENT_MODULE.QConnect.start_import_job
    assert unbound is CLIENT_MODULE.QConnect.__dict__["start_import_job"]
    assert repr(unbound) == "<function QConnect.start_import_job>"
    with pytest.raises(TypeError, match="only accepts keyword arguments"):
        unbound(ours, "positional")
    with pytest.raises(TypeError, match="missing 1 required positional"):
        unbound()


def test_docs_table_is_complete():
    from qconnect_c import _docs

    assert _docs.names("method") == sorted(_model.OPERATION_NAMES)
    assert _docs.names("paginate") == sorted(_model.PAGINATORS)
    for kind in ("method", "paginate"):
        for name in _docs.names(kind):
            assert _docs.docstring(kind, name).strip(), (kind, name)


def _run_python(code):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_docs_load_lazily():
    out = _run_python("""
        import sys
        import qconnect_c
        c = qconnect_c.client("qconnect", region_name="us-east-1",
                              aws_access_key_id="a", aws_secret_access_key="b")
        doc = c.start_import_job.__doc__
        print("qconnect_c._docs" in sys.modules, type(doc).__name__)
        c.get_paginator("list_contents").paginate(knowledgeBaseId="kb")
        print("qconnect_c._docs" in sys.modules)
        text = str(doc)
        print("qconnect_c._docs" in sys.modules, text.lstrip().startswith("Start an"))
        print(type(c.start_import_job.__doc__).__name__, c.start_import_job.__doc__ == text)
    """)
    assert out == ["False", "LazyDocstring", "False", "True", "True", "str", "True"]


def test_generated_docs_are_fresh(tmp_path):
    out = tmp_path / "_docs.py"
    subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--out", str(out)],
                   check=True, cwd=str(ROOT), timeout=300)
    assert out.read_bytes() == (ROOT / "qconnect_c" / "_docs.py").read_bytes(), \
        "qconnect_c/_docs.py is stale: run tools/gen_docs.py"


# HTML the converter must turn into the same reST as botocore's, including shapes of
# markup this service's model does not use (yet).
HTML_SNIPPETS = [
    '<p>See <a href="https://example.com/z">the: docs</a> now.</p>',
    '<p>Run<a href=" https://example.com/a ">  spaced   text </a>, then stop.</p>',
    '<p>Empty <a href="https://example.com/e"></a> link and <a>Bare</a> name.</p>',
    "<b><code>x</code> y</b> and <i><b>z</b></i>",
    '<code><a href="u">t</a></code> and <a href="v"><code>c</code></a>',
    "<b>bold</b><i>italic</i><b></b><code></code>x",
    "<p>Use <code>a</code>,<code>b</code> or<code>c</code>.</p>",
    "<ul><li>one<ul><li>nested <b>deep</b></li></ul></li><li>two</li></ul><ol><li>a</li></ol>",
    "<note>A note.</note><important><p>Careful.</p></important><danger>Danger.</danger>",
    "<p>unclosed <b>bold</p> after",
    "<p>x</p></p>",
    "</p>broken afterwards <b>x</b>",
    "<p>x</p></p>more",
    "a &amp; b &lt;c&gt; &#169; d",
    "text & more &amp",
    "<p>  spaced   words \n\n more </p>  <p></p>\n<p>next</p>",
    "<examples>hidden</examples>shown<fullname>gone</fullname>",
    "<p>line<br/>break <span>span</span> <div>div</div></p>",
    "<p>",
    "plain text only",
    "<codeblock>x = 1</codeblock>",
]


@pytest.mark.parametrize("snippet", HTML_SNIPPETS)
@pytest.mark.parametrize("level", [0, 3])
def test_html_conversion_matches_botocore(snippet, level):
    from botocore.docs.bcdoc.restdoc import DocumentStructure

    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_docs
    finally:
        sys.path.pop(0)
    theirs = DocumentStructure("docstring", target="html")
    section = theirs.add_new_section("text")
    for _ in range(level):
        section.style.indent()
    section.include_doc_string(snippet)
    expected = theirs.flush_structure().decode("utf-8")
    ours = gen_docs.Section("docstring")
    part = ours.sub("text")
    for _ in range(level):
        part.indent()
    part.html(snippet)
    assert ours.render(gen_docs.DEFAULT_DOCS_LINK) == expected
