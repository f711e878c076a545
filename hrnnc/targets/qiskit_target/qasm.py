"""A streaming OpenQASM 3 writer for hrnnc's circuits.

Qiskit's ``qasm3.dumps`` writes one ``gate`` definition per distinct multi-controlled phase
angle (docs/semantics.md §6), which is slow and large for long sequences. This writer needs no
definitions at all: a hyperedge is one line with gate modifiers,

* ``ctrl(m) @ p(θ) q[a], …;`` for ``MCPhaseGate(θ, m)``,
* ``ctrl(m) @ z q[a], …;`` for ``ZGate().control(m)``,

and everything else uses ``stdgates.inc``. Params are ``input float[64]`` declarations.
``qiskit.qasm3.loads`` reads the text back (it builds ``MCPhaseGate``/``CPhaseGate`` and
controlled-``Z`` gates from the modifiers). A circuit holding an instruction this writer does
not know (control flow, custom gates) is handed to Qiskit's own exporter instead.

An angle that applies ``sin``/``cos``/``exp``/``sqrt`` (or a power) to a param, which
``qiskit.qasm3.loads`` cannot read, has each such part declared as a derived input of its own
(:mod:`.derived`, with the rule that binds it).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Mapping

from hrnnc.targets.qiskit_target.derived import declarations, split_derived

if TYPE_CHECKING:
    from qiskit import QuantumCircuit

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

_STDGATES = {
    "p": 1, "x": 0, "y": 0, "z": 0, "h": 0, "s": 0, "sdg": 0, "t": 0, "tdg": 0, "sx": 0,
    "rx": 1, "ry": 1, "rz": 1, "cx": 0, "cy": 0, "cz": 0, "cp": 1, "crx": 1, "cry": 1, "crz": 1,
    "ch": 0, "swap": 0, "ccx": 0, "cswap": 0, "cu": 4, "u1": 1, "u2": 2, "u3": 3,
}
"""Qiskit gate names that ``stdgates.inc`` defines with the same meaning, and their angle counts."""

_RESERVED = frozenset(
    "OPENQASM include defcalgrammar def cal defcal gate extern box let break continue if else end "
    "return for while in switch case default nop pragma input output const readonly mutable qreg "
    "qubit creg bool bit int uint float angle complex array void duration stretch gphase inv pow "
    "ctrl negctrl dim durationof delay reset measure barrier true false im sizeof U CX phase "
    "cphase id pi tau euler arccos arcsin arctan ceiling cos exp floor log mod popcount rotl rotr "
    "sin sqrt tan real imag".split()
) | frozenset(_STDGATES)
"""Keywords, built-ins and standard-gate names: never usable as a register or input name."""

_NOT_LOADABLE = re.compile(r"[a-z]+\(|\*\*")
"""Angle text that ``qiskit.qasm3.loads`` rejects: function calls and powers (cut out by :mod:`.derived`)."""

RENAMED_INPUT = re.compile(r"^input float\[64\] ([A-Za-z_][A-Za-z0-9_]*);\s*// hrnnc: param ([A-Za-z_][A-Za-z0-9_]*)$",
                           re.MULTILINE)
"""An input renamed away from a keyword or gate name, and the param's own name (see :func:`loads`)."""

CELL_MARKER = "// === hrnnc unit cell: "
"""Prefix of the line that starts each program in the unit-cell text (see :func:`dumps_cells`)."""


class UnsupportedInstruction(Exception):
    """The circuit holds an instruction this writer cannot express (use Qiskit's exporter)."""


class _Names:
    """Unique, valid OpenQASM 3 identifiers for registers and inputs."""

    def __init__(self) -> None:
        self.used: set[str] = set(_RESERVED)

    def claim(self, wanted: str) -> str:
        base = wanted if _IDENTIFIER.match(wanted) else "n_" + re.sub(r"\W", "_", wanted, flags=re.ASCII)
        name, i = base, 1
        while name in self.used:
            name, i = f"{base}_{i}", i + 1
        self.used.add(name)
        return name


def format_angle(value: Any, rename: Mapping[Any, Any] | None = None) -> str:
    """An angle as OpenQASM 3 text: exact ``repr`` of floats, expressions with renamed inputs."""
    from qiskit.circuit import ParameterExpression

    if isinstance(value, ParameterExpression):
        if not value.parameters:
            return repr(float(value.numeric()))
        renamed = {p: rename[p] for p in value.parameters if p in rename} if rename else {}
        if renamed:  # one simultaneous substitution: ``x -> x_1, x_1 -> x_1_1`` must not chain
            value = value.subs(renamed)
        return str(value)
    return repr(float(value))


def _operation_text(op: Any, angle: Any) -> str:
    """The gate part of a statement (``cx``, ``ctrl(2) @ p(0.5)``), without operands."""
    from qiskit.circuit import ControlledGate

    name = op.name
    if name == "mcphase":
        return f"ctrl({op.num_ctrl_qubits}) @ p({angle(op.params[0])})"
    if name in _STDGATES and _STDGATES[name] == len(op.params):
        args = f"({', '.join(angle(p) for p in op.params)})" if op.params else ""
        return f"{name}{args}"
    if name == "u" and len(op.params) == 3:
        return f"U({', '.join(angle(p) for p in op.params)})"
    if (isinstance(op, ControlledGate) and op.base_gate.name == "z"
            and op.ctrl_state == (1 << op.num_ctrl_qubits) - 1):
        return f"ctrl({op.num_ctrl_qubits}) @ z"
    raise UnsupportedInstruction(name)


