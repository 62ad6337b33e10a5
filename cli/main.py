"""The `lessonkit` command line.

Each command lives in its own module and is imported only when it runs, so
`lessonkit --help` stays instant.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Any

import click

VERSION = "0.1.0"

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("cli.commands.check:check", "Validate a course and report every mistake."),
    "build": ("cli.commands.build:build", "Build the site and LMS packages of a course."),
    "run": ("cli.commands.run:run", "Run (or show cached) code cells and print their outputs."),
    "serve": ("cli.commands.serve:serve", "Preview the site, rebuilding on every save."),
    "quiz": ("cli.commands.learner:quiz", "Take a course's quizzes in the terminal."),
    "review": ("cli.commands.learner:review", "Review the questions that are due now."),
    "progress": ("cli.commands.learner:progress", "Show or reset your progress."),
    "feedback": ("cli.commands.learner:feedback", "Export 'Was everything clear?' answers."),
    "dump": ("cli.commands.dump:dump", "Print the validated course model (JSON or YAML)."),
    "schema": ("cli.commands.schema:schema", "Write the JSON Schema for editors."),
    "new": ("cli.commands.new:new", "Scaffold a new course or chapter."),
    "import": ("cli.commands.import_:import_", "Import a question bank (GIFT, Moodle, QTI)."),
    "codes": ("cli.commands.check:codes", "List every diagnostic code with its meaning."),
}
"""Command name -> ("module:attribute", one-line help shown by `lessonkit --help`)."""


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        target, _ = COMMANDS[cmd_name]
        module_name, _, attr = target.partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help from the table, so listing commands imports none of them.
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, "-V", "--version", prog_name="lessonkit")
def main() -> None:
    """lessonkit: write a course as YAML, check it, and build it into a static site, a
    terminal quiz and LMS packages.

    \b
    Start here:
      lessonkit new course my-course     scaffold a course that passes `check`
      lessonkit check my-course          report every mistake with file:line:col
      lessonkit build my-course          build the site into _build/site/
      lessonkit quiz my-course           take the quizzes in the terminal

    Run `lessonkit COMMAND --help` for the options of a command.
    """


ONE_SHOT = frozenset({"check", "build"})
"""Commands that load a whole course, write what they make and end: the `lessonkit`
program runs them without the cyclic garbage collector and ends them without tearing
the course down (`entry`)."""


def entry() -> Any:
    """The `lessonkit` program (console script and `python -m cli`).

    The process-wide tricks are played here, and only for the program itself (never under
    click's test runner, nor when another program imports the commands). A one-shot command
    on a large course holds millions of small objects that all stay alive to the end:
    the cyclic collector would walk them again and again for nothing, and freeing them one
    by one at interpreter exit takes longer than checking the course did (mypy exits the
    same way). A long-running `serve` keeps its own policy (cli/commands/serve.py).
    """
    args = sys.argv[1:]
    # The group takes no option with a value, so the first other word is the command.
    command = next((a for a in args if not a.startswith("-")), None)
    if command not in ONE_SHOT:
        return main.main(args=args, prog_name="lessonkit")
    gc.disable()
    try:
        main.main(args=args, prog_name="lessonkit")
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            raise  # a message to print: let the interpreter do it
        code = done.code or 0
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
