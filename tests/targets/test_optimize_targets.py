"""Issue #15: every optimised circuit equals the cell-by-cell one, on every target.

Qubits: exact output distributions (to 1e-9) of the optimised and the unoptimised circuit,
each from an evaluator independent of hrnnc (Qiskit: the Operator-based branch walker of
``test_qiskit_evaluator``; tket: :mod:`hrnnc.targets.tket_target.evaluate`, pinned to pytket's
own unitaries in ``test_tket_verify``), and both against the reference simulator; measurement-free
runs also as ``qiskit.quantum_info.Operator``\\ s. Qumodes: SF Fock-backend states of both
programs against the grid simulator.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from hypothesis import given

pytest.importorskip("qiskit")
from qiskit.quantum_info import Operator  # noqa: E402
from test_qiskit_evaluator import assert_same_distribution, exact_distribution, time_order  # noqa: E402
from test_qiskit_properties import PROPERTY, runs  # noqa: E402

import hrnnc  # noqa: E402
from hrnnc.sim import qubit as ref  # noqa: E402
from hrnnc.targets.qiskit_target import QiskitTarget  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
QUBIT_EXAMPLES = [p for p in sorted((ROOT / "examples").glob("*.hrnn")) if hrnnc.parse(p).kind.value == "qubits"]
MAX_SPLITS = 12


def distribution(qc, values: dict[str, float]) -> dict[str, float]:
    present = {p.name for p in qc.parameters}
    return exact_distribution(qc, {k: v for k, v in values.items() if k in present}, time_order(qc))


def example_runs(model: hrnnc.Model) -> list[list[str]]:
    """The alphabet twice (forwards, then backwards) and each token repeated: frames meet phases."""
    tokens = list(model.alphabet)
    return [tokens + tokens[::-1], [t for t in tokens for _ in range(2)]]


def splits(model: hrnnc.Model, seq: list[str]) -> int:
    table = {t.name: c for c in model.cells for t in c.tokens}
    return sum(1 for t in seq for s in table[t].body if type(s).__name__ in ("Measure", "MeasureStab", "Reset"))


@pytest.mark.parametrize("path", QUBIT_EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("measure", ["inplace", "ancilla"])
def test_qiskit_examples_optimised_equal_unoptimised(path: Path, measure: str) -> None:
    model = hrnnc.parse(path)
    values = {p.name: 0.37 + 0.11 * i for i, p in enumerate(model.params)}
    for seq in example_runs(model):
        if splits(model, seq) > MAX_SPLITS:
            seq = seq[: len(seq) // 2]
        plain = hrnnc.compile(model, "qiskit", inputs=seq, measure=measure, optimize=False)
        optimised = hrnnc.compile(model, "qiskit", inputs=seq, measure=measure)
        want = ref.exact_distribution(model, seq, values)
        assert_same_distribution(distribution(optimised, values), distribution(plain, values))
        assert_same_distribution(distribution(optimised, values), want)
        assert optimised.metadata["hrnnc_outputs"] == plain.metadata["hrnnc_outputs"]
        assert [c.name for c in optimised.cregs] == [c.name for c in plain.cregs]


@PROPERTY
@given(runs())
def test_qiskit_random_models_optimised_equal_unoptimised(run: tuple[str, str, dict[str, float]]) -> None:
    """Random models (phases, stabilizers, X/Z measurements, resets; symbolic params) at random values."""
    text, tokens, values = run
    model = hrnnc.parse(text)
    for measure in ("inplace", "ancilla"):
        plain = hrnnc.compile(model, "qiskit", inputs=tokens, measure=measure, optimize=False)
        optimised = hrnnc.compile(model, "qiskit", inputs=tokens, measure=measure)
        got = distribution(optimised, values)
        assert_same_distribution(got, distribution(plain, values))
        assert_same_distribution(got, ref.exact_distribution(model, tokens, values))
        assert [c.name for c in optimised.cregs] == [c.name for c in plain.cregs]


@PROPERTY
@given(runs(measurements=False))
def test_qiskit_unitary_runs_have_equal_operators(run: tuple[str, str, dict[str, float]]) -> None:
    """Measurement-free runs: the optimised circuit is the same operator (global phase included)."""
    text, tokens, values = run
    model = hrnnc.parse(text)
    plain = hrnnc.compile(model, "qiskit", inputs=tokens, optimize=False)
    optimised = hrnnc.compile(model, "qiskit", inputs=tokens)

    def bound(qc):
        return QiskitTarget().bind_params(qc, values)

    assert Operator(bound(optimised)).equiv(Operator(bound(plain)), atol=1e-9)
    assert len(optimised.data) <= len(plain.data)


def test_mermin_peres_frame_cancels_the_preparation() -> None:
    """The issue's case: ``prep s0 x0 z1`` emits ``cp(g); cp(-g)`` back to back unoptimised; they vanish."""
    model = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    target = QiskitTarget()
    plain = target.dump(hrnnc.compile(model, "qiskit", inputs="prep s0 x0 z1", optimize=False))
    assert "cp(g) q[0], q[1];\ncp(-g) q[0], q[1];" in plain
    optimised = hrnnc.compile(model, "qiskit", inputs="prep s0 x0 z1")
    text = target.dump(optimised)
    assert "cp(-g)" not in text and text.count("cp(g)") == 1
    report = target.report(optimised)["optimizer"]
    assert (report["before"]["multi_site_gates"], report["after"]["multi_site_gates"]) == (3, 1)
    values = {"g": 1.1}
    assert_same_distribution(distribution(optimised, values), ref.exact_distribution(model, "prep s0 x0 z1", values))


