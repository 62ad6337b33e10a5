"""Inside the chapter process: resource limits, and a supervisor that outlives no cell.

engine/execution/cellrunner.py loads this file by its path (it runs with `-P`, so engine/ is not
importable and the cells cannot reach lessonkit's modules); it imports only the standard
library for the same reason.

`supervise()` forks. The parent becomes a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`)
before the fork, so every process the cells start and orphan, `fork(); setsid(); fork()`
included, is re-parented to it rather than to init; when the cells are done, or lessonkit
asks it to stop (SIGTERM) or goes away, it kills all of its descendants and leaves. A new
session or process group hides a process from `killpg`, never from its subreaper.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import threading
import time
from collections.abc import Mapping

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

LIMITS = {
    "memory": resource.RLIMIT_AS,
    "processes": resource.RLIMIT_NPROC,
    "file_size": resource.RLIMIT_FSIZE,
    "cpu_seconds": resource.RLIMIT_CPU,
}
"""The job's `limits` keys and the resource each caps."""


def apply_limits(limits: Mapping[str, int]) -> None:
    """Lower the soft and hard limits; what the cells start inherits them and cannot raise them.

    A limit already lower (set by the user's shell) is kept. No core files either: a cell
    that crashes must not leave hundreds of megabytes behind.
    """
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for name, value in limits.items():
        which = LIMITS[name]
        _soft, hard = resource.getrlimit(which)
        new = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (new, new))


def _prctl(option: int, value: int) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # not Linux: the process group kill is all there is
        return False


def supervise(lifeline: int) -> None:
    """Fork; return in the child, which runs the cells. The parent never returns.

    The parent waits for the child, kills every process left under it and exits as the
    child did. It stops early, killed by SIGTERM, when the `lifeline` pipe ends: lessonkit
    closed its end to stop the chapter, or lessonkit itself is gone.
    """
    subreaper = _prctl(PR_SET_CHILD_SUBREAPER, 1)
    supervisor = os.getpid()
    pid = os.fork()
    if pid == 0:
        os.close(lifeline)
        # The supervisor is killed only with SIGKILL after it failed to stop in time: then
        # the cells go too. PDEATHSIG is per parent thread, and the supervisor has one.
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != supervisor:  # it died before the line above took effect
            # A forked child is its own process entry: end it here, without running the
            # exit handlers and buffers it inherited from the parent (not its to flush).
            os._exit(1)
        return

    def stop(_signum: int, _frame: object) -> None:
        end(-signal.SIGTERM, subreaper)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # lessonkit decides; the terminal does not
    _watch_lifeline(lifeline)
    status = _wait_for(pid)
    end(status, subreaper)


def end(code: int, subreaper: bool) -> None:
    """Kill every descendant (each orphan comes back to us as a child), then exit as the
    cells' process did: with its code, or by its signal (code -N), so lessonkit can say which.
    """
    if subreaper:
        kill_descendants()
    else:  # no subreaper (not Linux): the process group is what can still be reached
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        with contextlib.suppress(OSError):
            os.killpg(0, signal.SIGTERM)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    # The supervisor is a forked process whose whole life is this module: it ends here,
    # without the exit handlers and buffers it inherited from the cell runner.
    os._exit(code if code >= 0 else 128 - code)


def kill_descendants() -> None:
    """SIGKILL every child until none is left, reaping as we go.

    Killing a child orphans its own children, which the kernel hands to us (we are their
    subreaper), so the loop reaches the whole tree; a killed process cannot fork again.
    """
    me = os.getpid()
    while True:
        children = _children(me)
        for child in children:
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            if not _children(me):
                return
        if not children:
            time.sleep(0.001)  # a re-parenting in flight: it shows up in a moment


def _children(pid: int) -> list[int]:
    """Our child processes, from /proc (zombies included, which the reaping above takes)."""
    found: list[int] = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # gone meanwhile
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after
        # the last ')'.
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _wait_for(pid: int) -> int:
    """Wait for the cells' process, reaping orphans that end meanwhile; its exit status."""
    while True:
        try:
            done, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 1
        if done == pid:
            return os.waitstatus_to_exitcode(status)


def _watch_lifeline(lifeline: int) -> None:
    """SIGTERM ourselves when the lifeline ends: lessonkit's end is the only writer, and the
    kernel closes it when lessonkit dies, however it dies."""

    main = threading.main_thread().ident
    assert main is not None

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(lifeline, 1):
                pass
        # To the main thread, not the process: a signal the kernel hands to this thread
        # would leave the main thread asleep in waitpid, and the handler would never run.
        signal.pthread_kill(main, signal.SIGTERM)

    threading.Thread(target=watch, name="lessonkit-lifeline", daemon=True).start()
