"""Reading the Blackbird files hrnnc writes, with Strawberry Fields' own loader.

``import strawberryfields`` fails on SciPy ≥ 1.14 (SF 0.23 imports ``scipy.integrate.simps``),
so a user cannot follow SF's documentation (``sf.load("prog.xbb")``) on the files hrnnc
writes. :func:`import_strawberryfields` applies the same shim hrnnc uses and returns the
module; :func:`load_blackbird` calls ``sf.load`` through it. A file holding the unit cells of a
model (``hrnnc compile … --target sf`` without ``--input``, one program per ``# token:``
section) is read by :func:`load_cells`; ``-o DIR/`` writes one plain ``.xbb`` per token instead.

Run ``python -m hrnnc.targets.sf_target FILE.xbb …`` to print a file's program as SF
parsed it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hrnnc.diagnostics import Code, HrnncError, error
from hrnnc.targets.sf_target.sdk import load_sf, restore_derived

TOKEN_HEADER = "# token: "
"""Comment line that starts each unit cell in the Blackbird text of a token → program mapping."""


def import_strawberryfields() -> Any:
    """The ``strawberryfields`` module, imported with hrnnc's SciPy shim (``simps = simpson``).

    Raises:
        TargetUnavailableError: SF or SciPy is missing, or lark was downgraded (E0503).
    """
    return load_sf()


def read_text(path: str | os.PathLike[str]) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HrnncError([error(Code.E0001, f"cannot read {os.fspath(path)}: "
                                            f"{getattr(exc, 'strerror', None) or exc}")]) from None


def cell_count(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.startswith(TOKEN_HEADER))


def load_blackbird(path: str | os.PathLike[str]) -> Any:
    """``sf.load(path)`` for one program written by hrnnc (or anyone), with the SciPy shim applied.

    Raises:
        HrnncError: The file cannot be read (E0001), or it holds several unit cells (E0508:
            read it with :func:`load_cells`, or compile with ``-o DIR/`` for one file per token).
        TargetUnavailableError: Strawberry Fields cannot be imported (E0503).
    """
    text = read_text(path)
    cells = cell_count(text)
    if cells:
        raise HrnncError([error(Code.E0508, f"{os.fspath(path)} holds {cells} unit-cell programs, one per "
                                            "'# token:' section; read it with hrnnc.targets.sf_target.load_cells, "
                                            "or compile with '-o DIR/' for one .xbb file per token")])
    return loads_blackbird(text)


def loads_blackbird(text: str) -> Any:
    """``sf.loads(text)`` with the SciPy shim applied, derived free parameters restored
    (:func:`~hrnnc.targets.sf_target.sdk.restore_derived`): the program's free parameters are
    the model's params, bound by name with ``eng.run(prog, args={...})``."""
    return restore_derived(import_strawberryfields().io.loads(text), text)


def load_cells(text_or_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read the unit-cell Blackbird text (or a file of it): ``{token: sf.Program}``.

    Each section after a ``# token: NAME`` line is one complete Blackbird program.
    """
    text = read_text(text_or_path) if isinstance(text_or_path, os.PathLike) else text_or_path
    sf = import_strawberryfields()
    programs: dict[str, Any] = {}
    token: str | None = None
    chunk: list[str] = []
    for line in [*text.splitlines(), TOKEN_HEADER]:
        if line.startswith(TOKEN_HEADER):
            if token is not None:
                section = "\n".join(chunk)
                programs[token] = restore_derived(sf.io.loads(section), section)
            token, chunk = line[len(TOKEN_HEADER):].strip(), []
        else:
            chunk.append(line)
    return programs
