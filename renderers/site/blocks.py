"""A chapter's blocks as page data: explanations, code cells with their outputs, questions.

Figures a code cell produced are written as separate SVG files named by their content
hash and shown with `<img>`: an SVG inside `<img>` cannot run scripts, and its own
`<style>` element does not need an exception in the page's Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import assert_never

from markupsafe import Markup

from engine.model import (
    Chapter,
    Cloze,
    CodeCell,
    Explanation,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    SingleChoice,
    Text,
    TrueFalse,
)
from engine.outputs import CellOutput
from engine.text.markdown import highlight_code
from renderers.site.i18n import Catalog
from renderers.site.markup import PageMarkdown
from renderers.site.paths import FIGURES, relative_url
from renderers.site.questions import QuestionBuilder, QuestionView


@dataclass(frozen=True)
class FigureView:
    """One figure of a cell's output."""

    src: str
    alt: str


@dataclass(frozen=True)
class CellView:
    """A code cell as shown: source, captured output, figures and caption."""

    id: str
    source: Markup | None
    stdout: str
    stderr: str
    error: str | None
    figures: tuple[FigureView, ...]
    caption: Markup | None
    not_run: bool


@dataclass(frozen=True)
class BlockView:
    """One block in reading order; exactly one of `html`, `cell`, `question` is set."""

    kind: str
    id: str | None
    html: Markup | None = None
    cell: CellView | None = None
    question: QuestionView | None = None


def figure_path(svg: str) -> PurePosixPath:
    """Where a figure lives in the site: named by its content, so equal figures share a file."""
    return FIGURES / f"{hashlib.sha256(svg.encode()).hexdigest()[:24]}.svg"


def cell_figures(
    chapter: Chapter, outputs: Mapping[str, CellOutput]
) -> dict[PurePosixPath, bytes]:
    """The figure files of a chapter's cells (also needed when its page comes from the cache)."""
    files: dict[PurePosixPath, bytes] = {}
    for cell in chapter.code_cells:
        output = outputs.get(cell.id)
        if cell.run and output is not None:
            for svg in output.figures:
                files[figure_path(svg)] = svg.encode()
    return files


def build_blocks(
    chapter: Chapter,
    page: PurePosixPath,
    md: PageMarkdown,
    catalog: Catalog,
    outputs: Mapping[str, CellOutput],
) -> list[BlockView]:
    """Turn every block of `chapter` into page data, numbering its questions from 1."""
    questions = QuestionBuilder(md, catalog, chapter.id)
    views: list[BlockView] = []
    number, total = 0, len(chapter.questions)
    for block in chapter.blocks:
        match block:
            case Explanation():
                views.append(BlockView("explanation", block.id, html=md.explanation(block.body)))
            case CodeCell():
                views.append(BlockView("code", block.id, cell=_cell(block, page, md, catalog,
                                                                   outputs.get(block.id))))
            case (SingleChoice() | MultipleChoice() | TrueFalse() | Numeric() | Text() | Cloze()
                  | Matching() | Ordering()):
                number += 1
                views.append(BlockView("question", block.id,
                                       question=questions.build(block, number, total)))
            case other:
                assert_never(other)
    return views


def _cell(
    cell: CodeCell, page: PurePosixPath, md: PageMarkdown, catalog: Catalog,
    output: CellOutput | None,
) -> CellView:
    out = output if cell.run and output is not None else CellOutput(cell.id)
    figures = tuple(
        FigureView(
            relative_url(page, figure_path(svg)),
            catalog.text("code.figure", number=str(n), cell=cell.id),
        )
        for n, svg in enumerate(out.figures, 1)
    )
    return CellView(
        id=cell.id,
        source=Markup(highlight_code(cell.source, cell.language)) if cell.show_source else None,
        stdout=out.stdout,
        stderr=out.stderr,
        error=out.error,
        figures=figures,
        caption=md.block(cell.caption) if cell.caption else None,
        not_run=not cell.run,
    )
