"""The sf target's SDK side: programs, Blackbird round trip, CLI, import isolation, missing SF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hrnnc
from hrnnc.diagnostics import Code, TargetError, TargetUnavailableError
from hrnnc.ir import MeasureStab, Phase, RegisterKind

sf = pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()

from hrnnc.targets.sf_target import SFTarget  # noqa: E402
from hrnnc.targets.sf_target.target import load_cells  # noqa: E402

EXAMPLES = [p for p in sorted(Path("examples").glob("*.hrnn")) if hrnnc.parse(p).kind is RegisterKind.QUMODES]

INLINE = {
    "one_mode": "hrnn one { qumodes 1; degree 3; on a { phase(0.2) 0 0 0; phase(0.3) 0 0; shift(0.4) 0; "
                "phase(-0.1) 0; measure p 0 -> y; } on b { measure stab(0; 0.5: 0 0) -> z; reset 0; } }",
    "two_modes": "hrnn two { qumodes 2; degree 3; param g = 0.3; on a { phase(g) 0 0 1; phase(g) 0 1; "
                 "measure stab(1; g: 0 1) -> y; } on b { measure q 0 -> x; } }",
}


def sf_degree(model: hrnnc.Model) -> int:
    edges = [s.sites for s in model.statements() if isinstance(s, Phase)]
    edges += [e.sites for s in model.statements() if isinstance(s, MeasureStab) for e in s.edges]
    return max((len(e) for e in edges), default=0)


def models() -> list[tuple[str, hrnnc.Model]]:
    out = [(p.stem, hrnnc.parse(p)) for p in EXAMPLES]
    out = [(name, m) for name, m in out if sf_degree(m) <= 3]
    out += [(name, hrnnc.parse(text)) for name, text in INLINE.items()]
    return out


CUBIC_MODES = """hrnn cubic_modes { qumodes 3; degree 3; param t = 0.2; param s = 0.5;
  on a { phase(t) 0 1 2; phase(t / 2) 0 0 1; phase(s) 1 2; }
  on b { shift(0.3) 2; measure stab(0; t: 0 1 2, t / 2: 0 0 1) -> n0; }
  on read { measure p 1 -> y1; measure q 2 -> y2; }
  on r { reset 1; } }
