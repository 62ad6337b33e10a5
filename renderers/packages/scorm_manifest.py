"""`imsmanifest.xml` for SCORM 1.2 and SCORM 2004 4th edition.

SCORM 1.2: IMS CP 1.1.2 with the ADL `adlcp_rootv1p2` extension (CAM 1.2, section 2).
SCORM 2004 4th edition: IMS CP 1.1.4 with `adlcp/adlseq/adlnav_v1p3` and IMS Simple
Sequencing (CAM 4th edition, sections 3 and 5).

Choices made for the LMSs we know of:
- The launch resource comes first among the resources: Open edX launches the first
  `<resource>` with an `href` and ignores the organization.
- `schemaversion` is exactly `1.2` or `2004 4th Edition`: Open edX reads any other
  text as 2004.
- Identifiers are `PREFIX-<lessonkit id>`: lessonkit ids are `[A-Za-z0-9][A-Za-z0-9_.-]*`,
  so a letter prefix makes every one an NCName, and distinct prefixes per kind keep
  them unique across the document (all `identifier`s share one `xs:ID` space).
- `xsi:schemaLocation` is one line of single-space-separated pairs: some LMS parsers
  fail on encoded line breaks there.
- Every file of the package except the manifest is listed, exactly once; hrefs are
  percent-encoded (they are URIs in the CAM), so file names with spaces still resolve.
- 2004 mastery is a primary objective satisfied by measure (`minNormalizedMeasure` =
  the course's `passing_score`) and completion a `completionThreshold` of 1.0 by
  progress measure; the bridge reports both, so an LMS that evaluates either agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from urllib.parse import quote
from xml.etree.ElementTree import Element

from engine.model import Course
from renderers.common.numbers import decimal_text
from renderers.common.xml import add, element, manifest_bytes
from renderers.packages.units import Unit

Version = Literal["1.2", "2004"]

NS_12 = {
    "xmlns": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
    "xmlns:adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsi:schemaLocation": (
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd "
        "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"
    ),
}
NS_2004 = {
    "xmlns": "http://www.imsglobal.org/xsd/imscp_v1p1",
    "xmlns:adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
    "xmlns:adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
    "xmlns:adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
    "xmlns:imsss": "http://www.imsglobal.org/xsd/imsss",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "xsi:schemaLocation": (
        "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd "
        "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd "
        "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd "
        "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd "
        "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd"
    ),
}
SCHEMA_VERSION = {"1.2": "1.2", "2004": "2004 4th Edition"}
TITLE_LIMIT = 200
"""IMS CP 1.1.2 caps titles at 200 characters."""
SITE_RESOURCE = "RES-site"


def href(path: str) -> str:
    """A package path as a manifest href (a relative URI)."""
    return quote(path, safe="/-._~")


def _title(text: str) -> Element:
    text = " ".join(text.split())
    if len(text) > TITLE_LIMIT:
        text = text[: TITLE_LIMIT - 1] + "…"
    return element("title", text=text)


def _item(unit: Unit, version: Version, mastery: float) -> Element:
    item = element(
        "item", {"identifier": f"ITEM-{unit.key}", "identifierref": f"RES-{unit.key}"},
        _title(unit.title),
    )
    if version == "1.2":
        if unit.graded:
            add(item, element("adlcp:masteryscore",
                              text=decimal_text(round(mastery * 100, 2))))
        return item
    add(item, element("adlcp:completionThreshold",
                      {"completedByMeasure": "true", "minProgressMeasure": "1.0"}))
    sequencing = add(item, element("imsss:sequencing"))
    if unit.graded:
        add(sequencing, element(
            "imsss:objectives", {},
            element(
                "imsss:primaryObjective",
                {"objectiveID": f"PASS-{unit.key}", "satisfiedByMeasure": "true"},
                element("imsss:minNormalizedMeasure", text=decimal_text(mastery)),
            ),
        ))
    add(sequencing, element("imsss:deliveryControls",
                            {"completionSetByContent": "true", "objectiveSetByContent": "true"}))
    return item


def _flow(version: Version) -> list[Element]:
    """2004: let the learner move with Continue/Previous as well as the table of contents."""
    if version == "1.2":
        return []
    return [element("imsss:sequencing", {},
                    element("imsss:controlMode", {"choice": "true", "flow": "true"}))]


def _organization(course: Course, units: Sequence[Unit], version: Version) -> Element:
    org = element("organization", {"identifier": f"ORG-{course.id}"}, _title(course.title))
    if len(units) == 1 and units[0].section is None:
        add(org, _item(units[0], version, course.passing_score))
        return org
    groups: dict[str, Element] = {}
    for unit in units:
        assert unit.section is not None
        section = unit.section
        if section.id not in groups:
            groups[section.id] = add(
                org, element("item", {"identifier": f"SECTION-{section.id}"}, _title(section.title))
            )
        add(groups[section.id], _item(unit, version, course.passing_score))
    for group in groups.values():
        group.extend(_flow(version))
    org.extend(_flow(version))
    return org


def _resources(
    units: Sequence[Unit], site_files: Sequence[str], version: Version
) -> list[Element]:
    kind = "adlcp:scormtype" if version == "1.2" else "adlcp:scormType"
    site = sorted(site_files)
    if len(units) == 1 and units[0].section is None:
        unit = units[0]
        files = [unit.launcher, *[f for f in site if f != unit.launcher]]
        return [element(
            "resource",
            {"identifier": f"RES-{unit.key}", "type": "webcontent", kind: "sco",
             "href": href(unit.launcher)},
            *[element("file", {"href": href(f)}) for f in files],
        )]
    resources = [
        element(
            "resource",
            {"identifier": f"RES-{unit.key}", "type": "webcontent", kind: "sco",
             "href": href(unit.launcher)},
            element("file", {"href": href(unit.launcher)}),
            element("dependency", {"identifierref": SITE_RESOURCE}),
        )
        for unit in units
    ]
    resources.append(element(
        "resource", {"identifier": SITE_RESOURCE, "type": "webcontent", kind: "asset"},
        *[element("file", {"href": href(f)}) for f in site],
    ))
    return resources


def manifest(
    course: Course, units: Sequence[Unit], site_files: Sequence[str], version: Version
) -> bytes:
    """The manifest of a package whose SCOs are `units` and whose shared files are `site_files`.

    `site_files` are all package files other than the manifest and the SCO launchers.
    """
    root = element(
        "manifest",
        {"identifier": f"MANIFEST-{course.id}", "version": course.version[:20],
         **(NS_12 if version == "1.2" else NS_2004)},
        element("metadata", {}, element("schema", text="ADL SCORM"),
                element("schemaversion", text=SCHEMA_VERSION[version])),
        element("organizations", {"default": f"ORG-{course.id}"},
                _organization(course, units, version)),
        element("resources", {}, *_resources(units, site_files, version)),
    )
    return manifest_bytes(root)
