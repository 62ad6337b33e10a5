"""Looks through every file a build wrote (zips opened) for anything that could run.

A finding is one sentence naming the file. What counts:

- a link or image with an absolute or protocol-relative URL (`/etc/passwd`, `//host`);
- a tag or attribute that runs script: an `on*` attribute, a `javascript:`/`vbscript:`
  URL or a `data:` document in a link, a `srcdoc`, a `<script>` whose content is not the
  site's own code (it mentions the payload marker), an injected `<iframe>`, `<object>`...;
  HTML carried inside XML (Moodle's CDATA, QTI's escaped text) and JSON strings is parsed too;
- a control character (other than tab, newline and carriage return) in any text file;
- a zip entry name that is not a safe relative path (engine.safety.names).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from engine.safety.names import is_safe_entry

MARKER = "pwned"
"""Every payload mentions this word, so the site's own scripts are told from injected ones."""

TEXT = {".html", ".htm", ".xhtml", ".xml", ".txt", ".json", ".js", ".css", ".svg", ".yaml",
        ".qti", ".imsmanifest"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
              "background", "codebase", "cite"}
_DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "frame", "frameset", "applet"}
_BAD_URL = re.compile(r"^(javascript|vbscript|livescript):|^data:(?!image/(png|jpeg|gif|webp))",
                      re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        sources = [v or "" for n, v in attrs if n in ("src", "data", "href", "code")]
        if tag in _DANGEROUS_TAGS and any(MARKER in v for v in sources):
            # The SCORM and cmi5 launchers frame the site themselves; an injected frame
            # would name the payload.
            self.found.append(f"a <{tag}> element from a payload")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event handler {name}={value!r} on <{tag}>")
            elif name == "srcdoc":
                self.found.append(f"a srcdoc on <{tag}>")
            elif name in _URL_ATTRS and value and _BAD_URL.match(_IGNORED_IN_URL.sub("", value)):
                self.found.append(f"a {name}={value[:60]!r} on <{tag}>")
            elif name in _URL_ATTRS and value and value.strip().startswith(("/", "\\")):
                # Outputs link relatively; `/etc/passwd` or `//host` reach outside them.
                self.found.append(f"an absolute {name}={value[:60]!r} on <{tag}>")
            elif name == "style" and value and "expression(" in value.lower():
                self.found.append(f"a style expression on <{tag}>")
        if tag == "script":
            kind = dict(attrs).get("type") or ""
            self._script = None if "json" in kind else ""

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            if MARKER in self._script:
                self.found.append(f"a script that runs {self._script[:60]!r}")
            self._script = None


def markup_problems(text: str) -> list[str]:
    """What in an HTML (or XML) text could run script."""
    parser = _Markup()
    parser.feed(text)
    parser.close()
    return parser.found


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def file_problems(name: str, data: bytes) -> list[str]:
    """Findings in one output file, by its name's suffix."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".zip", ".imscc"):
        return zip_problems(name, data)
    if suffix not in TEXT:
        return []  # binary (images)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [f"{name}: not UTF-8"]
    found = [f"{name}: control character {m.group(0)!r} at {m.start()}"
             for m in CONTROL.finditer(text)][:3]
    texts = [text]
    if suffix in (".xml", ".qti", ".imsmanifest"):
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as err:
            return [*found, f"{name}: XML does not parse ({err})"]
        # HTML carried as text (CDATA or escaped) is what an LMS renders as HTML; titles,
        # names and `text/plain` fields are text and are shown as such.
        texts += [node.text for node in _html_nodes(root) if node.text and "<" in node.text]
    elif suffix == ".txt":
        texts = [_gift_html(text)]
    elif suffix == ".json":
        # Escaped (`\u001b`) control characters come back when the JSON is read.
        decoded = [piece for piece in _strings(json.loads(text)) if CONTROL.search(piece)]
        return found + [f"{name}: control character in {piece[:40]!r}" for piece in decoded]
    elif suffix == ".js":
        # The site's own code and data (titles as JSON strings, shown with textContent
        # or as pre-rendered HTML): the browser test runs it with every payload.
        return found
    for piece in texts:
        found += [f"{name}: {problem}" for problem in markup_problems(piece)]
    return found


def _html_nodes(root: ElementTree.Element) -> list[ElementTree.Element]:
    """Elements whose text an LMS renders as HTML: QTI's `texttype="text/html"`, Moodle's
    `<text>` inside a `format="html"` field."""
    found = []
    for parent in root.iter():
        own = (parent.get("texttype") or parent.get("format") or "").lower()
        if "html" in own:
            found.append(parent)
            found.extend(child for child in parent if child.tag == "text")
    return found


_GIFT_PLAIN = re.compile(
    r"^(//.*|\$CATEGORY:.*)$|^::(\\.|[^:\\]|:(?!:))*::|(?<=\S) -> .*$", re.MULTILINE
)


def _gift_html(text: str) -> str:
    """A GIFT file without its comments, categories, titles and the right sides of
    matching pairs: Moodle shows those as plain text."""
    return _GIFT_PLAIN.sub("", text)


def zip_problems(name: str, data: bytes) -> list[str]:
    found: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not is_safe_entry(info.filename):
                found.append(f"{name}: unsafe entry name {info.filename!r}")
                continue
            found += file_problems(f"{name}!{info.filename}", archive.read(info))
    return found


def output_problems(out: Path) -> list[str]:
    """Every finding in every file under `out`."""
    found: list[str] = []
    for path in sorted(out.rglob("*")):
        if path.is_file() and ".cache" not in path.parts:
            found += file_problems(path.relative_to(out).as_posix(), path.read_bytes())
    return found
