"""Helpers shared by the LMS question-bank and cartridge exports.

qti12, qti21, moodle, gift and cc each build one file format; what they share lives
here, one concept per module: stable identifiers (`ids`), XML building (`xml`), HTML
fragments as element trees (`xhtml`), Markdown to packaged HTML (`markup`, `media`),
grade and number rules (`grades`, `numbers`), the fidelity report (`fidelity`) and
the Canvas-flavoured QTI 1.2 items that both qti12 and cc write (`canvas_items`).
"""
