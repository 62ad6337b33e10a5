"""Common Cartridge (.imscc) -> one chapter per assessment, in the sections of its outline.

A cartridge lists its assessments as `imsqti_xmlv1p2/imscc_xmlv1pN/assessment` resources
(and question banks as `.../question-bank`), written in the CC profile of QTI 1.2,
which the QTI 1.2 reader understands through the items' `cc_profile`. Canvas adds a
complete copy of each quiz in its own QTI dialect as `non_cc_assessments/<id>.xml.qti`,
with the question types the profile lacks (numeric, matching, fill-in-the-blanks); when
that copy is present it is read instead. The organization's items give the sections:
an assessment's parent item is its section.
"""

from __future__ import annotations

from lxml import etree

from importers.bank import Bank, Chapter, slug
from importers.package import Package
from importers.qti12 import read_qti12
from importers.safe import children, descendants, local


def _sections(manifest: etree._Element | None) -> dict[str, tuple[str, str]]:
    """Resource identifier -> (section id, title) from the organization's nesting."""
    out: dict[str, tuple[str, str]] = {}
    if manifest is None:
        return out
    for item in descendants(manifest, "item"):
        ref = item.get("identifierref")
        parent = item.getparent()
        if not ref or parent is None or local(parent) != "item":
            continue
        titles = [t.text or "" for t in children(parent, "title")]
        if titles and titles[0].strip():
            out[ref] = (slug(titles[0].strip().lower(), "imported"), titles[0].strip())
    return out


def read_cc(package: Package, bank: Bank) -> None:
    """Read every assessment and question bank of a cartridge into `bank`."""
    from importers import _resolver

    sections = _sections(package.manifest)
    found = False
    for ident, files in package.resources("imsqti_xmlv1p2/imscc_xmlv1p"):
        documents = [f for f in files if f.endswith((".xml", ".qti"))]
        if not documents:
            continue
        found = True
        section = sections.get(ident, ("imported", "Imported"))
        before = len(bank.chapters)
        document = documents[0]
        root = package.xml(document)
        with package.entry(document):
            read_qti12(root, bank, _resolver(package, document), section)
        canvas = f"non_cc_assessments/{ident}.xml.qti"
        if canvas in package.zip.names and len(bank.chapters) > before:
            _merge_canvas(package, bank, bank.chapters[-1], canvas, section)
    if not found:
        bank.error("imsmanifest.xml lists no assessment or question bank", 1)


def _merge_canvas(
    package: Package, bank: Bank, chapter: Chapter, document: str, section: tuple[str, str]
) -> None:
    """Add the questions only Canvas's copy of a quiz has, in that copy's order.

    A question the profile could express is kept as the profile wrote it (it carries
    fixed options, shuffling and all-or-nothing scoring, which Canvas's dialect lacks);
    Canvas's copy supplies the types the profile has no place for.
    """
    from importers import _resolver

    extension = Bank(bank.source, media=bank.media)
    root = package.xml(document)
    with package.entry(document):
        read_qti12(root, extension, _resolver(package, document), section)
    theirs = extension.chapters[0].blocks if extension.chapters else []
    ours = {str(b.get("id")): b for b in chapter.blocks}
    merged = []
    for block in theirs:
        ident = str(block.get("id"))
        if ident in ours:
            merged.append(ours.pop(ident))
        else:
            block["id"] = bank.unique_id(ident, ident)
            merged.append(block)
    chapter.blocks = merged + list(ours.values())
    seen = {(d.code, d.message) for d in bank.diagnostics}
    for d in extension.diagnostics:
        if (d.code, d.message) not in seen:
            bank.diagnostics.append(d)
    bank.losses.extend((k, d) for k, d in extension.losses if (d.code, d.message) not in seen)
