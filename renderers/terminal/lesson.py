"""The lesson between questions: a chapter's explanations and code cells, in reading order.

Cached outputs are looked up once per chapter; a broken or missing cache shows as "no
outputs cached", never as a failed quiz. Running the code (`r`) replaces them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text

from engine.i18n import Catalog
from engine.model import Chapter, CodeCell, Course, Explanation
from renderers.terminal.cells import CellRunner, CellsUnavailableError, cell_lines, output_lines
from renderers.terminal.render import render_markdown

if TYPE_CHECKING:
    from engine.outputs import CellOutput

Reading = Explanation | CodeCell
"""A block that is read, not answered."""


@dataclass
class Lesson:
    """Shows a course's reading blocks, with code outputs memoised per chapter."""

    course: Course
    runner: CellRunner
    outputs: dict[str, Mapping[str, CellOutput] | None] = field(default_factory=dict)

    def lines(self, chapter: Chapter, blocks: Sequence[Reading], width: int | None,
              t: Catalog) -> list[Text]:
        """The blocks, each after a blank line."""
        lines: list[Text] = []
        for block in blocks:
            lines.append(Text())
            if isinstance(block, Explanation):
                lines.extend(render_markdown(block.body, width))
            else:
                outputs = self.cached_outputs(chapter)
                output = outputs.get(block.id) if outputs else None
                lines.extend(cell_lines(block, output, outputs is not None, t))
        return lines

    def cached_outputs(self, chapter: Chapter) -> Mapping[str, CellOutput] | None:
        if chapter.id not in self.outputs:
            try:
                self.outputs[chapter.id] = self.runner.cached(self.course, chapter)
            except Exception:  # a broken cache must not stop the quiz: show no outputs
                self.outputs[chapter.id] = None
        return self.outputs[chapter.id]

    def run(self, chapter: Chapter, t: Catalog) -> list[Text]:
        """Run the chapter's cells now; their outputs, or why they could not run."""
        if not chapter.code_cells:
            return [Text(t.text("term.code.none"))]
        try:
            outputs = self.runner.run(self.course, chapter)
        except CellsUnavailableError as error:
            return [Text(t.text("term.code.cannot_run", error=error), style="yellow")]
        except Exception as error:  # the author's code failing must not end the quiz
            return [Text(t.text("term.code.failed", error=error), style="red")]
        self.outputs[chapter.id] = outputs
        lines: list[Text] = []
        for cell in chapter.code_cells:
            lines.append(Text(t.text("term.code.cell", id=cell.id), style="bold"))
            output = outputs.get(cell.id)
            lines.extend(output_lines(output, t) if output else
                         [Text("  " + t.text("term.code.not_run"))])
        return lines


def blocks_before(chapter: Chapter, question_id: str) -> list[Reading]:
    """The explanations and code cells between the previous question and this one."""
    found: list[Reading] = []
    for block in chapter.blocks:
        if isinstance(block, Explanation | CodeCell):
            found.append(block)
        elif block.id == question_id:
            return found
        else:
            found = []
    return found


def blocks_after_questions(chapter: Chapter) -> list[Reading]:
    """The explanations and code cells after the chapter's last question."""
    tail: list[Reading] = []
    for block in chapter.blocks:
        tail = [*tail, block] if isinstance(block, Explanation | CodeCell) else []
    return tail if chapter.questions else []