"""
"""examples/cubic_modes.hrnn as of issue 7 (inlined: the counts below are pinned to it)."""


def arg_text(a: object) -> str:
    return str(a) if not isinstance(a, (int, float, np.floating)) else repr(round(float(a), 12))


def signature(prog) -> list[tuple[str, tuple[int, ...], tuple[str, ...]]]:
    """Operation class, modes and (rounded / printed) arguments, in program order."""
    out = []
    for cmd in prog.circuit:
        name = cmd.op.__class__.__name__
        out.append((name, tuple(r.ind for r in cmd.reg), tuple(arg_text(a) for a in cmd.op.p)))
    return out


def test_qumode_examples_exist() -> None:
    assert any(m.size >= 3 and m.k == 3 for _, m in models())


def test_examples_beyond_cubic_are_clean_errors() -> None:
    """Qumode examples with edges of degree 4+ (if any) fail with E0502 only."""
    for path in EXAMPLES:
        if sf_degree(hrnnc.parse(path)) > 3:
            with pytest.raises(TargetError) as info:
                hrnnc.compile(path, target="sf")
            assert {d.code for d in info.value.diagnostics} == {Code.E0502}


@pytest.mark.parametrize("name, model", models(), ids=[n for n, _ in models()])
def test_blackbird_round_trip(name: str, model: hrnnc.Model) -> None:
    """Blackbird of a whole input sequence loads back (sf.io.loads) into the same operation list."""
    target = SFTarget(squeezing=0.4)
    tokens = list(model.alphabet) * 2
    prog = hrnnc.compile(model, target=target, inputs=tokens)
    text = target.dump(prog)
    back = sf.io.loads(text)
    assert back.num_subsystems == model.size
    assert signature(back) == signature(prog)
    assert sf.program_utils.program_equivalence(prog, back, compare_params=False)


@pytest.mark.parametrize("name, model", models(), ids=[n for n, _ in models()])
def test_unit_cells_dump_and_load(name: str, model: hrnnc.Model) -> None:
    """inputs=None gives one program per token; the dump has a '# token:' header before each."""
    target = SFTarget()
    cells = hrnnc.compile(model, target=target)
    assert list(cells) == list(model.alphabet)
    text = target.dump(cells)
    assert text.count("# token: ") == len(cells)
    back = load_cells(text)
    assert list(back) == list(cells)
    for token, prog in cells.items():
        assert signature(back[token]) == signature(prog)
    report = target.report(cells)
    assert set(report["cells"]) == set(cells)


def test_report_counts_match_program() -> None:
    target = SFTarget(optimize=False)  # per-cell counts exist for the cell-by-cell lowering
    prog = hrnnc.compile(CUBIC_MODES, target=target, inputs="a b read r a")
    report = target.report(prog)
    counted: dict[str, int] = {}
    for cmd in prog.circuit:
        counted[cmd.op.__class__.__name__] = counted.get(cmd.op.__class__.__name__, 0) + 1
    assert report["gates"] == dict(sorted(counted.items()))
    assert report["cubic_phase_gates"] == counted["Vgate"] == 4 + 8 + 4
    assert report["cubic_phase_gates_naive"] == 7 + 14 + 7
    assert report["cubic_phase_gates_per_cell"] == {"a": 4, "b": 8, "read": 0, "r": 0}


def test_cli_writes_blackbird_and_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hrnnc.cli import main

    out = tmp_path / "out.xbb"
    source = tmp_path / "cubic_modes.hrnn"
    source.write_text(CUBIC_MODES, encoding="utf-8")
    code = main(["compile", str(source), "--target", "sf", "--input", "a b read",
                 "--squeezing", "0.5", "--hbar", "1", "-o", str(out), "--report"])
    assert code == 0
    text = out.read_text(encoding="utf-8")
    prog = sf.io.loads(text)
    assert prog.num_subsystems == 3
    assert text.startswith("# hrnnc sf target: hbar = 1 (run with sf.hbar = 1), squeezing r = 0.5")
    assert text.splitlines()[4].startswith("Sgate(-0.5")
    printed = capsys.readouterr().out
    assert "cubic_phase_gates: 12" in printed


def test_feed_forward_parameters_are_not_shared_between_programs() -> None:
    """SymPy caches SF's q[0].par by name; ours are unique, so each program reads its own result."""
    text = "hrnn ff { qumodes 2; degree 1; on a { measure p 0 -> y; } }"
    target = SFTarget(squeezing=0.0)
    first = hrnnc.compile(text, target=target, inputs="a")
    second = hrnnc.compile(text, target=target, inputs="a")
    for prog in (first, second):
        prog.circuit[0].op.select = None
    first.circuit[0].op.select = 1.0
    second.circuit[0].op.select = -3.0
    for prog, value in ((first, 1.0), (second, -3.0), (first, 1.0)):
        state = sf.Engine("gaussian").run(prog).state
        assert state.quad_expectation(0, np.pi / 2)[0] == pytest.approx(value, abs=1e-6)


def test_importing_hrnnc_never_imports_sf() -> None:
    code = ("import sys, hrnnc; from hrnnc.targets import target_class; cls = target_class('sf'); "
            f"m = hrnnc.parse({CUBIC_MODES!r}); cls().lower(m); "
            "from hrnnc.cli import build_parser; build_parser(); "
            "assert not any(k.startswith('strawberryfields') for k in sys.modules), 'SF imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path.cwd())


def test_missing_sf_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from hrnnc.targets.sf_target import sdk

    monkeypatch.setitem(sys.modules, "strawberryfields", None)
    sdk.load_sf.cache_clear()
    try:
        with pytest.raises(TargetUnavailableError) as info:
            hrnnc.compile(CUBIC_MODES, target="sf", inputs="a")
    finally:
        sdk.load_sf.cache_clear()
    assert info.value.diagnostics[0].code is Code.E0503
    assert "pip install 'hrnnc[sf]'" in str(info.value)
