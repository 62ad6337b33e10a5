"""Diagnostics: an author's mistake as data, with a stable code and a span.

A user's mistake is a Diagnostic; a bug is an exception with a traceback. Messages
never contain a location: the span carries it, and the formatter prints it in the
`file:line:col: error[code]: message` form that editors and CI annotations link.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from engine.span import Span


class Severity(StrEnum):
    """How bad a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"


class Code(StrEnum):
    """One member per problem an author can make; the value is the stable code.

    Each member declares its severity beside its value (an error unless it says
    `Severity.WARNING`) and its documentation in the docstring under it, which
    `lessonkit codes` prints.
    """

    severity: Severity
    """Whether a diagnostic with this code is an error or a warning."""

    def __new__(cls, value: str, severity: Severity = Severity.ERROR) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.severity = severity
        return member

    # Reading files
    FILE_NOT_FOUND = "file-not-found"
    """A file that must exist (course.yaml, a listed chapter) does not."""
    FILE_UNREADABLE = "file-unreadable"
    """The file exists but cannot be read (permissions, a folder, ...)."""
    FILE_TOO_LARGE = "file-too-large"
    """The file is larger than the loader accepts (8 MiB): split the chapter."""
    ENCODING = "encoding"
    """The file is not valid UTF-8."""
    BOM = "bom", Severity.WARNING
    """The file starts with a byte-order mark; save it as UTF-8 without BOM."""
    TAB_INDENT = "tab-indent"
    """A tab is used for indentation; YAML allows only spaces there."""
    YAML_SYNTAX = "yaml-syntax"
    """The YAML cannot be parsed."""
    UNQUOTED_COLON = "unquoted-colon"
    """A plain value contains ': ', which YAML reads as a nested mapping: quote the value."""
    EMPTY_FILE = "empty-file"
    """The file holds no YAML document."""
    MULTIPLE_DOCUMENTS = "multiple-documents"
    """The file holds more than one YAML document (`---`)."""
    NOT_A_MAPPING = "not-a-mapping"
    """The top level of the file must be a mapping of keys to values."""
    DUPLICATE_KEY = "duplicate-key"
    """The same key appears twice in one mapping."""
    ALIAS_LIMIT = "alias-limit"
    """Anchors and aliases expand to too much data (an "alias bomb")."""
    COMPLEX_KEY = "complex-key"
    """A mapping key is itself a list or mapping."""
    PATH_ESCAPES = "path-escapes"
    """A chapter path leaves the course folder (absolute, `..`, or a symlink out)."""
    # Schema
    UNKNOWN_KEY = "unknown-key"
    """A key the model does not know (often a typo)."""
    MISSING_KEY = "missing-key"
    """A required key is absent."""
    WRONG_TYPE = "wrong-type"
    """A value has the wrong type (a list where text is expected, a word where a number is)."""
    INVALID_VALUE = "invalid-value"
    """A value is of the right type but not allowed (negative points, a bad id)."""
    UNKNOWN_KIND = "unknown-kind"
    """A block's `kind` is not explanation, code or question."""
    UNKNOWN_TYPE = "unknown-type"
    """A question's `type` is not one of the eight types."""
    # Course structure
    DUPLICATE_ID = "duplicate-id"
    """Two sections, chapters, questions or cells share an id."""
    DUPLICATE_CHAPTER = "duplicate-chapter"
    """The same chapter file is listed twice."""
    ORPHAN_CHAPTER = "orphan-chapter", Severity.WARNING
    """A chapter file in the course folder is listed in no section (warning)."""
    EMPTY_SECTION = "empty-section", Severity.WARNING
    """A section lists no chapters (warning)."""
    EMPTY_CHAPTER = "empty-chapter", Severity.WARNING
    """A chapter has no blocks (warning)."""
    # Questions
    NO_CORRECT_CHOICE = "no-correct-choice"
    """A choice question has no correct choice."""
    MANY_CORRECT_CHOICES = "many-correct-choices"
    """A single-choice question has more than one correct choice."""
    TOO_FEW_CHOICES = "too-few-choices"
    """A choice question needs at least two choices."""
    DUPLICATE_CHOICE = "duplicate-choice"
    """Two choices (or items, or pairs) have the same text."""
    NEGATIVE_TOLERANCE = "negative-tolerance"
    """A numeric tolerance is below zero."""
    BAD_RANGE = "bad-range"
    """A numeric range has its minimum above its maximum."""
    NO_ANSWER = "no-answer"
    """A question gives no way to be right (no answer, accept, pattern or range)."""
    PATTERN_WITHOUT_EXAMPLE = "pattern-without-example"
    """A `pattern` needs at least one example in `accept`: it is the answer shown to learners
    and the one exported to LMS formats that cannot match patterns."""
    BAD_PATTERN = "bad-pattern"
    """A `pattern` is not a valid regular expression."""
    MARKER_WITHOUT_BLANK = "marker-without-blank"
    """A `[[name]]` marker in a cloze prompt has no entry in `blanks`."""
    BLANK_WITHOUT_MARKER = "blank-without-marker"
    """An entry in `blanks` has no `[[name]]` marker in the prompt."""
    BLANK_IN_FORMULA = "blank-in-formula"
    """A cloze blank sits in a formula that cannot be cut at the blank into pieces that
    typeset alone (`$\\frac{1}{[[d]]}$`): the page would show raw TeX. Put the blank
    outside the formula, or cut the formula where each piece is whole."""
    MARKER_SPACES = "marker-spaces", Severity.WARNING
    """`[[ name ]]` has spaces inside the brackets, so it is shown as text, not a blank
    (warning): write `[[name]]`."""
    BAD_BLANK = "bad-blank"
    """A cloze blank mixes kinds, or its `answer` is not among its `choices` or not a number."""
    TOO_FEW_PAIRS = "too-few-pairs"
    """A matching question needs at least two pairs."""
    DUPLICATE_LEFT = "duplicate-left"
    """Two pairs of a matching question have the same left side."""
    TOO_FEW_ITEMS = "too-few-items"
    """An ordering question needs at least two distinct items."""
    MISSING_EXPLANATION = "missing-explanation", Severity.WARNING
    """A question has no explanation (warning)."""
    MISSING_FEEDBACK = "missing-feedback", Severity.WARNING
    """A wrong choice has no feedback saying why it is wrong (warning)."""
    EMPTY_HINT = "empty-hint", Severity.WARNING
    """A hint is empty (warning)."""
    HINT_PENALTY_TOO_HIGH = "hint-penalty-too-high", Severity.WARNING
    """All hints together cost more than the question is worth (warning)."""
    FEEDBACK_FOR_ACCEPTED = "feedback-for-accepted-answer"
    """A `text` question gives wrong-answer feedback for an answer it accepts."""
    ANSWER_KEY_POSITION = "answer-key-position", Severity.WARNING
    """The answer keys of a course all sit in one authored position: at least 5
    single-choice questions whose right choice is, say, always the first, or at least 5
    drop-down blanks whose answer is always the same option (warning). Wherever options are
    not shuffled (an LMS that does not, a printed copy) "always pick the first" scores
    full marks: spread the keys. Reported at the first key."""
    UNKNOWN_CHOICE = "unknown-choice"
    """`{{choice: ...}}` names no option of its question: neither a choice's `id` nor the
    text of a choice or drop-down option."""
    AMBIGUOUS_CHOICE = "ambiguous-choice", Severity.WARNING
    """`{{choice: text}}` in a cloze names an option that several drop-downs offer; the
    terminal, which numbers each blank's options, would name the first blank's (warning):
    write `{{choice: BLANK: text}}` with the blank's name."""
    POSITION_REFERENCE = "position-reference", Severity.WARNING
    """An explanation, hint or feedback of a question whose options are shown shuffled names
    an option by its position ("the first case", "option B", "(b)"; in Portuguese courses
    "a segunda opção"), which points at another option on the learner's screen (warning):
    write `{{choice: id}}` or `{{choice: its text}}` instead."""
    # Code and references
    UNKNOWN_CELL = "unknown-cell"
    """`verify:` names a code cell that is not in the chapter."""
    VERIFY_CELL_NOT_RUN = "verify-cell-not-run"
    """`verify:` names a code cell that has `run: false`, so nothing can be computed."""
    VERIFY_MISMATCH = "verify-mismatch"
    """The answer disagrees with the value the code computes."""
    VERIFY_FAILED = "verify-failed"
    """The `verify:` expression raised an error or did not give a usable value."""
    CELL_ERROR = "cell-error"
    """A code cell raised an exception."""
    CELL_TIMEOUT = "cell-timeout"
    """A chapter's code cells ran past the timeout."""
    CELL_CRASH = "cell-crash"
    """The process running the code cells died."""
    CELL_OUTPUT_LIMIT = "cell-output-limit"
    """A code cell printed more than the output limit."""
    CELL_SYNTAX = "cell-syntax"
    """A code cell is not valid Python."""
    MISSING_ASSET = "missing-asset"
    """A Markdown image or link points at a file that does not exist."""
    RAW_HTML = "raw-html", Severity.WARNING
    """Raw HTML in Markdown while `allow_html` is off; it is shown escaped (warning)."""
    UNSAFE_LINK = "unsafe-link", Severity.WARNING
    """A `javascript:` or `data:` link; it is neutralised (warning)."""
    OUTSIDE_COURSE = "outside-course"
    """A link or image names a file outside the course folder: an absolute path
    (`/etc/passwd`, `//host/x`), `..` past the course root, or a symlink that leads out."""
    UNSAFE_FILE_NAME = "unsafe-file-name"
    """A referenced file's name cannot be packaged safely (a backslash, `:`, a control
    character, a Windows device name): rename the file."""
    UNSAFE_SVG = "unsafe-svg"
    """An SVG file or figure holds script, event handlers or active links; it is not
    published."""
    MATH_MARKUP = "math-markup", Severity.WARNING
    """Math carries markup (`\\text{<b>}`), a link (`\\href`) or a style; the markup is
    shown as text and the rest removed (warning)."""
    CONTROL_CHARACTER = "control-character", Severity.WARNING
    """Text holds a control character (ESC, NUL, BEL, ...); it is removed (warning)."""
    SLOW_PATTERN = "slow-pattern"
    """A `pattern` can take exponential time on some answers (nested or overlapping
    repetition such as `(a+)+`): rewrite it without repeating a repetition."""
    FOLDED_MARKDOWN = "folded-markdown", Severity.WARNING
    """A Markdown field uses a folded scalar (`>`), which merges lines and breaks lists."""
    UNKNOWN_SUPPRESS = "unknown-suppress"
    """`suppress:` names a code that does not exist or is not a warning."""
    UNKNOWN_UI_LANGUAGE = "unknown-ui-language", Severity.WARNING
    """No interface strings exist for `ui_language`; English is used (warning)."""
    # Renderers
    UNSUPPORTED = "unsupported", Severity.WARNING
    """A renderer could not carry a feature to its format (fidelity warning)."""
    # Importers
    IMPORT_SYNTAX = "import-syntax"
    """A question bank being imported is malformed at this place (GIFT, XML, zip)."""
    IMPORT_UNSUPPORTED = "import-unsupported", Severity.WARNING
    """Part of an imported question bank has no lessonkit equivalent and was left out or
    changed (essay and calculated questions, missing images, scripts); warning."""
    IMPORT_REFUSED = "import-refused"
    """An imported file is refused as unsafe: XML entity declarations, a zip entry that
    leaves its folder, or a file too large to read."""
    IMPORT_CONFLICT = "import-conflict"
    """An import would overwrite a file it did not write before; pass `--force`."""

    @property
    def doc(self) -> str:
        """The one-line documentation of the code."""
        return code_docs().get(self, "")


