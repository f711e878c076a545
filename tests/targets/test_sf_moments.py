"""Exact qumode moments against Strawberry Fields' Fock backend (an independent simulator).

The model's unit cell is compiled by the sf target and run on the Fock backend; quadrature
moments of the final state are computed from its ket with ħ = 1 ladder matrices
(``q = (a + a†)/√2``, ``p = (a − a†)/(i√2)``; SF's Fock basis does not depend on its hbar),
in a space padded beyond the cutoff so that powers of ``q`` and ``p`` act exactly on the
truncated ket. They must equal :func:`hrnnc.sim.moments.observable_value` of the same
polynomial, including orderings where a mode's ``p`` carries ``q²`` of the same mode (the
``[q, p] = i`` correction). The Fock values converge to the exact ones as the cutoff grows
(two modes, r = 0.3, small cubic weights: third moments are off by 2e-2 at cutoff 16, 4e-3 at 24,
1.4e-3 at 30); the test asserts that convergence and agreement within 2e-3 at cutoff 32.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import hrnnc
from hrnnc.sim.moments import observable_value

sf = pytest.importorskip("hrnnc.targets.sf_target.sdk").load_sf()

from hrnnc.targets.sf_target import SFTarget  # noqa: E402

R = 0.3
MODEL = ("hrnn two { qumodes 2; degree 3; on a { phase(0.12) 0 0 1; phase(0.3) 0 1; shift(0.2) 0; "
         "phase(-0.1) 1 1 1; phase(0.08) 0 0 0; } }")
OBSERVABLES = ["p0", "q0", "p1", "p0^2", "p1^2", "q1*p0", "p0*q0", "p0^3", "p1^3", "p0*p1", "p0^2*p1"]


def ladder(dim: int) -> np.ndarray:
    return np.diag(np.sqrt(np.arange(1, dim)), 1)


def fock_moments(cutoff: int) -> dict[str, complex]:
    prog = hrnnc.compile(hrnnc.parse(MODEL), target=SFTarget(squeezing=R), inputs="a")
    ket = sf.Engine("fock", backend_options={"cutoff_dim": cutoff}).run(prog).state.ket()
    dim = cutoff + 8
    padded = np.zeros((dim, dim), dtype=complex)
    padded[:cutoff, :cutoff] = ket
    a = ladder(dim)
    q = (a + a.T) / math.sqrt(2)
    p = (a - a.T) / (1j * math.sqrt(2))
    eye = np.eye(dim)
    ops = {"q0": np.kron(q, eye), "p0": np.kron(p, eye), "q1": np.kron(eye, q), "p1": np.kron(eye, p)}
    vec = padded.reshape(-1)
    out = {}
    for text in OBSERVABLES:
        result = vec.copy()
        for factor in reversed(_factors(text)):
            result = ops[factor] @ result
        out[text] = complex(np.vdot(vec, result))
    return out


def _factors(text: str) -> list[str]:
    factors = []
    for part in text.split("*"):
        name, _, power = part.partition("^")
        factors.extend([name] * int(power or 1))
    return factors


def test_moments_match_fock_backend() -> None:
    model = hrnnc.parse(MODEL)
    coarse, fine = fock_moments(24), fock_moments(32)
    for text in OBSERVABLES:
        exact, _ = observable_value(model, "a", text, squeezing=R)
        assert exact == pytest.approx(fine[text], abs=2e-3), text
        assert abs(exact - fine[text]) <= abs(exact - coarse[text]) + 1e-9, f"{text}: no convergence to the exact value"
    assert abs(observable_value(model, "a", "p0^3", squeezing=R)[0]) > 0.01  # not trivially zero
