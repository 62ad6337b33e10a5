"""The terminal learner: quizzes, spaced-repetition reviews and progress, in a terminal.

An application, not a renderer: it keeps state. `flow` decides which questions a session
asks, `app` is the question-answer-verdict loop, `prompts` reads answers, `screen` is the
plain or coloured front end, `summary` and `report` show scores and progress, `store` and
`schema` keep progress in SQLite, `review` schedules with FSRS, `course_cache` keeps the
validated course between runs and `export` hands the feedback answers to the author. What
it draws comes from renderers/terminal/; its commands live in cli/commands/learner.py.
"""
