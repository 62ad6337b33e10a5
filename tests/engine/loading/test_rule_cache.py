"""Re-checking with a LoadCache re-runs the rules of the changed chapters only, and says
exactly what a full check says, across edits that make and mend cross-file problems."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.diagnostics import Code, Diagnostic
from engine.loading import rule_cache
from engine.loading.loader import LoadCache, check_course

CHAPTERS = ("one", "two", "three")


def _question(qid: str, right: int, explanation: str = "Because.", shuffle: bool = False
              ) -> str:
    choices = "".join(
        f"      - text: Option {n}\n        correct: {str(n == right).lower()}\n"
        + ("" if n == right else "        feedback: Not this one.\n")
        for n in range(3))
    return (f"  - kind: question\n    id: {qid}\n    type: single\n"
            f"    shuffle: {str(shuffle).lower()}\n"
            f"    prompt: Pick one\n    choices:\n{choices}"
            f"    explanation: {explanation}\n")


def _chapter_text(name: str, *, ident: str | None = None, rights: tuple[int, ...] = (0, 1),
                  extra: str = "") -> str:
    questions = "".join(_question(f"{name}-q{i}", right) for i, right in enumerate(rights))
    return (f"id: {ident or name}\ntitle: Chapter {name}\nblocks:\n"
            f"  - kind: explanation\n    id: {name}-intro\n    body: About {name}\n"
            f"{questions}{extra}")


def _save(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    # Same-second saves must still count as changes.
    os.utime(path, ns=(before + 1_000_000, max(before + 1_000_000, path.stat().st_mtime_ns)))


def _course_text(chapters: tuple[str, ...] = CHAPTERS, suppress: str = "[]",
                 language: str = "en") -> str:
    listed = ", ".join(f"{c}.yaml" for c in chapters)
    return (f"id: c\ntitle: A course\nlanguage: {language}\nsuppress: {suppress}\n"
            f"sections:\n  - id: s\n    title: S\n    chapters: [{listed}]\n"
            "  - id: empty\n    title: Nothing yet\n    chapters: []\n")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "course"
    folder.mkdir()
    _save(folder / "course.yaml", _course_text())
    for name in CHAPTERS:
        _save(folder / f"{name}.yaml", _chapter_text(name))
    return folder


def _codes(diagnostics: list[Diagnostic]) -> set[str]:
    return {d.code.value for d in diagnostics}


def test_incremental_rules_say_what_a_full_check_says(root: Path) -> None:
    cache = LoadCache()
    steps = [
        ("start", None, None, {Code.EMPTY_SECTION.value}),
        # A chapter id used in another file: only the whole course can tell.
        ("chapter id twice", "two", _chapter_text("two", ident="one"), {Code.DUPLICATE_ID.value}),
        ("mended", "two", _chapter_text("two"), set()),
        # A block id of another file.
        ("block id twice", "three",
         _chapter_text("three", extra="  - kind: explanation\n    id: ONE-intro\n    body: x\n"),
         {Code.DUPLICATE_ID.value}),
        ("mended again", "three", _chapter_text("three"), set()),
        # A block id twice in one file, and a question of its own with no explanation.
        ("inside one file", "one",
         _chapter_text("one", extra="  - kind: explanation\n    id: one-intro\n    body: x\n"
                       + _question("bare", 1, explanation="''")),
         {Code.DUPLICATE_ID.value, Code.MISSING_EXPLANATION.value}),
        ("clean", "one", _chapter_text("one"), set()),
        # Every right answer in the first position, across the files (6 questions).
        ("keys in one position", "one", _chapter_text("one", rights=(0, 0)), set()),
        ("", "two", _chapter_text("two", rights=(0, 0)), set()),
        ("all keys first", "three", _chapter_text("three", rights=(0, 0)),
         {Code.ANSWER_KEY_POSITION.value}),
        ("one key moved", "two", _chapter_text("two", rights=(0, 2)), set()),
        # Course settings: a warning suppressed, another language, a chapter left out.
        ("suppressed", "course.yaml", _course_text(suppress="[empty-section]"), set()),
        # Portuguese words for a position, said of shuffled options: only a course in
        # Portuguese reads them so, and the chapter itself does not change.
        ("a primeira", "three", _chapter_text("three", extra=_question(
            "pt", 1, explanation="A primeira opção está certa.", shuffle=True)), set()),
        ("portuguese", "course.yaml", _course_text(language="pt"), {Code.POSITION_REFERENCE.value}),
        ("a chapter less", "course.yaml", _course_text(chapters=("one", "three")), set()),
        ("back", "course.yaml", _course_text(), set()),
        # An image the chapter shows: missing, then there, then a script in it, which the
        # chapter's own rules say, though the chapter does not change.
        ("no image", "one", _chapter_text("one", extra=(
            "  - kind: explanation\n    body: '![A figure](figure.svg)'\n")),
         {Code.MISSING_ASSET.value}),
        ("an image", "figure.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>', set()),
        ("a script in it", "figure.svg",
         '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         {Code.UNSAFE_SVG.value}),
    ]
    for label, name, text, expected in steps:
        if name is not None and text is not None:
            _save(root / (f"{name}.yaml" if "." not in name else name), text)
        incremental = check_course(root, cache).diagnostics
        full = check_course(root).diagnostics
        assert incremental == full, label
        assert expected <= _codes(full), label
        if label in ("mended", "mended again", "clean", "one key moved"):
            assert _codes(full) <= {Code.EMPTY_SECTION.value}, label
            # And the rules across files are left out again (they have nothing to say).
            assert not cache.course_rules.crossing.may_cross(), label
        if label in ("chapter id twice", "block id twice", "all keys first"):
            assert cache.course_rules.crossing.may_cross(), label


def test_only_the_changed_chapter_is_checked_again(root: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = rule_cache._chapter_rules

    def counting(*args: object) -> object:
        checked.append(args[3].path)  # type: ignore[attr-defined]
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(rule_cache, "_chapter_rules", counting)
    cache = LoadCache()
    check_course(root, cache)
    assert sorted(checked) == sorted(f"{c}.yaml" for c in CHAPTERS)
    checked.clear()
    # A site written into the course folder (as `serve -o _build` run in it does) is no
    # course file a chapter refers to.
    (root / "_build" / "site").mkdir(parents=True)
    (root / "_build" / ".site.manifest.json").write_text("{}")
    (root / "_build" / "site" / "index.html").write_text("a page")
    _save(root / "two.yaml", _chapter_text("two", rights=(2, 1)))
    check_course(root, cache)
    assert checked == ["two.yaml"]
    # Another course setting: every chapter again (their rules read the settings).
    checked.clear()
    _save(root / "course.yaml", _course_text(language="pt"))
    check_course(root, cache)
    assert len(checked) == len(CHAPTERS)
