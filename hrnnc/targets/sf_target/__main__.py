"""``python -m hrnnc.targets.sf_target FILE.xbb …``: print Blackbird files as Strawberry Fields reads them.

Works where ``import strawberryfields`` alone fails (SciPy ≥ 1.14): the SciPy shim is applied first.
"""

from __future__ import annotations

import sys

from hrnnc.diagnostics import HrnncError, render
from hrnnc.targets.sf_target.files import cell_count, load_cells, loads_blackbird, read_text


def main(argv: list[str] | None = None) -> int:
    """Print each file's program(s) as Strawberry Fields parsed them."""
    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print("usage: python -m hrnnc.targets.sf_target FILE.xbb …", file=sys.stderr)
        return 2
    try:
        for path in paths:
            text = read_text(path)
            programs = load_cells(text) if cell_count(text) else {"": loads_blackbird(text)}
            for token, prog in programs.items():
                print(f"# {path}" + (f", token {token}" if token else ""))
                prog.print()
    except HrnncError as exc:
        for diag in exc.diagnostics:
            print(render(diag), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
