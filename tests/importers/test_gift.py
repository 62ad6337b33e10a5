"""GIFT import: a hand-written bank with every answer form, errors, re-imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers import detect
from importers.bank import Bank
from importers.gift import read_gift, unescape
from tests.importers.handwritten import FIXTURES, check_warnings, located, run_import, written

GIFT = FIXTURES / "gift"


def _expected(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.yaml"))}


def test_hand_written_bank_gives_the_expected_chapters(tmp_path: Path) -> None:
    source = GIFT / "bank.gift"
    code, err = run_import(source, tmp_path / "c")
    assert code == 0, err
    assert written(tmp_path / "c") == _expected(GIFT / "expected")
    # Each loss is reported at the question's first line, and summarised per kind.
    assert located(err, source) == [
        "40:1 import-unsupported", "40:1 import-unsupported", "57:1 import-unsupported",
    ]
    assert "not imported: 1 x essay" in err
    # The imported course checks; what remains are content warnings the bank had.
    assert check_warnings(tmp_path / "c") <= {"missing-explanation", "missing-feedback"}


def test_an_unclosed_answer_block_is_a_located_error(tmp_path: Path) -> None:
    source = GIFT / "unclosed.gift"
    code, err = run_import(source, tmp_path / "c")
    assert code == 1
    assert located(err, source) == ["1:32 import-syntax"]
    assert written(tmp_path / "c") == {"course.yaml": (tmp_path / "c/course.yaml").read_text()}


def test_strict_fails_on_anything_left_out(tmp_path: Path) -> None:
    code, err = run_import(GIFT / "bank.gift", tmp_path / "c", "--strict")
    assert code == 1 and "import failed: 3 warnings" in err
    assert not (tmp_path / "c" / "networks").exists()


def test_dry_run_shows_the_files_and_writes_nothing(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli.commands.import_ import import_

    root = tmp_path / "c"
    run_import(GIFT / "unclosed.gift", root)  # creates the empty course only
    before = written(root)
    result = CliRunner().invoke(import_, [str(GIFT / "bank.gift"), "--into", str(root),
                                          "--dry-run"])
    assert result.exit_code == 0
    assert "id: capital" in result.stdout and "new" in result.stderr
    assert written(root) == before


def test_importing_again_updates_instead_of_duplicating(tmp_path: Path) -> None:
    root = tmp_path / "c"
    assert run_import(GIFT / "bank.gift", root)[0] == 0
    first = written(root)
    assert run_import(GIFT / "bank.gift", root)[0] == 0  # same content: nothing to overwrite
    assert written(root) == first
    (root / "networks" / "basics.yaml").write_text(first["networks/basics.yaml"] + "\n# edit\n")
    code, err = run_import(GIFT / "bank.gift", root)
    assert code == 1 and "--force" in err
    assert (root / "networks" / "basics.yaml").read_text().endswith("# edit\n")
    assert run_import(GIFT / "bank.gift", root, "--force")[0] == 0
    assert written(root) == first
    assert (root / "course.yaml").read_text().count("networks/basics.yaml") == 1


def test_section_option_puts_every_chapter_in_one_section(tmp_path: Path) -> None:
    root = tmp_path / "c"
    assert run_import(GIFT / "bank.gift", root, "--section", "quiz")[0] == 0
    course = (root / "course.yaml").read_text()
    assert "- id: quiz" in course and "quiz/basics.yaml" in course and "quiz/numbers.yaml" in course


@pytest.mark.parametrize(("raw", "text"), [
    (r"a\: b", "a: b"), (r"\{x\}", "{x}"), (r"1 \= 1", "1 = 1"), (r"\~ \#", "~ #"),
    (r"line\nbreak", "line\nbreak"), (r"back\\slash", "back\\slash"), (r"\(x\)", r"\(x\)"),
])
def test_escapes(raw: str, text: str) -> None:
    assert unescape(raw) == text


def test_detection_tells_gift_from_other_text() -> None:
    assert detect((GIFT / "bank.gift").read_bytes(), "bank.txt") == "gift"
    assert detect(b"just some prose\n", "notes.txt") is None


def test_ids_are_made_unique_and_stable() -> None:
    text = "::Same::One?{T}\n\n::Same::Two?{F}\n\n::Same::Three?{T}\n"
    ids = []
    for _ in range(2):
        bank = Bank("x.gift")
        read_gift(text, bank)
        ids.append([b["id"] for c in bank.chapters for b in c.blocks])
    assert ids[0] == ids[1] == ["same", "same-2", "same-3"]
