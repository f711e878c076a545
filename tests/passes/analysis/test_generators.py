"""Generator extraction (docs/semantics.md §4): which directions each statement contributes, and from where."""

from __future__ import annotations

import numpy as np

import hrnnc
from hrnnc.algebra import PauliSum, const, p, pauli, q, q_monomial
from hrnnc.passes.analysis.generators import extract_generators, qubit_edge_element

CV = """hrnn cv {
  qumodes 3;
  degree 3;
  param t = 0.5;
  on a { phase(t) 0 1 2; phase(t) 0 0 1; shift(1) 2; }
  on b { measure stab(0; t: 0 1 2, t: 0 0 1) -> y; phase(1) 1 2; phase(2) 1 2; }
  on c { measure q 1 -> z; reset 1; }
}
"""


def test_qumode_generators_follow_design() -> None:
    """phase → ∏q; shift → p_v; stab(v) → p_v and each edge's monomial with one q_v removed."""
    gens = extract_generators(hrnnc.parse(CV))
    elements = [g.element for g in gens]
    assert elements == [q(0) * q(1) * q(2), q(0) ** 2 * q(1), p(2), p(0), q(1) * q(2), q(0) * q(1)]
    labels = [g.label for g in gens]
    assert labels == ["q0*q1*q2", "q0^2*q1", "p2", "p0", "q1*q2", "q0*q1"]


def test_equal_generators_merge_their_origins() -> None:
    """q1 q2 comes from the stabilizer edge (0 1 2 minus 0) and from two phase statements."""
    gens = {g.label: g for g in extract_generators(hrnnc.parse(CV))}
    origins = gens["q1*q2"].origins
    assert [o.what for o in origins] == ["edge of the stabilizer measurement of 0 (with q0 removed)",
                                         "phase edge", "phase edge"]
    assert [o.span.start_line_col[0] for o in origins] == [6, 6, 6]  # type: ignore[union-attr]


def test_single_vertex_edge_gives_the_constant() -> None:
    gens = extract_generators(hrnnc.parse("hrnn c { qumodes 1; degree 1; on a { measure stab(0; 1: 0) -> y; } }"))
    assert [g.element for g in gens] == [p(0), const(1)]


def _matrix(s: PauliSum, n: int) -> np.ndarray:
    z = np.diag([1.0, -1.0])
    out = np.zeros((2 ** n, 2 ** n))
    for (x, zmask), c in s:
        assert x == 0
        term = np.array([[1.0]])
        for j in range(n):
            term = np.kron(term, z if zmask >> j & 1 else np.eye(2))
        out += float(c.real) * term
    return out


def test_qubit_edge_is_projector_product_without_identity() -> None:
    """2^{|e|} ∏ n̂_j − I, with n̂ = |1⟩⟨1|, built here from explicit matrices."""
    ket1 = np.diag([0.0, 1.0])
    for edge, n in [((0, 1), 2), ((0, 2), 3), ((0, 1, 2), 3)]:
        proj = np.array([[1.0]])
        for j in range(n):
            proj = np.kron(proj, ket1 if j in edge else np.eye(2))
        assert np.allclose(_matrix(qubit_edge_element(edge), n), 2 ** len(edge) * proj - np.eye(2 ** n))


def test_qubit_generators_follow_design() -> None:
    text = """hrnn qb { qubits 3; degree 2;
      on a { phase(pi) 0 1; measure stab(1; pi: 0 1, 0.5: 1 2) -> y; measure x 2 -> z; reset 0; } }"""
    gens = extract_generators(hrnnc.parse(text))
    assert [g.label for g in gens] == ["n0*n1", "X1", "n1*n2"]
    assert gens[1].element == pauli({1: "X"})
    assert gens[0].element == pauli("ZZI") - pauli("ZII") - pauli("IZI")
    assert len(gens[0].origins) == 2


def test_repeated_cv_sites_raise_the_power() -> None:
    assert q_monomial([0, 0, 1]) == q(0) ** 2 * q(1)
