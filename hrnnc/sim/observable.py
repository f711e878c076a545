"""User observables: ordered polynomials in the final mode quadratures, and their exact expectation.

Syntax (``Observable.parse``): numbers, ``q0 … q{n−1}``, ``p0 … p{n−1}``, ``+ - *``, unary
minus, parentheses and ``^`` with a non-negative integer exponent. Products keep their order
(``q0*p0`` is not ``p0*q0``; their difference is ``i``). Anything else (other names, ``/``,
functions, fractional powers) is E0613 with a caret. The Python form is
``Observable(((coefficient, ((“q”|“p”, mode), …)), …))``.

The expectation is taken in the Heisenberg picture at the end of the run (the operators of
:attr:`HeisenbergRun.modes`), i.e. averaged over all measurement outcomes. It is exact: the
sources' position wavefunction is a product of real Gaussians ``g_j``, a ket ``P(u)·g(u)`` is
kept as a polynomial ``P``, ``q_j`` multiplies by ``u_j`` and ``p_j`` maps ``P`` to
``−i(∂_j P − u_j P / (2 Var q_j))``; finally ``⟨g|P g⟩`` is a Gaussian moment of ``P``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from hrnnc.diagnostics import Code, SimulationError, Source, Span, error
from hrnnc.sim import dual
from hrnnc.sim.heisenberg import HeisenbergRun, QPoly
from hrnnc.sim.wick import expectation, product, source_variances

Word = tuple[tuple[str, int], ...]
"""An ordered product of quadratures, leftmost first: ``(("q", 0), ("p", 1))`` is ``q0 p1``."""

_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<var>[qp]\d+)|(?P<op>[-+*^()])"
                    r"|(?P<bad>[A-Za-z_][A-Za-z_0-9]*|\S))")


@dataclass(frozen=True)
class Observable:
    """A polynomial in ``q_v``, ``p_v`` with complex coefficients and ordered products."""

    terms: tuple[tuple[complex, Word], ...]
    """``(coefficient, word)`` pairs; the observable is their sum."""

    @staticmethod
    def parse(text: str, modes: int | None = None) -> Observable:
        """Parse the observable syntax (module docstring).

        Raises:
            SimulationError: E0613 with a caret at the offending character.
        """
        return _Parser(text, modes).parse()

    @property
    def modes(self) -> set[int]:
        return {mode for _, word in self.terms for _, mode in word}


class _Parser:
    def __init__(self, text: str, modes: int | None):
        self.source = Source("<observable>", text)
        self.modes = modes
        self.tokens: list[tuple[str, str, int, int]] = []
        pos = 0
        while pos < len(text) and text[pos:].strip():
            m = _TOKEN.match(text, pos)
            assert m is not None  # the last alternative matches any non-space character
            kind = m.lastgroup or "bad"
            self.tokens.append((kind, m.group(kind), m.start(kind), m.end(kind)))
            pos = m.end()
        self.i = 0

    def fail(self, start: int, end: int, message: str) -> SimulationError:
        end = max(end, start + 1)
        return SimulationError([error(Code.E0613, message, Span(self.source, start, end))])

    def peek(self) -> tuple[str, str, int, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def parse(self) -> Observable:
        if not self.tokens:
            raise self.fail(0, 0, "the observable is empty")
        poly = self.sum()
        tok = self.peek()
        if tok is not None:
            raise self.fail(tok[2], tok[3], f"unexpected {tok[1]!r}")
        return Observable(tuple((c, w) for w, c in poly.items() if c != 0))

    def sum(self) -> dict[Word, complex]:
        poly = self.product()
        while (tok := self.peek()) is not None and tok[1] in "+-" and tok[0] == "op":
            self.i += 1
            other = self.product()
            sign = 1 if tok[1] == "+" else -1
            for w, c in other.items():
                poly[w] = poly.get(w, 0) + sign * c
        return poly

    def product(self) -> dict[Word, complex]:
        poly = self.power()
        while (tok := self.peek()) is not None and tok[1] == "*":
            self.i += 1
            poly = _multiply(poly, self.power())
        return poly

    def power(self) -> dict[Word, complex]:
        tok = self.peek()
        if tok is not None and tok[1] == "-" and tok[0] == "op":
            self.i += 1
            return {w: -c for w, c in self.power().items()}
        base = self.atom()
        tok = self.peek()
        if tok is None or tok[1] != "^":
            return base
        self.i += 1
        exp = self.peek()
        if exp is None or exp[0] != "num" or not exp[1].isdigit():
            where = exp if exp is not None else ("", "", len(self.source.text), len(self.source.text))
            raise self.fail(where[2], where[3], "an exponent must be a non-negative integer")
        self.i += 1
        out: dict[Word, complex] = {(): 1}
        for _ in range(int(exp[1])):
            out = _multiply(out, base)
        return out

    def atom(self) -> dict[Word, complex]:
        tok = self.peek()
        end = len(self.source.text)
        if tok is None:
            raise self.fail(end, end, "the observable ends where a term should follow")
        kind, text, start, stop = tok
        self.i += 1
        if kind == "num":
            return {(): float(text)}
        if kind == "var":
            mode = int(text[1:])
            if self.modes is not None and mode >= self.modes:
                raise self.fail(start, stop, f"mode {mode} is outside the register (modes 0…{self.modes - 1})")
            return {((text[0], mode),): 1}
        if text == "(":
            inner = self.sum()
            close = self.peek()
            if close is None or close[1] != ")":
                raise self.fail(start, stop, "'(' is never closed")
            self.i += 1
            return inner
        if kind == "bad":
            raise self.fail(start, stop, f"{text!r} is not in the polynomial algebra of q0…, p0… "
                            "(allowed: numbers, qN, pN, + - * ^ and parentheses)")
        raise self.fail(start, stop, f"unexpected {text!r}")


def _multiply(a: dict[Word, complex], b: dict[Word, complex]) -> dict[Word, complex]:
    out: dict[Word, complex] = {}
    for wa, ca in a.items():
        for wb, cb in b.items():
            out[wa + wb] = out.get(wa + wb, 0) + ca * cb
    return out


def _momentum(ket: QPoly, src: int, var_q: float) -> QPoly:
    """``p_src`` on the ket ``P·g``: ``−i(∂P − u P/(2 Var q))``."""
    out: QPoly = {}
    for mono, c in ket.items():
        e = mono.count(src)
        if e:
            i = mono.index(src)
            key = mono[:i] + mono[i + 1:]
            out[key] = out.get(key, 0) + (-1j * e) * c
        key = tuple(sorted(mono + (src,)))
        out[key] = out.get(key, 0) + (1j / (2 * var_q)) * c
    return out


def observable_expectation(run: HeisenbergRun, observable: Observable, squeezing: float) -> np.ndarray:
    """``⟨O⟩`` after the run, as a complex dual (value and gradient)."""
    var_q, _ = source_variances(run.sources, squeezing)
    sigmas = np.sqrt(var_q)  # the ket's keys are source ids, not variable ids
    total = dual.seed(0.0, run.size).astype(complex)
    for coef, word in observable.terms:
        ket: QPoly = {(): dual.seed(1.0, run.size).astype(complex)}
        for kind, mode in reversed(word):
            ops = run.modes[mode]
            if kind == "q":
                ket = product(ket, ops.q)
                continue
            nxt = product(ket, ops.p_positions) if ops.p_positions else {}
            for src, b in ops.p_momenta.items():
                for key, c in _momentum(ket, src, float(var_q[src])).items():
                    term = dual.mul(c, b)
                    prev = nxt.get(key)
                    nxt[key] = term if prev is None else prev + term
            ket = nxt
        total = total + coef * expectation(ket, sigmas, run.size)
    return total


__all__ = ["Observable", "Word", "observable_expectation"]
