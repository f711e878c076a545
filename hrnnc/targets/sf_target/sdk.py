"""The only place that imports Strawberry Fields: SciPy shim, Program building.

SF 0.23 imports ``scipy.integrate.simps``, which SciPy 1.14 removed; we alias it to
``simpson`` before the first import. SF's dependency quantum-xir installs ``lark-parser``
0.12 into the same ``lark/`` folder as lark 1.x; that no longer matters to hrnnc, whose
parser is generated standalone code (hrnnc/grammar/hrnn_parser.py) that never imports lark.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import TYPE_CHECKING, Any, Sequence

from hrnnc.diagnostics import Code, InternalError, TargetUnavailableError, error

if TYPE_CHECKING:
    from hrnnc.targets.sf_target.lowering import Op

INSTALL_HINT = "pip install 'hrnnc[sf]'"


def _unavailable(message: str) -> TargetUnavailableError:
    return TargetUnavailableError([error(Code.E0503, f"the 'sf' target {message}; install it with: {INSTALL_HINT}")])


@functools.cache
def load_sf() -> Any:
    """Import ``strawberryfields`` with the SciPy shim.

    Raises:
        TargetUnavailableError: SF (or SciPy) is missing (E0503).
    """
    try:
        import scipy.integrate  # type: ignore[import-untyped]
    except ImportError as exc:
        raise _unavailable(f"needs SciPy ({exc})") from None
    if not hasattr(scipy.integrate, "simps"):
        scipy.integrate.simps = scipy.integrate.simpson
    try:
        import strawberryfields as sf  # type: ignore[import-untyped]
    except ImportError as exc:
        raise _unavailable(f"needs strawberryfields ({exc})") from None
    return sf


@functools.cache
def _feed_forward_class() -> type:
    """A ``MeasuredParameter`` that is never shared between programs.

    SF's ``MeasuredParameter`` is a SymPy ``Symbol`` named ``q<i>``; SymPy caches symbols by
    name, so every program's ``q[0].par`` is the same object, re-pointed at the newest
    program's register. Running an older program then reads another program's measurement
    (or fails); SymPy's cached arithmetic (SF turns ``Zgate(q0)`` into ``Dgate(q0/2, pi/2)``)
    conflates equal symbols too. This subclass builds a fresh, uncached symbol with the same
    name (SF and Blackbird print ``q<i>``) whose identity is part of its hash and equality.
    """
    import sympy  # type: ignore[import-untyped]

    load_sf()
    from strawberryfields.parameters import MeasuredParameter  # type: ignore[import-untyped]

    serial = itertools.count()

    class FeedForwardParameter(MeasuredParameter):  # type: ignore[misc]
        def __new__(cls, regref: Any) -> Any:
            obj = sympy.Symbol.__xnew__(cls, f"q{regref.ind}")
            obj._hrnnc_serial = next(serial)
            return obj

        def _hashable_content(self) -> tuple[Any, ...]:
            return (*super()._hashable_content(), self._hrnnc_serial)

        def __getnewargs_ex__(self) -> Any:  # copy/pickle: rebuild from the register reference
            return (self.regref,), {}

    return FeedForwardParameter


def _require_finite_args(op: Op) -> None:
    """A finite model value can leave the float range in SF's units (``shift(1.5e308)`` becomes
    ``Xgate(1.5e308·√ħ)``); the API reports the OverflowError as E0505 instead of writing ``inf``."""
    for arg in op.args:
        if isinstance(arg, float) and not math.isfinite(arg):
            raise OverflowError(f"the {op.name} argument on mode(s) {', '.join(map(str, op.modes))} overflows "
                                "the float range in Strawberry Fields' units (x = √ħ·q)")


def build_program(modes: int, ops: Sequence[Op], name: str) -> Any:
    """An ``sf.Program`` on ``modes`` modes with ``ops`` in order."""
    from hrnnc.targets.sf_target.lowering import Measured

    sf = load_sf()
    from strawberryfields import ops as sfops

    feed_forward = _feed_forward_class()
    gates = {n: getattr(sfops, n) for n in {op.name for op in ops}}
    prog = sf.Program(modes, name=name)
    with prog.context as q:
        for op in ops:
            _require_finite_args(op)
            args = [feed_forward(q[a.mode]) if isinstance(a, Measured) else a for a in op.args]
            gate = gates[op.name]
            instance = gate() if op.name == "Vacuum" else gate(*args)
            if len(op.modes) == 1:
                instance | q[op.modes[0]]  # noqa: B018 - SF's operator syntax
            else:
                if list(op.modes) != sorted(op.modes):  # SF's Fock backend ignores the order (lowering.ascending)
                    raise InternalError(f"{op.name} on the descending modes {op.modes}")
                instance | tuple(q[m] for m in op.modes)  # noqa: B018
    return prog


def to_blackbird(program: Any) -> str:
    """Blackbird text of a program (``sf.io.to_blackbird(...).serialize()``)."""
    sf = load_sf()
    return str(sf.io.to_blackbird(program).serialize())
