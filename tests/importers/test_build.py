"""Every hand-written bank imported into one course: it checks and builds to every format."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from click.testing import CliRunner

from engine.loading.loader import check_course
from tests.importers.handwritten import FIXTURES, run_import


def _qti21_zip(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    package = FIXTURES / "qti21" / "package"
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(package.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(package).as_posix())
    target = tmp_path / "week4.zip"
    target.write_bytes(buffer.getvalue())
    return target


def test_all_banks_in_one_course_check_and_build_to_every_format(tmp_path: Path) -> None:
    from cli.commands.build import build

    root = tmp_path / "course"
    sources = [FIXTURES / "gift" / "bank.gift", FIXTURES / "moodle" / "bank.xml",
               FIXTURES / "qti12" / "quiz.xml", _qti21_zip(tmp_path),
               FIXTURES / "text2qti" / "quiz.md"]
    imported = 0
    for source in sources:
        code, err = run_import(source, root)
        assert code == 0, (source, err)
        imported += int(re.search(r"imported (\d+) question", err).group(1))  # type: ignore[union-attr]
    checked = check_course(root)
    assert checked.course is not None, [d.headline() for d in checked.diagnostics]
    # Questions named alike in different banks ("algorithm") got distinct ids.
    ids = [q.id for q in checked.course.questions]
    assert len(ids) == len(set(ids)) and "algorithm" in ids and "algorithm-2" in ids
    assert len(ids) == imported == 46
    out = tmp_path / "out"
    result = CliRunner().invoke(build, [str(root), "--format", "all", "--out", str(out),
                                        "--no-execute"])
    assert result.exit_code == 0, result.output
    for name in ("site/index.html", "hw-gift.txt", "hw-moodle.xml", "hw-qti12.zip",
                 "hw-qti21.zip", "hw.imscc", "hw-scorm12.zip", "hw-cmi5.zip"):
        assert (out / name).is_file(), name
