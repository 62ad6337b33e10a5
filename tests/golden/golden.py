"""Golden snapshots of `lessonkit build -f FORMAT` for the completeness course.

A format's snapshot is a folder `tests/golden/<format>/`:

- `LISTING.txt`: every file the build wrote, zip members as `package.zip: member` with
  their date and compression, and for each what the snapshot keeps of it;
- `files/<path>` (a package's members under `files/<package>/`): the bytes of every file
  the course decides (pages, manifests, question banks, fidelity reports).

What is not stored is still compared, by size and SHA-256 (the LMS bridge assembled from
renderers/packages/static/), or as a byte-for-byte
copy of a file of the source tree (the site's own scripts), so editing that file needs no
new snapshot. A file another format already stored with the same bytes (the site inside a
SCORM package) is listed as the same as that one. Nothing is normalised: two builds are
byte-identical (tests/renderers/banks/test_determinism.py), so any difference is a change.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from renderers import BUILTIN

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
COMPLETE = ROOT / "tests" / "fixtures" / "courses" / "complete"
FORMATS = tuple(BUILTIN)
LISTING = "LISTING.txt"
REGENERATE = "make golden"

# Assembled verbatim from the source tree: compared by hash, not stored.
HASHED_NAMES = ("assets/lms-bridge.js",)
STATIC_FOLDERS = (ROOT / "renderers" / "site" / "static",
                  ROOT / "renderers" / "packages" / "static")

Tree = dict[str, bytes]
"""A snapshot folder: path relative to tests/golden/<format>/ -> bytes."""


def build(course: Path, fmt: str, out: Path) -> dict[str, bytes]:
    """Every file `lessonkit build -f fmt` writes, by path relative to `out`."""
    done = subprocess.run(
        [sys.executable, "-m", "cli", "build", str(course), "-f", fmt, "-o", str(out),
         "--quiet"], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return {path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file() and not path.relative_to(out).parts[0].startswith(".")}


def _static_copies() -> dict[bytes, str]:
    return {path.read_bytes(): path.relative_to(ROOT).as_posix()
            for folder in STATIC_FOLDERS for path in sorted(folder.iterdir())}


def _entries(outputs: dict[str, bytes]) -> Iterable[tuple[str, str, str, bytes]]:
    """(listing name, stored path, zip details, bytes) of every file and package member."""
    for name, data in outputs.items():
        if not zipfile.is_zipfile(io.BytesIO(data)):
            yield name, name, "", data
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            yield name, "", f"zip of {len(members)} members", b""
            for info in members:
                stamp = "{:04d}-{:02d}-{:02d} {:02d}:{:02d}:{:02d}".format(*info.date_time)
                kind = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}.get(
                    info.compress_type, str(info.compress_type))
                details = f"{stamp} {kind} mode {info.external_attr >> 16:o}"
                yield (f"{name}: {info.filename}", f"{name}/{info.filename}", details,
                       package.read(info))


def snapshot(fmt: str, outputs: dict[str, bytes], earlier: Tree) -> Tree:
    """The snapshot folder of `fmt`'s outputs. `earlier` maps "<format>/files/<path>" to
    the bytes earlier formats stored, so the same bytes are stored once."""
    copies = _static_copies()
    stored_by_bytes = {data: path for path, data in earlier.items()}
    tree: Tree = {}
    lines = [f"# lessonkit build -f {fmt} of tests/fixtures/courses/complete",
             f"# after an intended change: {REGENERATE}, then review `git diff tests/golden`"]
    for name, path, details, data in _entries(outputs):
        if not path:
            lines.append(f"{name}  {details}")
            continue
        prefix = f"{name}  {details}  " if details else f"{name}  "
        member = path.split("/", 1)[1] if details else path
        if data in copies:
            lines.append(f"{prefix}copy of {copies[data]}")
        elif member.endswith(HASHED_NAMES):
            lines.append(f"{prefix}{len(data)} bytes sha256 {hashlib.sha256(data).hexdigest()}")
        elif data in stored_by_bytes:
            lines.append(f"{prefix}same as {stored_by_bytes[data]}")
        else:
            tree[f"files/{path}"] = data
            stored_by_bytes[data] = f"{fmt}/files/{path}"
            lines.append(f"{prefix}stored")
    tree[LISTING] = ("\n".join(lines) + "\n").encode()
    return tree


def on_disk(fmt: str) -> Tree:
    folder = GOLDEN / fmt
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def write(fmt: str, tree: Tree) -> None:
    folder = GOLDEN / fmt
    shutil.rmtree(folder, ignore_errors=True)
    for path, data in tree.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def differences(fmt: str, expected: Tree, built: Tree, limit: int = 400) -> str:
    """A readable account of how `built` differs from the snapshot `expected`."""
    out: list[str] = []
    for path in sorted(expected.keys() | built.keys()):
        old, new = expected.get(path), built.get(path)
        if old == new:
            continue
        where = f"tests/golden/{fmt}/{path}"
        if old is None or new is None:
            out.append(f"{where}: {'not in the snapshot' if old is None else 'no longer built'}")
            continue
        try:
            old_lines = old.decode("utf-8").splitlines(keepends=True)
            new_lines = new.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            out.append(f"{where}: binary content differs ({len(old)} -> {len(new)} bytes)")
            continue
        out.extend(line.rstrip("\n") for line in difflib.unified_diff(
            old_lines, new_lines, f"snapshot {where}", "fresh build", n=2))
    if len(out) > limit:
        out = [*out[:limit], f"... {len(out) - limit} more lines"]
    return "\n".join(out)
