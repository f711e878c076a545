"""Conventions shared by the simulators and every emitter (no numerics, no SDK imports).

Qubits:
    Site ``j`` is bit ``j`` of a basis-state index (little-endian), as in Qiskit:
    index ``sum_j x_j 2**j``. pytket orders the other way; its emitter must convert.
    Output bit strings list measured values in time order, first measurement first
    (the leftmost character), which is *not* Qiskit's classical-register string order.

Qumodes:
    hbar = 1 in the language ([q, p] = i). Strawberry Fields' default is hbar = 2, so
    x_SF = sqrt(2) q and p_SF = sqrt(2) p when SF's hbar is 2.
    The physical initial state of each mode is the momentum-squeezed vacuum
    ``psi(q) = (pi s**2)**(-1/4) exp(-q**2 / (2 s**2))`` with ``s = exp(r)``, so that
    Var(q) = e^{2r}/2 and Var(p) = e^{-2r}/2; r → ∞ is the ideal zero-momentum state.
    In SF this is ``Sgate(-r)`` on the vacuum.
"""

from __future__ import annotations

DEFAULT_SQUEEZING = 1.0
"""Momentum squeezing r of initial and re-prepared qumodes unless an option overrides it."""

SF_DEFAULT_HBAR = 2.0
"""Strawberry Fields' default hbar."""
