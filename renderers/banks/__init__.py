"""Question-bank exports (qti12, qti21, moodle, gift, cc) and the helpers they share.

qti12, qti21, moodle, gift and cc each build one file format; what they share lives
here, one concept per module: stable identifiers (`ids`), HTML fragments as element
trees (`xhtml`), Markdown to packaged HTML (`markup`, `media`), Moodle's grade list
(`grades`), the fidelity report (`fidelity`) and
the Canvas-flavoured QTI 1.2 items that both qti12 and cc write (`canvas_items`). XML
building and number formats, which the LMS packages use too, are in renderers/common/.
"""
