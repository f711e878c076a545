"""Pictures (needs the optional extra ``plot``: ``pip install 'hrnnc[plot]'``).

:func:`draw_model` shows the hypergraph each unit cell acts on; :func:`draw_circuits` draws
a compiled circuit with its SDK's own drawer; :func:`plot_result` draws a simulation's output
distribution or densities; :func:`render` turns a figure into PNG or SVG bytes. Importing
this package imports neither matplotlib nor any SDK; each function does when called.
"""

from __future__ import annotations

from hrnnc.plot.circuits import draw_circuits, tket_html
from hrnnc.plot.figure import INSTALL_HINT, MAX_PANELS, picture_format, render, require_matplotlib
from hrnnc.plot.hypergraph import draw_model
from hrnnc.plot.results import plot_result

__all__ = [
    "INSTALL_HINT", "MAX_PANELS", "draw_circuits", "draw_model", "picture_format", "plot_result", "render",
    "require_matplotlib", "tket_html",
]
