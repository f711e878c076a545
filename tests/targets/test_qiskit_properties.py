"""Property tests: random qubit models (≤ 6 qubits, ≤ 12 cells) through the qiskit target.

Each drawn model is written as ``.hrnn`` text, parsed, compiled and compared with the reference
simulator: exact distributions (both stabilizer lowerings), the unitary of measurement-free
runs (``Operator`` equivalence up to global phase), and the OpenQASM 3 round trip.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytest.importorskip("qiskit")
from qiskit import QuantumCircuit, qasm3  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402
from test_qiskit_evaluator import assert_same_distribution, exact_distribution, time_order  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.sim import qubit as ref  # noqa: E402
from hrnnc.targets.qiskit_target import QiskitTarget, assemble, input_values, unit_cells  # noqa: E402

MAX_SPLITS = 9
"""Most measurements plus resets in one drawn run (the branch count is 2 to this power)."""

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PARAMS = ("u", "w")
numbers = st.floats(-3.5, 3.5, allow_nan=False).map(lambda x: f"{x:.4f}")
angles = st.one_of(
    st.sampled_from(["pi", "-pi", "pi / 2", "0", "u", "w", "-u", "u * 0.5 + w", "(u - w) / 3", "2 * pi - u",
                     "sin(u) * 2", "sqrt(2 + cos(w))", "exp(u / 4) - w"]),
    numbers,
)


@st.composite
def runs(draw: st.DrawFn, measurements: bool = True) -> tuple[str, str, dict[str, float]]:
    """(model text, input tokens, param values to test at)."""
    n = draw(st.integers(2, 6))
    k = draw(st.integers(2, n))
    sites = st.integers(0, n - 1)

    def edge(containing: int | None = None) -> list[int]:
        rest = [s for s in range(n) if s != containing]
        size = draw(st.integers(1 if containing is None else 0, k - (containing is not None)))
        picked = draw(st.permutations(rest))[:size]
        return ([containing] if containing is not None else []) + picked

    def statement() -> str:
        kind = draw(st.sampled_from(["phase", "phase", "stab", "z", "x", "reset"] if measurements else ["phase"]))
        if kind == "phase":
            return f"phase({draw(angles)}) {' '.join(map(str, edge()))};"
        if kind == "reset":
            return f"reset {draw(sites)};"
        if kind in ("z", "x"):
            return f"measure {kind} {draw(sites)} -> y;"
        v = draw(sites)
        edges: list[list[int]] = []
        for _ in range(draw(st.integers(0, 2))):
            e = edge(v)
            if sorted(e) not in [sorted(x) for x in edges]:
                edges.append(e)
        weights = ", ".join(f"{draw(angles)}: {' '.join(map(str, e))}" for e in edges)
        return f"measure stab({v}{'; ' + weights if weights else ''}) -> s;"

    n_cells = draw(st.integers(1, 4))
    cells = [[statement() for _ in range(draw(st.integers(1, 3)))] for _ in range(n_cells)]
    inits = [draw(numbers) for _ in PARAMS]
    body = "\n".join(f"  on t{i} {{ {' '.join(c)} }}" for i, c in enumerate(cells))
    decls = " ".join(f"param {p} = {v};" for p, v in zip(PARAMS, inits))
    text = f"hrnn r {{\n  qubits {n}; degree {k}; {decls}\n{body}\n}}\n"
    tokens = draw(st.lists(st.integers(0, n_cells - 1), min_size=1, max_size=12))
    splits = sum(sum(s.startswith(("measure", "reset")) for s in cells[t]) for t in tokens)
    if splits > MAX_SPLITS:
        tokens = tokens[:1]
    values = dict(zip(PARAMS, map(float, inits)))
    if draw(st.booleans()):
        values = {p: draw(st.floats(-4, 4, allow_nan=False)) for p in PARAMS}
    return text, " ".join(f"t{t}" for t in tokens), values


def _reference(model: hrnnc.Model, tokens: str, values: dict[str, float] | None = None) -> dict[str, float]:
    """The reference simulator's distribution (every valid example must be computable)."""
    return ref.exact_distribution(model, tokens, values)


def _distribution(qc: QuantumCircuit, values: dict[str, float]) -> dict[str, float]:
    present = {p.name for p in qc.parameters}
    return exact_distribution(qc, {k: v for k, v in values.items() if k in present}, time_order(qc))


@PROPERTY
@given(runs())
def test_random_models_match_simulator(run: tuple[str, str, dict[str, float]]) -> None:
    """Both stabilizer lowerings reproduce the simulator's exact distribution to 1e-9."""
    text, tokens, values = run
    model = hrnnc.parse(text)
    want = _reference(model, tokens, values)
    for measure in ("inplace", "ancilla"):
        qc = hrnnc.compile(model, target="qiskit", inputs=tokens, measure=measure)
        assert_same_distribution(_distribution(qc, values), want)


@PROPERTY
@given(runs(measurements=False))
def test_random_unitaries_match_simulator(run: tuple[str, str, dict[str, float]]) -> None:
    """Measurement-free runs: the circuit is H^n then the simulator's diagonal, up to global phase."""
    text, tokens, values = run
    model = hrnnc.parse(text)
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens)
    present = {p.name for p in qc.parameters}
    bound = QiskitTarget().bind_params(qc, values) if present else qc
    h = QuantumCircuit(model.size)
    h.h(range(model.size))
    expected = np.diag(ref.phase_diagonal(model, tokens, values)) @ Operator(h).data
    assert Operator(bound).equiv(Operator(expected))


@PROPERTY
@given(runs())
def test_random_models_qasm_round_trip(run: tuple[str, str, dict[str, float]]) -> None:
    """The OpenQASM 3 text loads back (``qiskit.qasm3.loads``) with the same distribution."""
    pytest.importorskip("qiskit_qasm3_import")
    text, tokens, values = run
    model = hrnnc.parse(text)
    target = QiskitTarget(measure="ancilla")
    dumped = target.dump(hrnnc.compile(model, target=target, inputs=tokens))
    loaded = qasm3.loads(dumped)  # functions of params are derived inputs (issue 16 item 14)
    assert_same_distribution(_distribution(loaded, input_values(dumped, values)),
                             _reference(model, tokens, values or None))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs())
def test_random_transpiled_unit_cells_assemble_correctly(run: tuple[str, str, dict[str, float]]) -> None:
    """Unit cells transpiled to cx,rz,sx,x at level 3 with a spare qubit, then assembled, keep the distribution.

    Each cell must stay correct on any input state, however it ends (final diagonal gates,
    measurements), because later cells continue from it. The whole sequence, transpiled the
    same way, keeps it too.
    """
    text, tokens, _ = run
    model = hrnnc.parse(text)
    spec = "basis=cx,rz,sx,x;ancillas=1;seed=5"
    want = _reference(model, tokens)
    qc = assemble(unit_cells(model, transpile=spec, opt=3, bind=True), tokens)
    assert_same_distribution(_distribution(qc, {}), want)
    qc = hrnnc.compile(model, target="qiskit", inputs=tokens, transpile=spec, opt=3, bind=True)
    assert_same_distribution(_distribution(qc, {}), want)
