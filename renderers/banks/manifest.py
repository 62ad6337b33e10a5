"""The IMS Content Packaging manifest (`imsmanifest.xml`) that QTI 1.2, QTI 2.1 and Common
Cartridge packages share: its skeleton and its resources.

IMS CP 1.1: `<manifest>` holds `<metadata>` (the profile's `schema` and `schemaversion`,
then its LOM), `<organizations>` and `<resources>`; a resource lists its files, then the
resources it depends on. Each format brings its namespaces, in the attribute order its
importers' examples use, and its own LOM.
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.etree.ElementTree import Element

from renderers.common.xml import Attrs, el, sub


def ims_manifest(attrs: Attrs, schema: str, version: str) -> tuple[Element, Element]:
    """A `<manifest>` with `attrs` and its `<metadata>` naming `schema` at `version`; returns
    both (the caller adds the LOM to the metadata, then organizations and resources)."""
    manifest = el("manifest", attrs)
    metadata = sub(manifest, "metadata")
    sub(metadata, "schema", schema)
    sub(metadata, "schemaversion", version)
    return manifest, metadata


def resource(
    resources: Element,
    attrs: Attrs,
    files: Iterable[str] = (),
    dependencies: Iterable[str] = (),
    metadata: Element | None = None,
) -> Element:
    """A `<resource>` appended to `resources`: its metadata (if any), its files, then the
    identifiers of the resources it depends on."""
    entry = sub(resources, "resource", attrs)
    if metadata is not None:
        entry.append(metadata)
    for href in files:
        sub(entry, "file", {"href": href})
    for identifier in dependencies:
        sub(entry, "dependency", {"identifierref": identifier})
    return entry
