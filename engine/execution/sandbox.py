"""How code cells are confined: what they see, what they may use, and how that is said.

A course is often someone else's, and its cells run on `build`, on every save in `serve`
and in `run`. Every chapter process gets, always:

- an environment built from nothing (`environment`): no variable of the user's, so no
  token or password in it reaches a cell; HOME, TMPDIR and matplotlib's folders point to a
  scratch folder that is deleted afterwards;
- resource limits set in the child (engine/execution/cellguard.py): address space, processes, file
  size and CPU time, plus the wall-clock `code.timeout` (at most an hour, see
  engine.settings.MAX_TIMEOUT) and a byte cap on what reaches its stdout/stderr descriptors
  (engine/execution/cellprocess.py);
- a supervisor that is the subreaper of everything the cells start, so no process
  outlives its chapter, whatever session or group it moved to.

Where bubblewrap works (Debian `bubblewrap`), the process also runs in new namespaces: no
network (only a loopback), its own process ids (the whole tree dies with it), no
capabilities, and a read-only view of the file system in which /tmp and the user's home are
empty, except the course, the Python installation and the scratch folder (the only
writable place).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

MEMORY_LIMIT = 2 * 1024**3
"""Bytes of address space per chapter process (numpy and matplotlib need about 1 GiB)."""

PROCESS_LIMIT = 256
"""Processes (threads count too) a chapter may add to what its user already runs."""

FILE_SIZE_LIMIT = 512 * 1024**2
"""Bytes of the largest file a cell may write."""

DESCRIPTOR_OUTPUT_LIMIT = 1_000_000
"""Bytes a chapter's processes may write to their real stdout/stderr (`os.write(1, ...)`,
subprocesses, native code); `print` is captured in Python and capped separately."""

HIDDEN = ("/tmp", "/var/tmp")
"""Folders shared by every program, hidden (empty) in bubblewrap besides the user's home."""


@dataclass(frozen=True)
class Sandbox:
    """One way of confining the chapter processes."""

    bwrap: str | None
    """Path of a working bubblewrap, or None: limits, environment and subreaper only."""
    processes_enforced: bool
    """False for root, whom the kernel exempts from the process limit."""

    def limits(self, timeout: float) -> dict[str, int]:
        """The resource limits of a chapter whose `code.timeout` is `timeout`."""
        limits = {
            "memory": MEMORY_LIMIT,
            "file_size": FILE_SIZE_LIMIT,
            # One core's worth of the timeout: a backstop should the wall clock fail.
            "cpu_seconds": int(timeout) + 1,
        }
        if self.processes_enforced:
            # The kernel counts every task of the user, not only the chapter's.
            limits["processes"] = _tasks_of(os.getuid()) + PROCESS_LIMIT
        return limits

    def describe(self, timeout: float) -> str:
        """`in a sandbox (bubblewrap: no network, read-only files; 2 GiB memory, 120 s per
        chapter)`: how the cells about to run are confined, for the user to read."""
        limits = f"{MEMORY_LIMIT // 1024**3} GiB memory, {timeout:g} s per chapter"
        if self.bwrap is not None:
            return f"in a sandbox (bubblewrap: no network, read-only files; {limits})"
        return (f"in a partial sandbox (clean environment; {limits}; without bubblewrap "
                "the cells can reach the network and write files: install bubblewrap)")

    def command(
        self, argv: list[str], *, cwd: Path, writable: Path, readable: Iterable[Path]
    ) -> list[str]:
        """`argv` wrapped in bubblewrap (unchanged without it), run in `cwd`.

        `writable` is the only folder the cells may change; `readable` are folders they need
        to read even when they lie in a hidden folder (the course, its python_path).
        """
        if self.bwrap is None:
            return argv
        return [self.bwrap, *_mounts(writable, readable), "--chdir", str(cwd), *argv]


