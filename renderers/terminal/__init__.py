"""Course content as terminal text: Markdown, math, questions and code cells as lines of
rich Text, for the terminal learner (learner/).

`render` draws Markdown (one dialect with the site, engine/text/markdown_dialect.py),
`view` a question and its verdict, `lesson` and `cells` a chapter's explanations and code
cells, `layout` the order options are shown in and their labels.
"""
