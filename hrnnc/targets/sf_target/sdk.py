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
import re
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from hrnnc.diagnostics import Code, InternalError, TargetUnavailableError, error
from hrnnc.targets.sympy_angles import FUNCTIONS, expression_text, is_symbolic, substitute

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


@functools.cache
def _free_parameter_class() -> type:
    """SF's ``FreeParameter``, never shared between programs.

    ``prog.params("g")`` builds a ``FreeParameter``, a SymPy ``Symbol``, which SymPy caches by
    name: every program's ``g`` would be one object, and its ``__init__`` unbinds it again
    whenever another program declares ``g``. As for feed-forward (:func:`_feed_forward_class`),
    each program gets its own symbol, printed ``{g}`` in Blackbird like SF's.
    """
    import sympy

    load_sf()
    from strawberryfields.parameters import FreeParameter  # type: ignore[import-untyped]

    serial = itertools.count()

    class ProgramParameter(FreeParameter):  # type: ignore[misc]
        def __new__(cls, name: str) -> Any:
            obj = sympy.Symbol.__xnew__(cls, name)
            obj._hrnnc_serial = next(serial)
            return obj

        def _hashable_content(self) -> tuple[Any, ...]:
            return (*super()._hashable_content(), self._hrnnc_serial)

        def __getnewargs_ex__(self) -> Any:
            return (self.name,), {}

    return ProgramParameter


def declare_params(prog: Any, names: Sequence[str]) -> dict[str, Any]:
    """The program's free parameters for ``names`` (created unshared where missing)."""
    cls = _free_parameter_class()
    for name in names:
        if name not in prog.free_params:
            prog.free_params[name] = cls(name)
    return {name: prog.free_params[name] for name in names}


def _param_names(ops: Sequence[Op]) -> list[str]:
    return sorted({sym.name for op in ops for a in op.args if is_symbolic(a) for sym in a.free_symbols})


def _require_finite_args(op: Op) -> None:
    """A finite model value can leave the float range in SF's units (``shift(1.5e308)`` becomes
    ``Xgate(1.5e308·√ħ)``); the API reports the OverflowError as E0505 instead of writing ``inf``."""
    for arg in op.args:
        if isinstance(arg, float) and not math.isfinite(arg):
            raise OverflowError(f"the {op.name} argument on mode(s) {', '.join(map(str, op.modes))} overflows "
                                "the float range in Strawberry Fields' units (x = √ħ·q)")


OPS_ATTRIBUTE = "_hrnnc_ops"
"""Attribute of a built ``sf.Program`` holding ``(modes, ops)``, for :func:`bind_program`."""


def build_program(modes: int, ops: Sequence[Op], name: str) -> Any:
    """An ``sf.Program`` on ``modes`` modes with ``ops`` in order.

    A symbolic argument (a SymPy expression of params) is written over the program's free
    parameters of the same names (``prog.free_params``).
    """
    import sympy

    from hrnnc.targets.sf_target.lowering import Measured

    sf = load_sf()
    from strawberryfields import ops as sfops

    feed_forward = _feed_forward_class()
    gates = {n: getattr(sfops, n) for n in {op.name for op in ops}}
    prog = sf.Program(modes, name=name)
    free = {sympy.Symbol(n): p for n, p in declare_params(prog, _param_names(ops)).items()}

    def argument(a: Any, q: Any) -> Any:
        if isinstance(a, Measured):
            return feed_forward(q[a.mode])
        return a.xreplace(free) if is_symbolic(a) else a

    with prog.context as q:
        for op in ops:
            _require_finite_args(op)
            args = [argument(a, q) for a in op.args]
            gate = gates[op.name]
            instance = gate() if op.name == "Vacuum" else gate(*args)
            if len(op.modes) == 1:
                instance | q[op.modes[0]]  # noqa: B018 - SF's operator syntax
            else:
                if list(op.modes) != sorted(op.modes):  # SF's Fock backend ignores the order (lowering.ascending)
                    raise InternalError(f"{op.name} on the descending modes {op.modes}")
                instance | tuple(q[m] for m in op.modes)  # noqa: B018
    setattr(prog, OPS_ATTRIBUTE, (modes, tuple(ops)))
    return prog


def bind_program(prog: Any, values: Mapping[str, float]) -> Any:
    """A new program from the ops ``prog`` was built from, the named params replaced by numbers.

    Raises:
        InternalError: ``prog`` was not built by :func:`build_program`.
    """
    from hrnnc.targets.sf_target.lowering import Op

    stored = getattr(prog, OPS_ATTRIBUTE, None)
    if stored is None:
        raise InternalError("bind_params takes programs emitted by the sf target")
    modes, ops = stored
    bound = [Op(op.name, tuple(substitute(a, values) for a in op.args), op.modes) for op in ops]
    return build_program(modes, bound, prog.name)


