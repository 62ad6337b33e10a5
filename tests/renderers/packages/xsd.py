"""Validate manifests against the official schemas vendored in tests/renderers/packages/schemas/.

Recipe (lms-formats.md 10.2): copy the schema folder to a temporary directory, patch the
one known defect of the SCORM 1.2 set there, and compile a small driver schema that
imports every namespace the manifest uses; parse with the network off.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from functools import cache
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"

_IMPORTS = {
    "scorm12": {
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
    },
    "scorm2004-4th": {
        "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
        "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
        "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
    },
}


def _patch_scorm12(folder: Path) -> None:
    """ims_xml.xsd binds the xml namespace as the default namespace, which is forbidden."""
    path = folder / "ims_xml.xsd"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'\sxmlns="http://www\.w3\.org/XML/1998/namespace"', "", text, count=1)
    path.write_text(text, encoding="utf-8")


@cache
def schema(name: str) -> etree.XMLSchema:
    """The compiled schema set `scorm12`, `scorm2004-4th` or `cmi5`."""
    with tempfile.TemporaryDirectory(prefix=f"lessonkit-xsd-{name}-") as tmp:
        folder = Path(tmp)
        shutil.copytree(SCHEMAS / name, folder, dirs_exist_ok=True)
        return _compile(name, folder)


def _compile(name: str, folder: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    if name == "cmi5":
        return etree.XMLSchema(etree.parse(str(folder / "CourseStructure.xsd"), parser))
    if name == "scorm12":
        _patch_scorm12(folder)
    imports = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{file}"/>'
        for ns, file in _IMPORTS[name].items()
    )
    driver = folder / "driver.xsd"
    driver.write_text(
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>',
        encoding="utf-8",
    )
    return etree.XMLSchema(etree.parse(str(driver), parser))


def errors(name: str, document: bytes) -> list[str]:
    """Validation errors of `document` against schema set `name` (empty when valid)."""
    doc = etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))
    compiled = schema(name)
    if compiled.validate(doc):
        return []
    return [f"{e.line}: {e.message}" for e in compiled.error_log]
