"""The one course model: Course > Section > Chapter > Block.

Every renderer reads these frozen pydantic models and nothing else. The field docstrings
become the descriptions that editors show through the JSON Schema (`lessonkit schema`).

Two layers share the same field definitions: the *file* models (`CourseFile`,
`ChapterFile`) describe what an author writes in one YAML file, and `Course` is the
assembled course whose sections hold the loaded chapters. The course-wide settings both
share are in engine/settings.py, the constrained field values in engine/field_types.py.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, PrivateAttr

from engine.field_types import MAX_POINTS, Id, Markdown, Quantity, RelativeTolerance
from engine.node import Node
from engine.settings import CourseMeta

# --- blocks ---------------------------------------------------------------------------


class Explanation(Node):
    """Markdown prose shown to the learner."""

    kind: Literal["explanation"]
    """Block kind."""
    id: Id | None = None
    """Optional id, for linking and for stable anchors."""
    body: Markdown
    """The text of the explanation, in Markdown."""


class CodeCell(Node):
    """A runnable Python cell; its outputs are captured at build time and cached."""

    kind: Literal["code"]
    """Block kind."""
    id: Id
    """Unique id of the cell in the course; `verify:` refers to it."""
    source: str
    """The Python source of the cell."""
    language: Literal["python"] = "python"
    """Language of the source; only Python runs."""
    run: bool = True
    """Run the cell at build time and show its outputs."""
    show_source: bool = True
    """Show the source to the learner (hide it to show only the outputs)."""
    caption: Markdown | None = None
    """Optional caption shown under the cell."""


class Verify(Node):
    """Check a question's stated answer against the value computed by a code cell."""

    cell: Id
    """The id of a code cell in the same chapter; all cells up to it have run."""
    expr: str
    """A Python expression evaluated in the chapter's namespace after that cell ran."""


class Choice(Node):
    """One option of a single- or multiple-choice question."""

    id: Id | None = None
    """Optional name of this option, unique in its question: `{{choice: ID}}` in the
    prompt, an explanation, a hint or feedback names it wherever shuffling shows it."""
    text: Markdown
    """What the learner sees."""
    correct: bool = False
    """Whether picking this option is right."""
    feedback: Markdown | None = None
    """Shown when the learner picks this option."""
    fixed: bool = False
    """Keep this option in its place when options are shuffled (e.g. "None of the above")."""


class Pair(Node):
    """One correct pairing of a matching question."""

    left: Markdown
    """The item shown on the left (a prompt)."""
    right: Markdown
    """The item that belongs to it."""


class Blank(Node):
    """One blank of a cloze question.

    Its kind follows from its fields: `choices` (pick one, `answer` names the right one),
    `accept`/`pattern` (type text), or a numeric `answer` with `tolerance`/`range`.
    """

    accept: list[str] = Field(default_factory=list)
    """Accepted texts for a typed blank."""
    pattern: str | None = None
    """A regular expression that accepts a typed answer (matched in full)."""
    case_sensitive: bool = False
    """Compare typed text case-sensitively."""
    choices: list[str] = Field(default_factory=list)
    """Options of a drop-down blank."""
    answer: str | Quantity | None = None
    """For a drop-down blank: the right choice; for a numeric blank: the number."""
    tolerance: float | RelativeTolerance | None = None
    """For a numeric blank: absolute (`0.01`) or relative (`2%`) tolerance."""
    range: tuple[Quantity, Quantity] | None = None
    """For a numeric blank: the accepted closed interval [min, max]."""

    @property
    def blank_kind(self) -> Literal["choice", "text", "numeric"]:
        """Which kind of blank the fields describe."""
        if self.choices:
            return "choice"
        if self.accept or self.pattern is not None:
            return "text"
        return "numeric"


