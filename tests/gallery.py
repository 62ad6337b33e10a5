"""The README's pictures: the tests that take them keep them here.

Every run takes the pictures again into a temporary folder and looks at them; the copies
committed under docs/screenshots/ are what the README shows. A normal run checks that each
committed picture exists, that the README shows it and that it has the size the test
produces (pixels may differ with the fonts of the machine, so bytes are not compared);
`--update-screenshots` (or `make screenshots`) writes the new pictures there instead.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "docs" / "screenshots"
README = ROOT / "README.md"
UPDATE_HINT = "run `make screenshots` (pytest ... --update-screenshots) and commit docs/screenshots"


def png_size(data: bytes) -> tuple[int, int]:
    width, height = Image.open(io.BytesIO(data)).size
    return width, height


def svg_size(text: str) -> tuple[int, int]:
    found = re.search(r'<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"', text)
    assert found, "the SVG has no width and height"
    return int(found[1]), int(found[2])


def size_of(name: str, data: bytes) -> tuple[int, int]:
    return svg_size(data.decode()) if name.endswith(".svg") else png_size(data)


def small_png(data: bytes) -> bytes:
    """The screenshot as a palette PNG: a page of text needs few colours, and the README's
    pictures stay a few tens of kilobytes each."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass
class Gallery:
    """Where this run's pictures go, and whether they replace the committed ones."""

    folder: Path
    update: bool
    committed: Path = COMMITTED
    readme: Path = README

    def keep(self, name: str, data: bytes) -> bytes:
        """Keep a picture this run took; the committed one it is compared with (after
        `--update-screenshots`, the picture itself)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / name).write_bytes(data)
        committed = self.committed / name
        if self.update:
            committed.parent.mkdir(parents=True, exist_ok=True)
            committed.write_bytes(data)
        assert f"docs/screenshots/{name}" in self.readme.read_text(encoding="utf-8"), (
            f"the README does not show docs/screenshots/{name}")
        assert committed.exists(), f"{committed} is missing: {UPDATE_HINT}"
        kept = committed.read_bytes()
        assert size_of(name, kept) == size_of(name, data), (
            f"{committed} is {size_of(name, kept)}, the test now takes "
            f"{size_of(name, data)}: {UPDATE_HINT}")
        return kept
