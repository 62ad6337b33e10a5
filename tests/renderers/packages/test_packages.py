"""The packages as files: what each zip holds, its manifest, determinism and safety."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import PurePosixPath

import pytest

from engine.diagnostics import Code, Severity
from engine.model import Course
from renderers.packages.archive import package_zip, path_problems, zip_problems
from tests.renderers.packages import xsd
from tests.renderers.packages.checks import cmi5_problems, manifest_problems
from tests.renderers.packages.conftest import COMPLETE, ROOT, Packages, build

FORMATS = ["scorm12", "scorm2004", "cmi5"]
LAYOUTS = ["course", "chapter"]


def _manifest_of(fmt: str, files: dict[str, bytes]) -> bytes:
    return files["cmi5.xml" if fmt == "cmi5" else "imsmanifest.xml"]


def _valid(fmt: str, files: dict[str, bytes]) -> list[str]:
    document = _manifest_of(fmt, files)
    if fmt == "cmi5":
        return xsd.errors("cmi5", document) + cmi5_problems(document, files)
    version = "1.2" if fmt == "scorm12" else "2004"
    schema = "scorm12" if fmt == "scorm12" else "scorm2004-4th"
    return xsd.errors(schema, document) + manifest_problems(document, files, version)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_package_of_the_completeness_course(packages: Packages, fmt: str, layout: str) -> None:
    built = packages(fmt, layout)
    assert built.name == f"complete-{fmt}.zip"
    assert zip_problems(built.data) == []
    files = built.files()
    assert _valid(fmt, files) == []
    launchers = sorted(n for n in files if n.startswith("lessonkit-launch"))
    expected = (["lessonkit-launch.html"] if layout == "course" else
                ["lessonkit-launch-choices.html", "lessonkit-launch-structures.html",
                 "lessonkit-launch-values.html"])
    assert launchers == expected
    assert {"index.html", "assets/lms-bridge.js", "assets/course.js"} <= set(files)
    # What the format cannot carry is reported, question by question, as warnings.
    assert {(d.code, d.severity) for d in built.diagnostics} == {(Code.UNSUPPORTED,
                                                                  Severity.WARNING)}
    assert sorted(re.findall(r"question '([^']+)'", " ".join(
        d.message for d in built.diagnostics))) == ["cloze-strict"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_site_page_loads_the_bridge_before_the_site_script(
    packages: Packages, fmt: str
) -> None:
    files = packages(fmt).files()
    pages = [n for n in files if n.endswith(".html") and not n.startswith("lessonkit-launch")]
    assert "index.html" in pages and "chapters/values.html" in pages
    for name in pages:
        html = files[name].decode()
        bridge = html.find("assets/lms-bridge.js")
        assert 0 < bridge < html.find("assets/lessonkit.js"), name


def test_bridge_settings(packages: Packages) -> None:
    script = packages("scorm2004", "chapter").files()["assets/lms-bridge.js"].decode()
    header = re.match(r"(?s)/\*.*?\*/\nwindow\.LESSONKIT_LMS = (\{.*?\});\n", script)
    assert header is not None
    settings = json.loads(header.group(1))
    assert settings["standard"] == "scorm2004" and settings["mastery"] == 0.7
    assert settings["scopes"] == {
        "choices": ["single-all-options", "multiple-partial", "multiple-strict", "tf-true"],
        "values": ["numeric-abs", "numeric-rel", "numeric-range", "text-accept", "text-case"],
        "structures": ["cloze-all-kinds", "cloze-strict", "matching", "ordering-all",
                       "ordering-partial"],
    }
    assert settings["questions"]["matching"]["correct"] == ["a[.]a[,]b[.]b[,]c[.]c"]
    assert header.group(1).isascii() and "</" not in header.group(1)


def test_two_builds_are_byte_identical(complete_course: Course, packages: Packages) -> None:
    for fmt in FORMATS:
        assert build(complete_course, fmt).data == packages(fmt).data, fmt
    # Another process, another hash seed: the same bytes.
    script = (
        "import hashlib, sys; from engine.loading.loader import load_course; "
        "from tests.renderers.packages.conftest import build; "
        "sys.stdout.write(hashlib.sha256(build(load_course(sys.argv[1]), "
        "'scorm2004', sco='chapter').data).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    digest = subprocess.run(
        [sys.executable, "-c", script, str(COMPLETE)], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    ).stdout
    assert digest == hashlib.sha256(packages("scorm2004", "chapter").data).hexdigest()


def test_the_manifest_lists_exactly_the_files_of_the_zip(packages: Packages) -> None:
    files = packages("scorm12").files()
    listed = re.findall(r'<file href="([^"]+)"/>', files["imsmanifest.xml"].decode())
    assert sorted(listed) == sorted(n for n in files if n != "imsmanifest.xml")
    assert listed[0] == "lessonkit-launch.html"


def test_unsafe_entry_names_are_refused() -> None:
    assert path_problems(["/etc/passwd", "a/../b", "a\\b", "C:/x", "Ab.html", "ab.html"]) == [
        "'/etc/passwd' is absolute",
        "'a/../b' has an empty, '.' or '..' segment",
        "'a\\\\b' contains a backslash",
        "'C:/x' is absolute",
        "'ab.html' and 'Ab.html' differ only in case",
    ]
    with pytest.raises(ValueError, match="unsafe package entries"):
        package_zip({PurePosixPath("../evil.html"): b"x"})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("b.txt", (2024, 5, 1, 0, 0, 0)), b"b")
        archive.writestr(zipfile.ZipInfo("a.txt", (1980, 1, 1, 0, 0, 0)), b"a")
    assert zip_problems(buffer.getvalue()) == [
        "entries are not sorted", "'b.txt' has timestamp (2024, 5, 1, 0, 0, 0), not "
        "(1980, 1, 1, 0, 0, 0)"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_package_of_the_sample_course(sample_course: Course, fmt: str) -> None:
    built = build(sample_course, fmt)
    assert built.name == f"intro-to-rnns-{fmt}.zip"
    assert zip_problems(built.data) == []
    files = built.files()
    assert _valid(fmt, files) == []
    assert all(d.code is Code.UNSUPPORTED for d in built.diagnostics)
