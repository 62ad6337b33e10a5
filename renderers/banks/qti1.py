"""IMS QTI 1.2.1 building blocks shared by the Canvas export and Common Cartridge.

Spec: IMS QTI ASI 1.2.1 (ims_qtiasiv1p2p1.dtd) and the Common Cartridge profile of it
(ccv1p3_qtiasiv1p2p1.xsd). Only constructs both accept are built here: the CC profile
allows one `setvar` per `respcondition` and `xs:ID` idents, so idents are unique.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.etree.ElementTree import Element

from renderers.common.xml import XSI, el, sub

QTI1 = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI1_XSD = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"
CONTENT = frozenset({"mattext", "fieldentry", "varequal"})
"""Elements whose text is author content: never re-indented."""


def questestinterop(assessment: Element) -> Element:
    root = el("questestinterop", {"xmlns": QTI1, "xmlns:xsi": XSI,
                                  "xsi:schemaLocation": f"{QTI1} {QTI1_XSD}"})
    root.append(assessment)
    return root


def qtimetadata(parent: Element, fields: Sequence[tuple[str, str]]) -> Element:
    metadata = sub(parent, "qtimetadata")
    for label, entry in fields:
        field = sub(metadata, "qtimetadatafield")
        sub(field, "fieldlabel", label)
        sub(field, "fieldentry", entry)
    return metadata


def material(parent: Element, text: str, html: bool = True) -> Element:
    """`<material><mattext texttype=...>text</mattext></material>`."""
    mat = sub(parent, "material")
    sub(mat, "mattext", {"texttype": "text/html" if html else "text/plain"}, text)
    return mat


def response_label(parent: Element, ident: str, text: str | None, html: bool = True) -> Element:
    label = sub(parent, "response_label", {"ident": ident})
    if text is not None:
        material(label, text, html)
    return label


def outcomes(resprocessing: Element) -> None:
    sub(sub(resprocessing, "outcomes"), "decvar", {
        "maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"})


def varequal(respident: str, value: str, case: bool | None = None) -> Element:
    attrs = {"respident": respident, "case": None if case is None else ("Yes" if case else "No")}
    return el("varequal", attrs, value)


def respcondition(parent: Element, conditions: Sequence[Element], *,
                  score: str | None = None, action: str = "Set",
                  feedback: Sequence[str] = (), stop: bool = False) -> Element:
    """A condition (children ANDed by `conditionvar` semantics when more than one is given
    inside an explicit `<and>`), an optional score and feedback links."""
    condition = sub(parent, "respcondition", {"continue": "No" if stop else "Yes"})
    var = sub(condition, "conditionvar")
    var.extend(conditions)
    if score is not None:
        sub(condition, "setvar", {"action": action, "varname": "SCORE"}, score)
    for link in feedback:
        sub(condition, "displayfeedback", {"feedbacktype": "Response", "linkrefid": link})
    return condition


def itemfeedback(parent: Element, ident: str, html: str) -> Element:
    feedback = sub(parent, "itemfeedback", {"ident": ident})
    material(sub(feedback, "flow_mat"), html)
    return feedback


def score_text(percent: float) -> str:
    """A SCORE value on QTI 1.2's 0-100 scale: at most four decimals, no trailing zeros."""
    text = f"{percent:.4f}".rstrip("0").rstrip(".")
    return text or "0"
