"""Round trips: export a course, import the export into an empty course, compare.

A question bank carries questions grouped in categories; prose, code cells, objectives
and course settings are not part of any of these formats, so the comparison is over
what a bank can carry: every question (by id) with every field, and the order of the
questions in chapters (by title). Markdown is compared as the learner sees it (rendered
HTML with math reduced to its visible characters), numbers as the interval of answers
they accept, cloze blanks in the order of their markers (banks number blanks; they have
no names), and patterns without `^...$` anchors, which a full match makes redundant.
Everything else must be equal, except exactly the fields that the export's fidelity
report says it lost.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import unicodedata
from pathlib import Path, PurePosixPath
from typing import Any

from engine.field_types import MARKER
from engine.loading.loader import check_course
from engine.model import Course
from engine.text.markdown import render_markdown

EMPTY_COURSE = """\
# yaml-language-server: $schema=schemas/course.schema.json
id: {id}
title: Imported
sections: []
"""

LOSS_FIELDS: dict[str, set[str]] = {
    "hints": {"hints", "hint_penalty"},
    "points": {"points"},
    "fixed": {"fixed"},
    "shuffle": {"shuffle"},
    "scoring": {"scoring"},
    "unit": {"unit", "prompt"},
    "pattern": {"pattern", "blank_patterns"},
    "case-sensitive": {"case_sensitive", "blank_case"},
    "tags": {"tags"},
    "formatting": {"pairs", "distractors", "items"},
    "math": {"pairs", "distractors", "items"},  # math as linear plain text (±1/√H)
    "penalty": {"hint_penalty"},
    "wrong-answer-feedback": {"feedback"},
    "blank-kind": {"blanks"},
}
"""Which projected fields a reported loss allows to differ ("question-type": all)."""


def _math_text(html: str) -> str:
    def flat(m: re.Match[str]) -> str:
        text = re.sub(r"<annotation[^>]*>.*?</annotation>", "", m.group(0), flags=re.S)
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", text))
        return "<m>" + re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) + "</m>"

    return re.sub(r"<math\b.*?</math>", flat, html, flags=re.S)


def md(text: str | None) -> str | None:
    """Markdown as the learner sees it."""
    if text is None:
        return None
    html = _math_text(render_markdown(text))
    html = re.sub(r"\s+", " ", html).strip()
    return re.sub(r"> <", "><", html)


def _interval(answer: Any, tolerance: Any, rng: Any) -> tuple[float, float] | None:
    if rng is not None:
        return (round(float(rng[0]), 9), round(float(rng[1]), 9))
    if answer is None:
        return None
    value = float(answer)
    if tolerance is None:
        tol = 0.0
    elif isinstance(tolerance, str):
        tol = abs(value) * float(tolerance.strip().rstrip("%")) / 100
    else:
        tol = float(tolerance)
    return (round(value - tol, 9), round(value + tol, 9))


def _pattern(pattern: str | None) -> str | None:
    """A pattern without `^...$`, which a full match (as lessonkit matches) makes redundant."""
    if pattern is None:
        return None
    return pattern.removeprefix("^").removesuffix("$") if pattern.endswith("$") and \
        not pattern.endswith("\\$") else pattern.removeprefix("^")


def project(question: Any) -> dict[str, Any]:
    """The fields of a question a bank can carry, normalised as described above."""
    q = question.model_dump(mode="json")
    out: dict[str, Any] = {
        "type": q["type"], "prompt": md(q["prompt"]), "points": q["points"],
        "hints": [md(h) for h in q["hints"]], "hint_penalty": q["hint_penalty"],
        "explanation": md(q["explanation"]), "tags": q["tags"],
    }
    kind = q["type"]
    if kind in ("single", "multiple"):
        out["choices"] = [(md(c["text"]), c["correct"], md(c["feedback"])) for c in q["choices"]]
        out["fixed"] = [c["fixed"] for c in q["choices"]]
        out["shuffle"] = q["shuffle"]
        out["scoring"] = q.get("scoring")
    elif kind == "true_false":
        out["answer"] = q["answer"]
        out["feedback"] = (md(q["feedback_true"]), md(q["feedback_false"]))
    elif kind == "numeric":
        out["accepts"] = _interval(q["answer"], q["tolerance"], q["range"])
        out["unit"] = q["unit"]
    elif kind == "text":
        out["accept"] = q["accept"]
        out["pattern"] = _pattern(q["pattern"])
        out["case_sensitive"] = q["case_sensitive"]
        out["feedback"] = {k: md(v) for k, v in q["feedback"].items()}
    elif kind == "cloze":
        order = MARKER.findall(q["prompt"])
        out["prompt"] = md(MARKER.sub("[[ ]]", q["prompt"]))
        blanks = [q["blanks"][name] for name in order]
        out["blanks"] = [
            (b["accept"], b["choices"], b["answer"] if b["choices"] else None,
             None if b["choices"] or b["accept"] else _interval(b["answer"], b["tolerance"],
                                                                 b["range"]))
            for b in blanks
        ]
        out["blank_patterns"] = [_pattern(b["pattern"]) for b in blanks]
        out["blank_case"] = [b["case_sensitive"] for b in blanks]
        out["scoring"] = q["scoring"]
    elif kind == "matching":
        out["pairs"] = [(md(p["left"]), md(p["right"])) for p in q["pairs"]]
        out["distractors"] = [md(d) for d in q["distractors"]]
        out["shuffle"] = q["shuffle"]
    elif kind == "ordering":
        out["items"] = [md(i) for i in q["items"]]
        out["scoring"] = q["scoring"]
    return out


def outline(course: Course) -> list[tuple[str, list[str]]]:
    """(chapter title, question ids) of every chapter that has questions."""
    return [(c.title, [q.id for q in c.questions]) for c in course.chapters if c.questions]


def import_into_empty(tmp: Path, export: Path, fmt: str) -> tuple[Course, Any]:
    """Import `export` into a new empty course with the CLI; the loaded course and result."""
    from click.testing import CliRunner

    from cli.commands.import_ import import_

    root = tmp / "imported"
    root.mkdir()
    (root / "course.yaml").write_text(EMPTY_COURSE.format(id="imported"), encoding="utf-8")
    result = CliRunner().invoke(import_, [str(export), "--format", fmt, "--into", str(root)])
    assert result.exit_code == 0, (result.output, result.exception)
    checked = check_course(root)
    assert checked.course is not None, checked.diagnostics
    return checked.course, checked


def compare(original: Course, imported: Course, losses: list[dict[str, str]]) -> list[str]:
    """Every difference that the fidelity report does not explain (empty when faithful)."""
    lost: dict[str, set[str]] = {}
    for loss in losses:
        lost.setdefault(loss["question"], set()).add(loss["feature"])
    problems: list[str] = []
    theirs = {q.id: q for q in imported.questions}
    for q in original.questions:
        features = lost.get(q.id, set())
        if "question" in features:
            if q.id in theirs:
                problems.append(f"{q.id}: reported left out, but imported")
            continue
        if q.id not in theirs:
            problems.append(f"{q.id}: missing after the round trip")
            continue
        if "question-type" in features:
            continue
        allowed = set().union(*(LOSS_FIELDS.get(f, set()) for f in features))
        mine, other = project(q), project(theirs[q.id])
        for key in sorted(set(mine) | set(other)):
            if mine.get(key) != other.get(key) and key not in allowed:
                problems.append(f"{q.id}.{key}: {mine.get(key)!r} != {other.get(key)!r}")
    skipped = {q for q, f in lost.items() if "question" in f}
    expected = [(t, [i for i in ids if i not in skipped]) for t, ids in outline(original)]
    if [e for e in expected if e[1]] != outline(imported):
        problems.append(f"chapters: {expected} != {outline(imported)}")
    extra = set(theirs) - {q.id for q in original.questions}
    if extra:
        problems.append(f"questions the original does not have: {sorted(extra)}")
    return problems


def export_course(course: Course, fmt: str, out: Path) -> tuple[Path, list[dict[str, str]]]:
    """Export `course` to `fmt` in `out`; the main file and the fidelity report's losses."""
    from renderers import get
    from renderers.base import RenderContext

    renderer = get(fmt)
    bundle = renderer.render(course, RenderContext(options=renderer.Options()))
    main = None
    losses: list[dict[str, str]] = []
    for path, data in bundle.items():
        target = out / str(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if str(path).endswith("-fidelity.json"):
            losses = json.loads(data)["losses"]
        elif PurePosixPath(str(path)).suffix in (".zip", ".xml", ".txt", ".imscc"):
            main = target
    assert main is not None
    return main, losses
