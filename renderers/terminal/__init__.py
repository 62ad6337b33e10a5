"""The terminal learner: quizzes, spaced-repetition reviews and progress, in a terminal.

Unlike the other renderers it writes no bundle: it is interactive. `commands` holds the
click commands `lessonkit` exposes (quiz, review, progress, feedback); `flow` decides
which questions a session asks, `app` is the question-answer-verdict loop, `prompts`
reads answers, `view`, `lesson` and `render` draw questions, lesson text and Markdown
(`mathtext`: TeX as Unicode), `screen` is the plain or coloured front end, `store` and
`schema` keep progress in SQLite, `review` schedules with FSRS, `course_cache` keeps the
validated course between runs.
"""