def dumps(circuit: QuantumCircuit, header: str = "") -> str:
    """OpenQASM 3 text of a circuit; falls back to ``qiskit.qasm3.dumps`` for unknown instructions.

    Args:
        circuit: A circuit emitted (and possibly transpiled) by the qiskit target.
        header: Comment text placed after the version line, one ``//`` line per line.
    """
    try:
        return _write(circuit, header)
    except UnsupportedInstruction:
        from qiskit import qasm3

        text = qasm3.dumps(circuit)
        note = "".join(f"// {line}\n" for line in header.splitlines())
        head, _, rest = text.partition("\n")
        return f"{head}\n{note}{rest}" if note else text


def _declare(registers: Any, bits: Any, keyword: str, prefix: str, names: _Names,
             lines: list[str]) -> dict[Any, str]:
    """Declare each register, then each bit outside every register; return each bit's QASM text."""
    text: dict[Any, str] = {}
    for reg in registers:
        name = names.claim(reg.name)
        lines.append(f"{keyword}[{reg.size}] {name};")
        for i, bit in enumerate(reg):
            text.setdefault(bit, f"{name}[{i}]")
    for i, bit in enumerate(bits):
        if bit not in text:
            text[bit] = names.claim(f"{prefix}{i}")
            lines.append(f"{keyword} {text[bit]};")
    return text


def _write(circuit: QuantumCircuit, header: str) -> str:
    names = _Names()
    lines = ["OPENQASM 3.0;", *(f"// {line}" if line else "//" for line in header.splitlines()),
             'include "stdgates.inc";']
    header_end = len(lines)
    qubit_text = _declare(circuit.qregs, circuit.qubits, "qubit", "qb", names, lines)
    clbit_text = _declare(circuit.cregs, circuit.clbits, "bit", "cb", names, lines)
    inputs: list[str] = []
    rename = _declare_inputs(circuit, names, inputs)
    derived: dict[str, str] = {}

    def angle(value: Any) -> str:
        text = format_angle(value, rename)
        return split_derived(text, names.claim, derived) if _NOT_LOADABLE.search(text) else text

    if circuit.global_phase:
        lines.append(f"gphase({angle(circuit.global_phase)});")
    prefix: dict[int, tuple[Any, str]] = {}  # keyed by id; holding the op keeps the id unique
    for inst in circuit.data:
        op = inst.operation
        name = op.name
        qargs = ", ".join(qubit_text[q] for q in inst.qubits)
        if name == "measure":
            lines.append(f"{clbit_text[inst.clbits[0]]} = measure {qargs};")
        elif name == "reset":
            lines.append(f"reset {qargs};")
        elif name == "barrier":
            lines.append(f"barrier {qargs};")
        elif inst.clbits or getattr(op, "condition", None) is not None:
            raise UnsupportedInstruction(name)
        else:
            cached = prefix.get(id(op))
            if cached is None:
                cached = prefix[id(op)] = (op, _operation_text(op, angle))
            lines.append(f"{cached[1]} {qargs};")
    lines[header_end:header_end] = inputs + declarations(derived)
    lines.append("")
    return "\n".join(lines)


def _declare_inputs(circuit: QuantumCircuit, names: _Names, lines: list[str]) -> dict[Any, Any]:
    """``input float[64] …;`` for each parameter; returns the renaming of clashing names."""
    from qiskit.circuit import Parameter

    rename: dict[Any, Any] = {}
    for param in circuit.parameters:  # sorted by name, as Qiskit's exporter does
        name = names.claim(param.name)
        if name != param.name:
            rename[param] = Parameter(name)
            note = f"  // hrnnc: param {param.name}" if _IDENTIFIER.match(param.name) else ""
            lines.append(f"input float[64] {name};{note}")
        else:
            lines.append(f"input float[64] {name};")
    return rename


def loads(text: str) -> QuantumCircuit:
    """``qiskit.qasm3.loads(text)`` with every renamed input given back its param's name.

    A param named like an OpenQASM keyword or a ``stdgates.inc`` gate (``h``, ``cx``, ``U``,
    ``input``) cannot be declared under its own name, so the writer declares ``h_1`` and marks
    the line ``// hrnnc: param h``; Qiskit's loader alone returns a ``Parameter`` named ``h_1``.
    This function renames it back, so ``assign_parameters({"h": …})`` binds by the model's name.
    """
    from qiskit import qasm3
    from qiskit.circuit import Parameter

    circuit = qasm3.loads(text)
    declared = {p.name: p for p in circuit.parameters}
    original = {declared[written]: Parameter(name) for written, name in RENAMED_INPUT.findall(text)
                if written in declared}
    return circuit.assign_parameters(original) if original else circuit


def dumps_cells(cells: Mapping[str, QuantumCircuit], model_name: str = "") -> str:
    """The unit cells as a sequence of complete OpenQASM 3 programs, one per token.

    Each program starts with the line ``// === hrnnc unit cell: <token> ===`` and acts on the
    latent register as it is when the cell runs (it does not prepare ``|+⟩``).
    :func:`split_programs` cuts the text back into ``{token: program}``.
    """
    out = [f"// hrnnc unit cells{f' of model {model_name}' if model_name else ''}: one OpenQASM 3 "
           f"program per token,", "// each starting at a line '// === hrnnc unit cell: TOKEN ==='.", ""]
    for token, circuit in cells.items():
        out.append(f"{CELL_MARKER}{token} ===")
        out.append(dumps(circuit, header=f"unit cell of token '{token}'"))
    return "\n".join(out)


def split_programs(text: str) -> dict[str, str]:
    """Invert :func:`dumps_cells`: ``{token: OpenQASM 3 program}``."""
    programs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith(CELL_MARKER):
            token = line[len(CELL_MARKER):].rstrip().removesuffix("===").strip()
            current = programs.setdefault(token, [])
        elif current is not None:
            current.append(line)
    return {token: "".join(lines) for token, lines in programs.items()}
