"""The output scanner finds what it is meant to find (else the property test proves nothing)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.safety.scan import file_problems

BAD = [
    ("page.html", b'<p><img src=x onerror="window.__pwned=1"></p>'),
    ("page.html", b'<a href=" java\tscript:window.__pwned=1">x</a>'),
    ("page.html", b"<script>window.__pwned=1</script>"),
    ("page.html", b'<img src="/etc/passwd">'),
    ("page.html", b'<a href="//etc/passwd">x</a>'),
    # What latex2mathml made of `\text{<img onerror>}` before math was sanitised.
    ("page.html", b"<math><mtext><img src=x onerror=window.__pwned=1></mtext></math>"),
    ("page.html", b'<math><mrow href="javascript:window.__pwned=1"><mi>x</mi></mrow></math>'),
    ("page.html", b"<p>title \x1b]0;pwned\x07</p>"),
    ("bank.xml", b'<q><questiontext format="html"><text><![CDATA[<svg onload=x>]]></text>'
                 b"</questiontext></q>"),
    ("bank.xml", b'<q><mattext texttype="text/html">&lt;img src=x onerror=x&gt;</mattext></q>'),
    ("bank.txt", b"::t::[html]<p onclick=x>q</p>{T}"),
    ("data.json", b'{"a": "nul\\u0000"}'),
]
GOOD = [
    ("page.html", b"<p>&lt;script&gt;window.__pwned=1&lt;/script&gt;</p>"),
    ("page.html", b'<script src="../assets/quiz.js"></script><a href="../media/a.svg">a</a>'),
    ("bank.xml", b"<q><name><text>Title &lt;script&gt;pwned&lt;/script&gt;</text></name></q>"),
    ("bank.txt", b"// <script>pwned</script>\n::<b>::[html]<p>&lt;b&gt;</p>{=a -> <b>}"),
]


@pytest.mark.parametrize(("name", "data"), BAD)
def test_the_scanner_finds_live_markup(name: str, data: bytes) -> None:
    assert file_problems(name, data)


@pytest.mark.parametrize(("name", "data"), GOOD)
def test_the_scanner_leaves_text_alone(name: str, data: bytes) -> None:
    assert file_problems(name, data) == []


@pytest.mark.parametrize("entry", ["../evil.svg", "/abs.txt", "a\\..\\b.svg", "C:/x", "a/\x1bb"])
def test_the_scanner_finds_unsafe_zip_entries(entry: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(entry, b"x")
    assert file_problems("package.zip", buffer.getvalue())
