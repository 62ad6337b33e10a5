"""`python -m engine` runs the lessonkit program."""

from engine.cli import entry

entry()
