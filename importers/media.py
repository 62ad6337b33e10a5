"""Images an imported bank refers to -> files in the course's assets.

Every importer stores media the same way: a safe file name (a slug of the original),
made unique by a content hash when two different files share a name, linked from the
chapter files as `../assets/imported/<name>`. A bare file (GIFT, a single XML document)
may link images that sit beside it; those are read from its folder, never from
outside it.
"""

from __future__ import annotations

import hashlib
import os
import urllib.parse
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importers.bank import Bank

ASSET_LINK = "../assets/imported/"
"""How a chapter file (one folder deep in the course) links an imported asset."""

FILEBASE = ("$IMS-CC-FILEBASE$/", "$IMS_CC_FILEBASE$/", "%24IMS-CC-FILEBASE%24/",
            "@@PLUGINFILE@@/")
"""Prefixes LMS exports put before a path inside their package."""


def add_media(bank: Bank, name: str, data: bytes) -> str:
    """Store a file under a safe, unique asset name and return that name."""
    from importers.bank import slug

    path = PurePosixPath(name.replace("\\", "/"))
    suffix = path.suffix.lower() if slug(path.suffix, "") else ""
    base = slug(path.stem, "file") + suffix
    if bank.media.get(base, data) != data:
        digest = hashlib.sha256(data).hexdigest()[:8]
        base = f"{slug(path.stem, 'file')}-{digest}{suffix}"
    bank.media[base] = data
    return base


def disk_image(bank: Bank, src: str, label: str, line: int) -> str | None:
    """The asset link for an image beside a bare source file, or None (reported)."""
    from importers.bank import MAX_INPUT_BYTES

    if src.startswith(("http://", "https://", "data:")):
        return src
    rel = src
    for prefix in FILEBASE:
        rel = rel.removeprefix(prefix)
    rel = urllib.parse.unquote(rel.split("?", 1)[0])
    if bank.folder is not None:
        folder = Path(bank.folder).resolve()
        target = (folder / rel).resolve()
        # Only files inside the bank's folder: a link must not read the rest of the disk.
        if target.is_relative_to(folder) and target.is_file() and \
                os.path.getsize(target) <= MAX_INPUT_BYTES:
            return ASSET_LINK + add_media(bank, target.name, target.read_bytes())
    bank.unsupported("missing-image", f"{label}: image '{src}' not found beside the file",
                     line)
    return None
