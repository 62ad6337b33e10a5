"""A course of N chapters made of the sample course's own chapters, and its mkdocs twin.

The chapters of content/intro-to-rnns (explanations with tables, math, admonitions and
code; every question type) are copied round-robin until there are N, so a benchmark
builds lessons of real weight rather than synthetic filler. In each copy:

- every id (chapter, code cell, question) gets the suffix `-rK`, K the copy's number, so
  ids stay unique in the course;
- code cells keep their source (highlighted on the page) but do not run (`run: false`),
  and `verify:` is dropped since nothing computes the value it checks;
- every text a chapter's author writes anew ends with a mark naming the copy: each
  explanation body, code cell (a comment line), question prompt, hint, explanation and
  piece of feedback. So the copies share no code and no prose, as the chapters of a real
  course do not, and what is made once per distinct text (highlighted code, rendered
  Markdown) is made for every chapter here too. Marking them took a build of 1000
  chapters from 3.6 s to 6.4 s; Pygments' highlighting was most of the difference (43 %
  of the CPU time of the marked build, before engine/text/fast_lexing.py).
  Formulas and the short texts of options stay shared: a course reuses its notation
  (the sample course writes 1316 formulas, 741 of them distinct), and an option is
  often a word or a number. Were no formula shared either, a build at 1000 chapters
  would take about 1.9 s more (measured with the formula cache off).

The mkdocs project holds the same prose as Markdown pages (explanations, code as fenced
blocks, every question's prompt, options, hints and explanations), for timing
`mkdocs build` on the same content.

    python -m benchmarks.real_content N OUT_DIR [--mkdocs] [--no-search]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

import yaml

from benchmarks.timing import ROOT

SAMPLE = ROOT / "content" / "intro-to-rnns"
PER_SECTION = 50


def _sample_chapters() -> list[dict[str, Any]]:
    text = (SAMPLE / "course.yaml").read_text(encoding="utf-8")
    course = yaml.load(text, Loader=yaml.CSafeLoader)
    return [
        yaml.load((SAMPLE / rel).read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        for section in course["sections"]
        for rel in section["chapters"]
    ]


def _copy_note(copy: int) -> str:
    return f"\n\nThis is copy {copy} of this chapter.\n"


def _marked(text: str, copy: int) -> str:
    """A one-line text (a hint, a piece of feedback) marked as copy `copy`."""
    return f"{text.rstrip()} (copy {copy})"


def _mark_question(block: dict[str, Any], copy: int) -> None:
    """Mark the prose of a question block as copy `copy`, in place; what the answer key
    names (options, pairs, items, accepted answers) stays as it is."""
    for key in ("prompt", "explanation"):
        if isinstance(block.get(key), str):
            block[key] = block[key].rstrip("\n") + _copy_note(copy)
    if isinstance(block.get("hints"), list):
        block["hints"] = [_marked(h, copy) if isinstance(h, str) else h
                          for h in block["hints"]]
    for key in ("feedback_true", "feedback_false"):
        if isinstance(block.get(key), str):
            block[key] = _marked(block[key], copy)
    if isinstance(block.get("choices"), list):
        block["choices"] = [
            dict(c, feedback=_marked(c["feedback"], copy))
            if isinstance(c, dict) and isinstance(c.get("feedback"), str) else c
            for c in block["choices"]]


def _replica(chapter: dict[str, Any], copy: int) -> dict[str, Any]:
    """The chapter with unique ids, code that does not run and prose marked as copy `copy`."""
    suffix = f"-r{copy}"
    out = dict(chapter, id=chapter["id"] + suffix)
    blocks = []
    for block in chapter["blocks"]:
        block = dict(block)
        if "id" in block:
            block["id"] += suffix
        if block["kind"] == "code":
            block["run"] = False
            block["show_source"] = True
            block["source"] = block["source"].rstrip("\n") + f"\n# copy {copy}\n"
        elif block["kind"] == "explanation":
            block["body"] = block["body"].rstrip("\n") + _copy_note(copy)
        elif block["kind"] == "question":
            block.pop("verify", None)
            _mark_question(block, copy)
        blocks.append(block)
    out["blocks"] = blocks
    return out


def generate(n: int, out: Path, mkdocs: bool = False, search: bool = True) -> None:
    """Write the course of `n` chapters to `out` (and its mkdocs twin to `out/mkdocs`)."""
    sample = _sample_chapters()
    out.mkdir(parents=True, exist_ok=True)
    # Chapters link images as ../assets/x.svg: sections sit one folder below the root.
    shutil.copytree(SAMPLE / "assets", out / "assets", dirs_exist_ok=True)
    chapters: list[tuple[str, dict[str, Any]]] = []
    for i in range(n):
        chapter = _replica(sample[i % len(sample)], i // len(sample))
        rel = f"s{i // PER_SECTION:03d}/c{i:05d}.yaml"
        chapters.append((rel, chapter))
    sections: dict[str, list[str]] = {}
    for rel, chapter in chapters:
        (out / rel).parent.mkdir(exist_ok=True)
        text = yaml.dump(chapter, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True,
                         width=1000)
        (out / rel).write_text(text, encoding="utf-8")
        sections.setdefault(rel.split("/")[0], []).append(rel)
    course = {
        "id": f"real-{n}",
        "title": f"Introduction to RNNs, {n} chapters",
        "language": "en",
        "sections": [
            {"id": f"section-{folder}", "title": f"Section {folder}", "chapters": rels}
            for folder, rels in sections.items()
        ],
    }
    if not search:
        course["renderers"] = {"html": {"search": False}}
    (out / "course.yaml").write_text(yaml.safe_dump(course, sort_keys=False), encoding="utf-8")
    if mkdocs:
        _mkdocs(n, out / "mkdocs", chapters)


def _page(chapter: dict[str, Any]) -> str:
    """The chapter's prose as one Markdown page, in reading order."""
    parts = [f"# {chapter['title']}", "\n".join(f"- {o}" for o in chapter.get("objectives", []))]
    for block in chapter["blocks"]:
        if block["kind"] == "explanation":
            parts.append(block["body"])
        elif block["kind"] == "code":
            parts.append(f"```python\n{block['source'].rstrip()}\n```")
        elif block["kind"] == "question":
            parts.append(f"**Question.** {block['prompt']}")
            options = [c["text"] for c in block.get("choices") or [] if isinstance(c, dict)]
            options += [f"{p['left']} → {p['right']}" for p in block.get("pairs") or []]
            options += list(block.get("items") or []) + list(block.get("distractors") or [])
            if options:
                parts.append("\n".join(f"- {str(o).strip()}" for o in options))
            parts += [f"*Hint.* {h}" for h in block.get("hints") or []]
            choices = [c for c in block.get("choices") or [] if isinstance(c, dict)]
            feedback = [c.get("feedback") for c in choices]
            parts += [f"*Feedback.* {f}" for f in feedback if f]
            if block.get("explanation"):
                parts.append(f"*Answer.* {block['explanation']}")
    return "\n\n".join(p.rstrip() for p in parts if p) + "\n"


def _mkdocs(n: int, out: Path, chapters: list[tuple[str, dict[str, Any]]]) -> None:
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(f"# Introduction to RNNs, {n} chapters\n", encoding="utf-8")
    shutil.copytree(SAMPLE / "assets", docs / "assets", dirs_exist_ok=True)
    nav = ["nav:", "  - Home: index.md"]
    section = ""
    for rel, chapter in chapters:
        folder = rel.split("/")[0]
        if folder != section:
            section = folder
            nav.append(f"  - Section {folder}:")
        page = rel.removesuffix(".yaml") + ".md"
        (docs / folder).mkdir(exist_ok=True)
        (docs / page).write_text(_page(chapter), encoding="utf-8")
        nav.append(f"    - {page}")
    config = [
        "site_name: Introduction to RNNs",
        "use_directory_urls: false",
        "markdown_extensions:",
        "  - tables",
        "  - fenced_code",
        "  - admonition",
        "  - footnotes",
        *nav,
    ]
    (out / "mkdocs.yml").write_text("\n".join(config) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mkdocs", action="store_true")
    parser.add_argument("--no-search", action="store_true")
    args = parser.parse_args()
    generate(args.n, args.out, args.mkdocs, search=not args.no_search)


if __name__ == "__main__":
    main()
