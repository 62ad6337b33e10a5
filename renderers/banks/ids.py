"""Stable identifiers: derived from content ids, never from time or memory.

An LMS keys re-imports on these identifiers (Canvas migration ids, QTI identifiers,
manifest identifiers), so the same course must produce the same ids on every build,
and two courses must not collide when imported side by side.
"""

from __future__ import annotations

import hashlib
import re

_NCNAME_START = re.compile(r"^[A-Za-z_]")
_NOT_NCNAME = re.compile(r"[^A-Za-z0-9_.-]")


def stable_id(*parts: str) -> str:
    """`g` + 32 hex digits of SHA-256 over the parts (Canvas's own id shape).

    It is an XML NCName, so it fits `xs:ID` attributes in every schema we write.
    """
    digest = hashlib.sha256("\x1f".join(("lessonkit", *parts)).encode("utf-8")).hexdigest()
    return "g" + digest[:32]


def ncname(text: str, prefix: str = "x") -> str:
    """`text` as an XML NCName: invalid characters become `_`, a bad start gets `prefix`."""
    cleaned = _NOT_NCNAME.sub("_", text)
    return cleaned if _NCNAME_START.match(cleaned) else f"{prefix}{cleaned}"