def _member_docs() -> dict[Code, str]:
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(Code))
    docs: dict[Code, str] = {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.Assign)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(node.targets[0], ast.Name)
        ):
            docs[Code[node.targets[0].id]] = " ".join(str(after.value.value).split())
    return docs


_DOCS: dict[Code, str] = {}


def code_docs() -> dict[Code, str]:
    """Every code with its documentation (read from this module's source once)."""
    if not _DOCS:
        _DOCS.update(_member_docs())
    return dict(_DOCS)


WARNING_CODES = frozenset(code for code in Code if code.severity is Severity.WARNING)
"""Codes reported as warnings; every other code is an error."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem, where it is, and what might fix it."""

    code: Code
    message: str
    span: Span | None = None
    severity: Severity = Severity.ERROR
    hint: str | None = None
    """A suggestion such as "did you mean 'answer'?"."""
    notes: tuple[str, ...] = field(default=())
    """Further lines, such as the allowed keys or where the first occurrence is."""

    @classmethod
    def of(cls, code: Code, message: str, span: Span | None = None, **kw: object) -> Diagnostic:
        """A diagnostic whose severity follows from its code."""
        return cls(code, message, span, code.severity, **kw)  # type: ignore[arg-type]

    def sort_key(self) -> tuple[str, int, int, str]:
        s = self.span
        return (s.file, s.line, s.column, self.code.value) if s else ("", 0, 0, self.code.value)

    def headline(self) -> str:
        """`file:line:col: error[code]: message`."""
        where = f"{self.span}: " if self.span else ""
        return f"{where}{self.severity.value}[{self.code.value}]: {self.message}"

    def to_json(self) -> dict[str, object]:
        """The diagnostic as JSON-ready data (for `--format json`)."""
        s = self.span
        return {
            "severity": self.severity.value,
            "code": self.code.value,
            "message": self.message,
            "file": s.file if s else None,
            "line": s.line if s else None,
            "column": s.column if s else None,
            "end_line": s.end_line if s else None,
            "end_column": s.end_column if s else None,
            "hint": self.hint,
            "notes": list(self.notes),
        }


class CourseError(Exception):
    """Raised once, after collecting everything, when a course has errors."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        errors = sum(d.severity is Severity.ERROR for d in self.diagnostics)
        super().__init__(f"{errors} error(s) in the course")


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """The closest option to a misspelled word, if one is close enough."""
    matches = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return matches[0] if matches else None
