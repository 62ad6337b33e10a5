"""The version of the code that makes the site, for the page cache key.

Worked out, not listed: the renderer's data files (templates, static files), every
module the renderer's code imports, directly or not, from its entry point (with the data
files of the project packages among them, such as the interface catalogs), and the
versions of the libraries those modules import. So a module newly imported while
rendering, or a new template, changes the version without anyone remembering to add it.

Imports are read from the source (those inside functions too), not from what the
running process happens to have imported, so `build` and `serve` agree on the version.
A regular expression rather than a parser: it reads a hundred modules in milliseconds,
and an import it finds in a docstring only makes the version cover one module more.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

PROJECT_PACKAGES = ("engine", "renderers")
"""Top-level packages of this project; imports of anything else are libraries."""

_ROOT = Path(__file__).resolve().parents[2]
_PACKAGE = Path(__file__).resolve().parent

_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)"
    rb"|import[ \t]+([^\n#]*))", re.MULTILINE)
_NAME = re.compile(rb"[A-Za-z_][\w.]*")


def _module_file(root: Path, name: str) -> Path | None:
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_names(path: Path, root: Path) -> set[str]:
    """The absolute names of the modules the module at `path` imports; `from x import y`
    gives both `x` and `x.y` (y may be a module)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts[:-1]  # a package's __init__ is in the package it names
    names: set[str] = set()
    for match in _IMPORT.finditer(path.read_bytes()):
        source, imported, plain = match.groups()
        if plain is not None:
            names.update(n.decode() for n in _NAME.findall(plain.split(b" as ")[0])
                         if n != b"as")
            names.update(n.decode() for n in _NAME.findall(plain)[::2])
            continue
        dots = len(source) - len(source.lstrip(b"."))
        module = source[dots:].decode()
        if dots:
            base = package[: len(package) - dots + 1]
            module = ".".join([*base, module] if module else base)
        names.add(module)
        words = [w.decode() for w in _NAME.findall(imported)]
        names.update(f"{module}.{w}" for i, w in enumerate(words)
                     if w != "as" and (i == 0 or words[i - 1] != "as"))
    return names


def _with_parents(name: str) -> Iterable[str]:
    parts = name.split(".")
    return (".".join(parts[:i]) for i in range(1, len(parts) + 1))


def code_files(package: Path, root: Path) -> tuple[list[Path], set[str]]:
    """The files whose content shapes what the renderer package at `package` (inside the
    project at `root`) makes, sorted, and the top-level names of the libraries its code
    imports."""
    found = {p for p in package.rglob("*")
             if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    todo = [package / "__init__.py"]
    found.add(todo[0])
    libraries: set[str] = set()
    resolved: set[str] = set()
    checked: set[str] = set()
    while todo:
        for name in imported_names(todo.pop(), root) - resolved:
            resolved.add(name)
            top = name.split(".")[0]
            if top not in PROJECT_PACKAGES:
                if top and top not in sys.stdlib_module_names and top != "__future__":
                    libraries.add(top)
                continue
            for module in _with_parents(name):
                if module in checked:
                    continue
                checked.add(module)
                path = _module_file(root, module)
                if path is None or path in found:
                    continue
                found.add(path)
                todo.append(path)
                if path.name == "__init__.py" and path.parent.parent != root:
                    # A subpackage's data files (catalogs); a top-level package's folder
                    # holds only modules, each taken when something imports it.
                    found.update(p for p in path.parent.iterdir()
                                 if p.is_file() and p.suffix not in (".py", ".pyc"))
    return sorted(found), libraries


def _library_version(name: str) -> str | None:
    """`name=version` of an importable library, or None when `name` is none."""
    try:
        return f"{name}={version(name)}"
    except PackageNotFoundError:
        pass  # the distribution is named otherwise (markdown-it-py, PyYAML)
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    return f"{name}={getattr(module, '__version__', '?')}"


def code_version(package: Path, root: Path) -> str:
    """A hash of what `code_files` finds: every file's path and bytes, and the versions
    of the libraries imported."""
    files, libraries = code_files(package, root)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for library in sorted(libraries):
        digest.update(f"{_library_version(library)}\0".encode())
    return digest.hexdigest()[:16]


@cache
def renderer_version() -> str:
    """The version of the site renderer's code as this process runs it."""
    return code_version(_PACKAGE, _ROOT)
