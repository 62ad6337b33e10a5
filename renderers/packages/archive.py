"""The package zip: built deterministically, and checked before it leaves the renderer.

An LMS unpacks the zip on its own server, so a bad entry name is more than untidy: an
absolute path or a `..` segment escapes the package folder (zip slip), a backslash is
a folder separator on Windows hosts only, and two names that differ only in case
overwrite each other on case-insensitive file systems. Two builds of the same course
must be byte-identical (sorted entries, fixed timestamps and modes), so that a package
is only re-uploaded when its content changed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath

from renderers.base import ZIP_EPOCH, Bundle, zip_bundle


def path_problems(paths: Iterable[str]) -> list[str]:
    """What is wrong with these entry names, one sentence per bad name (empty when all are safe)."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for name in paths:
        folded = name.casefold()
        if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
            problems.append(f"{name!r} is absolute")
        elif "\\" in name:
            problems.append(f"{name!r} contains a backslash")
        elif any(part in ("", ".", "..") for part in name.split("/")):
            problems.append(f"{name!r} has an empty, '.' or '..' segment")
        elif folded in seen and seen[folded] != name:
            problems.append(f"{name!r} and {seen[folded]!r} differ only in case")
        seen.setdefault(folded, name)
    return problems


def zip_problems(data: bytes) -> list[str]:
    """What makes this zip unsafe or non-deterministic (empty when it is fine)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    problems = path_problems(names)
    if names != sorted(names):
        problems.append("entries are not sorted")
    if len(set(names)) != len(names):
        problems.append("an entry name occurs twice")
    problems.extend(
        f"{info.filename!r} has timestamp {info.date_time}, not {ZIP_EPOCH}"
        for info in infos
        if info.date_time != ZIP_EPOCH
    )
    problems.extend(f"{info.filename!r} is a folder entry" for info in infos if info.is_dir())
    return problems


def package_zip(bundle: Bundle) -> bytes:
    """The bundle as a deterministic zip; raises when an entry name is unsafe (a bug)."""
    problems = path_problems(str(path) for path in bundle)
    if problems:
        raise ValueError("unsafe package entries: " + "; ".join(problems))
    data = zip_bundle(bundle)
    problems = zip_problems(data)
    if problems:
        raise ValueError("package zip is not deterministic: " + "; ".join(problems))
    return data


def read_zip(data: bytes) -> Bundle:
    """The entries of a zip as a bundle (for tests and for checking a built package)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {PurePosixPath(name): archive.read(name) for name in archive.namelist()}
