"""QTI 1.2 import (Canvas classic quizzes): a bare document and the same in a package."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from importers import read_bytes
from importers.bank import Bank
from tests.importers.handwritten import FIXTURES, check_warnings, located, run_import, written

QTI12 = FIXTURES / "qti12"
MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="m" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
  <resources>
    <resource identifier="quiz1" type="imsqti_xmlv1p2">
      <file href="quiz1/quiz1.xml"/>
    </resource>
  </resources>
</manifest>
"""


def _expected() -> dict[str, str]:
    folder = QTI12 / "expected"
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.yaml"))}


def test_hand_written_canvas_quiz_gives_the_expected_chapter(tmp_path: Path) -> None:
    source = QTI12 / "quiz.xml"
    code, err = run_import(source, tmp_path / "c")
    assert code == 0, err
    assert written(tmp_path / "c") == _expected()
    assert located(err, source) == ["141:1 import-unsupported"]  # the essay
    image = tmp_path / "c" / "assets" / "imported" / "france.png"
    assert image.read_bytes() == (QTI12 / "maps" / "france.png").read_bytes()
    assert check_warnings(tmp_path / "c") <= {"missing-explanation", "missing-feedback"}


def _package(tmp_path: Path, with_image: bool = True) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("quiz1/quiz1.xml", (QTI12 / "quiz.xml").read_bytes())
        if with_image:
            archive.writestr("maps/france.png", (QTI12 / "maps" / "france.png").read_bytes())
    target = tmp_path / "quiz.zip"
    target.write_bytes(buffer.getvalue())
    return target


def test_the_same_quiz_in_a_package_gives_the_same_chapter(tmp_path: Path) -> None:
    code, err = run_import(_package(tmp_path), tmp_path / "c")  # format from the manifest
    assert code == 0, err
    assert written(tmp_path / "c") == _expected()
    assert (tmp_path / "c" / "assets" / "imported" / "france.png").is_file()


def test_an_image_missing_from_the_package_is_reported_in_its_document(tmp_path: Path) -> None:
    package = _package(tmp_path, with_image=False)
    code, err = run_import(package, tmp_path / "c")
    assert code == 0
    assert f"{package}!quiz1/quiz1.xml:12:1: warning[import-unsupported]" in err
    assert "![map]" not in (tmp_path / "c" / "imported" / "week-3-quiz.yaml").read_text()


def test_zip_slip_entries_are_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("../../evil.xml", "<x/>")
        archive.writestr("quiz1/quiz1.xml", (QTI12 / "quiz.xml").read_bytes())
    bank = read_bytes(buffer.getvalue(), "quiz.zip", None, Bank("quiz.zip"))
    assert [d.code.value for d in bank.diagnostics if d.code.value != "import-unsupported"] \
        == ["import-refused"]
    assert "evil" in bank.diagnostics[0].message
    assert not (tmp_path.parent / "evil.xml").exists()


def test_a_damaged_zip_is_a_located_error() -> None:
    bank = read_bytes(b"PK\x03\x04 not really a zip", "quiz.zip", None, Bank("quiz.zip"))
    assert [(d.span.line if d.span else 0, d.code.value) for d in bank.diagnostics] \
        == [(1, "import-syntax")]
