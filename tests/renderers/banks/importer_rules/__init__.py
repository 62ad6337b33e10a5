"""How each LMS's importer reads what we write: one rule table per question-bank format.

Each module holds a table of `Rule`s, with the importer source each rule comes from,
and a `cases(export)` that reads one export the way that importer does (the bytes, not
the model). A rule returns what the importer would change in a question; a change is
acceptable only when the fidelity report lists it for that question (the `announced`
feature). `judge` applies a table to every question of an export.
"""