KERNEL_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
"""Inherited by cells: they choose OpenBLAS's kernel (some machines set them because older
OpenBLAS builds compute wrong results on their CPU) and hold no secret."""

ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""One BLAS thread: parallel chapters must not oversubscribe the cores, and results must
not depend on how a reduction was split across threads."""


def environment(scratch: Path) -> dict[str, str]:
    """The whole environment of a chapter process: nothing is inherited but PATH and the
    variables that pick the BLAS kernel."""
    return {
        **{k: os.environ[k] for k in KERNEL_VARIABLES if k in os.environ},
        **ONE_THREAD,
        "PATH": os.environ.get("PATH") or os.defpath,
        "LANG": "C.UTF-8",
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "MPLCONFIGDIR": str(scratch / ".matplotlib"),
        "XDG_CACHE_HOME": str(scratch / ".cache"),
        "XDG_CONFIG_HOME": str(scratch / ".config"),
        "MPLBACKEND": "Agg",
        # Same set/dict-of-str iteration order in every run, and UTF-8 files whatever the
        # locale.
        "PYTHONHASHSEED": "0",
        "PYTHONUTF8": "1",
        "PYTHONDONTWRITEBYTECODE": "1",  # the course and Python are read-only in bubblewrap
    }


@functools.cache
def detect() -> Sandbox:
    """The best confinement this machine offers (probed once per process)."""
    enforced = os.getuid() != 0
    bwrap = shutil.which("bwrap")
    if bwrap is None or not _works(bwrap):
        return Sandbox(None, enforced)
    return Sandbox(bwrap, enforced)


def required() -> bool:
    """In CI a missing or broken bubblewrap is a failure, not a weaker sandbox."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _works(bwrap: str) -> bool:
    """Whether bubblewrap can make its namespaces here (a container may forbid them)."""
    with tempfile.TemporaryDirectory(prefix="lessonkit-probe-") as scratch:
        probe = Sandbox(bwrap, False).command(
            [sys.executable, "-P", "-c", "pass"], cwd=Path(scratch), writable=Path(scratch),
            readable=(),
        )
        try:
            return subprocess.run(probe, stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=30, check=False).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            return False


def _mounts(writable: Path, readable: Iterable[Path]) -> list[str]:
    """bubblewrap's arguments: everything read-only, shared temporary folders and the home
    hidden, then what the cells need inside those mounted back."""
    args = [
        "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
        "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
    ]
    hidden = [Path(p) for p in HIDDEN] + _home()
    for folder in hidden:
        if folder.is_dir():
            args += ["--tmpfs", str(folder)]
    needed = {Path(p).resolve() for p in [*readable, *map(Path, _python_folders())]}
    bound: list[Path] = []
    for path in sorted(needed):  # a folder sorts before what is inside it
        hidden_here = any(path.is_relative_to(h) for h in hidden)
        if hidden_here and path.exists() and not any(path.is_relative_to(b) for b in bound):
            args += ["--ro-bind", str(path), str(path)]
            bound.append(path)
    scratch = writable.resolve()  # bubblewrap mounts on real paths, not through symlinks
    args += ["--bind", str(scratch), str(scratch)]
    for folder in hidden:  # empty and read-only too, once the mount points are made
        if folder.is_dir():
            args += ["--remount-ro", str(folder)]
    return args


def _home() -> list[Path]:
    """The user's home (where keys and tokens live), unless it is the root folder."""
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError):
        return []
    return [home] if home != Path("/") else []


@functools.cache
def _python_folders() -> tuple[str, ...]:
    """What the chapter's Python reads: its prefixes, and its sys.path as it starts with
    `-P` and the cells' environment (site-packages and what their .pth files add)."""
    folders = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(sys.executable).parent),
               str(Path(__file__).parent)}
    probe = [sys.executable, "-P", "-c", "import sys, json; print(json.dumps(sys.path))"]
    try:
        found = subprocess.run(probe, env=environment(Path("/nonexistent")), check=True,
                               capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
        folders.update(p for p in json.loads(found.stdout) if p and Path(p).exists())
    except (OSError, subprocess.SubprocessError, ValueError):
        pass  # the prefixes alone still start Python; a .pth-added folder may be missing
    return tuple(sorted(folders))


def _tasks_of(uid: int) -> int:
    """Tasks (processes and threads) the user runs now, as RLIMIT_NPROC counts them."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            count += len(os.listdir(f"/proc/{entry.name}/task"))
        except OSError:
            continue
    return count
