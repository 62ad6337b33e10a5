"""Course text: the one Markdown dialect, its fast compiled path, math as MathML or as plain
Unicode, cloze blanks in formulas, heading anchors and `{{choice: ...}}` references."""
