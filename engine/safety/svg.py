"""Whether an SVG document can run script when a learner opens it.

An SVG file opened on its own (a link, "open image in new tab") is a document with its
own scripting, outside the page's Content-Security-Policy. So a course SVG (an asset, a
code cell's figure) is published only when it holds nothing active: no `<script>`, no
XHTML or `<foreignObject>` content, no event-handler attribute, no `javascript:`-like
link, no animation that sets a link or a handler, no style sheet processing instruction
and no DTD with entity declarations (entity tricks hide all of the above from a check).

The document is parsed with expat, namespaces resolved, so prefixes cannot disguise an
element. Anything that does not parse is refused: a browser's parser may read it
differently from this one.
"""

from __future__ import annotations

import re
import xml.parsers.expat

SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XLINK_NS = "http://www.w3.org/1999/xlink"

_ACTIVE_ELEMENTS = frozenset({"script", "foreignObject", "handler", "listener", "iframe",
                              "embed", "object"})
_ANIMATIONS = frozenset({"set", "animate", "animateMotion", "animateTransform", "discard"})
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
_SAFE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp);", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


class _ActiveError(Exception):
    pass


def _local(name: str) -> tuple[str, str]:
    """(namespace, local name) of an expat name written as `namespace local`."""
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _link_is_active(value: str) -> bool:
    url = _IGNORED_IN_URL.sub("", value)
    scheme = _SCHEME.match(url)
    if scheme is None:
        return False  # a fragment or a relative path
    if _SAFE_DATA.match(url):
        return False  # matplotlib embeds raster images as data: URLs
    return scheme.group(0).lower() not in ("http:", "https:")


def _start(name: str, attrs: dict[str, str]) -> None:
    namespace, local = _local(name)
    if namespace == XHTML_NS:
        raise _ActiveError(f"an XHTML <{local}> element")
    if local in _ACTIVE_ELEMENTS:
        raise _ActiveError(f"a <{local}> element")
    for attr, value in attrs.items():
        _, attr_local = _local(attr)
        if attr_local.lower().startswith("on"):
            raise _ActiveError(f"an event handler '{attr_local}' on <{local}>")
        if attr_local == "href" and _link_is_active(value):
            raise _ActiveError(f"a '{value[:40]}' link on <{local}>")
    if local in _ANIMATIONS:
        target = attrs.get("attributeName", "").lower()
        if target.endswith("href") or target.startswith("on"):
            raise _ActiveError(f"an animation <{local}> that changes '{target}'")


def svg_problem(data: bytes) -> str | None:
    """What makes an SVG document active or uncheckable, or None when it is inert."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")

    def entity(*_args: object) -> None:
        raise _ActiveError("a DTD that declares entities")

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _ActiveError("an xml-stylesheet instruction")

    parser.StartElementHandler = _start
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _ActiveError as active:
        return str(active)
    except xml.parsers.expat.ExpatError as err:
        return f"SVG that does not parse ({xml.parsers.expat.errors.messages[err.code]})"
    return None
