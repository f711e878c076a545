"""Lie closure: the model's dynamical Lie algebra, exactly, with a trainability verdict."""

from __future__ import annotations

import math
import re

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hrnnc.algebra import Closure, PauliSum, WeylPoly, format_chain, lie_closure, mono_in_hk
from hrnnc.diagnostics import Code, ConfigurationError, Diagnostic, Note, error, warning
from hrnnc.ir import RegisterKind
from hrnnc.passes.analysis.generators import Generator, extract_generators, qubit_sites
from hrnnc.passes.base import AnalysisPass, PropertyKey, PropertySet

if TYPE_CHECKING:
    from hrnnc.ir import Model

_MAX_SHOWN = 160
"""Longest element text quoted in a message before it is abbreviated."""


@dataclass(frozen=True)
class ClosureResult:
    """What the Lie-closure pass found (``props[CLOSURE]``)."""

    algebra: str
    """``"weyl"`` (qumodes) or ``"pauli"`` (qubits)."""
    dimension: int
    """Dimension reached; a lower bound when ``capped``."""
    bound: int
    """Qubits: ``n + Σ_{j≤k} C(n,j)``. Qumodes: ``dim h_k = n + C(n+k, k)``. Saturates at
    :data:`BOUND_LIMIT` (then it means "at least that"; see :func:`bound_text`)."""
    within_hk: bool | None
    """Qumodes: whether the algebra lies in ``h_k``; None for qubits."""
    capped: bool
    """A cap (dimension, time, degree) stopped the closure."""
    k: int = 0
    """The model's degree bound."""
    cap_reason: str | None = None
    """``"dimension"``, ``"time"`` or ``"degree"``."""
    generators: int = 0
    """Number of distinct generators."""
    basis: tuple[str, ...] | None = None
    """A basis (reduced row-echelon, one string per element), when requested."""
    elapsed: float = field(default=0.0, compare=False)
    """Seconds the closure took."""

    def to_json(self) -> dict[str, Any]:
        """The ``closure`` object of ``hrnnc check --format json``."""
        bound = ">= 2^256" if self.bound >= BOUND_LIMIT else json_count(self.bound)
        out: dict[str, Any] = {"algebra": self.algebra, "dimension": self.dimension, "bound": bound,
                               "within_hk": self.within_hk, "capped": self.capped}
        if self.basis is not None:
            out["basis"] = list(self.basis)
        return out

    @property
    def certified(self) -> bool:
        """Qumodes: inside ``h_k``. Qubits: finished, and no larger than the polynomial bound."""
        if self.algebra == "weyl":
            return bool(self.within_hk)
        return not self.capped and self.dimension <= self.bound

    def summary(self) -> str:
        """One line, e.g. ``closure: weyl algebra, dimension 10, within h_2``."""
        dim = f"≥ {self.dimension}" if self.capped else str(self.dimension)
        text = f"closure: {self.algebra} algebra, dimension {dim}"
        if self.algebra == "weyl":
            text += f", within h_{self.k}" if self.within_hk else f", leaves h_{self.k}"
        else:
            text += f" (bound {bound_text(self.bound)})"
        if self.capped:
            text += f", capped ({self.cap_reason})" if self.cap_reason else ", capped"
        return text


_EXACT_BITS = 200
"""Counts above 2^200 are shown as ``≈ 1.234e+4300`` (Python refuses int → str beyond 4300 digits)."""


def format_count(count: int) -> str:
    """An exact integer, or for a huge one its leading digits and power of ten."""
    bits = count.bit_length()
    if bits <= _EXACT_BITS:
        return str(count)
    log = math.log10(count >> (bits - 64)) + (bits - 64) * math.log10(2)
    power = math.floor(log)
    return f"≈ {10 ** (log - power):.3f}e+{power}"


def json_count(count: int) -> int | str:
    """A count for JSON: the integer, or :func:`format_count`'s text when it is too long to print."""
    return count if count.bit_length() <= _EXACT_BITS else format_count(count).removeprefix("≈ ")


