"""The process that runs one chapter's code cells.

engine/execution/cellprocess.py starts `python -P cellrunner.py JOB RESULTS` in the course folder,
confined (engine/execution/sandbox.py), one fresh process per chapter. This file imports nothing but
the standard library (and engine/execution/cellguard.py, by its path), so the child starts fast and
the cells cannot see lessonkit's own modules (`-P` keeps engine/ off `sys.path`, so a
course module named `model` stays the course's). The process forks at once: the parent
supervises (cellguard.supervise), the child sets its resource limits and runs the cells.

The job it reads and the records it writes are engine/execution/cellprotocol.py's (version FORMAT).

The cells run in order in one namespace (like a notebook) and the first failing cell ends
the chapter, because later cells usually build on it. Stdout is never parsed: cell output
is captured in Python and travels inside the JSON.
"""

from __future__ import annotations

import builtins
import faulthandler
import io
import json
import linecache
import os
import re
import sys
import time
import traceback
import warnings
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # only for the checker: this process cannot import engine/ (see above)
    from engine.execution.cellprotocol import (
        CellJob,
        CellRecord,
        ErrorRecord,
        LaunchedJob,
        Record,
        VerifiedRecord,
    )

FORMAT = 3
"""Bumped whenever the protocol or what the child captures changes (it is in the cache key)."""

MAX_FRAMES = 12
"""Traceback frames kept per error, innermost last (enough to reach into the course code)."""

# --- child side ------------------------------------------------------------------------------


class CappedText(io.TextIOBase):
    """A text stream that keeps the first `limit` characters and only counts the rest.

    A cell that prints in a loop must not fill the parent's memory or the cache; the parent
    turns a non-zero `dropped` into a `cell-output-limit` diagnostic.
    """

    def __init__(self, limit: int) -> None:
        super().__init__()
        self._limit = limit
        self._parts: list[str] = []
        self._kept = 0
        self.dropped = 0

    @property
    def encoding(self) -> str:  # type: ignore[override]  # io declares it as a plain attribute
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = max(0, self._limit - self._kept)
        kept = text[:room]
        if kept:
            self._parts.append(kept)
            self._kept += len(kept)
        self.dropped += len(text) - len(kept)
        return len(text)

    def getvalue(self) -> str:
        # Lone surrogates (from bytes decoded with surrogateescape) cannot be stored as UTF-8.
        return "".join(self._parts).encode("utf-8", "replace").decode("utf-8")


def type_name(exc: BaseException) -> str:
    """`ValueError`, or `numpy.linalg.LinAlgError` outside builtins (as tracebacks name it)."""
    cls = type(exc)
    module = cls.__module__
    if module in ("builtins", "__main__"):
        return cls.__qualname__
    return f"{module}.{cls.__qualname__}"


def describe_error(exc: BaseException, cell_files: set[str]) -> ErrorRecord:
    """The exception as data: its text, the innermost line of cell code, and the frames."""
    text = str(exc)
    summary = f"{type_name(exc)}: {text}" if text else type_name(exc)
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__
    ][-MAX_FRAMES:]
    cell_frames = [f for f in frames if f.filename in cell_files]
    innermost = cell_frames[-1] if cell_frames else None
    # Python 3.11 knows the columns of the failing expression: the caret can underline it.
    start = getattr(innermost, "colno", None)
    end = getattr(innermost, "end_colno", None)
    one_line = innermost is not None and getattr(innermost, "end_lineno", None) == innermost.lineno
    return {
        "summary": summary,
        "syntax": False,
        "file": innermost.filename if innermost else None,
        "line": innermost.lineno if innermost else None,
        "column": None if start is None else start + 1,
        "end_column": end + 1 if one_line and end is not None else None,
        "frames": [
            {"file": f.filename, "line": f.lineno, "name": f.name, "text": (f.line or "").strip()}
            for f in frames
        ],
    }


def describe_syntax_error(exc: SyntaxError, filename: str) -> ErrorRecord:
    """A cell that does not compile, at the line and column Python reports."""
    return {
        "summary": f"{type_name(exc)}: {exc.msg}",
        "syntax": True,
        "file": filename,
        "line": exc.lineno or 1,
        "column": exc.offset,
        "end_column": exc.end_offset if exc.end_lineno == exc.lineno else None,
        "frames": [],
    }


def take_figures(cell_id: str) -> list[str]:
    """Every figure left open, as standalone SVG, then closed (none unless pyplot was imported).

    The SVG hash salt and the missing date make the output byte-identical between runs.
    """
    pyplot: ModuleType | None = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    figures: list[str] = []
    for n, number in enumerate(pyplot.get_fignums(), 1):
        buffer = io.StringIO()
        with pyplot.rc_context({"svg.hashsalt": f"{cell_id}-{n}"}):
            pyplot.figure(number).savefig(buffer, format="svg", metadata={"Date": None})
        figures.append(unique_ids(buffer.getvalue(), f"lk-{cell_id}-{n}-"))
    pyplot.close("all")
    return figures


