"""Findings 1, 3, 8 and 11 of issue 12: math that cannot carry markup, files that cannot leave
the course, SVG that cannot run script."""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from engine.diagnostics import Code
from engine.loading.loader import check_course
from engine.safety.coursefiles import is_course_file
from engine.safety.svg import svg_problem
from engine.text.mathml import ATTRIBUTES, ELEMENTS, latex_to_mathml, math_problems
from tests.safety.hostile import COMPLETE, PATH_CODES
from tests.safety.scan import output_problems
from tests.safety.test_hostile_outputs import build_all

HOSTILE_MATH = [
    r'\text{<script/src="../media/assets/x.js"></script>}',
    r"\mbox{<img src=x onerror=alert(1)>}",
    r"\fbox{<svg onload=alert(1)>}",
    r"\href{javascript:alert(1)}{x}",
    r"\style{color:red}{x}",
    r'\color{red" onclick="alert(1)}{y}',
    r"\mathbf{\text{</math><img src=x onerror=alert(1)>}}",
    r"\text{&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;}",
]


@pytest.mark.parametrize("latex", HOSTILE_MATH)
@pytest.mark.parametrize("display", [False, True])
def test_math_is_mathml_of_the_allow_list_only(latex: str, display: bool) -> None:
    mathml = latex_to_mathml(latex, display)
    root = ElementTree.fromstring(mathml)  # well-formed XML: nothing leaks out of <math>
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag in ELEMENTS, mathml
        assert set(element.attrib) <= ATTRIBUTES, mathml
        assert not any(v.lower().lstrip().startswith("javascript") for v in element.attrib.values())
    assert "<script" not in mathml and "<img" not in mathml and "<svg" not in mathml


def test_markup_in_math_text_is_shown_as_text() -> None:
    mathml = latex_to_mathml(r"\text{a<b>c&d}", False)
    assert "<mtext>a&lt;b&gt;c&amp;d</mtext>" in mathml


def test_ordinary_math_is_unchanged() -> None:
    mathml = latex_to_mathml(r"\frac{1}{2}\sum_{i=1}^n x_i^2 \Big\lVert A \Big\rVert", False)
    assert "<mfrac>" in mathml and "\u2016" in mathml and "&#x02211;" in mathml
    assert math_problems(r"\frac{1}{2} + x^2 \leq \text{bound}") == []


def test_math_problems_point_at_the_attempt() -> None:
    assert math_problems(r"x + \text{<b>}") == [
        (10, "markup inside math text is shown as text, never run"),
    ]
    assert math_problems(r"y = \href{javascript:x}{z}")[0][0] == 4


# --- files ---------------------------------------------------------------------------------


def _course_with_image(root: Path, target: str) -> Path:
    shutil.copytree(COMPLETE, root)
    chapter = root / "01-basics" / "01-choices.yaml"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("![A diagram](../assets/diagram.svg)",
                                    f"![A diagram](../assets/diagram.svg) ![leak]({target})"),
                       encoding="utf-8")
    return root


def _codes_at(root: Path) -> list[tuple[str, int, int]]:
    return [(d.code.value, d.span.line, d.span.column) for d in check_course(root).diagnostics
            if d.span and d.code.value in ("outside-course", "unsafe-svg", "unsafe-file-name")]


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the course, standing for /etc/passwd or ~/.ssh/id_rsa."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"TOP-SECRET-" + os.urandom(8).hex().encode())
    return outside / "secret.png"


def test_a_symlinked_file_out_of_the_course_is_reported_at_its_column(
    tmp_path: Path, secret: Path
) -> None:
    root = _course_with_image(tmp_path / "course", "../assets/logo.png")
    (root / "assets" / "logo.png").symlink_to(secret)
    assert _codes_at(root) == [("outside-course", 23, 51)]
    assert not is_course_file(root, "assets/logo.png")


def test_a_symlinked_folder_out_of_the_course_is_reported(tmp_path: Path, secret: Path) -> None:
    root = _course_with_image(tmp_path / "course", "../assets/linked/secret.png")
    (root / "assets" / "linked").symlink_to(secret.parent)
    assert _codes_at(root) == [("outside-course", 23, 51)]