CLOSURE: PropertyKey[ClosureResult] = PropertyKey("closure")
"""The :class:`ClosureResult` of the model."""


BOUND_LIMIT = 2**256
"""Dimension bounds saturate here. A closure never gets near it (it stops at ``max_dim``), so
the verdict is unchanged, and a bound for ``qubits 999999999; degree 999999999;`` costs a few
dozen big-integer steps instead of 10⁹ binomials of 10⁹ bits each (issue #16, item 8)."""


def _binomial_sum(n: int, k: int) -> int:
    """``min(Σ_{j=0}^{k} C(n, j), BOUND_LIMIT)``, term by term (``C(n, j+1) = C(n, j)(n−j)/(j+1)``)
    with an early stop: at most ``min(k, n)`` steps, and about 256/log2(n) once terms are large."""
    if k >= n:
        return 1 << n if n < 256 else BOUND_LIMIT  # Σ_j C(n, j) = 2^n
    total = term = 1
    for j in range(k):
        term = term * (n - j) // (j + 1)
        total += term
        if total >= BOUND_LIMIT:
            return BOUND_LIMIT
    return total


def qubit_bound(n: int, k: int) -> int:
    """``n + Σ_{j=0}^{k} C(n, j)``: the polynomial dimension bound of docs/semantics.md §4, saturated at
    :data:`BOUND_LIMIT`."""
    return min(n + _binomial_sum(n, k), BOUND_LIMIT)


def hk_dimension(n: int, k: int) -> int:
    """``dim h_k = n + C(n+k, k)``: ``n`` momenta plus every q-monomial of degree ≤ k, saturated at
    :data:`BOUND_LIMIT`."""
    small = min(n, k)
    term = 1
    for j in range(small):  # C(n+k, small), one exact step at a time
        term = term * (n + k - j) // (j + 1)
        if term >= BOUND_LIMIT:
            return BOUND_LIMIT
    return min(n + term, BOUND_LIMIT)


def bound_text(bound: int) -> str:
    """The bound as people read it: :func:`format_count`, or ``≥ 2^256`` once saturated."""
    return "≥ 2^256" if bound >= BOUND_LIMIT else format_count(bound)


