"""The tket target for neutral atoms: Rydberg-native CnZ with a checked arity (docs/semantics.md §5)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from hrnnc.diagnostics import ConfigurationError
from hrnnc.ir import RegisterKind, Step, unroll_steps
from hrnnc.lowered import evaluator, lower_steps, optimizer_report
from hrnnc.passes.pipelines import optimize as optimize_run
from hrnnc.targets.base import Target, require_unit_cells
from hrnnc.targets.sympy_angles import angle_bindings, argument_symbols
from hrnnc.targets.tket_target.check_native_arity import (
    NATIVE_ARITY,
    OVER_ARITY_EDGES,
    CheckNativeArity,
    resolve_arity,
)
from hrnnc.targets.tket_target.lowering import Lowering, uses_stabilizers
from hrnnc.targets.tket_target.phase_synthesis import SynthesisOptions

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Model
    from hrnnc.passes import Pass, PropertySet

GATESETS = ("native", "cz")
FORMATS = ("json", "qasm")
MEASURES = ("inplace", "ancilla")
PLANS = ("auto", "design")


@dataclass(frozen=True)
class TketTarget(Target):
    """pytket ``Circuit`` on ``{CnZ (arity ≤ A), CZ, Rz, PhasedX, Measure, Reset}``.

    A run (``inputs`` given) starts from ``|0…0⟩`` with the ``|+⟩^n`` preparation; a unit
    cell acts on the latent register as it is (no preparation), like the Qiskit target.

    Unweighted edges (γ ≡ π) are one native CnZ each; weighted ones are synthesized onto
    CnZ plus single-qubit rotations, exactly, by the cheapest plan of
    :mod:`~hrnnc.targets.tket_target.phase_synthesis`. Trainable params stay SymPy symbols
    named after them (gate parameters in half-turns, e.g. ``Rz(g/pi)``), so the circuit is
    re-bound with :meth:`bind_params` or ``Circuit.symbol_substitution``; ``bind=True``
    substitutes their initial values instead. Qubit ``j`` is site ``j`` (pytket
    prints and orders basis states big-endian, unlike the simulator); an ancilla, when
    used, is ``q[n]``; bit ``c[i]`` is the ``i``-th measurement in time order.
    """

    name: ClassVar[str] = "tket"
    description: ClassVar[str] = "pytket Circuit with native CnZ for neutral atoms (API) / circuit JSON (CLI)"
    register_kinds: ClassVar[frozenset[RegisterKind]] = frozenset({RegisterKind.QUBITS})
    default_suffix: ClassVar[str] = ".json"
    install_hint: ClassVar[str] = "pip install 'hrnnc[tket]'"
    bytes_per_site: ClassVar[int] = 1536
    """Measured: a pytket Circuit of 10⁶ qubits holds about 1,410 bytes a qubit (E0630)."""

    arity: int | None = None
    """Native CnZ arity A (blockade size), 2 ≤ A ≤ n; None: the degree bound k."""
    gateset: str = "native"
    """``native`` (CnZ, CZ, Rz, PhasedX) or ``cz`` (rebased to CZ + 1q with tket's passes)."""
    format: str = "json"
    """CLI text: pytket circuit ``json``, or OpenQASM 2 ``qasm`` (only with gateset cz)."""
    no_decompose: bool = False
    """Edges wider than A are errors (E0502) instead of being decomposed."""
    measure: str = "inplace"
    """Stabilizer lowering: ``inplace`` or ``ancilla`` (phase estimation on q[n])."""
    phase_ancilla: bool | None = None
    """Use a clean ancilla q[n] for weighted phases; None: iff the measurement ancilla exists."""
    plan: str = "auto"
    """``auto``: cheapest plan, merging the edges of a block; ``design``: docs/semantics.md §5 route per edge."""
    bind: bool = False
    """Substitute the params' initial values instead of keeping SymPy symbols."""
    _notes: dict[int, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _optimizer: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _json: dict[int, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for option, value, allowed in (("gateset", self.gateset, GATESETS), ("format", self.format, FORMATS),
                                       ("measure", self.measure, MEASURES), ("plan", self.plan, PLANS)):
            if value not in allowed:
                raise ConfigurationError(f"tket target: --{option} must be one of {', '.join(allowed)}; got {value!r}")
        if self.arity is not None and (not isinstance(self.arity, int) or self.arity < 2):
            raise ConfigurationError(f"tket target: --arity must be an integer >= 2; got {self.arity!r}")
        if not isinstance(self.bind, bool):
            raise ConfigurationError(f"tket target: bind must be True or False, not {self.bind!r}")
        if self.format == "qasm" and self.gateset != "cz":
            raise ConfigurationError("tket target: --format qasm needs --gateset cz "
                                     "(pytket's QASM writer cannot hold CnZ)")

    @classmethod
    def add_arguments(cls, group: argparse._ArgumentGroup) -> None:
        group.add_argument("--arity", type=int, default=None, metavar="A",
                           help="native CnZ arity (blockade size), 2..n (default: the degree bound k)")
        group.add_argument("--gateset", choices=GATESETS, default=None,
                           help="native: CnZ+CZ+Rz+PhasedX (default); cz: CZ + single-qubit gates")
        group.add_argument("--format", choices=FORMATS, default=None,
                           help="json: pytket circuit JSON (default); qasm: OpenQASM 2 (with --gateset cz)")
        group.add_argument("--no-decompose", action="store_true", default=False,
                           help="edges wider than the arity are errors instead of being decomposed")
        group.add_argument("--phase-ancilla", action=argparse.BooleanOptionalAction, default=None,
                           help="use a clean ancilla for weighted phases (default: iff --measure ancilla)")
        group.add_argument("--plan", choices=PLANS, default=None,
                           help="auto: cheapest merged plan (default); "
                                "design: reference route per edge (docs/semantics.md §5)")

    def passes(self) -> Sequence[Pass]:
        return (CheckNativeArity(arity=self.arity, no_decompose=self.no_decompose),)

    # -- emission ------------------------------------------------------------------------

    def _setup(self, model: Model, cells: Sequence[Cell]) -> tuple[int, SynthesisOptions, int]:
        a = resolve_arity(model, self.arity)
        stabs = uses_stabilizers(cells)
        phase_anc = self.phase_ancilla if self.phase_ancilla is not None else (self.measure == "ancilla" and stabs)
        n = model.size
        width = n + (1 if phase_anc or (self.measure == "ancilla" and stabs) else 0)
        return a, SynthesisOptions(a, ancilla=n if phase_anc else None, merge=self.plan == "auto"), width

    def _circuit(self, model: Model, steps: Sequence[Step], all_cells: Sequence[Cell], name: str,
                 prepare: bool) -> Any:
        """One circuit; ``prepare`` starts it with the ``|+⟩^n`` preparation (runs, not unit cells)."""
        from hrnnc.targets.tket_target.circuit_builder import build_circuit, circuit_json, to_cz, to_native

        a, synthesis, width = self._setup(model, all_cells)
        # OpenQASM 2 has no free parameters: --format qasm writes numbers.
        symbolic = not (self.bind or self.format == "qasm")
        # A unit cell's arguments have no values yet: they stay symbols, named after them.
        arguments = not prepare and any(step.cell.args for step in steps)
        run_steps = [(step.cell, argument_symbols(step.cell) if arguments else step.args) for step in steps]
        raw = lower_steps(model, run_steps, evaluator(angle_bindings(model, symbolic, arguments)))
        optimize = self.optimize and prepare  # unit cells are emitted as written
        run = optimize_run(raw) if optimize else raw
        low = Lowering(model.size, synthesis, self.measure, schedule=optimize)
        if prepare:
            low.ops.extend(("h", j) for j in range(model.size))
        low.run(run)
        if optimize:
            self._optimizer[model.name] = optimizer_report(raw, run)
        record: list[dict[str, Any]] = []
        circ = to_native(build_circuit(low.ops, width, low.bits, name, record), a)
        if self.gateset == "cz":
            return to_cz(circ)
        self._json[id(circ)] = (circ, circuit_json(circ, record))
        return circ

    def emit(self, model: Model, props: PropertySet, inputs: tuple[str, ...] | None) -> Any:
        """The circuit of the run over ``inputs``, or ``{token: unit cell}`` when None."""
        self.require("pytket")
        self._json.clear()
        self._optimizer.clear()
        a = props.get(NATIVE_ARITY) or resolve_arity(model, self.arity)
        over = props.get(OVER_ARITY_EDGES) or ()
        if inputs is None:
            if self.format == "qasm":
                require_unit_cells(model, self.name, "OpenQASM 2 has no free parameters")
            cells = {tok: model.cell_for(tok) for tok in model.alphabet}
            obj: Any = {tok: self._circuit(model, [Step(tok, cell)], list(model.cells), f"{model.name}_{tok}", False)
                        for tok, cell in cells.items() if cell is not None}
        else:
            run = unroll_steps(model, inputs)
            obj = self._circuit(model, run, [step.cell for step in run], model.name, True)
        self._notes.clear()
        self._notes[id(obj)] = (obj, {"arity": a, "decomposed_edges": [
            {"sites": list(sites), "line": line} for sites, line in over],
            "optimizer": self._optimizer.get(model.name)})
        return obj

    # -- output --------------------------------------------------------------------------

    def _text(self, circ: Any) -> str:
        if self.format == "qasm":
            from pytket import OpType
            from pytket.passes import AutoRebase
            from pytket.qasm import circuit_to_qasm_str  # type: ignore[attr-defined]

            copy = circ.copy()
            AutoRebase({OpType.CZ, OpType.Rz, OpType.Rx, OpType.Measure, OpType.Reset}).apply(copy)
            return str(circuit_to_qasm_str(copy, header="qelib1"))
        return json.dumps(self._to_dict(circ))

    def _record(self, circ: Any) -> list[dict[str, Any]] | None:
        cached = self._json.get(id(circ))
        if (cached is not None and cached[0] is circ and circ.n_gates == len(cached[1]["commands"])
                and circ.n_qubits == len(cached[1]["qubits"])):
            return cached[1]["commands"]  # type: ignore[no-any-return]
        return None

    def _to_dict(self, circ: Any) -> Any:
        """``circ.to_dict()``; for a native output of this target, from the builder's record.

        pytket's ``to_dict`` slows down quadratically on long runs with many measured bits
        (53 s for 1,000 cells on 32 qubits), so the record is used while the circuit
        still has the gates it was emitted with (same count and width).
        """
        record = self._record(circ)
        if record is not None:
            from hrnnc.targets.tket_target.circuit_builder import phase_text

            return {**self._json[id(circ)][1], "phase": phase_text(circ.phase)}
        return circ.to_dict()

    def dump(self, obj: Any) -> str:
        """pytket circuit JSON (a JSON object token → circuit for unit cells) or OpenQASM 2."""
        if isinstance(obj, dict):
            if self.format == "qasm":
                return "".join(f"// ---- unit cell '{tok}'\n{self._text(c)}" for tok, c in obj.items())
            return json.dumps({tok: self._to_dict(c) for tok, c in obj.items()})
        return self._text(obj)

    def numeric(self) -> TketTarget:
        """``bind=True``, sharing this target's caches, so that :meth:`dump` and :meth:`report`
        of this target (the CLI's) see what the numeric twin emitted."""
        twin = dataclasses.replace(self, bind=True)
        for cache in ("_notes", "_optimizer", "_json"):
            object.__setattr__(twin, cache, getattr(self, cache))
        return twin

    def bind_params(self, obj: Any, values: Mapping[str, float]) -> Any:
        """A copy of the circuit (or of each unit cell) with ``symbol_substitution`` of the
        params named in ``values``; the original keeps its symbols."""
        if isinstance(obj, dict):
            bound = {tok: self.bind_params(c, values) for tok, c in obj.items()}
        else:
            import sympy

            bound = obj.copy()
            names = {s.name for s in obj.free_symbols()}
            bound.symbol_substitution({sympy.Symbol(n): float(v) for n, v in values.items() if n in names})
        note = self._notes.get(id(obj))
        if note is not None and note[0] is obj:
            self._notes[id(bound)] = (bound, note[1])
        return bound

    def report(self, obj: Any) -> dict[str, Any]:
        from hrnnc.targets.tket_target.report import circuit_report, summed

        note = self._notes.get(id(obj))
        info = note[1] if note is not None and note[0] is obj else {}
        out: dict[str, Any] = {"gateset": self.gateset, "arity": info.get("arity", self.arity)}
        if isinstance(obj, dict):
            cells = {tok: circuit_report(c, self._record(c)) for tok, c in obj.items()}
            out["total"] = summed(cells)
            out["cells"] = cells
        else:
            out.update(circuit_report(obj, self._record(obj)))
        edges = info.get("decomposed_edges") or []
        out["decomposed_edges"] = len(edges)
        for i, edge in enumerate(edges):
            out[f"decomposed_edge_{i + 1}"] = f"{{{' '.join(map(str, edge['sites']))}}} at line {edge['line']}"
        if info.get("optimizer") is not None:
            out["native_layers"] = out["multi_qubit_depth"]
            out["optimizer"] = info["optimizer"]
        return out
