"""Stage 3, execution: code cells run at build time in a confined process per chapter,
their outputs cached by content, `verify:` answers checked against what the code computes."""
