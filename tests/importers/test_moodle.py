"""Moodle XML import: a hand-written bank of every core type, and hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers import read_bytes
from importers.bank import Bank
from tests.importers.handwritten import FIXTURES, check_warnings, located, run_import, written

MOODLE = FIXTURES / "moodle"


def test_hand_written_bank_gives_the_expected_chapters(tmp_path: Path) -> None:
    source = MOODLE / "bank.xml"
    root = tmp_path / "c"
    code, err = run_import(source, root)
    assert code == 0, err
    expected = {p.relative_to(MOODLE / "expected").as_posix(): p.read_text(encoding="utf-8")
                for p in sorted((MOODLE / "expected").rglob("*.yaml"))}
    assert written(root) == expected
    # The base64 attachment is decoded into the course's assets, byte for byte.
    image = root / "assets" / "imported" / "cell-diagram.png"
    assert image.read_bytes() == (MOODLE / "expected" / "cell-diagram.png").read_bytes()
    assert image.read_bytes().startswith(b"\x89PNG")
    # Every loss at its question's element, and the import went on past each one.
    assert located(err, source) == [
        "52:1 import-unsupported", "83:1 import-unsupported", "88:1 import-unsupported",
        "92:1 import-unsupported", "98:1 import-unsupported", "98:1 import-unsupported",
    ]
    for kind in ("essay", "calculated", "missing-image", "scripting", "answer-feedback"):
        assert f"x {kind}" in err
    assert check_warnings(root) <= {"missing-explanation", "missing-feedback"}


def _read(xml: bytes) -> Bank:
    return read_bytes(xml, "bank.xml", None, Bank("bank.xml"))


def _codes(bank: Bank) -> list[tuple[int, str]]:
    return [(d.span.line if d.span else 0, d.code.value) for d in bank.diagnostics]


def test_entity_declarations_are_refused_before_parsing() -> None:
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY a "aaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<quiz><question type="truefalse"><questiontext><text>&c;</text></questiontext></question></quiz>
"""
    bank = _read(laughs)
    assert _codes(bank) == [(3, "import-refused")]
    assert bank.chapters == []


def test_external_entities_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (f'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "file://{secret}">]>\n'
           '<quiz><question type="description"><name><text>d</text></name><questiontext>'
           '<text>&x;</text></questiontext></question></quiz>').encode()
    bank = _read(xxe)
    assert _codes(bank) == [(2, "import-refused")]
    assert "TOP SECRET" not in repr(bank.chapters)


def test_malformed_xml_is_a_located_error() -> None:
    bank = _read(b'<?xml version="1.0"?>\n<quiz>\n  <question type="truefalse">\n</quiz>\n')
    assert _codes(bank) == [(4, "import-syntax")]


def test_a_file_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import importers.safe

    monkeypatch.setattr(importers.safe, "MAX_INPUT_BYTES", 100)
    bank = _read(b"<quiz>" + b" " * 200 + b"</quiz>")
    assert _codes(bank) == [(1, "import-refused")]


def test_another_xml_root_is_reported() -> None:
    bank = read_bytes(b"<html><body/></html>", "x.xml", "moodle", Bank("x.xml"))
    assert _codes(bank) == [(1, "import-syntax")]


def test_cloze_weights_and_unsupported_blanks() -> None:
    def cloze(text: str) -> Bank:
        xml = ('<quiz><question type="cloze"><name><text>c</text></name><questiontext '
               f'format="html"><text><![CDATA[{text}]]></text></questiontext></question></quiz>')
        return _read(xml.encode())

    weighted = cloze("{2:SA:=a} and {1:SA:=b}")
    assert [d.message for d in weighted.diagnostics] == [
        "cloze question 'c': blank weights ['1', '2'] replaced by equal weights"]
    assert weighted.chapters[0].blocks[0]["blanks"] == {"b1": {"accept": ["a"]},
                                                       "b2": {"accept": ["b"]}}
    multi = cloze("{1:MULTIRESPONSE:~%50%a~%50%b~c}")
    assert multi.chapters == [] or multi.chapters[0].blocks == []
    assert [kind for kind, _ in multi.losses] == ["cloze-blank"]
    escaped = cloze(r"{1:SAC:=a\}b~%50%c#half}")
    blank = escaped.chapters[0].blocks[0]["blanks"]["b1"]
    assert blank == {"accept": ["a}b"], "case_sensitive": True}
    assert [kind for kind, _ in escaped.losses] == ["partial-credit", "answer-feedback"]


def test_invalid_base64_is_reported_not_raised() -> None:
    xml = ('<quiz><question type="shortanswer"><name><text>q</text></name>'
           '<questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/a.png">]]>'
           '</text><file name="a.png" encoding="base64">@@@not base64@@@</file></questiontext>'
           '<answer fraction="100"><text>x</text></answer></question></quiz>')
    bank = _read(xml.encode())
    assert _codes(bank) == [(1, "import-syntax")]
    assert "not valid base64" in bank.diagnostics[0].message
    assert bank.media == {}
