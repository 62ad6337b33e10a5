"""The learner's commands: `quiz`, `review`, `progress` and `feedback`.

`cli.main` registers these click commands lazily under `lessonkit`. Only click is
imported at module level: rich, pydantic, sqlite3 and fsrs load inside the commands, so
`lessonkit --help` stays instant and `quiz` reaches its first question quickly.

Leaving is not an error: `q`, Ctrl-C and the end of input save, print one line and exit
with status 0. Status 1 means a real problem (a course with errors, an unusable progress
database), status 2 a usage mistake.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from engine.model import Course
    from learner.app import QuizApp
    from learner.screen import Screen
    from learner.store import ProgressStore

NOW_ENV_VAR = "LESSONKIT_NOW"
"""For tests: an ISO 8601 time to use as "now" (reviews, due dates)."""
FUZZ_ENV_VAR = "LESSONKIT_FSRS_FUZZ"
"""For tests: `0` turns off FSRS interval fuzzing, making due dates reproducible."""

QUIZ_HELP = """Take the questions of a course, a section or a chapter, one at a time.

PATH is the course folder. The quiz starts where you left off: an unfinished quiz of the
same scope resumes (same questions, same order), otherwise the questions you have not
answered yet come first. Every answer is saved the moment you give it. Between
questions, the chapter's explanations and code cells (with their cached outputs) are
shown in reading order, unless --questions-only, --shuffle or --retry-mistakes.

\b
Answers, by question type:
  single      one option, by number or letter: 2  or  b
  multiple    every right option: 1,3  or  1 3  or  ac
  true/false  t, true, y, yes  or  f, false, n, no
  numeric     a number: 0.25, 0,25, 1 000, -3 (the unit may follow)
  text        the answer itself
  cloze       one prompt per blank; a blank with options also takes their number
  matching    one letter per numbered item, in order: bca  or pairs: 1b 2c 3a
  ordering    all the numbers in the right order: 3 1 2  (or letters: cab)
An answer in the wrong form is asked again, with the form expected.

\b
Keys, typed at any answer prompt and then Enter:
  h   show the next hint (its cost is shown)    s   skip the question
  q   save and quit                             r   run the chapter's code cells
  ?   help                                      \\h  answer a literal h (also \\s, \\q, \\r)

\b
Plain mode (--plain, or automatically when stdin or stdout is not a terminal, with
TERM=dumb or when ACCESSIBLE is set): no colour and no control codes, one prompt per
line, answers read line by line from stdin, so a quiz can be scripted:
  printf '2\\nt\\n0.25\\n' | lessonkit quiz PATH --chapter X --plain

