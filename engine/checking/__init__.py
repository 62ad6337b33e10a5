"""Stage 2, checking: the rules beyond the schema (ids, references, answers, cloze blanks,
shuffling, Markdown hygiene), each mistake a diagnostic with its place."""
