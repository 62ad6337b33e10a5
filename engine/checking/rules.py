"""Semantic rules beyond the schema: ids, references, questions, code cells, Markdown
hygiene. How answers are given (engine/checking/answer_rules.py) and cloze markers and blanks
(engine/checking/cloze_rules.py) have modules of their own.

Each rule reports at the span an author must edit; the codes are documented in
engine/diagnostics.py.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator

from engine.checking.answer_rules import example_rule, number_rules, pattern_rule
from engine.checking.cloze_rules import cloze_rules
from engine.checking.markdown_rules import is_markdown_path, markdown_rules, span_at
from engine.checking.shuffle_rules import shuffle_rules
from engine.diagnostics import Code, Diagnostic, Severity
from engine.loading.salvage import dropped_ids
from engine.loading.scalar_map import text_position_span
from engine.loading.source_map import SourceMap
from engine.model import (
    Chapter,
    Choice,
    Cloze,
    CodeCell,
    Course,
    CourseFile,
    Explanation,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    QuestionType,
    SingleChoice,
    Text,
    TrueFalse,
)
from engine.node import Node
from engine.parallel import ordered_map, processes_for
from engine.span import Span


def check_rules(
    course: Course,
    course_file: CourseFile,
    course_map: SourceMap,
    maps: dict[str, SourceMap],
    memo: dict[str, tuple[Chapter, list[Diagnostic]]] | None = None,
    jobs: int | None = None,
) -> list[Diagnostic]:
    """Every semantic diagnostic for an assembled course.

    `memo` (chapter path -> (chapter, its diagnostics)) lets a watcher re-check only the
    chapters that changed: a chapter's own rules depend on nothing else. A large course's
    chapters are checked by `jobs` processes (default: one per CPU).
    """
    out: list[Diagnostic] = []
    out.extend(_unique_ids(course))
    out.extend(_suppress_codes(course))
    out.extend(shuffle_rules(course))
    for section, listed in zip(course.sections, course_file.sections, strict=True):
        if not listed.chapters:
            out.append(
                Diagnostic.of(
                    Code.EMPTY_SECTION,
                    f"section '{section.id}' lists no chapters",
                    section.span_of("chapters"),
                )
            )
    todo: list[Chapter] = []
    for chapter in course.chapters:
        known = memo.get(chapter.path) if memo is not None else None
        if known is None or known[0] is not chapter:
            todo.append(chapter)
    processes = processes_for(len(todo), jobs, PARALLEL_RULES_MIN)
    checked = ordered_map(lambda chapter: list(_chapter_rules(course, chapter,
                                                              maps.get(chapter.path))),
                          todo, processes)
    try:
        for chapter in course.chapters:
            known = memo.get(chapter.path) if memo is not None else None
            if known is not None and known[0] is chapter:
                out.extend(known[1])
                continue
            found = next(checked)
            if memo is not None:
                memo[chapter.path] = (chapter, found)
            out.extend(found)
    finally:
        checked.close()  # a failure here stops the workers at once
    return out


PARALLEL_RULES_MIN = 200
"""Chapters to check from which forked workers share the chapters' own rules
(engine/parallel.py): about 0.3 ms a chapter, and the diagnostics coming back are few."""


def _unique_ids(course: Course) -> Iterator[Diagnostic]:
    seen: dict[tuple[str, str], Node] = {}

    def claim(space: str, node: Node, ident: str | None, what: str) -> Iterator[Diagnostic]:
        # Spans are looked up only for duplicates: most courses have none.
        if ident is None:
            return
        # Ids name files (pages, package items, figures), and macOS and Windows ignore
        # case in file names: `intro` and `Intro` are one file there.
        key = (space, ident.casefold())
        first = seen.get(key)
        if first is not None:
            where = first.span_of("id")
            first_id = getattr(first, "id", ident)
            same = first_id == ident
            yield Diagnostic.of(
                Code.DUPLICATE_ID,
                f"{what} id '{ident}' is already used" if same else
                f"{what} id '{ident}' differs from '{first_id}' only in case; ids name "
                "files, and many file systems do not tell them apart",
                node.span_of("id"),
                notes=(f"first used at {where}",) if where else (),
            )
        else:
            seen[key] = node

    for section in course.sections:
        yield from claim("section", section, section.id, "section")
        for chapter in section.chapters:
            yield from claim("chapter", chapter, chapter.id, "chapter")
            for block in chapter.blocks:
                yield from claim("block", block, block.id, block.kind)


def _suppress_codes(course: Course) -> Iterator[Diagnostic]:
    warnings = {c.value for c in Code if c.severity is Severity.WARNING}
    for i, name in enumerate(course.suppress):
        if name not in warnings:
            known = [c.value for c in Code]
            why = "is not a warning code" if name in known else "is not a diagnostic code"
            from engine.diagnostics import did_you_mean

            guess = did_you_mean(name, sorted(warnings))
            yield Diagnostic.of(
                Code.UNKNOWN_SUPPRESS,
                f"'{name}' {why}",
                span_at(course, "suppress", i),
                hint=f"did you mean '{guess}'?" if guess else None,
            )


def _chapter_rules(
    course: Course, chapter: Chapter, smap: SourceMap | None
) -> Iterator[Diagnostic]:
    # A salvaged chapter (engine.loading.salvage) left out blocks that are already reported:
    # its emptiness and references to them are not further mistakes.
    dropped = dropped_ids(chapter) or frozenset()
    if not chapter.blocks and dropped_ids(chapter) is None:
        yield Diagnostic.of(
            Code.EMPTY_CHAPTER, f"chapter '{chapter.id}' has no blocks", chapter.span_of("blocks")
        )
    cells = {b.id: (i, b) for i, b in enumerate(chapter.blocks) if isinstance(b, CodeCell)}
    for index, block in enumerate(chapter.blocks):
        if isinstance(block, CodeCell):
            yield from _code_rules(block)
        elif isinstance(block, Explanation):
            pass
        else:
            yield from _question_rules(block)
            # (From __dict__: getattr() on a field a model lacks takes pydantic's slow path.)
            verify = block.__dict__.get("verify")
            if verify is not None:
                target = cells.get(verify.cell)
                if target is None and verify.cell in dropped:
                    pass
                elif target is None:
                    from engine.diagnostics import did_you_mean

                    guess = did_you_mean(verify.cell, sorted(k for k in cells if k))
                    yield Diagnostic.of(
                        Code.UNKNOWN_CELL,
                        f"verify names cell '{verify.cell}', which is not in "
                        f"chapter '{chapter.id}'",
                        verify.span_of("cell"),
                        hint=f"did you mean '{guess}'?" if guess else None,
                    )
                elif not target[1].run:
                    yield Diagnostic.of(
                        Code.VERIFY_CELL_NOT_RUN,
                        f"verify names cell '{verify.cell}', which has run: false",
                        verify.span_of("cell"),
                    )
        del index
    if smap is not None:
        for path in sorted(smap.folded, key=str):
            if is_markdown_path(path):
                yield Diagnostic.of(
                    Code.FOLDED_MARKDOWN,
                    "Markdown written as a folded scalar ('>') loses its line breaks",
                    smap.indicator(path),
                    hint="use '|' instead of '>'",
                )
    yield from markdown_rules(course, chapter)


def _code_rules(cell: CodeCell) -> Iterator[Diagnostic]:
    error, warned = _compiled(cell.source)
    for message, category, lineno in warned:
        # What compiling said (an invalid escape...), said again for this cell, by its name.
        warnings.warn_explicit(message, category, f"<cell:{cell.id}>", lineno)
    if error is not None:
        message, lineno, offset = error
        # Mapped through the scalar's quoting: in `source: "a\nb"` Python's line 2 is
        # on the file's line of `source:`, after the `\n`.
        span = text_position_span(cell, "source", lineno, offset)
        base = cell.span_of("source")
        if span is None and base is not None:
            span = Span(base.file, base.line + lineno - 1, base.column + max(0, offset - 1))
        yield Diagnostic.of(Code.CELL_SYNTAX, f"invalid Python: {message}", span)


@functools.lru_cache(maxsize=1 << 12)
def _compiled(source: str) -> tuple[
        tuple[str, int, int] | None, tuple[tuple[str, type[Warning], int], ...]]:
    """(message, line, column) of the syntax error of `source` or None, and the warnings
    compiling it gave; once per distinct source and process, compiling being a quarter
    of what `check` does on a large course."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            compile(source, "<cell>", "exec", dont_inherit=True)
        except SyntaxError as err:
            error: tuple[str, int, int] | None = (err.msg, err.lineno or 1, err.offset or 1)
        else:
            error = None
    warned = tuple((str(w.message), w.category, w.lineno) for w in caught)
    return error, warned


