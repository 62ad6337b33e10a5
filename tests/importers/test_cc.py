"""Common Cartridge import: the CC QTI profile, Canvas's extension, the outline."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.importers.handwritten import FIXTURES, check_warnings, run_import, written

CC = FIXTURES / "cc"


def _cartridge(tmp_path: Path, canvas: bool = True) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((CC / "cartridge").rglob("*")):
            rel = path.relative_to(CC / "cartridge").as_posix()
            if path.is_file() and (canvas or not rel.startswith("non_cc_assessments/")):
                archive.write(path, rel)
    target = tmp_path / "week5.imscc"
    target.write_bytes(buffer.getvalue())
    return target


def test_hand_written_cartridge_gives_the_expected_chapter(tmp_path: Path) -> None:
    cartridge = _cartridge(tmp_path)
    code, err = run_import(cartridge, tmp_path / "c")
    assert code == 0, err
    expected = {p.relative_to(CC / "expected").as_posix(): p.read_text(encoding="utf-8")
                for p in sorted((CC / "expected").rglob("*.yaml"))}
    # Profile items keep rshuffle/shuffle/case/all-or-nothing; Canvas's copy adds the
    # numerical question in its place; the organization names the section.
    assert written(tmp_path / "c") == expected
    assert f"{cartridge}!q1/assessment_qti.xml:51:1: warning[import-unsupported]" in err
    assert check_warnings(tmp_path / "c") <= {"missing-explanation", "missing-feedback"}


def test_without_canvas_extension_only_the_profile_questions_come(tmp_path: Path) -> None:
    code, err = run_import(_cartridge(tmp_path, canvas=False), tmp_path / "c")
    assert code == 0, err
    chapter = (tmp_path / "c" / "week-5" / "gates.yaml").read_text()
    assert "id: forget-gate" in chapter and "id: symbol" in chapter
    assert "gate-count" not in chapter
