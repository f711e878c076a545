"""The hypergraph each unit cell acts on, one panel per cell (or per input step).

Sites sit on a circle in index order, so a hyperedge's sites, taken in index order, are the
corners of a convex polygon. A panel shows:

* every ``phase`` edge: a ring around the site (one site), a line (two), a translucent
  polygon (three or more), labelled with its weight (expression and value) and, for qumode
  edges with repeated sites, its monomial (``q0²q1``);
* the measured vertex: a thick red ring and the observable (``S`` for a stabilizer, ``Z``,
  ``X``, ``q``, ``p``); a stabilizer's weighted edges ``κ`` are dashed red;
* ``shift`` as an arrow at the site, ``reset`` as a grey square.

Every drawn element carries an SVG id (``site-P-J``, ``edge-P-I``, ``stab-edge-P-I``,
``measured-P-I``, ``shift-P-I``, ``reset-P-I``; ``P`` the panel), so a picture can be checked
by reading the SVG.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from hrnnc.ir import Basis, Measure, MeasureStab, Phase, RegisterKind, Reset, Shift, float_bindings
from hrnnc.ir.bind import unroll_steps
from hrnnc.ir.expr import names_in
from hrnnc.ir.expr import Num
from hrnnc.ir.printer import print_expr
from hrnnc.plot.figure import MAX_PANELS, panel_grid

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from hrnnc.ir import Cell, Model
    from hrnnc.ir.expr import Expr

RADIUS = 1.0
SITE_RADIUS = 0.11
MEASURED = "#c0392b"
SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def site_positions(n: int) -> list[tuple[float, float]]:
    """Site ``j`` at angle ``π/2 − 2πj/n`` (the first at the top, then clockwise)."""
    if n == 1:
        return [(0.0, 0.0)]
    return [(RADIUS * math.cos(math.pi / 2 - 2 * math.pi * j / n),
             RADIUS * math.sin(math.pi / 2 - 2 * math.pi * j / n)) for j in range(n)]


def panels(model: Model, inputs: str | Iterable[Any] | None) -> list[tuple[str, Cell, dict[str, float]]]:
    """``(title, cell, argument values)`` per ``on`` block, or per input step (at most MAX_PANELS)."""
    if inputs is None:
        out = []
        for cell in model.cells:
            head = ", ".join(t.name for t in cell.tokens)
            if cell.args:
                head += f" ({', '.join(a.name for a in cell.args)})"
            out.append((f"on {head}", cell, {}))
        return out
    steps = unroll_steps(model, inputs)[:MAX_PANELS]
    titles = []
    for t, step in enumerate(steps):
        args = ", ".join(f"{value:.4g}" for _, value in step.args)
        titles.append(f"t = {t + 1}: {step.token}" + (f"({args})" if step.args else ""))
    return [(title, step.cell, dict(step.args)) for title, step in zip(titles, steps)]


def draw_model(model: Model, inputs: str | Iterable[Any] | None = None,
               params: Mapping[str, float] | None = None) -> Figure:
    """One panel per cell (``inputs`` None) or per input step, as described in the module docstring.

    Weights are evaluated at the params (``params`` over the initial values) and, per step, at
    the step's token arguments (``w01(0.37)``); in a per-cell panel a weight that depends on a
    cell argument shows its expression only.

    Raises:
        HrnncError: matplotlib is missing (E0901); a bad input (E0218, E0222–E0224).
    """
    chosen = panels(model, inputs)
    bindings = float_bindings(model, params)
    fig, axes = panel_grid(max(1, len(chosen)))
    positions = site_positions(model.size)
    for index, (title, cell, args) in enumerate(chosen):
        unbound = {a.name for a in cell.args} - set(args)

        def weight(expr: Expr, args: dict[str, float] = args, unbound: set[str] = unbound) -> float | None:
            """The value of a weight; None when it depends on an argument no input supplies."""
            if unbound and any(name.id in unbound for name in names_in(expr)):
                return None
            return float(bindings(expr, args))

        _draw_panel(axes[index], index, title, cell, model, positions, weight)
    if not chosen:
        axes[0].set_axis_off()
        axes[0].set_title(f"{model.name}: no cells")
    fig.suptitle(f"{model.name}: {model.size} {model.kind.value}, degree {model.k}")
    fig.supxlabel("phase edges: ring (1 site), line (2), polygon (3+), labelled with their weights; red ring: "
                  "measured vertex; dashed red: stabilizer edges κ; arrow: shift; dotted square: reset",
                  fontsize=7, color="#555555")
    return fig


def _draw_panel(ax: Any, panel: int, title: str, cell: Cell, model: Model,
                positions: Sequence[tuple[float, float]], weight: Any) -> None:
    from matplotlib.patches import Circle, FancyArrowPatch, Polygon, Rectangle

    qumodes = model.kind is RegisterKind.QUMODES
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.75, 1.75)
    ax.set_title(title, fontsize=10)
    colours = [f"C{i}" for i in range(10)]
    counters = Counter[str]()

    def gid(kind: str) -> str:
        number = counters[kind]
        counters[kind] += 1
        return f"{kind}-{panel}-{number}"

    def label(expr: Expr, sites: Sequence[int]) -> str:
        text = print_expr(expr)
        value = None if isinstance(expr, Num) else weight(expr)
        if value is not None:
            text += f" = {value:.4g}"
        if qumodes and len(set(sites)) != len(sites):
            powers = Counter(sites)
            monomial = "".join(f"q{s}" + (str(p).translate(SUPERSCRIPTS) if p > 1 else "")
                               for s, p in sorted(powers.items()))
            text = f"{monomial}: {text}"
        return text

    def edge(sites: Sequence[int], colour: str, kind: str, dashed: bool, ring: float) -> tuple[float, float]:
        """Draw one edge (a stabilizer's ``κ`` edge dashed, unfilled, set off); return its label's place."""
        distinct = sorted(set(sites))
        points = [positions[s] for s in distinct]
        style = "--" if dashed else "-"
        if len(distinct) == 1:
            x, y = points[0]
            ax.add_patch(Circle((x, y), SITE_RADIUS + ring, fill=False, edgecolor=colour, linewidth=2,
                                linestyle=style, gid=gid(kind)))
            return x * 1.3 + 0.05, y * 1.3 + SITE_RADIUS + ring
        if len(distinct) == 2:
            (x0, y0), (x1, y1) = points
            length = math.hypot(x1 - x0, y1 - y0) or 1.0
            off = 0.07 if dashed else 0.0
            dx, dy = -(y1 - y0) / length * off, (x1 - x0) / length * off
            line, = ax.plot([x0 + dx, x1 + dx], [y0 + dy, y1 + dy], color=colour, linewidth=2.5, linestyle=style)
            line.set_gid(gid(kind))
            return (x0 + x1) / 2, (y0 + y1) / 2
        if dashed:
            ax.add_patch(Polygon(points, closed=True, fill=False, edgecolor=colour, linewidth=2, linestyle=style,
                                 gid=gid(kind)))
        else:
            ax.add_patch(Polygon(points, closed=True, facecolor=colour, alpha=0.22, edgecolor=colour,
                                 linewidth=2, gid=gid(kind)))
        return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)

    labels: list[tuple[float, float, str, str]] = []
    kappa: list[str] = []
    phases = 0
    for stmt in cell.body:
        if isinstance(stmt, Phase):
            sites = [s.index for s in stmt.sites]
            colour = colours[phases % len(colours)]
            x, y = edge(sites, colour, "edge", dashed=False, ring=0.05 + 0.05 * phases)
            labels.append((x, y, label(stmt.angle, sites), colour))
            phases += 1
        elif isinstance(stmt, MeasureStab):
            v = stmt.vertex.index
            for stab_edge in stmt.edges:
                sites = [s.index for s in stab_edge.sites]
                edge(sites, MEASURED, "stab-edge", dashed=True, ring=0.12)
                kappa.append(f"κ{{{','.join(map(str, sites))}}} = {label(stab_edge.weight, sites)}")
            _measured(ax, positions[v], "S", stmt.output, gid("measured"))
        elif isinstance(stmt, Measure):
            letter = {Basis.Z: "Z", Basis.X: "X"}.get(stmt.basis, stmt.basis.value)
            _measured(ax, positions[stmt.site.index], letter, stmt.output, gid("measured"))
        elif isinstance(stmt, Shift):
            x, y = positions[stmt.site.index]
            ax.add_patch(FancyArrowPatch((x - 0.3, y - 0.25), (x + 0.3, y - 0.25), arrowstyle="-|>",
                                         mutation_scale=12, color="#555555", gid=gid("shift")))
            labels.append((x, y - 0.4, f"shift {label(stmt.amount, [stmt.site.index])}", "#555555"))
        elif isinstance(stmt, Reset):
            x, y = positions[stmt.site.index]
            side = 2 * SITE_RADIUS + 0.14
            ax.add_patch(Rectangle((x - side / 2, y - side / 2), side, side, fill=False, edgecolor="#888888",
                                   linewidth=1.5, linestyle=":", gid=gid("reset")))
    for j, (x, y) in enumerate(positions):
        ax.add_patch(Circle((x, y), SITE_RADIUS, facecolor="white", edgecolor="black", linewidth=1.2,
                            zorder=3, gid=f"site-{panel}-{j}"))
        ax.text(x, y, str(j), ha="center", va="center", fontsize=8, zorder=4)
    if kappa:
        ax.text(0.0, -1.5, "stabilizer weights: " + ", ".join(kappa), ha="center", va="center", fontsize=7,
                color=MEASURED, wrap=True)
    for x, y, text, colour in labels:
        ax.text(x, y, text, ha="center", va="center", fontsize=7, color=colour, zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})


def _measured(ax: Any, position: tuple[float, float], letter: str, output: str, gid: str) -> None:
    from matplotlib.patches import Circle

    x, y = position
    ax.add_patch(Circle((x, y), SITE_RADIUS + 0.07, fill=False, edgecolor=MEASURED, linewidth=3, zorder=4,
                        gid=gid))
    ax.text(x * 1.45, y * 1.45 + (0.3 if (x, y) == (0.0, 0.0) else 0.0), f"{letter} → {output}",
            ha="center", va="center", fontsize=8, color=MEASURED, fontweight="bold", zorder=5)
