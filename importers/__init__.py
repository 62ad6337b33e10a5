"""Importers: question banks from other tools -> lessonkit chapters.

`read_bank(path, format)` reads one file (detecting its format when none is given) into
a `Bank` of chapters, media and diagnostics; `importers.writer` turns a Bank into files
in a course. Each format has its own module; they share the answer-list rules of
`importers.questions`, the HTML conversion of `importers.markup` and the safe readers of
`importers.safe`. Importers depend on the engine, never the other way round.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from engine.diagnostics import Code
from importers.bank import MAX_INPUT_BYTES, Bank
from importers.safe import RefusedError

if TYPE_CHECKING:
    from importers.package import Package
    from importers.qti12 import Images

FORMATS = ("gift", "moodle", "qti12", "qti21", "cc", "text2qti")
"""Every format `lessonkit import --format` accepts."""


def detect(data: bytes, name: str) -> str | None:
    """The format of a file from its content (and its name when the content is plain text)."""
    if data.startswith(b"PK"):
        if name.lower().endswith(".imscc"):
            return "cc"
        return "zip"  # decided by the package reader from its manifest
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        root = re.search(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]",
                         re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", b"", head, flags=re.S))
        tag = root.group(2).decode() if root else ""
        return {"quiz": "moodle", "questestinterop": "qti12", "assessmentItem": "qti21",
                "assessmentTest": "qti21"}.get(tag)
    text = data[:65536].decode("utf-8", errors="replace")
    if re.search(r"^\s*\d+\.\s+\S", text, re.M) and re.search(r"^\s*\*?[a-z]\)\s", text, re.M):
        return "text2qti"
    if re.search(r"(?<!\\)\{|^\s*\$CATEGORY:|^\s*::[^\n]*?::", text, re.M):
        return "gift"
    return None


def read_bank(path: Path, fmt: str | None, display: str | None = None) -> Bank:
    """Read `path` into a Bank; problems become diagnostics, never exceptions."""
    bank = Bank(display or str(path))
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            bank.error(f"file of {size} bytes refused: the limit is {MAX_INPUT_BYTES}", 1,
                       code=Code.IMPORT_REFUSED)
            return bank
        data = path.read_bytes()
    except OSError as exc:
        bank.error(f"cannot read the file: {exc.strerror or exc}", 1, code=Code.FILE_UNREADABLE)
        return bank
    bank.folder = str(path.parent)
    return read_bytes(data, path.name, fmt, bank)


def read_bytes(data: bytes, name: str, fmt: str | None, bank: Bank) -> Bank:
    """Read the bytes of a file called `name` into `bank`."""
    found = fmt or detect(data, name)
    if found is None:
        bank.error("cannot tell the format of the file; pass --format "
                   f"({'|'.join(FORMATS)})", 1)
        return bank
    with contextlib.suppress(RefusedError):  # the bank holds the located diagnostic
        _dispatch(found, data, name, bank)
    return bank


def _text(data: bytes, bank: Bank) -> str:
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bank.error("the file is not valid UTF-8", line, code=Code.ENCODING)
        raise RefusedError from None


def _dispatch(fmt: str, data: bytes, name: str, bank: Bank) -> None:
    from importers.safe import parse_xml

    if fmt == "gift":
        from importers.gift import read_gift

        read_gift(_text(data, bank), bank)
    elif fmt == "moodle":
        from importers.moodle import read_moodle

        read_moodle(parse_xml(data, bank), bank)
    elif fmt == "text2qti":
        from importers.text2qti import read_text2qti

        read_text2qti(_text(data, bank), bank, Path(name).stem)
    elif data.startswith(b"PK"):
        _package(fmt, data, bank)
    elif fmt == "qti12":
        from importers.qti12 import read_qti12

        read_qti12(parse_xml(data, bank), bank, bank.disk_images)
    elif fmt == "qti21":
        from importers.qti21_package import read_qti21_document

        read_qti21_document(parse_xml(data, bank), bank)
    else:
        bank.error(f"importing {fmt} is not supported yet", 1)


def _package(fmt: str, data: bytes, bank: Bank) -> None:
    """A zip: its manifest says which documents hold the questions, in which format."""
    from importers.package import Package

    package = Package(data, bank)
    if fmt in ("zip", "cc"):
        types = " ".join(res.get("type", "") for res in (
            package.manifest.iter() if package.manifest is not None else []))
        if "imscc_xmlv1p" in types or fmt == "cc":
            from importers.cc import read_cc

            read_cc(package, bank)
            return
        fmt = "qti12" if "imsqti_xmlv1p2" in types else "qti21" if "imsqti_" in types else ""
        if not fmt:
            bank.error("a zip without QTI resources in imsmanifest.xml; pass --format", 1)
            return
    if fmt == "qti21":
        from importers.qti21_package import read_qti21_package

        read_qti21_package(package, bank)
        return
    if fmt == "qti12":
        from importers.qti12 import read_qti12

        documents = [f for _, files in package.resources("imsqti_xmlv1p2") for f in files]
        if not documents:
            bank.error("imsmanifest.xml lists no QTI 1.2 (imsqti_xmlv1p2) resource", 1)
        for name in documents:
            root = package.xml(name)
            with package.entry(name):
                read_qti12(root, bank, _resolver(package, name))
        return
    bank.error(f"importing {fmt} is not supported yet", 1)


def _resolver(package: Package, document: str) -> Images:
    """Images in `document` of `package`: (what, line) -> a resolver."""

    def images(what: str, line: int) -> Callable[[str], str | None]:
        return package.images(document, what, line)

    return images
