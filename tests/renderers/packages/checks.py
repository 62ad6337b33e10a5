"""What the schemas and the SCORM runtime do not check, checked here.

- Manifests: dangling `identifierref`s, identifiers that are not NCNames or not unique,
  files listed but missing or present but unlisted, the launch resource not first
  (Open edX), the SCORM type attribute spelled for the wrong version, masteryscore out
  of range, schemaversion not exactly what Open edX matches.
- cmi5.xml: AU urls that are not in the zip, ids that are not absolute IRIs or repeat.
- Runtime calls: scorm-again is lenient on purpose (a 1.2 suspend_data over 4096
  characters, an interaction id with a space), so every value the content wrote is
  checked against the data-model types of the specifications (RTE 1.2 section 3.4,
  RTE 2004 4th edition section 4.2), as a strict LMS would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from lxml import etree

NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$")
ADLCP = {"1.2": "http://www.adlnet.org/xsd/adlcp_rootv1p2",
         "2004": "http://www.adlnet.org/xsd/adlcp_v1p3"}
SCHEMA_VERSION = {"1.2": "1.2", "2004": "2004 4th Edition"}


def _local(element: etree._Element) -> str:
    return str(etree.QName(element).localname)


def manifest_problems(document: bytes, names: Iterable[str], version: str) -> list[str]:
    """Problems of a SCORM manifest that an XSD cannot see; `names` are the zip's entries."""
    root = etree.fromstring(document)
    problems: list[str] = []
    identifiers = [e.get("identifier") for e in root.iter() if e.get("identifier") is not None]
    problems += [f"identifier {i!r} is not an NCName" for i in identifiers if not NCNAME.match(i)]
    problems += [f"identifier {i!r} is not unique" for i in sorted(set(identifiers))
                 if identifiers.count(i) > 1]
    by_tag: dict[str, list[etree._Element]] = {}
    for element in root.iter(etree.Element):
        by_tag.setdefault(_local(element), []).append(element)
    resources = {r.get("identifier"): r for r in by_tag.get("resource", [])}
    for element in by_tag.get("item", []) + by_tag.get("dependency", []):
        ref = element.get("identifierref")
        if ref is not None and ref not in resources:
            problems.append(f"identifierref {ref!r} names no resource")
    orgs = [o.get("identifier") for o in by_tag.get("organization", [])]
    default = by_tag["organizations"][0].get("default") if "organizations" in by_tag else None
    if default not in orgs:
        problems.append(f"organizations@default {default!r} names no organization")
    versions = [e.text for e in by_tag.get("schemaversion", [])]
    if versions != [SCHEMA_VERSION[version]]:
        problems.append(f"schemaversion is {versions}, not [{SCHEMA_VERSION[version]!r}]")
    problems += _file_problems(by_tag, set(names))
    problems += _resource_problems(list(resources.values()), by_tag.get("item", []), version)
    for score in by_tag.get("masteryscore", []):
        if not 0 <= float(score.text or "nan") <= 100:
            problems.append(f"masteryscore {score.text} is outside 0-100")
    return problems


def _file_problems(by_tag: dict[str, list[etree._Element]], names: set[str]) -> list[str]:
    listed = [unquote(f.get("href", "")) for f in by_tag.get("file", [])]
    problems = [f"file {h!r} is listed twice" for h in sorted(set(listed)) if listed.count(h) > 1]
    problems += [f"file {h!r} is listed but not in the zip" for h in sorted(set(listed) - names)]
    unlisted = names - set(listed) - {"imsmanifest.xml"}
    problems += [f"{n!r} is in the zip but listed nowhere" for n in sorted(unlisted)]
    for resource in by_tag.get("resource", []):
        href = resource.get("href")
        if href is not None and unquote(href) not in names:
            problems.append(f"resource href {href!r} is not in the zip")
    return problems


def _resource_problems(
    resources: list[etree._Element], items: list[etree._Element], version: str
) -> list[str]:
    problems: list[str] = []
    right = f"{{{ADLCP[version]}}}{'scormtype' if version == '1.2' else 'scormType'}"
    wrong = f"{{{ADLCP[version]}}}{'scormType' if version == '1.2' else 'scormtype'}"
    for resource in resources:
        if resource.get(right) not in ("sco", "asset") or resource.get(wrong) is not None:
            problems.append(f"resource {resource.get('identifier')!r} lacks {right}")
    launchable = [r for r in resources if r.get("href")]
    first_leaf = next((i for i in items if i.get("identifierref")), None)
    if not launchable or launchable[0].get(right) != "sco":
        problems.append("the first resource with an href is not a SCO (Open edX launches it)")
    elif first_leaf is None or first_leaf.get("identifierref") != launchable[0].get("identifier"):
        problems.append("the first item does not launch the first resource")
    return problems


def cmi5_problems(document: bytes, names: Iterable[str]) -> list[str]:
    """Problems of a cmi5.xml that CourseStructure.xsd cannot see."""
    root = etree.fromstring(document)
    problems: list[str] = []
    ids = [e.get("id") for e in root.iter() if e.get("id") is not None]
    problems += [f"id {i!r} is not an absolute IRI" for i in ids if not IRI.match(i)]
    problems += [f"id {i!r} is not unique" for i in sorted(set(ids)) if ids.count(i) > 1]
    for url in root.iter("{*}url"):
        if unquote((url.text or "").split("?")[0]) not in set(names):
            problems.append(f"AU url {url.text!r} is not in the zip")
    return problems


# --- runtime values -------------------------------------------------------------------

_DEC = r"-?\d+(\.\d+)?"
_ID12 = r"[0-9a-z]"
_ID04 = r"[A-Za-z0-9_\-.:()+=@;$!*'%/#]+"
_ISO = r"P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?"

