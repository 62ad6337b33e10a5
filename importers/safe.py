"""Reading untrusted files: XML without entities or network, zips without escapes or bombs.

A question bank comes from elsewhere (an LMS export, a colleague's file). XML entity
declarations are refused outright: no real bank needs them, and they are how "billion
laughs" and external-entity attacks work. lxml is used with entity resolution, DTD
loading and network access off, and keeps each element's line for diagnostics. Zip
entries are read by name through a size check and never extracted to disk by path.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import PurePosixPath

from lxml import etree

from engine.diagnostics import Code
from importers.bank import MAX_INPUT_BYTES, Bank

_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(\[)?", re.I)
_ENTITY = re.compile(rb"<!ENTITY", re.I)


_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError)
"""What reading a damaged zip raises: bad CRCs and headers, broken deflate streams,
truncated data, compression methods Python lacks."""


class RefusedError(Exception):
    """The input cannot be read safely or at all; the Bank already has the diagnostic."""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_xml(data: bytes, bank: Bank) -> etree._Element:
    """The root element of an XML document, or RefusedError with a located diagnostic."""
    if len(data) > MAX_INPUT_BYTES:
        bank.error(f"file of {len(data)} bytes refused: the limit is {MAX_INPUT_BYTES}", 1,
                   code=Code.IMPORT_REFUSED)
        raise RefusedError
    if m := _ENTITY.search(data):
        bank.error("XML entity declarations are refused (they can expand without bound or"
                   " read local files)", _line_of(data, m.start()), code=Code.IMPORT_REFUSED)
        raise RefusedError
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        bank.error(f"malformed XML: {exc.msg}", max(1, line), max(1, col + 1))
        raise RefusedError from None
    if root is None:
        bank.error("the file holds no XML element", 1)
        raise RefusedError
    return root


def local(el: etree._Element) -> str:
    """An element's name without its namespace."""
    tag = el.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(el: etree._Element, name: str) -> list[etree._Element]:
    """Child elements called `name`, whatever their namespace."""
    return [c for c in el if local(c) == name]


def child(el: etree._Element, name: str) -> etree._Element | None:
    """The first child element called `name`."""
    found = children(el, name)
    return found[0] if found else None


def descendants(el: etree._Element, name: str) -> list[etree._Element]:
    """Descendant elements called `name`, in document order."""
    return [d for d in el.iter() if local(d) == name]


def line(el: etree._Element) -> int:
    """The element's line in its file (1 when lxml does not know)."""
    return el.sourceline or 1


class SafeZip:
    """A zip read entry by entry, with paths checked and sizes bounded."""

    def __init__(self, data: bytes, bank: Bank) -> None:
        import io

        self.bank = bank
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except _DAMAGED as exc:
            bank.error(f"not a readable zip file: {exc}", 1)
            raise RefusedError from None
        self.names: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            path = PurePosixPath(name.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts or ":" in name:
                bank.error(f"zip entry '{name}' leaves the package folder and is refused", 1,
                           code=Code.IMPORT_REFUSED)
                continue
            total += info.file_size
            if total > MAX_INPUT_BYTES:
                bank.error(f"the zip unpacks to more than {MAX_INPUT_BYTES} bytes and is "
                           "refused", 1, code=Code.IMPORT_REFUSED)
                raise RefusedError
            if not info.is_dir():
                self.names[path.as_posix()] = info

    def read(self, name: str) -> bytes | None:
        """The entry's bytes, or None when the zip has no such entry."""
        info = self.names.get(str(PurePosixPath(name)))
        if info is None:
            return None
        try:
            with self.zip.open(info) as f:
                # The declared size can lie; never read more than it promised.
                data = f.read(info.file_size + 1)
        except _DAMAGED as exc:
            self.bank.error(f"zip entry '{name}' is damaged: {exc}", 1)
            return None
        if len(data) > info.file_size:
            self.bank.error(f"zip entry '{name}' is larger than it declares and is refused", 1,
                            code=Code.IMPORT_REFUSED)
            return None
        return data
