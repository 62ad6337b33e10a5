"""The rules of a course re-run only where an edit can change them (`lessonkit serve`).

`check_rules` (engine/checking/rules.py) looks at the whole course. Most of what it says is
about one chapter alone: its own rules, the per-question rules of shuffled options, ids
repeated inside it. Only two rules look across chapter files: ids used twice (a chapter id,
or a block id, in two files) and answer keys that all sit in one position. So `RuleCache`
keeps, per chapter file, what `check_rules` says of that chapter on its own (a one-chapter
course) and a summary of what the two cross-file rules read from it (its ids, its answer
key positions). A rebuild runs the rules on the changed chapters only; when the summaries
show that a cross-file rule may fire (a repeated id, all keys in one position), it runs
`check_rules` on the whole course, which is then what `check` gives by construction. In
every other case the cross-file rules have nothing to say, and the union of the per-chapter
results and the course-level ones (section ids, `suppress`, empty sections: `check_rules`
on the course without its chapters) is what a full check gives (tests/engine/loading/
test_rule_cache.py compares the two over edits that make and mend cross-file problems).

A chapter's own rules read more than the chapter: the course settings, and the course
files its Markdown refers to (missing, outside the course, an SVG that can run script). So
the kept results hold only while both are as they were: the settings, and the course
folder's other files (`course_files`: every name, and the size and time of every file that
is not YAML, outside hidden folders and lessonkit's output folders).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from engine.checking.rules import check_rules
from engine.checking.shuffle_rules import KEYED_AT_LEAST
from engine.diagnostics import Code, Diagnostic
from engine.loading.source_map import SourceMap
from engine.model import Chapter, Cloze, Course, CourseFile, SingleChoice

Memo = dict[str, tuple[Chapter, list[Diagnostic]]]


@dataclass(frozen=True)
class _ChapterRules:
    """What the rules say of one chapter on its own, and what the cross-file rules read."""

    chapter: Chapter
    """The chapter object checked (the loader hands back the same one while its file is
    unchanged)."""
    diagnostics: list[Diagnostic]
    ids: frozenset[tuple[str, str]]
    """(space, id as compared) of the chapter and its blocks, as `_unique_ids` claims them."""
    singles: tuple[int, ...]
    """The position of the right choice of each single-choice question with one."""
    blanks: tuple[int, ...]
    """The position of the answer of each drop-down blank among its options."""


@dataclass
class RuleCache:
    """Per chapter, what the rules said of it; kept by `serve` between checks."""

    chapters: dict[int, _ChapterRules] = field(default_factory=dict)
    crossing: _Crossing = field(default_factory=lambda: _Crossing())
    """The kept chapters' ids and answer key positions, added up."""
    context: Any = None
    """The course settings the kept results were made under (a change clears them)."""

    def check(self, course: Course, course_file: CourseFile, course_map: SourceMap,
              maps: dict[str, SourceMap], memo: Memo) -> list[Diagnostic]:
        """What `check_rules(course, course_file, course_map, maps, memo)` returns (up to
        order and repeats, which the loader's sorting removes), re-running only the rules
        of chapters that changed since the last call."""
        context = (course.root, course.model_dump(exclude={"sections", "suppress"}),
                   course_files(course.root))
        if context != self.context:
            # Chapter rules read course settings (language, allow_html, the folder) and
            # the files the chapters refer to.
            self.chapters.clear()
            self.crossing = _Crossing()
            memo.clear()
            self.context = context
        kept: dict[int, _ChapterRules] = {}
        for index, section in enumerate(course.sections):
            for chapter in section.chapters:
                # By the object (which `known` holds, so its id stays its own): the loader
                # hands back the same one while its file is unchanged.
                known = self.chapters.get(id(chapter))
                if known is None or known.chapter is not chapter:
                    known = _chapter_rules(course, course_file, index, chapter, course_map,
                                           maps, memo)
                kept[id(chapter)] = known
        for key, rules in self.chapters.items():
            if kept.get(key) is not rules:
                self.crossing.add(rules, -1)
        for key, rules in kept.items():
            if self.chapters.get(key) is not rules:
                self.crossing.add(rules)
        self.chapters = kept
        if self.crossing.may_cross():
            return check_rules(course, course_file, course_map, maps, memo)
        outline = course.model_copy(update={
            "sections": [s.model_copy(update={"chapters": []}) for s in course.sections]})
        found = check_rules(outline, course_file, course_map, maps, memo)
        for rules in kept.values():
            found.extend(rules.diagnostics)
        return found