def _question_rules(q: QuestionType) -> Iterator[Diagnostic]:
    match q:
        case SingleChoice() | MultipleChoice():
            yield from _choice_rules(q)
        case TrueFalse():
            pass
        case Numeric():
            yield from number_rules(q.answer, q.tolerance, q.range, q)
        case Text():
            if not q.accept and q.pattern is None:
                yield Diagnostic.of(
                    Code.NO_ANSWER, f"text question '{q.id}' needs 'accept' or 'pattern'", q.span
                )
            yield from pattern_rule(q.pattern, q)
            yield from example_rule(q.pattern, q.accept, q)
            from engine.grading.score import text_is_right

            for wrong in q.feedback:
                if text_is_right(wrong, q.accept, q.pattern, q.case_sensitive):
                    yield Diagnostic.of(
                        Code.FEEDBACK_FOR_ACCEPTED,
                        f"feedback is given for '{wrong}', which the question accepts as right",
                        span_at(q, "feedback", wrong, key=True),
                    )
        case Cloze():
            yield from cloze_rules(q)
        case Matching():
            if len(q.pairs) < 2:
                yield Diagnostic.of(
                    Code.TOO_FEW_PAIRS,
                    "a matching question needs at least two pairs",
                    q.span_of("pairs"),
                )
            yield from _duplicates(
                [p.left for p in q.pairs],
                list(q.pairs),
                Code.DUPLICATE_LEFT,
                "left side",
                field="left",
            )
            rights = [p.right for p in q.pairs]
            for i, extra in enumerate(q.distractors):
                if extra in rights:
                    yield Diagnostic.of(
                        Code.DUPLICATE_CHOICE,
                        f"distractor '{extra}' is also a right side",
                        span_at(q, "distractors", i),
                    )
        case Ordering():
            if len(set(q.items)) < 2:
                yield Diagnostic.of(
                    Code.TOO_FEW_ITEMS,
                    "an ordering question needs at least two distinct items",
                    q.span_of("items"),
                )
            else:
                yield from _duplicates(
                    q.items, [q] * len(q.items), Code.DUPLICATE_CHOICE, "item", listed="items"
                )
    if not q.explanation:
        yield Diagnostic.of(
            Code.MISSING_EXPLANATION,
            f"question '{q.id}' has no explanation",
            q.span,
            hint="add 'explanation:' shown after answering",
        )
    for i, hint in enumerate(q.hints):
        if not hint.strip():
            yield Diagnostic.of(Code.EMPTY_HINT, f"hint {i + 1} is empty", span_at(q, "hints", i))
    if q.hints and q.hint_penalty * len(q.hints) > 1:
        yield Diagnostic.of(
            Code.HINT_PENALTY_TOO_HIGH,
            f"{len(q.hints)} hints at {q.hint_penalty:g} each cost more than the question is worth",
            q.span_of("hint_penalty"),
        )