Progress lives in an SQLite file in your data folder; --progress-db or the
LESSONKIT_PROGRESS_DB variable puts it elsewhere.
"""

course_path = click.argument(
    "path", type=click.Path(exists=True, file_okay=True, dir_okay=True, path_type=Path)
)
progress_db_option = click.option(
    "--progress-db", type=click.Path(dir_okay=False, path_type=Path),
    envvar="LESSONKIT_PROGRESS_DB", metavar="FILE",
    help="The progress database [default: progress.sqlite3 in your data folder].",
)
plain_option = click.option(
    "--plain", is_flag=True, help="No colour or control codes; answers read line by line."
)


@dataclass
class _Context:
    course: Course
    store: ProgressStore
    screen: Screen


def _now() -> datetime:
    from datetime import UTC

    frozen = os.environ.get(NOW_ENV_VAR)
    if frozen:
        moment = datetime.fromisoformat(frozen.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


@contextmanager
def _opened(path: Path, progress_db: Path | None, plain: bool) -> Iterator[_Context]:
    """The course (validated, or from the cache), the progress store and the screen."""
    from engine.diagnostic_format import format_text
    from engine.diagnostics import CourseError
    from learner.course_cache import load_course_cached
    from learner.screen import make_screen
    from learner.store import ProgressStore, StoreError, default_path

    try:
        course = load_course_cached(path)
    except CourseError as error:
        click.echo(format_text(error.diagnostics), err=True)
        click.echo(f"error: {path} has errors; fix them first (lessonkit check {path}).", err=True)
        raise SystemExit(1) from None
    database = progress_db or default_path()
    try:
        store = ProgressStore.open(database)
    except StoreError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(1) from None
    if store.moved_aside is not None:
        click.echo(
            f"error: the progress database {database} was damaged; it was moved to "
            f"{store.moved_aside} and a new, empty one was started.", err=True,
        )
    try:
        yield _Context(course, store, make_screen(plain, ui_language=course.ui_language))
    except StoreError as error:
        click.echo(f"\nerror: {error}", err=True)
        raise SystemExit(1) from None
    finally:
        store.close()


def _app(context: _Context) -> QuizApp:
    import time

    from learner.app import QuizApp
    from learner.review import make_scheduler
    from renderers.terminal.cells import EngineCells

    fuzzing = os.environ.get(FUZZ_ENV_VAR, "1") != "0"
    return QuizApp(context.course, context.store, context.screen, EngineCells(),
                   make_scheduler(fuzzing), _now, time.monotonic)


def _leaving(screen: Screen, run: Callable[[], None]) -> None:
    """Run the session; turn q, Ctrl-C and end of input into one line and status 0."""
    from learner.app import QuitRequested

    try:
        run()
    except QuitRequested:
        screen.say(screen.words.text("term.left.quit"))
    except EOFError:
        screen.say(screen.words.text("term.left.eof"))
    except KeyboardInterrupt:
        screen.say()
        screen.say(screen.words.text("term.left.interrupted"))


@click.command(help=QUIZ_HELP)
@course_path
@click.option("--section", metavar="ID", help="Only this section.")
@click.option("--chapter", metavar="ID", help="Only this chapter.")
@click.option("--shuffle", is_flag=True, help="Ask the questions in a random order.")
@click.option("--count", type=click.IntRange(min=1), metavar="N", help="Ask at most N questions.")
@click.option("--retry-mistakes", is_flag=True,
              help="Only the questions whose last answer was not fully right.")
@click.option("--restart", is_flag=True, help="Start again from the first question.")
@click.option("--questions-only", is_flag=True,
              help="Do not show the lesson text between questions.")
@click.option("--seed", type=int, metavar="N", help="Seed the shuffling, for a reproducible run.")
@plain_option
@progress_db_option
def quiz(path: Path, section: str | None, chapter: str | None, shuffle: bool, count: int | None,
         retry_mistakes: bool, restart: bool, questions_only: bool, seed: int | None,
         plain: bool, progress_db: Path | None) -> None:
    if section and chapter:
        raise click.UsageError("give --section or --chapter, not both")
    from learner.flow import QuizOptions, run_quiz
    from learner.items import ScopeError, scope_items

    options = QuizOptions(section, chapter, shuffle, count, retry_mistakes, restart,
                          questions_only, seed)
    with _opened(path, progress_db, plain) as context:
        try:
            scope_items(context.course, section, chapter)
        except ScopeError as error:
            raise click.BadParameter(str(error), param_hint="--section/--chapter") from None
        app = _app(context)
        _leaving(context.screen, lambda: run_quiz(app, options))


@click.command()
@course_path
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="Review at most N questions.")
@click.option("--seed", type=int, metavar="N", help="Seed the shuffling, for a reproducible run.")
@plain_option
@progress_db_option
def review(path: Path, limit: int | None, seed: int | None, plain: bool,
           progress_db: Path | None) -> None:
    """Review the questions that are due now by spaced repetition (FSRS).

    Every answered question is scheduled: a wrong answer comes back soon, a right one
    later and later. The rating follows from your answer: wrong is "again", right with
    hints or partly right is "hard", right is "good". Answers work as in `quiz`.
    """
    from learner.flow import run_review

    with _opened(path, progress_db, plain) as context:
        app = _app(context)
        _leaving(context.screen, lambda: run_review(app, limit, seed))


@click.command()
@course_path
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--reset", is_flag=True, help="Delete the progress (asks first).")
@click.option("--chapter", metavar="ID", help="With --reset: only this chapter.")
@click.option("--yes", "-y", is_flag=True, help="With --reset: do not ask.")
@progress_db_option
def progress(path: Path, as_json: bool, reset: bool, chapter: str | None, yes: bool,
             progress_db: Path | None) -> None:
    """Show scores, completion and due reviews per section and chapter, or reset them."""
    if chapter and not reset:
        raise click.UsageError("--chapter goes with --reset")
    with _opened(path, progress_db, False) as context:
        course, store = context.course, context.store
        if reset:
            _reset(course, store, chapter, yes)
            return
        from learner.report import build_report, report_lines

        report = build_report(course, store, _now())
        if as_json:
            import json

            click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        else:
            context.screen.say_all(report_lines(report, context.screen.words,
                                                context.screen.width))


def _reset(course: Course, store: ProgressStore, chapter_id: str | None, yes: bool) -> None:
    from learner.items import ScopeError, scope_items

    try:
        items = scope_items(course, None, chapter_id)
    except ScopeError as error:
        raise click.BadParameter(str(error), param_hint="--chapter") from None
    what = f"chapter {chapter_id!r}" if chapter_id else f"the course {course.id!r}"
    if not yes:
        try:
            yes = click.confirm(f"Delete every answer and review date of {what}?", default=False)
        except click.Abort:
            yes = False
    if not yes:
        click.echo("Nothing was deleted.")
        return
    ids = [item.question.id for item in items] if chapter_id else None
    deleted = store.reset(course.id, ids)
    click.echo(f"Deleted {deleted} answer(s) of {what}.")


@click.command()
@course_path
@click.option("--export", "export_to", required=True, metavar="FILE",
              type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Where to write the answers (- for standard output).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]),
              help="Defaults to the file's extension, else json.")
@progress_db_option
def feedback(path: Path, export_to: Path, fmt: str | None, progress_db: Path | None) -> None:
    """Export the "Was everything clear?" answers given at the end of chapters."""
    from learner.export import feedback_rows, to_csv, to_json

    with _opened(path, progress_db, True) as context:
        rows = feedback_rows(context.course, context.store.feedback(context.course.id))
    chosen = fmt or ("csv" if export_to.suffix.lower() == ".csv" else "json")
    text = to_csv(rows) if chosen == "csv" else to_json(rows)
    if str(export_to) == "-":
        click.echo(text, nl=False)
        return
    from cli.output import write_file_atomic

    write_file_atomic(text.encode("utf-8"), export_to)
    click.echo(f"Exported {len(rows)} answer(s) to {export_to}.", err=True)
