"""Compiled circuits drawn by each SDK's own drawer.

* Qiskit: ``QuantumCircuit.draw("mpl")``, one row per circuit (per unit cell without inputs).
* Strawberry Fields: ``Program.print`` (SF's circuit drawer, ``draw_circuit``, writes LaTeX
  that needs a TeX installation to become a picture), one panel per program, as text.
* pytket: its renderer (``pytket.circuit.display``) writes an HTML page that loads its
  JavaScript from unpkg.com, so it cannot make an image offline: :func:`draw_circuits`
  returns None with warning W0901, and :func:`tket_html` gives that page for ``.html``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from hrnnc.diagnostics import Code, Diagnostic, Severity
from hrnnc.plot.figure import MAX_PANELS, panel_grid, require_matplotlib

if TYPE_CHECKING:
    from matplotlib.figure import Figure

TKET_OFFLINE = Diagnostic(
    Code.W0901, "pytket's circuit renderer makes an HTML page that loads its JavaScript from unpkg.com, so it "
                "cannot draw an image offline; the picture shows the hypergraph instead (write '-o FILE.html' "
                "for pytket's page, or draw with --target qiskit)", severity=Severity.WARNING)


def _named(obj: Any) -> dict[str, Any]:
    """``{title: circuit}``: the unit cells by token, or the one sequence circuit."""
    if isinstance(obj, Mapping):
        return {f"on {token}": circuit for token, circuit in list(obj.items())[:MAX_PANELS]}
    return {"": obj}


def draw_circuits(obj: Any, target: str) -> tuple[Figure | None, tuple[Diagnostic, ...]]:
    """The compiled object (a circuit, a program, or ``{token: …}``) as a figure.

    Returns:
        The figure, or None with W0901 where the SDK cannot draw offline (tket).
    """
    require_matplotlib()
    if target == "qiskit":
        return _qiskit(_named(obj)), ()
    if target == "sf":
        return _sf(_named(obj)), ()
    return None, (TKET_OFFLINE,)


def _qiskit(circuits: Mapping[str, Any]) -> Figure:
    from matplotlib.figure import Figure

    widths = [max(4.0, 0.62 * (c.depth() + 2)) for c in circuits.values()]
    heights = [0.55 * (c.num_qubits + len(c.cregs)) + 0.9 for c in circuits.values()]
    fig = Figure(figsize=(min(max(widths), 200.0), sum(heights)), layout="constrained")
    axes = fig.subplots(len(circuits), 1, squeeze=False, height_ratios=heights)[:, 0]
    for ax, (title, circuit) in zip(axes, circuits.items()):
        circuit.draw(output="mpl", ax=ax, fold=-1)
        if title:
            ax.set_title(title, fontsize=10, loc="left")
    return fig


def _sf(programs: Mapping[str, Any]) -> Figure:
    listings = {}
    for title, prog in programs.items():
        lines: list[str] = []
        prog.print(print_fn=lambda item: lines.append(str(item)))
        listings[title] = lines
    longest = max((len(lines) for lines in listings.values()), default=1)
    widest = max((len(line) for lines in listings.values() for line in lines), default=20)
    fig, axes = panel_grid(len(listings), width=max(3.0, 0.085 * widest + 0.6), height=0.2 * longest + 0.8,
                           columns=3)
    for ax, (title, lines) in zip(axes, listings.items()):
        ax.set_axis_off()
        ax.set_title(title or programs[title].name, fontsize=10, loc="left")
        for i, line in enumerate(lines):
            ax.text(0.0, 1.0 - (i + 0.5) / max(longest, 1), line, family="monospace", fontsize=8,
                    va="center", ha="left", transform=ax.transAxes, gid=f"op-{i}")
    return fig


def tket_html(obj: Any) -> str:
    """pytket's own HTML rendering of a circuit (or of every unit cell, as one page)."""
    from pytket.circuit.display import render_circuit_as_html

    circuits = list(obj.values()) if isinstance(obj, Mapping) else obj
    return str(render_circuit_as_html(circuits))