def test_symbolic_angles_that_only_agree_numerically_are_kept() -> None:
    """a = b = 0.5 initially, but phase(a) and phase(−b) on one edge do not cancel symbolically."""
    text = "hrnn s { qubits 2; degree 2; param a = 0.5; param b = 0.5; on t { phase(a) 0 1; phase(-b) 0 1; } }"
    symbolic = hrnnc.compile(text, "qiskit", inputs="t")
    (gate,) = [i.operation for i in symbolic.data if i.operation.name == "cp"]
    assert {p.name for p in gate.params[0].parameters} == {"a", "b"}
    bound = hrnnc.compile(text, "qiskit", inputs="t", bind=True)
    assert [i.operation.name for i in bound.data] == ["h", "h"]


def test_token_arguments_merge_per_step() -> None:
    """w(0.3) then w(−0.3): the symbolic angles 0.3·a and −0.3·a cancel; w(0.3) w(0.3) merge into 0.6·a."""
    text = "hrnn w { qubits 2; degree 2; param a = 1.2; on w(x) { phase(a * x) 0 1; } on m { measure x 0 -> y; } }"
    cancelled = hrnnc.compile(text, "qiskit", inputs="w(0.3) w(-0.3) m")
    assert [i.operation.name for i in cancelled.data if len(i.qubits) == 2] == []
    doubled = hrnnc.compile(text, "qiskit", inputs="w(0.3) w(0.3) m")
    (gate,) = [i.operation for i in doubled.data if i.operation.name == "cp"]
    assert float(gate.params[0].bind({next(iter(gate.params[0].parameters)): 1.2})) == pytest.approx(0.72)
    model = hrnnc.parse(text)
    for seq in ("w(0.3) w(-0.3) m", "w(0.3) w(0.3) m"):
        assert_same_distribution(distribution(hrnnc.compile(model, "qiskit", inputs=seq), {"a": 1.2}),
                                 ref.exact_distribution(model, seq, {"a": 1.2}))


def test_block_over_the_limit_is_noted_in_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    from hrnnc.passes.transform import merge_phases

    monkeypatch.setattr(merge_phases, "MAX_BLOCK_TERMS", 2)
    model = hrnnc.parse(ROOT / "examples" / "mermin_peres.hrnn")
    qc = hrnnc.compile(model, "qiskit", inputs="prep prep prep s0")
    notes = QiskitTarget().report(qc)["optimizer"]["notes"]
    assert "max-block-terms=2" in notes["1"]
    assert_same_distribution(distribution(qc, {"g": 0.8}), ref.exact_distribution(model, "prep prep prep s0", {"g": 0.8}))


def test_cli_no_optimize_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hrnnc.cli import main

    path = str(ROOT / "examples" / "mermin_peres.hrnn")
    assert main(["compile", path, "-t", "qiskit", "-i", "prep s0 x0 z1", "--no-optimize"]) == 0
    assert "cp(-g)" in capsys.readouterr().out
    assert main(["compile", path, "-t", "qiskit", "-i", "prep s0 x0 z1", "--report", "json",
                 "-o", str(tmp_path / "o.qasm")]) == 0
    report = __import__("json").loads(capsys.readouterr().out)
    assert report["optimizer"]["before"]["diagonal_gates"] == 3 and report["optimizer"]["after"]["diagonal_gates"] == 1


# -- tket -------------------------------------------------------------------------------------


def test_tket_random_models_optimised_equal_unoptimised() -> None:
    pytest.importorskip("pytket")
    from test_tket_verify import random_model, tv

    from hrnnc.targets.tket_target.evaluate import circuit_distribution

    for seed in range(5):
        rng = random.Random(seed)
        k = rng.choice([2, 3])
        n = k + 1
        model = hrnnc.parse(random_model(2000 + seed, n, k, tokens=3, edges=3, stabs=True))
        seq = [f"t{rng.randrange(3)}" for _ in range(3)]
        want = ref.exact_distribution(model, seq)
        for measure in ("inplace", "ancilla"):
            plain = hrnnc.compile(model, "tket", inputs=seq, measure=measure, optimize=False, bind=True)
            optimised = hrnnc.compile(model, "tket", inputs=seq, measure=measure, bind=True)
            got = circuit_distribution(optimised)
            assert tv(got, circuit_distribution(plain)) < 1e-9
            assert tv(got, want) < 1e-9


