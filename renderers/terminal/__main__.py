"""`python -m renderers.terminal`: the learner's commands without the `lessonkit` CLI.

The same four commands that `lessonkit` registers; used where the full CLI is not
installed, and by the tests as a second entry point.
"""

from __future__ import annotations

import click

from renderers.terminal.commands import feedback, progress, quiz, review


@click.group()
def main() -> None:
    """The lessonkit terminal learner."""


main.add_command(quiz)
main.add_command(review)
main.add_command(progress)
main.add_command(feedback)

if __name__ == "__main__":
    main()
