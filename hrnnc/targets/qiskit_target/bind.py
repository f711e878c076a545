"""Binding a compiled circuit's params to numbers, exactly.

Qiskit 2.6's own binder (``assign_parameters``) folds a sum of two equal function values
to zero when their arguments bind to exactly 0: ``exp(u) + exp(w)`` at ``u = w = 0`` gives
``0.0``, not ``2.0`` (also ``cos``; docs/targets/qiskit.md has the reproducer). The
optimizer's merged angles are such sums, and 0 is a common initial value, so hrnnc evaluates
every fully bound expression itself, through SymPy, and hands Qiskit plain numbers.
"""

from __future__ import annotations

from typing import Any, Mapping


def bind_circuit(circuit: Any, values: Mapping[str, float]) -> Any:
    """``circuit`` with the params named in ``values`` bound; gate angles whose params are all
    bound become floats evaluated by SymPy, the others keep their free params."""
    binding = {p: float(values[p.name]) for p in circuit.parameters if p.name in values}
    if not binding:
        return circuit
    out = circuit.copy_empty_like()
    out.global_phase = _bound(circuit.global_phase, binding)
    for instruction in circuit.data:
        operation = instruction.operation
        if getattr(operation, "blocks", None):
            operation = operation.replace_blocks([bind_circuit(block, values) for block in operation.blocks])
        elif any(_is_expression(p) for p in operation.params):
            operation = operation.to_mutable()
            operation.params = [_bound(p, binding) for p in operation.params]
        out.append(operation, instruction.qubits, instruction.clbits, copy=False)
    return out


def _is_expression(value: Any) -> bool:
    from qiskit.circuit import ParameterExpression

    return isinstance(value, ParameterExpression)


def _bound(value: Any, binding: Mapping[Any, float]) -> Any:
    if not _is_expression(value):
        return value
    mine = {p: v for p, v in binding.items() if p in value.parameters}
    if not mine:
        return value
    if len(mine) < len(value.parameters):
        return value.bind(mine)
    expression = value.sympify()
    by_name = {symbol.name: symbol for symbol in expression.free_symbols}
    number = complex(expression.evalf(subs={by_name[p.name]: v for p, v in mine.items() if p.name in by_name}))
    if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        raise ValueError(f"the angle {value} is complex at {({p.name: v for p, v in mine.items()})}")
    return number.real


__all__ = ["bind_circuit"]