DERIVED_COMMENT = "# hrnnc derived parameter: "
"""Start of the comment line that declares a derived free parameter in hrnnc's Blackbird text."""

_DERIVED_LINE = re.compile(r"^# hrnnc derived parameter: \{([A-Za-z_][A-Za-z0-9_]*)\} = (.+?)\s*$", re.M)


class _Verbatim:
    """A Blackbird argument written as it is (Blackbird's writer quotes strings, ``format``s the rest)."""

    def __init__(self, text: str):
        self.text = text

    def __format__(self, spec: str) -> str:
        return self.text


def to_blackbird(program: Any) -> str:
    """Blackbird text of a program (``sf.io.to_blackbird(...).serialize()``), free parameters kept.

    SF's writer quotes a symbolic argument (``Zgate("0.5*{g}")``), which SF reads back as a
    string. Here it is written as a Blackbird expression, ``Zgate(0.5*{g})``, every number
    with ``repr``. Blackbird cannot apply ``sin``, ``cos`` or ``exp`` to a free parameter, so
    each such call is a *derived* free parameter ``{derived0}``, declared before the program
    by a comment ``# hrnnc derived parameter: {derived0} = sin(g)`` (Python syntax, over the
    params' names); :func:`restore_derived` (hrnnc's readers call it) turns it back into the
    expression, so the loaded program binds by the params' names alone.
    """
    from strawberryfields.parameters import MeasuredParameter  # type: ignore[import-untyped]

    sf = load_sf()
    bb = sf.io.to_blackbird(program)
    derived: dict[str, str] = {}
    taken = set(program.free_params)

    def call(name: str, arg: Any) -> str:
        key = f"{name}({expression_text(arg)})"
        if key not in derived:
            fresh = f"derived{len(derived)}"
            while fresh in taken:
                fresh += "_"
            taken.add(fresh)
            derived[key] = fresh
        return "{" + derived[key] + "}"

    commands = list(program.circuit)
    if len(commands) != len(bb.operations):
        raise InternalError("Strawberry Fields' Blackbird writer dropped an operation")
    for cmd, op in zip(commands, bb.operations):
        if "Measure" in op["op"]:
            continue
        for i, arg in enumerate(cmd.op.p):
            if is_symbolic(arg) and not any(isinstance(x, MeasuredParameter) for x in arg.free_symbols):
                op["args"][i] = _Verbatim(expression_text(arg, symbol=lambda n: "{" + n + "}", call=call))
    lines = [f"{DERIVED_COMMENT}{{{name}}} = {expression}\n" for expression, name in derived.items()]
    return "".join(lines) + str(bb.serialize())


def restore_derived(prog: Any, text: str) -> Any:
    """``prog`` (read from ``text``) with each derived free parameter replaced by its expression.

    Raises:
        HrnncError: A declaration's expression is not one hrnnc writes (E0705).
    """
    declared = dict(_DERIVED_LINE.findall(text))
    if not declared:
        return prog
    replacements = {}
    for name, expression in declared.items():
        if name in prog.free_params:
            replacements[prog.free_params[name]] = _parse_derived(expression, prog)
    for cmd in prog.circuit:
        cmd.op.p = [p.xreplace(replacements) if is_symbolic(p) else p for p in cmd.op.p]
    for name in declared:
        prog.free_params.pop(name, None)
    return prog


def _parse_derived(expression: str, prog: Any) -> Any:
    """A derived parameter's expression over the program's free parameters (no ``eval``)."""
    import sympy

    from hrnnc.diagnostics import HrnncError
    from hrnnc.targets.expression_fold import fold_expression

    def number(value: int | float) -> Any:
        return sympy.Float(value) if isinstance(value, float) else sympy.Integer(value)

    def name(identifier: str) -> Any:
        return sympy.pi if identifier == "pi" else declare_params(prog, [identifier])[identifier]

    try:
        return fold_expression(expression, number=number, name=name,
                               call=lambda f, x: getattr(sympy, f)(x), functions=FUNCTIONS)
    except ValueError as exc:
        raise HrnncError([error(Code.E0705, f"'{DERIVED_COMMENT}...= {expression}': not an expression of "
                                            f"params, numbers, + - * / ** and {', '.join(FUNCTIONS)} "
                                            f"({exc})")]) from None