class _QuestionBase(Node):
    kind: Literal["question"]
    """Block kind."""
    id: Id
    """Unique id of the question in the course. Progress, LMS interactions and re-imports
    hang on it, so keep it stable when you edit the question."""
    prompt: Markdown
    """The question, in Markdown."""
    points: float = Field(default=1.0, ge=0, le=MAX_POINTS)
    """Points for a fully right answer."""
    hints: list[Markdown] = Field(default_factory=list)
    """Hints, revealed one at a time."""
    hint_penalty: float = Field(default=0.0, ge=0, le=1)
    """Fraction of the points lost for each hint revealed."""
    explanation: Markdown | None = None
    """Shown after answering, right or wrong. `{{choice: ID}}` or `{{choice: its text}}`
    names an option wherever it is shown (here, in the prompt, hints and feedback)."""
    tags: list[str] = Field(default_factory=list)
    """Free-form tags (topics, difficulty)."""


class SingleChoice(_QuestionBase):
    """Pick exactly one option."""

    type: Literal["single"]
    """Question type."""
    choices: list[Choice]
    """The options; exactly one is correct."""
    shuffle: bool = True
    """Show the options in a random order (fixed options stay in place)."""


class MultipleChoice(_QuestionBase):
    """Pick every right option."""

    type: Literal["multiple"]
    """Question type."""
    choices: list[Choice]
    """The options; one or more are correct."""
    shuffle: bool = True
    """Show the options in a random order (fixed options stay in place)."""
    scoring: Literal["partial", "all_or_nothing"] = "partial"
    """`partial`: +1/k per right pick and -1/k per wrong pick (k right options), floor 0."""


class TrueFalse(_QuestionBase):
    """Decide whether a statement is true."""

    type: Literal["true_false"]
    """Question type."""
    answer: bool
    """Whether the statement in the prompt is true."""
    feedback_true: Markdown | None = None
    """Shown when the learner answers true."""
    feedback_false: Markdown | None = None
    """Shown when the learner answers false."""


class Numeric(_QuestionBase):
    """Type a number; right within a tolerance or a range."""

    type: Literal["numeric"]
    """Question type."""
    answer: Quantity | None = None
    """The right value (give it, or `range`, or both)."""
    tolerance: float | RelativeTolerance | None = None
    """Absolute (`0.01`) or relative (`2%`) tolerance around `answer`; exact when absent."""
    range: tuple[Quantity, Quantity] | None = None
    """The accepted closed interval [min, max]."""
    unit: str | None = None
    """Unit shown next to the input (not typed by the learner)."""
    verify: Verify | None = None
    """Check `answer` against a value computed by a code cell."""


class Text(_QuestionBase):
    """Type a short answer."""

    type: Literal["text"]
    """Question type."""
    accept: list[str] = Field(default_factory=list)
    """Accepted answers (whitespace is normalised)."""
    pattern: str | None = None
    """A regular expression; an answer it matches in full is right."""
    case_sensitive: bool = False
    """Compare case-sensitively."""
    feedback: dict[str, Markdown] = Field(default_factory=dict)
    """Feedback for known wrong answers, keyed by the answer."""
    verify: Verify | None = None
    """Check the first accepted answer against a value computed by a code cell."""


class Cloze(_QuestionBase):
    """Fill in the blanks marked `[[name]]` in the prompt."""

    type: Literal["cloze"]
    """Question type."""
    blanks: dict[str, Blank]
    """One entry per `[[name]]` marker in the prompt."""
    scoring: Literal["partial", "all_or_nothing"] = "partial"
    """`partial`: the fraction of blanks right."""


class Matching(_QuestionBase):
    """Match each left item with its right item."""

    type: Literal["matching"]
    """Question type."""
    pairs: list[Pair]
    """The right pairings (at least two, left sides unique)."""
    distractors: list[Markdown] = Field(default_factory=list)
    """Extra right-side items that match nothing."""
    shuffle: bool = True
    """Show the right-side items in a random order."""