@dataclass(frozen=True)
class LieClosure(AnalysisPass):
    """Computes the dynamical Lie algebra of the model's generators; writes CLOSURE.

    Reports E0401 when a qumode algebra leaves ``h_k`` (with a witness chain of commutators
    and the generators' source spans), and W0401 (E0402 under ``strict``) when a qubit
    algebra exceeds ``n + Σ_{j≤k} C(n,j)`` or a cap stopped the closure.
    """

    name = "lie-closure"

    strict: bool = False
    """Report "trainability not certified" as an error (E0402) instead of a warning (W0401)."""
    max_dim: int = 20000
    """Stop the closure at this dimension and report "≥ cap"."""
    time_budget: float = 10.0
    """Seconds the closure may take before it stops and reports "≥ dimension reached"."""
    basis: bool = False
    """Store a basis (as strings) in the result."""
    max_degree: int = 0
    """(Qumodes) drop commutators of higher total degree; 0 means ``2·max(k, generator degree)``."""
    extra: tuple[Generator, ...] = ()
    """Generators added to the model's own (API use: extensions, what-if checks, tests)."""

    def __post_init__(self) -> None:
        if not isinstance(self.max_dim, int) or self.max_dim < 1:
            raise ConfigurationError(f"max_dim must be a positive integer, not {self.max_dim!r}")
        if not self.time_budget > 0:
            raise ConfigurationError(f"time_budget must be positive, not {self.time_budget!r}")
        if self.max_degree < 0:
            raise ConfigurationError(f"max_degree must be non-negative, not {self.max_degree!r}")

    def run(self, model: Model, props: PropertySet) -> None:
        weyl = model.kind is RegisterKind.QUMODES
        sites = None if weyl or self.extra else qubit_sites(model)
        gens = extract_generators(model, None if sites is None else {s: i for i, s in enumerate(sites)})
        gens += tuple(self.extra)
        kind = WeylPoly if weyl else PauliSum
        if any(not isinstance(g.element, kind) for g in gens):
            raise ConfigurationError(f"extra generators must be {kind.__name__}s for a {model.kind.value} model")
        n, k = model.size, model.k
        max_degree = None
        if weyl:
            top = max((g.element.degree for g in gens if isinstance(g.element, WeylPoly)), default=0)
            max_degree = self.max_degree or 2 * max(k, top)
        closure = lie_closure([g.element for g in gens], max_dim=self.max_dim, max_degree=max_degree,
                              time_budget=self.time_budget, algebra="weyl" if weyl else "pauli")
        # h_k is a subalgebra, so the algebra lies in it iff every generator does; the scan of
        # the basis finds the first element outside even when a cap cut the closure short.
        outside = _first_outside(closure, k) if weyl else None
        stray = next((j for j, g in enumerate(gens) if isinstance(g.element, WeylPoly)
                      and not g.element.in_hk(k)), None) if weyl else None
        result = ClosureResult(
            algebra=closure.algebra, dimension=closure.dimension,
            bound=hk_dimension(n, k) if weyl else qubit_bound(n, k),
            within_hk=(outside is None and stray is None) if weyl else None, capped=closure.capped, k=k,
            cap_reason=closure.cap_reason, generators=len(gens),
            basis=tuple(_relabelled(str(b), sites) for b in closure.basis()) if self.basis else None,
            elapsed=closure.elapsed)
        props[CLOSURE] = result
        if weyl and outside is not None:
            props.report(_leaves_hk(model, closure, gens, outside))
        elif weyl and stray is not None:
            props.report(_stray_generator(model, closure, gens[stray]))
        elif not weyl and not result.certified:
            props.report(self._not_certified(model, result))

    def _not_certified(self, model: Model, result: ClosureResult) -> Diagnostic:
        n, k = model.size, model.k
        value = bound_text(result.bound)
        bound = f"the polynomial bound n + Σ_(j≤k) C(n,j) {value if value[0] in '≥≈' else '= ' + value} (n = {n}, k = {k})"
        if result.cap_reason == "time":
            why = (f"the Lie closure did not finish within its {self.time_budget:g} s budget; "
                   f"dimension ≥ {result.dimension}")
        elif result.cap_reason == "dimension":
            why = f"the dynamical Lie algebra has dimension ≥ {result.dimension} (the cap --max-dim)"
        else:
            why = f"the dynamical Lie algebra has dimension {result.dimension}"
        if result.capped and result.dimension <= result.bound:
            message = f"trainability not certified: {why}, so it cannot be compared with {bound}"
        else:
            message = f"trainability not certified: {why}, above {bound}"
        notes = [Note("the degree bound k is declared here", model.degree.span),
                 Note(f"{result.generators} generators: X_v from stabilizer measurements, Z-strings from edges")]
        make = error if self.strict else warning
        return make(Code.E0402 if self.strict else Code.W0401, message, model.register.span, notes)


_PAULI_FACTOR = re.compile(r"([XYZ])(\d+)")


def _relabelled(text: str, sites: tuple[int, ...] | None) -> str:
    """A Pauli sum's text with compact indices (see ``extract_generators``'s ``site_map``) put back."""
    if sites is None:
        return text
    return _PAULI_FACTOR.sub(lambda m: f"{m.group(1)}{sites[int(m.group(2))]}", text)


def _first_outside(closure: Closure, k: int) -> int | None:
    for i in range(closure.dimension):
        if not all(mono_in_hk(m, k) for m in closure.support(i)):
            return i
    return None


def _why_outside(element: WeylPoly, k: int) -> str:
    for mono in sorted(element.terms, key=lambda m: (-sum(a + b for _, a, b in m), m)):
        if mono_in_hk(mono, k):
            continue
        pdeg = sum(b for _, _, b in mono)
        qdeg = sum(a for _, a, _ in mono)
        if pdeg and qdeg:
            return "it has a mixed q·p term"
        if pdeg >= 2:
            return f"it has a momentum term of degree {pdeg}"
        return f"it has a q-monomial of degree {qdeg} > k = {k}"
    return "it is not in h_k"


