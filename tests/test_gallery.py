"""The README's pictures are checked against what the tests take (tests/gallery.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.gallery import Gallery, small_png


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def readme(tmp_path: Path) -> Path:
    path = tmp_path / "README.md"
    path.write_text('<img src="docs/screenshots/page.png">\n', encoding="utf-8")
    return path


def gallery(tmp_path: Path, readme: Path, update: bool = False) -> Gallery:
    return Gallery(tmp_path / "taken", update, tmp_path / "docs" / "screenshots", readme)


def test_a_missing_committed_picture_says_how_to_make_it(tmp_path: Path, readme: Path) -> None:
    with pytest.raises(AssertionError, match="make screenshots"):
        gallery(tmp_path, readme).keep("page.png", png(10, 20))


def test_update_writes_the_picture_then_a_normal_run_accepts_it(
        tmp_path: Path, readme: Path) -> None:
    assert gallery(tmp_path, readme, update=True).keep("page.png", png(10, 20)) == png(10, 20)
    assert (tmp_path / "docs" / "screenshots" / "page.png").read_bytes() == png(10, 20)
    assert gallery(tmp_path, readme).keep("page.png", png(10, 20)) == png(10, 20)


def test_a_picture_of_another_size_fails(tmp_path: Path, readme: Path) -> None:
    gallery(tmp_path, readme, update=True).keep("page.png", png(10, 20))
    with pytest.raises(AssertionError, match=r"is \(10, 20\), the test now takes \(10, 21\)"):
        gallery(tmp_path, readme).keep("page.png", png(10, 21))


def test_a_picture_the_readme_does_not_show_fails(tmp_path: Path, readme: Path) -> None:
    with pytest.raises(AssertionError, match=r"README does not show docs/screenshots/other\.png"):
        gallery(tmp_path, readme, update=True).keep("other.png", png(10, 20))


def test_small_png_keeps_the_size_and_a_palette() -> None:
    image = Image.open(io.BytesIO(small_png(png(30, 40))))
    assert image.size == (30, 40) and image.mode == "P"