def test_tket_schedules_native_layers() -> None:
    """Four unweighted edges of a 4-cycle in two cells: two native layers (a 4-cycle's chromatic index).

    Unscheduled, the synthesizer's sorted order (0-1, 0-3, 1-2, 2-3) needs three.
    """
    pytest.importorskip("pytket")
    from test_tket_verify import tv

    from hrnnc.targets.tket_target import TketTarget
    from hrnnc.targets.tket_target.evaluate import circuit_distribution

    text = """hrnn ring { qubits 4; degree 2;
      on a { phase(pi) 0 1; phase(pi) 1 2; }  on b { phase(pi) 2 3; phase(pi) 0 3; measure x 0 -> y; } }"""
    model = hrnnc.parse(text)
    target, plain_target = TketTarget(), TketTarget(optimize=False)
    optimised = hrnnc.compile(model, target, inputs="a b")
    plain = hrnnc.compile(model, plain_target, inputs="a b")
    report = target.report(optimised)
    assert report["native_layers"] == 2 and plain_target.report(plain)["multi_qubit_depth"] == 3
    assert report["native_cnz"] == plain_target.report(plain)["native_cnz"] == 4
    assert tv(circuit_distribution(optimised), circuit_distribution(plain)) < 1e-9


# -- sf ---------------------------------------------------------------------------------------


def test_sf_merges_cubic_forms_across_cells() -> None:
    """``a a`` of a cubic cell: one decomposition of the doubled form (half the cubic phases), same state."""
    sdk = pytest.importorskip("hrnnc.targets.sf_target.sdk")
    sf = sdk.load_sf()
    import numpy as np
    from test_sf_fock import R, fidelity, fock_to_grid, simulate

    from hrnnc.targets.sf_target import SFTarget

    model = hrnnc.parse("hrnn three { qumodes 3; degree 3; param t = 0.1; param s = 0.25; on a { phase(t) 0 1 2; "
                        "phase(t / 2) 0 0 1; phase(s) 1 2; } }")
    states, cubic = {}, {}
    for optimize in (True, False):
        target = SFTarget(squeezing=R, optimize=optimize)
        prog = hrnnc.compile(model, target, inputs="a a")
        cubic[optimize] = target.report(prog)["cubic_phase_gates"]
        states[optimize] = sf.Engine("fock", backend_options={"cutoff_dim": 12}).run(
            prog, args={"t": 0.1, "s": 0.25}).state
    assert cubic[True] * 2 == cubic[False]
    q, psi = simulate(model, ["a", "a"])
    for state in states.values():
        assert fidelity(psi, fock_to_grid(state.ket(), q)) >= 0.99
    assert fidelity(fock_to_grid(states[True].ket(), q), fock_to_grid(states[False].ket(), q)) >= 0.995
    assert np.isfinite(cubic[True])


def test_sf_stabilizer_frame_meets_the_next_cells_phases() -> None:
    """phase(g) 0 1; stab(1; g: 0 1) post-selected at y; then the cell again: same state both ways."""
    sdk = pytest.importorskip("hrnnc.targets.sf_target.sdk")
    sf = sdk.load_sf()
    from test_sf_fock import R, fidelity, fock_to_grid, simulate

    from hrnnc.targets.sf_target import SFTarget

    g, y, hbar = 0.3, 0.4, 2.0
    model = hrnnc.parse(f"hrnn m {{ qumodes 2; degree 3; on a {{ phase(0.1) 0 0 1; phase({g}) 0 1; }} "
                        f"on s {{ measure stab(1; {g}: 0 1) -> y; }} }}")
    seq = ["a", "s", "a"]
    kets = {}
    for optimize in (True, False):
        target = SFTarget(squeezing=R, optimize=optimize)
        prog = hrnnc.compile(model, target, inputs=seq)
        (measure,) = [c for c in prog.circuit if c.op.__class__.__name__ == "MeasureHomodyne"]
        measure.op.select = y * math.sqrt(hbar)
        kets[optimize] = sf.Engine("fock", backend_options={"cutoff_dim": 16}).run(prog).state.ket()
        if optimize:
            assert target.report(prog)["optimizer"]["after"]["diagonal_gates"] < \
                target.report(prog)["optimizer"]["before"]["diagonal_gates"]
    q, psi = simulate(model, seq, outcomes=[y])
    for ket in kets.values():
        assert fidelity(psi, fock_to_grid(ket, q)) >= 0.99
