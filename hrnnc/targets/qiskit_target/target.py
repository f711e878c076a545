"""The ``qiskit`` target: options, emission, transpilation, OpenQASM 3 text and reports."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Mapping

from hrnnc.diagnostics import Code, ConfigurationError, TargetError, error
from hrnnc.ir import RegisterKind
from hrnnc.targets.base import Target
from hrnnc.targets.qiskit_target.lowering import MEASURE_MODES, Lowering

if TYPE_CHECKING:
    import argparse

    from qiskit import QuantumCircuit

    from hrnnc.ir import Model
    from hrnnc.passes import PropertySet

TRANSPILE_KEYS = ("basis", "ancillas", "seed")
"""Keys of the ``transpile`` option: ``basis=cx,rz,sx,x;ancillas=1;seed=7``."""


def parse_transpile(spec: str) -> dict[str, Any]:
    """Parse ``basis=cx,rz,sx,x;ancillas=1;seed=7`` (items separated by ``;`` or spaces).

    Raises:
        ConfigurationError: Unknown key, missing ``=``, empty basis or a bad number.
    """
    out: dict[str, Any] = {}
    for item in re.split(r"[;\s]+", spec.strip()):
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not eq or key not in TRANSPILE_KEYS:
            raise ConfigurationError(f"bad --transpile item {item!r}: expected KEY=VALUE with KEY one of "
                                     f"{', '.join(TRANSPILE_KEYS)} (e.g. 'basis=cx,rz,sx,x')")
        if key in out:
            raise ConfigurationError(f"--transpile gives '{key}' twice")
        if key == "basis":
            gates = tuple(g for g in value.split(",") if g)
            if not gates:
                raise ConfigurationError("--transpile basis= needs at least one gate name")
            out[key] = gates
        else:
            try:
                number = int(value)
            except ValueError:
                number = -1
            if number < 0:
                raise ConfigurationError(f"--transpile {key}= needs a non-negative integer, not {value!r}")
            out[key] = number
    return out


@dataclass(frozen=True)
class QiskitTarget(Target):
    """Qiskit ``QuantumCircuit`` (API) and OpenQASM 3 (CLI); see ``docs/targets/qiskit.md``."""

    name: ClassVar[str] = "qiskit"
    description: ClassVar[str] = "Qiskit QuantumCircuit (API) / OpenQASM 3 text (CLI)"
    register_kinds: ClassVar[frozenset[RegisterKind]] = frozenset({RegisterKind.QUBITS})
    default_suffix: ClassVar[str] = ".qasm"
    install_hint: ClassVar[str] = "pip install 'hrnnc[qiskit]'"
    bytes_per_site: ClassVar[int] = 256
    """Measured: a QuantumCircuit of 10⁶ qubits holds about 220 bytes a qubit (E0630)."""

    measure: str = "inplace"
    """Stabilizer lowering: ``inplace`` (no ancilla) or ``ancilla`` (phase estimation, one ancilla)."""
    transpile: str | None = None
    """Run Qiskit's transpiler: ``basis=G1,G2,…`` and optionally ``;ancillas=N`` (spare clean
    qubits, register ``aux``: Qiskit's synthesis may use them, and weighted edges of size ≥ 4
    go through the first one, see :mod:`.ancilla`) and ``;seed=S``. ``""`` transpiles without
    a basis."""
    opt: int | None = None
    """Transpiler optimization level 0–3 (Qiskit's default when None); implies transpiling."""
    bind: bool = False
    """Substitute the params' initial values instead of keeping ``qiskit.circuit.Parameter``\\ s."""

    def __post_init__(self) -> None:
        if self.measure not in MEASURE_MODES:
            raise ConfigurationError(f"measure must be one of {', '.join(MEASURE_MODES)}, not {self.measure!r}")
        if self.opt is not None and (isinstance(self.opt, bool) or self.opt not in (0, 1, 2, 3)):
            raise ConfigurationError(f"opt must be an optimization level 0, 1, 2 or 3, not {self.opt!r}")
        if self.transpile is not None:
            if not isinstance(self.transpile, str):
                raise ConfigurationError(f"transpile must be a string like 'basis=cx,rz,sx,x', "
                                         f"not {self.transpile!r}")
            parse_transpile(self.transpile)
        if not isinstance(self.optimize, bool):
            raise ConfigurationError(f"optimize must be True or False, not {self.optimize!r}")
        if not isinstance(self.bind, bool):
            raise ConfigurationError(f"bind must be True or False, not {self.bind!r}")

    @classmethod
    def add_arguments(cls, group: argparse._ArgumentGroup) -> None:
        group.add_argument("--transpile", metavar="SPEC", default=None,
                           help="run Qiskit's transpiler, e.g. 'basis=cx,rz,sx,x' "
                                "(also ';ancillas=N' spare clean qubits, ';seed=S')")
        group.add_argument("--opt", type=int, choices=(0, 1, 2, 3), default=None,
                           help="Qiskit optimization level (implies transpiling)")

    @property
    def transpiles(self) -> bool:
        return self.transpile is not None or self.opt is not None

    def emit(self, model: Model, props: PropertySet, inputs: tuple[str, ...] | None) -> Any:
        """The sequence circuit for ``inputs``, or ``{token: unit cell}`` when ``inputs`` is None.

        Raises:
            TargetError: Qiskit is missing (E0503), or the transpiler cannot reach the basis (E0501).
                Free params are fine under ``transpile``: Qiskit keeps them as ``Parameter`` objects.
            ConfigurationError: The basis names a gate Qiskit does not know.
        """
        self.require("qiskit")
        lowering = Lowering(model, self.measure, self.bind)
        if inputs is None:
            cells = {token: lowering.unit_cell(token) for token in model.alphabet}
            if not self.transpiles:
                return cells
            # A cell starts from whatever state the sequence has reached, not from |0…0⟩: the
            # synthesis must not borrow its idle latent qubits as clean ancillas.
            return {token: self._transpiled(c, initially_zero=False) for token, c in cells.items()}
        circuit = lowering.sequence(inputs, self.optimize)
        if not self.transpiles:
            return circuit
        return self._transpiled(circuit, initially_zero=True)

    def _transpiled(self, circuit: QuantumCircuit, initially_zero: bool) -> QuantumCircuit:
        from qiskit import QuantumRegister, transpile
        from qiskit.circuit.library import get_standard_gate_name_mapping
        from qiskit.transpiler.exceptions import TranspilerError

        spec = parse_transpile(self.transpile or "")
        basis = spec.get("basis")
        if basis is not None:
            known = set(get_standard_gate_name_mapping())
            unknown = [g for g in basis if g not in known]
            if unknown:
                raise ConfigurationError(f"--transpile basis: Qiskit has no gate named {', '.join(unknown)}")
        if spec.get("ancillas"):
            from hrnnc.targets.qiskit_target.ancilla import borrow_clean_qubit

            metadata = circuit.metadata
            circuit = circuit.copy()
            aux = QuantumRegister(spec["ancillas"], "aux")
            circuit.add_register(aux)
            circuit = borrow_clean_qubit(circuit, aux[0])
            circuit.metadata = metadata
        try:
            out = transpile(circuit, basis_gates=list(basis) if basis else None,
                            optimization_level=self.opt, seed_transpiler=spec.get("seed"),
                            qubits_initially_zero=initially_zero)
        except TranspilerError as exc:
            raise TargetError([error(Code.E0501, f"Qiskit's transpiler cannot lower the circuit to basis "
                                                 f"{','.join(basis or ())}: {exc}")]) from None
        out.metadata = dict(circuit.metadata or {})
        return out

    def dump(self, obj: Any) -> str:
        """OpenQASM 3 text; unit cells become one program per token (see ``dumps_cells``)."""
        from hrnnc.targets.qiskit_target.qasm import dumps, dumps_cells

        if isinstance(obj, Mapping):
            return dumps_cells(obj)
        meta = obj.metadata or {}
        header = "generated by hrnnc"
        if "hrnnc_model" in meta:
            header += f" from model {meta['hrnnc_model']}"
        if "hrnnc_inputs" in meta:
            header += f"\ninputs: {' '.join(meta['hrnnc_inputs'])}"
        header += "\noutputs: one bit[1] register per measured value, m<t>_<name>, t = time order"
        return dumps(obj, header=header)

    def report(self, obj: Any) -> dict[str, Any]:
        from hrnnc.targets.qiskit_target.report import report

        return report(obj)

    def numeric(self) -> QiskitTarget:
        return dataclasses.replace(self, bind=True)

    def bind_params(self, obj: Any, values: Mapping[str, float]) -> Any:
        """The circuit (or each unit cell) with its params bound by name, angles evaluated exactly
        by SymPy (:func:`~hrnnc.targets.qiskit_target.bind.bind_circuit`: Qiskit's own binder
        misevaluates some sums)."""
        from hrnnc.targets.qiskit_target.bind import bind_circuit

        if isinstance(obj, Mapping):
            return {token: self.bind_params(c, values) for token, c in obj.items()}
        return bind_circuit(obj, values)

