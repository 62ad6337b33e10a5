"""The OpenBLAS kernels this CPU can run, asked from the CPU itself (a module with a unique
name, so any test can import it).

OpenBLAS picks a kernel for the CPU it finds, or the one `OPENBLAS_CORETYPE` names; each sums
in its own order, so trained numbers differ slightly between kernels. The course's stated
numbers must hold under every kernel a learner's machine may pick, so the tests run them
under each kernel this CPU can execute.
"""

from __future__ import annotations

from pathlib import Path

KERNEL_NEEDS: dict[str, frozenset[str]] = {
    # The instruction sets each kernel is written with (OpenBLAS driver/others/dynamic.c).
    "SkylakeX": frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"}),
    "Haswell": frozenset({"avx2", "fma"}),
    "Sandybridge": frozenset({"avx"}),
}
"""The kernels the course is checked under, and the /proc/cpuinfo flags each one needs."""


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    """The flags of the first processor in /proc/cpuinfo; empty where there is no such file."""
    try:
        text = cpuinfo.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "flags":
            return frozenset(value.split())
    return frozenset()


def supported_kernels(flags: frozenset[str] | None = None) -> list[str]:
    """The kernels of KERNEL_NEEDS whose instructions the CPU has, in the table's order."""
    have = cpu_flags() if flags is None else flags
    return [kernel for kernel, needs in KERNEL_NEEDS.items() if needs <= have]