def _shown(element: object) -> str:
    text = str(element)
    if len(text) <= _MAX_SHOWN:
        return text
    terms = len(getattr(element, "terms", ()))
    return f"{text[:_MAX_SHOWN]}… ({terms} terms)"


def _leaves_hk(model: Model, closure: Closure, gens: tuple[Generator, ...], i: int) -> Diagnostic:
    k = model.k
    names = [g.label for g in gens]
    element = closure.element(i)
    assert isinstance(element, WeylPoly)
    chain = closure.chain(i)
    if isinstance(chain, tuple):
        head = f"{format_chain(chain, names)} = {_shown(element)}"
    else:
        head = f"generator {names[chain]}" + (f" = {_shown(element)}" if names[chain] != str(element) else "")
    message = f"the dynamical Lie algebra leaves h_{k}: {head} is outside h_{k} ({_why_outside(element, k)})"
    involved = closure.generators_in(i)
    notes: list[Note] = []
    growth = _growth_witness(closure, names, k, after=i)
    if growth:
        notes.append(Note(growth[0]))
        involved += [j for j in growth[1] if j not in involved]
    if closure.capped:
        notes.append(Note(f"the closure stopped at dimension ≥ {closure.dimension} ({closure.cap_reason} cap); "
                          "an algebra outside h_k is typically infinite-dimensional"))
    notes.extend(_source_note(gens[j]) for j in involved)
    outer = chain[0] if isinstance(chain, tuple) else chain
    while isinstance(outer, tuple):
        outer = outer[0]
    primary = gens[outer].origins[0].span if gens[outer].origins else model.span
    return error(Code.E0401, message, primary, notes)


def _source_note(gen: Generator) -> Note:
    origin = gen.origins[0] if gen.origins else None
    if origin is None:
        return Note(f"generator {gen.label}")
    more = f" (and {len(gen.origins) - 1} more places)" if len(gen.origins) > 1 else ""
    return Note(f"generator {gen.label} comes from this {origin.what}{more}", origin.span)


def _stray_generator(model: Model, closure: Closure, gen: Generator) -> Diagnostic:
    """A generator outside h_k that a cap kept out of the computed basis."""
    element = gen.element
    assert isinstance(element, WeylPoly)
    k = model.k
    shown = f" = {_shown(element)}" if gen.label != str(element) else ""
    message = (f"the dynamical Lie algebra leaves h_{k}: generator {gen.label}{shown} is outside h_{k} "
               f"({_why_outside(element, k)})")
    notes = [Note(f"the closure stopped at dimension ≥ {closure.dimension} ({closure.cap_reason} cap) "
                  "before reaching this generator"), _source_note(gen)]
    return error(Code.E0401, message, gen.origins[0].span if gen.origins else model.span, notes)


def _growth_witness(closure: Closure, names: list[str], k: int, after: int) -> tuple[str, list[int]] | None:
    """A commutator chain that produced an element of degree > k (beyond the first witness),
    with the generators it uses."""
    for j in range(after + 1, closure.dimension):
        if closure.parents[j] is None:
            continue
        degree = max(sum(a + b for _, a, b in m) for m in closure.support(j))
        if degree > k:
            return (f"the algebra keeps growing: {format_chain(closure.chain(j), names)} = "
                    f"{_shown(closure.element(j))} has degree {degree} > k = {k}", closure.generators_in(j))
    if closure.dropped is not None:
        (g, b), element = closure.dropped
        chain = format_chain((closure.chain(g), closure.chain(b)), names)
        used = closure.generators_in(g) + [j for j in closure.generators_in(b) if j not in closure.generators_in(g)]
        text = f"the algebra keeps growing: {chain} = {_shown(element)} has degree {element.degree}"  # type: ignore[union-attr]
        return text, used
    return None
