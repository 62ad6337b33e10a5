"""One module per `lessonkit` command; engine/cli.py imports each lazily."""
