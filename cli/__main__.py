"""`python -m cli` runs the lessonkit program."""

from cli.main import entry

entry()