def _chapter_rules(course: Course, course_file: CourseFile, index: int, chapter: Chapter,
                   course_map: SourceMap, maps: dict[str, SourceMap], memo: Memo
                   ) -> _ChapterRules:
    """`check_rules` on a course of this one chapter (in its own section), without what
    only the whole course can say."""
    section = course.sections[index].model_copy(update={"chapters": [chapter]})
    alone = course.model_copy(update={"sections": [section], "suppress": []})
    listed = course_file.model_copy(update={"sections": [course_file.sections[index]]})
    said = [d for d in check_rules(alone, listed, course_map, maps, memo)
            if d.code is not Code.ANSWER_KEY_POSITION]
    ids = {("chapter", chapter.id.casefold())} if chapter.id else set()
    ids.update(("block", block.id.casefold()) for block in chapter.blocks if block.id)
    singles: list[int] = []
    blanks: list[int] = []
    for q in chapter.questions:
        if isinstance(q, SingleChoice):
            right = [i for i, c in enumerate(q.choices) if c.correct]
            if len(right) == 1:
                singles.append(right[0])
        elif isinstance(q, Cloze):
            blanks.extend(blank.choices.index(str(blank.answer)) for blank in q.blanks.values()
                          if blank.blank_kind == "choice" and blank.answer in blank.choices)
    return _ChapterRules(chapter, said, frozenset(ids), tuple(singles), tuple(blanks))


OUTPUT_MARK = ".site.manifest.json"
"""Beside the site in every output folder lessonkit writes (cli/output.py): a folder holding
it is output, which changes on every build, not course files."""


def course_files(root: str) -> frozenset[tuple[str, object]]:
    """Every name in the course folder, with the size, time (or link target) of each file
    that is not YAML: what the course files the chapters refer to look like now. (A chapter
    file saved by renaming a new one over it keeps its name: only its own rules rerun.)"""
    found: set[tuple[str, object]] = set()
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        output = any(entry.name == OUTPUT_MARK for entry in entries)
        if output and folder != root:
            continue  # not even its name: it appears with the first build
        found.add((folder, "folder"))
        for entry in entries:
            if entry.name.startswith(".") or (output and entry.name == "site"):
                continue
            path = entry.path
            if entry.is_symlink():
                found.add((path, os.readlink(path)))
            if entry.is_dir(follow_symlinks=False):
                folders.append(path)
            elif entry.name.endswith((".yaml", ".yml")):
                found.add((path, "yaml"))
            else:
                try:
                    stat = entry.stat()
                except OSError:
                    found.add((path, "broken"))
                    continue
                found.add((path, (stat.st_mtime_ns, stat.st_size)))
    return frozenset(found)


class _Crossing:
    """What the rules across chapter files read of every chapter, added up, and kept up
    to date chapter by chapter: how many chapters use each id, and how many answer keys
    sit in each position."""

    def __init__(self) -> None:
        self.ids: Counter[tuple[str, str]] = Counter()
        self.repeated = 0
        """How many ids more than one chapter uses."""
        self.singles: Counter[int] = Counter()
        self.blanks: Counter[int] = Counter()

    def add(self, rules: _ChapterRules, step: int = 1) -> None:
        """Count the chapter of `rules` in (`step` -1: out)."""
        for ident in rules.ids:
            before = self.ids[ident]
            self.ids[ident] = before + step
            self.repeated += (before + step >= 2) - (before >= 2)
            if not self.ids[ident]:
                del self.ids[ident]
        for keys, counts in ((rules.singles, self.singles), (rules.blanks, self.blanks)):
            for position in keys:
                counts[position] += step
                if not counts[position]:
                    del counts[position]

    def may_cross(self) -> bool:
        """Whether a rule across chapter files may have something to say: an id in two
        files, or enough answer keys all in one position (`shuffle_rules`)."""
        return self.repeated > 0 or any(
            len(counts) == 1 and counts.total() >= KEYED_AT_LEAST
            for counts in (self.singles, self.blanks))