_ID_USE = re.compile(r'(\sid="|href="#|url\(#)([^")]+)')


def unique_ids(svg: str, prefix: str) -> str:
    """Prefix every id the SVG defines, and every reference to one.

    Matplotlib names things `figure_1`, `axes_1` and `DejaVuSans-30` in every figure, so
    two figures inlined in one HTML page would share ids (invalid HTML, and a glyph or clip
    path of one figure could be drawn from the other).
    """
    defined = set(re.findall(r'\sid="([^"]+)"', svg))

    def rename(match: re.Match[str]) -> str:
        lead, name = match.groups()
        return f"{lead}{prefix}{name}" if name in defined else match.group(0)

    return _ID_USE.sub(rename, svg)


def evaluate(
    expr: str, want: str, namespace: dict[str, Any], question: str
) -> VerifiedRecord:
    """A `verify:` expression's value as JSON-safe data: a float in repr form, or text."""
    sink = CappedText(0)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink  # what the expression prints is not cell output
    try:
        value = eval(compile(expr, f"<verify:{question}>", "eval"), namespace)
        if want == "number":
            # repr keeps every digit, and nan/inf survive JSON as strings.
            return {"value": repr(float(value))}
        return {"value": value if isinstance(value, str) else str(value)}
    except BaseException as exc:  # any failure of the author's expression is reported
        return {"error": describe_error(exc, set())["summary"]}
    finally:
        sys.stdout, sys.stderr = saved


def run_cell(
    cell: CellJob, namespace: dict[str, Any], limit: int, cell_files: set[str]
) -> CellRecord:
    """Run one cell with its output captured; the record the parent gets."""
    out, err = CappedText(limit), CappedText(limit)
    error: ErrorRecord | None = None
    started = time.perf_counter()
    # Register the source so tracebacks (and `inspect`) can show the cell's lines.
    lines = cell["source"].splitlines(keepends=True)
    linecache.cache[cell["filename"]] = (len(cell["source"]), None, lines, cell["filename"])
    try:
        code = compile(cell["source"], cell["filename"], "exec", dont_inherit=True)
    except SyntaxError as exc:
        error = describe_syntax_error(exc, cell["filename"])
    else:
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            exec(code, namespace)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt end the cell too
            error = describe_error(exc, cell_files)
        finally:
            sys.stdout, sys.stderr = saved
    duration = time.perf_counter() - started
    try:
        figures = take_figures(cell["id"])
    except Exception as exc:  # a figure that cannot be saved is the cell's error
        figures = []
        error = error or describe_error(exc, cell_files)
    verified = {} if error else {
        v["question"]: evaluate(v["expr"], v["want"], namespace, v["question"])
        for v in cell["verify"]
    }
    return {
        "event": "cell",
        "cell": cell["id"],
        "stdout": out.getvalue(),
        "stderr": err.getvalue(),
        "dropped": {"stdout": out.dropped, "stderr": err.dropped},
        "figures": figures,
        "duration": duration,
        "error": error,
        "verified": verified,
    }


def main(job_path: str, results_path: str) -> int:
    with open(job_path, encoding="utf-8") as f:
        job: LaunchedJob = json.load(f)
    if job.get("format") != FORMAT:
        raise SystemExit(f"cellrunner: job format {job.get('format')!r}, expected {FORMAT}")
    guard = _load_guard()
    guard.supervise(job["lifeline"])  # returns in the child; the supervisor never returns
    guard.apply_limits(job["limits"])
    sys.path[:0] = job["python_path"]
    # A segfault in native code still leaves a trace in the process log the parent reads.
    faulthandler.enable(file=sys.__stderr__ or sys.stderr)
    # plt.show() is natural in a cell; under the Agg backend it only warns, so hush that.
    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    cell_files = {cell["filename"] for cell in job["cells"]}
    with open(results_path, "a", encoding="utf-8") as results:
        for cell in job["cells"]:
            emit(results, {"event": "start", "cell": cell["id"]})
            record = run_cell(cell, namespace, job["output_limit"], cell_files)
            emit(results, record)
            if record["error"] is not None:
                break
        emit(results, {"event": "end"})
    return 0


def _load_guard() -> ModuleType:
    """cellguard.py (beside this file), loaded by its path: engine/ stays off the cells'
    `sys.path`."""
    import importlib.util

    path = Path(__file__).with_name("cellguard.py")
    spec = importlib.util.spec_from_file_location("_lessonkit_cellguard", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def emit(stream: TextIO, record: Record) -> None:
    stream.write(json.dumps(record) + "\n")
    stream.flush()


if __name__ == "__main__":
    status = main(sys.argv[1], sys.argv[2])
    sys.stdout.flush()
    sys.stderr.flush()
    # This script is the cell process's own entry point. Leave at once: a thread a cell
    # left running must not keep the chapter alive until the timeout, and atexit hooks
    # of the cells' libraries have nothing left to do.
    os._exit(status)