def _choice_rules(q: SingleChoice | MultipleChoice) -> Iterator[Diagnostic]:
    right = [c for c in q.choices if c.correct]
    if len(q.choices) < 2:
        yield Diagnostic.of(
            Code.TOO_FEW_CHOICES,
            "a choice question needs at least two choices",
            q.span_of("choices"),
        )
    if not right:
        yield Diagnostic.of(
            Code.NO_CORRECT_CHOICE,
            f"question '{q.id}' has no correct choice",
            q.span_of("choices"),
            hint="mark the right choice with 'correct: true'",
        )
    if isinstance(q, SingleChoice) and len(right) > 1:
        yield Diagnostic.of(
            Code.MANY_CORRECT_CHOICES,
            f"single-choice question '{q.id}' has {len(right)} correct choices",
            right[1].span_of("correct"),
            hint="use 'type: multiple' for several right answers",
        )
    yield from _duplicates(
        [c.text for c in q.choices],
        list(q.choices),
        Code.DUPLICATE_CHOICE,
        "choice",
        field="text",
    )
    for choice in q.choices:
        if not choice.correct and not choice.feedback:
            yield _missing_feedback(choice)


def _missing_feedback(choice: Choice) -> Diagnostic:
    return Diagnostic.of(
        Code.MISSING_FEEDBACK,
        f"wrong choice '{_short(choice.text)}' has no feedback",
        choice.span_of("text"),
        hint="add 'feedback:' saying why it is wrong",
    )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:37] + "..."


def _duplicates(
    values: list[str],
    nodes: list[Node],
    code: Code,
    what: str,
    field: str | None = None,
    listed: str | None = None,
) -> Iterator[Diagnostic]:
    """Report the second of two equal values, at the value itself.

    `field` names the field of each node that holds the value (choices, pairs);
    `listed` names the list field of one node that holds all values (ordering items).
    """

    def where(index: int, node: Node) -> Span | None:
        if listed is not None:
            return span_at(node, listed, index)
        return node.span_of(field) if field else node.span

    # Spans are looked up only for duplicates: most questions have none.
    seen: dict[str, tuple[int, Node]] = {}
    for index, (value, node) in enumerate(zip(values, nodes, strict=True)):
        key = " ".join(value.split())
        if key in seen:
            first = where(*seen[key])
            yield Diagnostic.of(
                code,
                f"{what} '{_short(value)}' appears twice",
                where(index, node),
                notes=(f"first at {first}",) if first else (),
            )
        else:
            seen[key] = (index, node)