def test_a_symlink_inside_the_course_is_fine(tmp_path: Path) -> None:
    root = _course_with_image(tmp_path / "course", "../assets/alias.svg")
    (root / "assets" / "alias.svg").symlink_to(root / "assets" / "diagram.svg")
    assert _codes_at(root) == []
    assert is_course_file(root, "assets/alias.svg")


@pytest.mark.parametrize("target", ["/etc/passwd", "//etc/passwd", "../../outside/x.svg",
                                    "%2Fetc%2Fpasswd", "C:/Windows/win.ini"])
def test_references_outside_the_course_are_reported(tmp_path: Path, target: str) -> None:
    root = _course_with_image(tmp_path / "course", target)
    assert _codes_at(root) == [("outside-course", 23, 51)]


def test_no_format_packages_a_file_that_became_a_symlink_after_check(
    tmp_path: Path, secret: Path
) -> None:
    # The time-of-check/time-of-use case, and the renderers' own rule: `check` is made
    # blind to path errors (build_all), so only the renderers stand between the secret
    # and the packages; the site, SCORM, QTI, Moodle (base64) and CC must all refuse it.
    root = _course_with_image(tmp_path / "course", "../assets/logo.png")
    (root / "assets" / "logo.png").symlink_to(secret)
    (root / "assets" / "folder").symlink_to(secret.parent)
    chapter = root / "01-basics" / "02-values.yaml"
    text = chapter.read_text(encoding="utf-8")
    text = text.replace("explanation: ", "explanation: See ![x](../assets/folder/secret.png) ", 1)
    chapter.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    build_all(root, out)
    data = secret.read_bytes()
    encoded = base64.b64encode(data)[:16]
    for path in out.rglob("*"):
        if path.is_file() and ".cache" not in path.parts:
            content = path.read_bytes()
            assert data not in content and encoded not in content, path
            if path.suffix in (".zip", ".imscc"):
                import zipfile

                with zipfile.ZipFile(path) as archive:
                    for info in archive.infolist():
                        assert data not in archive.read(info), (path, info.filename)
    assert output_problems(out) == []


# --- SVG -----------------------------------------------------------------------------------

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">%s</svg>'


@pytest.mark.parametrize("body", [
    b"<script>alert(1)</script>",
    b'<rect onclick="alert(1)"/>',
    b'<a x:href="javascript:alert(1)"><text>x</text></a>',
    b'<a href=" jav&#x09;ascript:alert(1)"><text>x</text></a>',
    b"<foreignObject><div>x</div></foreignObject>",
    b'<a><set attributeName="href" to="javascript:alert(1)"/></a>',
    b'<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
    b'<image href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>',
])
def test_svg_with_script_is_refused(body: bytes) -> None:
    assert svg_problem(SVG % body) is not None


@pytest.mark.parametrize("document", [
    b'<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    b'<?xml-stylesheet href="x.xsl" type="text/xsl"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    b"<svg><unclosed></svg>",
])
def test_svg_that_cannot_be_checked_is_refused(document: bytes) -> None:
    assert svg_problem(document) is not None


def test_ordinary_svg_is_accepted() -> None:
    assert svg_problem((COMPLETE / "assets" / "diagram.svg").read_bytes()) is None
    image = b'<image href="data:image/png;base64,iVBORw0KGgo="/><a href="#r"><rect id="r"/></a>'
    assert svg_problem(SVG % image) is None


def test_an_svg_asset_with_script_is_reported_and_not_published(tmp_path: Path) -> None:
    root = _course_with_image(tmp_path / "course", "../assets/evil.svg")
    (root / "assets" / "evil.svg").write_bytes(SVG % b'<circle r="5" onmouseover="alert(1)"/>')
    assert _codes_at(root) == [("unsafe-svg", 23, 51)]
    assert [d.code for d in check_course(root).errors] == [Code.UNSAFE_SVG]
    out = tmp_path / "out"
    build_all(root, out, PATH_CODES | {"unsafe-svg"})  # the renderers must refuse it too
    leaked = list(out.rglob("*evil.svg"))
    assert leaked == []
    assert output_problems(out) == []
