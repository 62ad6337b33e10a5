"""QTI 2.1 import: a package with response-processing templates and custom rules."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from importers import read_bytes
from importers.bank import Bank
from importers.qti21_rules import uncase
from tests.importers.handwritten import FIXTURES, check_warnings, run_import, written

QTI21 = FIXTURES / "qti21"


def _zip(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((QTI21 / "package").rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(QTI21 / "package").as_posix())
    target = tmp_path / "week4.zip"
    target.write_bytes(buffer.getvalue())
    return target


def test_hand_written_package_gives_the_expected_chapter(tmp_path: Path) -> None:
    package = _zip(tmp_path)
    code, err = run_import(package, tmp_path / "c")
    assert code == 0, err
    expected = {p.relative_to(QTI21 / "expected").as_posix(): p.read_text(encoding="utf-8")
                for p in sorted((QTI21 / "expected").rglob("*.yaml"))}
    assert written(tmp_path / "c") == expected
    assert f"{package}!items/essay.xml:2:1: warning[import-unsupported]" in err
    assert "not imported: 1 x essay" in err
    assert check_warnings(tmp_path / "c") <= {"missing-explanation", "missing-feedback"}


def test_a_bare_item_imports_into_a_chapter_of_items(tmp_path: Path) -> None:
    code, err = run_import(QTI21 / "package" / "items" / "pi.xml", tmp_path / "c")
    assert code == 0, err
    chapter = (tmp_path / "c" / "imported" / "items.yaml").read_text()
    assert "answer: 3.14" in chapter and "tolerance: 0.005" in chapter
    assert "unit: metres" in chapter


def test_a_bare_test_asks_for_its_package() -> None:
    data = (QTI21 / "package" / "test.xml").read_bytes()
    bank = read_bytes(data, "test.xml", None, Bank("test.xml"))
    assert [d.code.value for d in bank.diagnostics] == ["import-syntax"]
    assert "package" in bank.diagnostics[0].message


def test_case_insensitive_patterns_are_written_back_plainly() -> None:
    assert uncase("[bB][aA][cC][kK] ?prop") == "back ?prop"
    assert uncase("[,xX×]") == "[,x×]"
    assert uncase("[a-zA-Z]+") == "[a-zA-Z]+"  # a range is left as written
    assert uncase("[Aa]") == "[a]"  # the same class when case is ignored