class Ordering(_QuestionBase):
    """Put the items in the right order."""

    type: Literal["ordering"]
    """Question type."""
    items: list[Markdown]
    """The items, in the right order (shown shuffled)."""
    scoring: Literal["partial", "all_or_nothing"] = "all_or_nothing"
    """`partial`: the fraction of items in the right position."""


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Numeric | Text | Cloze | Matching | Ordering,
    Field(discriminator="type"),
]
"""A question, told apart by its `type`."""

QuestionType = (
    SingleChoice | MultipleChoice | TrueFalse | Numeric | Text | Cloze | Matching | Ordering
)
"""Any question (for type annotations)."""

QUESTION_TYPES: tuple[str, ...] = (
    "single",
    "multiple",
    "true_false",
    "numeric",
    "text",
    "cloze",
    "matching",
    "ordering",
)
BLOCK_KINDS: tuple[str, ...] = ("explanation", "code", "question")

Block = Annotated[Explanation | CodeCell | Question, Field(discriminator="kind")]
"""A chapter block, told apart by its `kind`."""

BlockType = Explanation | CodeCell | QuestionType
"""Any block (for type annotations)."""


# --- chapters, sections, course ---------------------------------------------------------


class Chapter(Node):
    """One chapter file: a title and an ordered list of blocks."""

    id: Id
    """Unique id of the chapter in the course."""
    title: str
    """Chapter title."""
    objectives: list[Markdown] = Field(default_factory=list)
    """What the learner can do after the chapter."""
    blocks: list[Block] = Field(default_factory=list)
    """Explanations, code cells and questions, in reading order."""

    _path: str = PrivateAttr(default="")

    @property
    def path(self) -> str:
        """The chapter file, relative to the course folder (POSIX separators)."""
        # Read from pydantic's dict of private attributes directly: `self._path` goes
        # through `BaseModel.__getattr__` (3 us against 0.1), and a rebuild in `serve`
        # asks each chapter of the course for its path a few times.
        path: str = self.__pydantic_private__["_path"]  # type: ignore[index]
        return path

    @property
    def questions(self) -> list[QuestionType]:
        """The chapter's questions in order."""
        return [b for b in self.blocks if b.kind == "question"]

    @property
    def code_cells(self) -> list[CodeCell]:
        """The chapter's code cells in order."""
        return [b for b in self.blocks if isinstance(b, CodeCell)]


ChapterFile = Chapter
"""The root of a chapter YAML file."""


class SectionFile(Node):
    """A section as course.yaml lists it."""

    id: Id
    """Unique id of the section."""
    title: str
    """Section title."""
    chapters: list[str] = Field(default_factory=list)
    """Chapter files, relative to the course folder, in order."""


class CourseFile(CourseMeta):
    """The root of course.yaml."""

    sections: list[SectionFile]
    """The outline: sections in order, each listing its chapter files."""


class Section(Node):
    """A section of the assembled course."""

    id: Id
    """Unique id of the section."""
    title: str
    """Section title."""
    chapters: list[Chapter]
    """The loaded chapters, in order."""


class Course(CourseMeta):
    """The assembled, validated course that every renderer reads."""

    sections: list[Section]
    """Sections with their loaded chapters."""

    _root: str = PrivateAttr(default=".")

    @property
    def root(self) -> str:
        """The course folder on disk."""
        return self._root

    @property
    def chapters(self) -> list[Chapter]:
        """All chapters in course order."""
        return [c for s in self.sections for c in s.chapters]

    def numbered_chapters(self) -> list[tuple[int, int, Section, Chapter]]:
        """(section number, chapter number, section, chapter), 1-based, in course order."""
        return [
            (si, ci, s, c)
            for si, s in enumerate(self.sections, 1)
            for ci, c in enumerate(s.chapters, 1)
        ]

    @property
    def questions(self) -> list[QuestionType]:
        """All questions in course order."""
        return [q for c in self.chapters for q in c.questions]
