"""A QTI 2.1 content package (or a bare item) -> chapters.

Each `imsqti_test_xmlv2p1` resource is a chapter titled by its test, holding the items
its `assessmentItemRef`s name, in order, with their weights as points; items no test
refers to go to one chapter of their own. The manifest's LOM keywords of an item
resource are its tags.
"""

from __future__ import annotations

from lxml import etree

from importers.bank import Bank, Chapter
from importers.package import Package
from importers.qti21 import Qti21Reader, test_items
from importers.safe import RefusedError, descendants, local

SECTION = ("imported", "Imported")


def _keywords(package: Package) -> dict[str, list[str]]:
    """Item path -> its keywords in the manifest."""
    out: dict[str, list[str]] = {}
    if package.manifest is None:
        return out
    for res in descendants(package.manifest, "resource"):
        if not res.get("type", "").startswith("imsqti_item"):
            continue
        words = [(s.text or "").strip() for k in descendants(res, "keyword")
                 for s in k.iter() if local(s) in ("langstring", "string") and s.text]
        if words and res.get("href"):
            out[res.get("href", "")] = words
    return out


def read_qti21_package(package: Package, bank: Bank) -> None:
    """Read every test (and item left over) of a QTI 2.1 package into `bank`."""
    reader = Qti21Reader(bank)
    tags = _keywords(package)
    seen: set[str] = set()
    for _, files in package.resources("imsqti_test_xmlv2p1"):
        for test_path in files[:1]:
            test = package.xml(test_path)
            title = test.get("title") or test.get("identifier") or test_path
            chapter = bank.chapter(test_path, test.get("identifier", title).rsplit(".", 1)[-1],
                                   title, SECTION, 1)
            for path, weight in test_items(test, test_path):
                seen.add(path)
                _read_item(package, reader, path, chapter, weight, tags.get(path))
    loose = [f for _, files in package.resources("imsqti_item_xmlv2p1") for f in files[:1]
             if f not in seen]
    if loose:
        chapter = bank.chapter("items", "items", "Items", SECTION, 1)
        for path in loose:
            _read_item(package, reader, path, chapter, None, tags.get(path))
    if not seen and not loose:
        bank.error("imsmanifest.xml lists no QTI 2.1 test or item", 1)


def _read_item(package: Package, reader: Qti21Reader, path: str, chapter: Chapter,
               weight: float | None, tags: list[str] | None) -> None:
    from importers import _resolver

    try:
        root = package.xml(path)
    except RefusedError:
        return  # reported; the other items still import
    with package.entry(path):
        images = _resolver(package, path)(f"item '{path}'", 1)
        reader.item(root, chapter, images, weight, tags)


def read_qti21_document(root: etree._Element, bank: Bank) -> None:
    """A bare QTI 2.1 item file (a test needs its package, which holds the items)."""
    if local(root) == "assessmentTest":
        bank.error("a QTI 2.1 test refers to item files: import the package (zip) that "
                   "holds them", 1)
        return
    chapter = bank.chapter("item", "items", "Items", SECTION, 1)
    Qti21Reader(bank).item(root, chapter, bank.disk_images("the item", 1))
