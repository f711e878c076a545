"""Memory estimates made before any large array is allocated (E0601)."""

from __future__ import annotations

import os

from hrnnc.diagnostics import Code, SimulationError, error

MEMORY_LIMIT_ENV = "HRNNC_SIM_MEMORY"
"""Environment variable that overrides the available-memory estimate (bytes, e.g. ``2e9``)."""


def available_bytes() -> int:
    """Memory the simulator may use: ``$HRNNC_SIM_MEMORY`` if set, else MemAvailable.

    Falls back to ``sysconf`` available pages, then to 4 GiB when neither is readable.
    """
    override = os.environ.get(MEMORY_LIMIT_ENV)
    if override:
        return int(float(override))
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_AVPHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 4 << 30


def format_bytes(count: int) -> str:
    """``17179869184`` → ``"16 GiB (17,179,869,184 bytes)"``."""
    units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    if count.bit_length() > 80:  # beyond any machine (and beyond float for 2^1100): say its size class
        return f"about 2^{count.bit_length() - 1} bytes"
    value = float(count)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    if unit == 0:
        return f"{count:,} bytes"
    return f"{value:.3g} {units[unit]} ({count:,} bytes)"


def require_memory(needed: int, what: str) -> None:
    """Raise E0601 unless ``needed`` bytes fit in the memory available now.

    Args:
        needed: Estimated peak bytes of the simulation.
        what: What would be allocated, for the message (e.g. ``"a 2^30 statevector"``).

    Raises:
        SimulationError: With an E0601 diagnostic stating the bytes needed and available.
    """
    avail = available_bytes()
    if needed > avail:
        raise SimulationError([error(
            Code.E0601,
            f"model too large to simulate in memory: {what} needs {format_bytes(needed)}, "
            f"but only {format_bytes(avail)} is available",
        )])


__all__ = ["MEMORY_LIMIT_ENV", "available_bytes", "format_bytes", "require_memory"]
