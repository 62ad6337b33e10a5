"""One module per `lessonkit` command; cli/main.py imports each lazily."""
