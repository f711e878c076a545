"""Matplotlib plumbing shared by the pictures: lazy import, panel grids, PNG/SVG bytes.

Pictures are built with matplotlib's object API (``matplotlib.figure.Figure``), never
``pyplot``, so drawing changes no global backend or state of the caller's session.
"""

from __future__ import annotations

import io
import math
import os
from typing import TYPE_CHECKING, Any

from hrnnc.diagnostics import Code, HrnncError, error

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INSTALL_HINT = "pip install 'hrnnc[plot]'"
PICTURE_SUFFIXES = (".png", ".svg")
MAX_PANELS = 64
"""Panels drawn at most (one per cell or step); a longer input draws its first MAX_PANELS steps."""


def require_matplotlib() -> Any:
    """The ``matplotlib`` module.

    Raises:
        HrnncError: matplotlib is not installed (E0901, with the install hint).
    """
    try:
        import matplotlib
    except ImportError as exc:
        raise HrnncError([error(Code.E0901, f"drawing needs matplotlib ({exc}); install it with: {INSTALL_HINT}")]
                         ) from None
    return matplotlib


def picture_format(path: str, extra: tuple[str, ...] = ()) -> str:
    """The format named by a picture file's suffix (``png``, ``svg`` or one of ``extra``).

    Raises:
        HrnncError: Any other suffix (E0902).
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in PICTURE_SUFFIXES + extra:
        allowed = ", ".join(PICTURE_SUFFIXES + extra)
        raise HrnncError([error(Code.E0902, f"cannot tell the picture format of {path!r}: the name must end in {allowed}")])
    return suffix[1:]


def panel_grid(count: int, width: float = 3.4, height: float = 3.4, columns: int = 4) -> tuple[Figure, list[Any]]:
    """A figure of ``count`` equal panels, ``columns`` to a row; unused grid cells are hidden."""
    require_matplotlib()
    from matplotlib.figure import Figure

    columns = max(1, min(columns, count))
    rows = max(1, math.ceil(count / columns))
    fig = Figure(figsize=(width * columns, height * rows), layout="constrained")
    axes = list(fig.subplots(rows, columns, squeeze=False).flat)
    for ax in axes[count:]:
        ax.set_visible(False)
    return fig, axes[:count]


def render(fig: Figure, fmt: str) -> bytes:
    """The figure as PNG or SVG bytes. SVG keeps text as ``<text>`` (searchable, smaller)."""
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "hrnnc"}):
        fig.savefig(buffer, format=fmt, dpi=110)
    return buffer.getvalue()
