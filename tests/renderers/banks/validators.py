"""Schema checks with lxml against the vendored official schemas (tests/schemas)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from lxml import etree

from tests.renderers.banks.exportkit import SCHEMAS

PARSER = etree.XMLParser(no_network=True, resolve_entities=False)
_ROOT = re.compile(rb"<questestinterop[^>]*>")


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, PARSER)


@cache
def _dtd() -> etree.DTD:
    return etree.DTD(str(SCHEMAS / "qti12" / "ims_qtiasiv1p2p1.dtd"))


def qti12_errors(data: bytes) -> list[str]:
    """DTD errors of a QTI 1.2 document. The root's namespace attributes are removed
    first: a DTD cannot declare them (see tests/schemas/README.md)."""
    document = parse(_ROOT.sub(b"<questestinterop>", data, count=1))
    dtd = _dtd()
    return [] if dtd.validate(document) else [str(e) for e in dtd.error_log]


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path), PARSER))


def xsd_errors(data: bytes, schema: Path) -> list[str]:
    """XML Schema errors of a document."""
    xsd = _schema(schema)
    return [] if xsd.validate(parse(data)) else [str(e) for e in xsd.error_log]


QTI21_XSD = SCHEMAS / "qti21" / "qtiv2p1" / "imsqti_v2p1.xsd"
CC13_QTI_XSD = SCHEMAS / "cc13" / "ccv1p3_qtiasiv1p2p1.xsd"


def cp_manifest_errors(data: bytes, tmp: Path) -> list[str]:
    """Errors of an IMS CP 1.1 manifest with IMS MD 1.2.4 metadata (a driver schema
    imports both, as lms-formats section 10.2 describes)."""
    driver = tmp / "driver.xsd"
    driver.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        f'<xs:import namespace="http://www.imsglobal.org/xsd/imscp_v1p1" '
        f'schemaLocation="{(SCHEMAS / "qti21" / "imscp_v1p1.xsd").as_uri()}"/>'
        f'<xs:import namespace="http://www.imsglobal.org/xsd/imsmd_v1p2" '
        f'schemaLocation="{(SCHEMAS / "qti21" / "imsmd_v1p2p4.xsd").as_uri()}"/>'
        "</xs:schema>", encoding="utf-8")
    xsd = etree.XMLSchema(etree.parse(str(driver), PARSER))
    return [] if xsd.validate(parse(data)) else [str(e) for e in xsd.error_log]