RESPONSES_12 = {
    "true-false": r"[01tf]",
    "choice": rf"{_ID12}(,{_ID12})*",
    "fill-in": r"[^\n]{0,255}",
    "numeric": _DEC,
    "matching": rf"{_ID12}\.{_ID12}(,{_ID12}\.{_ID12})*",
    "sequencing": rf"{_ID12}(,{_ID12})*",
}
RESPONSES_2004 = {
    "true-false": r"true|false",
    "choice": rf"{_ID04}(\[,\]{_ID04})*",
    "fill-in": r"(\{lang=[^}]+\})?(?!\{)((?!\[,\]).){0,250}(\[,\]((?!\[,\]).){0,250}){0,9}",
    "numeric": _DEC,
    "matching": rf"{_ID04}\[\.\]{_ID04}(\[,\]{_ID04}\[\.\]{_ID04})*",
    "sequencing": rf"{_ID04}(\[,\]{_ID04})*",
}
PATTERNS_2004 = {
    **RESPONSES_2004,
    "fill-in": r"(\{case_matters=(true|false)\})?(\{order_matters=(true|false)\})?"
               r"((?!\[,\]).){0,250}(\[,\]((?!\[,\]).){0,250}){0,9}",
    "numeric": rf"({_DEC})?(\[:\]({_DEC})?)?",
}

ELEMENTS_12 = {
    r"cmi\.core\.lesson_status": r"passed|completed|failed|incomplete|browsed",
    r"cmi\.core\.exit": r"time-out|suspend|logout|",
    r"cmi\.core\.score\.(raw|min|max)": r"(100(\.0+)?|\d{1,2}(\.\d+)?)",
    r"cmi\.core\.session_time": r"\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?",
    r"cmi\.core\.lesson_location": r"[\s\S]{0,255}",
    r"cmi\.suspend_data": r"[\s\S]{0,4096}",
    r"cmi\.interactions\.\d+\.id": r"[A-Za-z0-9_.\-]{1,255}",
    r"cmi\.interactions\.\d+\.type": "|".join(RESPONSES_12),
    r"cmi\.interactions\.\d+\.time": r"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?",
    r"cmi\.interactions\.\d+\.weighting": _DEC,
    r"cmi\.interactions\.\d+\.result": rf"correct|wrong|unanticipated|neutral|{_DEC}",
    r"cmi\.interactions\.\d+\.latency": r"\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?",
}
ELEMENTS_2004 = {
    r"cmi\.completion_status": r"completed|incomplete|not attempted|unknown",
    r"cmi\.success_status": r"passed|failed|unknown",
    r"cmi\.exit": r"time-out|suspend|logout|normal|",
    r"cmi\.score\.scaled": r"-?(1(\.0+)?|0(\.\d+)?)",
    r"cmi\.score\.(raw|min|max)": _DEC,
    r"cmi\.progress_measure": r"(1(\.0+)?|0(\.\d+)?)",
    r"cmi\.session_time": _ISO,
    r"cmi\.location": r"[\s\S]{0,1000}",
    r"cmi\.suspend_data": r"[\s\S]{0,64000}",
    r"cmi\.interactions\.\d+\.id": r"[A-Za-z0-9][A-Za-z0-9_\-.:/#]{0,3999}",
    r"cmi\.interactions\.\d+\.type": "|".join(RESPONSES_2004),
    r"cmi\.interactions\.\d+\.description": r"(\{lang=[A-Za-z]{1,8}(-[A-Za-z0-9]{2,8})*\})?"
                                            r"(?!\{).{0,250}",
    r"cmi\.interactions\.\d+\.timestamp": r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"
                                          r"(\.\d{1,2}(Z|[+-]\d{2}(:\d{2})?)?)?",
    r"cmi\.interactions\.\d+\.weighting": _DEC,
    r"cmi\.interactions\.\d+\.result": rf"correct|incorrect|unanticipated|neutral|{_DEC}",
    r"cmi\.interactions\.\d+\.latency": _ISO,
}


def call_problems(calls: Sequence[Sequence[str]], version: str) -> list[str]:
    """Every refused call, and every written value the specification does not allow.

    `calls` are the test LMS's records: (kind, *arguments, result, error code).
    """
    problems: list[str] = []
    types: dict[str, str] = {}
    elements = ELEMENTS_12 if version == "1.2" else ELEMENTS_2004
    for call in calls:
        kind, result, code = call[0], call[-2], call[-1]
        if result != "true":
            problems.append(f"{kind}{tuple(call[1:-2])} returned {result} (error {code})")
            continue
        if kind != "set":
            continue
        element, value = call[1], call[2]
        problems += _value_problems(element, value, elements, types, version)
    return problems


def _value_problems(
    element: str, value: str, elements: dict[str, str], types: dict[str, str], version: str
) -> list[str]:
    interaction = re.match(r"cmi\.interactions\.(\d+)\.", element)
    if interaction and element.endswith(".type"):
        types[interaction.group(1)] = value
    rule = next((r for e, r in elements.items() if re.fullmatch(e, element)), None)
    if rule is None and interaction:
        kind = types.get(interaction.group(1), "")
        if re.search(r"\.(student_response|learner_response)$", element):
            rule = (RESPONSES_12 if version == "1.2" else RESPONSES_2004).get(kind)
        elif re.search(r"\.correct_responses\.\d+\.pattern$", element):
            rule = (RESPONSES_12 if version == "1.2" else PATTERNS_2004).get(kind)
    if rule is None:
        return [f"{element} is not an element this test expects the bridge to write"]
    if re.fullmatch(rule, value) is None:
        return [f"{element} = {value!r} does not match the data model type /{rule}/"]
    return []
