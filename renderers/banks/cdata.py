"""Writing chosen elements' text as CDATA sections, as Moodle's own XML exporter does.

Why: Moodle reads its XML with `xmlize` (lib/xmlize.php), whose character-data handler
drops every chunk of text that is only whitespace. With entity-escaped HTML the parser
delivers `</strong>`, ` ` and `<math` as separate chunks, so the space between two tags
vanishes ("hidden state</strong><math"). Inside a CDATA section the whole HTML is one
chunk and arrives intact; Moodle's exporter writes every HTML text that way
(question/format/xml/format.php, qformat_xml::writetext).

ElementTree cannot write CDATA, so each such text is replaced by a placeholder, the tree
is serialized, and the placeholders are swapped for the sections afterwards. The
placeholders are derived from the texts and checked against the whole document, so no
author text can be mistaken for one.
"""

from __future__ import annotations

import hashlib
from xml.etree.ElementTree import Element

from renderers.common.xml import to_bytes

_MARKUP = ("<", ">", "&")


def cdata_section(text: str) -> str:
    """`text` as CDATA; a `]]>` inside is split across two sections (the only way)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def to_bytes_cdata(root: Element, cdata_tags: frozenset[str],
                   opaque: frozenset[str] = frozenset()) -> bytes:
    """`to_bytes`, with the text of every `cdata_tags` element that holds markup characters
    (`<`, `>`, `&`) written as a CDATA section instead of escaped text."""
    texts = [e for e in root.iter() if e.tag in cdata_tags and e.text
             and any(c in e.text for c in _MARKUP)]
    every_text = "".join(t for e in root.iter() for t in (e.text or "", e.tail or "",
                                                          *e.attrib.values()))
    salt = hashlib.sha256(every_text.encode("utf-8")).hexdigest()[:12]
    swaps: dict[str, str] = {}
    originals = [e.text or "" for e in texts]
    for number, element in enumerate(texts):
        token = f"LKCDATA{salt}N{number}Z"
        if token in every_text:  # pragma: no cover - would need a SHA-256 prefix collision
            raise ValueError(f"placeholder {token} occurs in the document")
        swaps[token] = cdata_section(element.text or "")
        element.text = token
    try:
        data = to_bytes(root, opaque).decode("utf-8")
    finally:
        for element, original in zip(texts, originals, strict=True):
            element.text = original
    for token, section in swaps.items():
        data = data.replace(token, section, 1)
    return data.encode("utf-8")

