"""Zip packages (QTI 1.2, QTI 2.1, Common Cartridge): manifest, documents, media.

A package lists its resources in `imsmanifest.xml`; the importers read the question
documents it names, and images referenced from their HTML (relative to the document,
or through Canvas's `$IMS-CC-FILEBASE$` and CC's `$IMS-CC-FILEBASE$` prefixes) are read
from the same zip into the course's assets. Every read goes through `SafeZip`.
"""

from __future__ import annotations

import contextlib
import posixpath
import urllib.parse
from collections.abc import Callable, Iterator

from lxml import etree

from importers.bank import Bank
from importers.media import ASSET_LINK, FILEBASE, add_media
from importers.safe import SafeZip, descendants, local, parse_xml


class Package:
    """An opened zip package and its manifest."""

    def __init__(self, data: bytes, bank: Bank) -> None:
        self.bank = bank
        self.base = bank.source
        self.zip = SafeZip(data, bank)
        manifest = self.zip.read("imsmanifest.xml")
        self.manifest: etree._Element | None = None
        if manifest is not None:
            self.manifest = self.xml("imsmanifest.xml", manifest)

    def xml(self, name: str, data: bytes | None = None) -> etree._Element:
        """A document of the package, parsed safely; diagnostics name the entry."""
        raw = self.zip.read(name) if data is None else data
        if raw is None:
            self.bank.error(f"the package has no file '{name}'", 1)
            from importers.safe import RefusedError

            raise RefusedError
        with self.entry(name):
            return parse_xml(raw, self.bank)

    @contextlib.contextmanager
    def entry(self, name: str) -> Iterator[None]:
        """Diagnostics made meanwhile point into entry `name` (`bank.zip!dir/file.xml:3:1`)."""
        source = self.bank.source
        self.bank.source = f"{self.base}!{name}"
        try:
            yield
        finally:
            self.bank.source = source

    def resources(self, *types: str) -> list[tuple[str, list[str]]]:
        """(identifier, file paths) of manifest resources whose type starts with a type."""
        out: list[tuple[str, list[str]]] = []
        if self.manifest is None:
            return out
        for res in descendants(self.manifest, "resource"):
            kind = res.get("type", "")
            if any(kind.startswith(t) for t in types):
                files = [f.get("href", "") for f in res if local(f) == "file"]
                if not files and res.get("href"):
                    files = [res.get("href", "")]
                out.append((res.get("identifier", ""), [f for f in files if f]))
        return out

    def images(self, document: str, label: str, line: int) -> Callable[[str], str | None]:
        """An image resolver for HTML of `label` at `line` of `document`: package files
        become course assets, and an image the package lacks is reported there."""

        def resolve(src: str) -> str | None:
            if src.startswith(("http://", "https://", "data:")):
                return src
            path = src
            for prefix in FILEBASE:
                if path.startswith(prefix):
                    path = path[len(prefix) :]
                    break
            else:
                path = posixpath.join(posixpath.dirname(document), path)
            path = posixpath.normpath(urllib.parse.unquote(path.split("?", 1)[0]))
            data = self.zip.read(path) if not path.startswith("..") else None
            if data is None:
                with self.entry(document):
                    self.bank.unsupported("missing-image", f"{label}: image '{src}' is not "
                                          "in the package", line)
                return None
            return ASSET_LINK + add_media(self.bank, posixpath.basename(path), data)

        return resolve
