"""Template → flat model: loops unrolled, names filled in, indexed params resolved.

Runs in the front end, before any pass, so that every check, emitter and simulator sees the
flat IR. The size of the result is counted first, from the loop bounds alone, and a model
that would unroll to more than :data:`MAX_UNROLLED` items is refused (E0228) before anything
is built. Nodes built inside a loop carry the iteration in their spans (``Span.iteration``),
so that every later diagnostic names the loop variables' values as well as the place.
"""

from __future__ import annotations

import dataclasses
import gc
import math
import re
from itertools import combinations
from typing import TYPE_CHECKING, Any, Callable, Iterator, Union

from hrnnc.diagnostics import Code, Diagnostic, Span, error
from hrnnc.ir import (
    BUILTIN_CONSTANTS,
    FLOAT,
    FUNCTIONS,
    BinOp,
    Call,
    Cell,
    Const,
    Degree,
    EvaluationError,
    Measure,
    MeasureStab,
    Model,
    Name,
    Neg,
    Num,
    Param,
    Phase,
    Register,
    RegisterKind,
    Reset,
    Shift,
    Site,
    StabEdge,
    Token,
    evaluate,
)
from hrnnc.ir.template import (
    Index,
    Loop,
    TCell,
    TDecl,
    Template,
    TMeasure,
    TMeasureStab,
    TPhase,
    TReset,
    TShift,
    TStabEdge,
)

if TYPE_CHECKING:
    from hrnnc.ir import Expr
    from hrnnc.ir.template import Item

MAX_UNROLLED = 10_000_000
"""Most statements, declarations and cells (together) a model may unroll to."""

MAX_LOOP_DEPTH = 64
"""Deepest loop nesting accepted (E0230); checked while lowering, before unrolling."""

MAX_BOUND = 2**31
"""Loop bounds and indices must lie in ``[0, MAX_BOUND)`` (E0226)."""

MAX_VISITS = 100_000
"""Most iterations the size count visits (loops whose body's bounds use their variables are
counted iteration by iteration); past it the model is refused like an oversized one (E0228)."""

_MAX_DIAGNOSTICS = 100

_HOLE = re.compile(r"\{([A-Za-z_][A-Za-z_0-9]*)\}")

Value = Union[int, tuple[int, ...]]
"""A loop variable's value: an integer, or a subset (ascending sites)."""


def _maker(cls: type) -> Callable[..., Any]:
    """``make(field, …, span_of, iteration)``: a frozen slotted node whose span is ``span_of``'s
    range with ``iteration`` (or ``span_of`` itself when ``iteration`` is None).

    The node and its span are built by setting slots, as the generated ``__init__`` does but
    without one ``object.__setattr__`` call per field, and in one call: the unrolled IR of a
    100,000-statement model is mostly this function. Used only where the node's invariants
    hold by construction (non-empty site lists, operators copied from a template).
    """
    names = [f.name for f in dataclasses.fields(cls)][:-1]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "Span": Span,
                                 "set_span": getattr(cls, "span").__set__}
    for part in ("source", "start", "end", "iteration"):
        namespace[f"span_{part}"] = getattr(Span, part).__set__
    lines = [f"def make({''.join(n + ', ' for n in names)}span_of, iteration):",
             "    o = new(cls)"]
    for k, name in enumerate(names):
        namespace[f"set{k}"] = getattr(cls, name).__set__
        lines.append(f"    set{k}(o, {name})")
    lines += ["    if iteration is None or span_of is None:", "        set_span(o, span_of)", "        return o",
              "    span = new(Span)", "    span_source(span, span_of.source)", "    span_start(span, span_of.start)",
              "    span_end(span, span_of.end)", "    span_iteration(span, iteration)", "    set_span(o, span)",
              "    return o"]
    exec("\n".join(lines), namespace)  # the technique dataclasses itself uses for __init__
    return namespace["make"]  # type: ignore[no-any-return]


_new_site = _maker(Site)
_new_num = _maker(Num)
_new_neg = _maker(Neg)
_new_binop = _maker(BinOp)
_new_call = _maker(Call)
_new_phase = _maker(Phase)
_new_shift = _maker(Shift)
_new_edge = _maker(StabEdge)
_new_stab = _maker(MeasureStab)
_new_measure = _maker(Measure)
_new_reset = _maker(Reset)


def _site_plan(expr: Any) -> tuple[int, Any, int]:
    """How a template site is computed: (0, value, 0) a literal, (1, name, offset) a loop
    variable plus a constant (``i``, ``(i + 1)``, ``(i - 2)``), (2, expr, 0) anything else."""
    kind = type(expr)
    if kind is Num and expr.value.is_integer():
        return 0, int(expr.value), 0
    if kind is Name:
        return 1, expr.id, 0
    if kind is BinOp and expr.op in "+-" and type(expr.left) is Name and type(expr.right) is Num \
            and expr.right.value.is_integer():
        offset = int(expr.right.value)
        return 1, expr.left.id, offset if expr.op == "+" else -offset
    return 2, expr, 0


class _Stop(Exception):
    """Unrolling gives up (size cap or too many diagnostics); the diagnostics say why."""


def _loop_names(loop: Loop) -> set[str]:
    names = {n.id for e in (loop.domain.first, loop.domain.last) for n in _names(e)}
    if loop.size is not None:
        names |= {n.id for n in _names(loop.size)}
    return names


def _nodes(expr: Any) -> Iterator[Any]:
    """Every node of an expression, each before its operands (an index's own expression included)."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        kind = type(node)
        if kind is BinOp:
            stack += (node.left, node.right)
        elif kind is Neg:
            stack.append(node.operand)
        elif kind is Call:
            stack.append(node.arg)
        elif kind is Index:
            stack.append(node.index)


def _names(expr: Any) -> Iterator[Name]:
    return (node for node in _nodes(expr) if type(node) is Name)


def _quick_int(expr: Any, env: dict[str, Value]) -> int | None:
    """The value of ``n``, ``i``, ``i + 1``, ``n - i`` … in exact integers, else None (the general
    evaluator then decides and reports). Bounds are evaluated once per iteration of the loop
    around them, so this is what the size count spends its time on."""
    kind = type(expr)
    if kind is Num:
        value = expr.value
        return int(value) if value.is_integer() and value < MAX_BOUND else None
    if kind is Name:
        got = env.get(expr.id)
        return got if type(got) is int else None
    if kind is BinOp and expr.op in "+-*":
        left = _quick_int(expr.left, env)
        right = _quick_int(expr.right, env) if left is not None else None
        if right is None:
            return None
        return left + right if expr.op == "+" else left - right if expr.op == "-" else left * right
    return None


class Unroller:
    """One instance per template; ``diagnostics`` collects what went wrong."""

    def __init__(self, limit: int = MAX_UNROLLED):
        self.limit = limit
        self.diagnostics: list[Diagnostic] = []
        self._static: dict[int, bool] = {}
        self._inner_names: dict[int, set[str]] = {}
        self._bound_names: dict[int, frozenset[str]] = {}
        self._site_plans: dict[int, tuple[int, Any, int]] = {}
        self._reported: set[tuple[Code, str, tuple[int, int] | None]] = set()

    # -- reporting -------------------------------------------------------------------------

    def _report(self, code: Code, message: str, span: Span | None, iteration: str | None) -> None:
        """Record an error; the same error at the same place is kept once (its first iteration)."""
        key = (code, message, None if span is None else (span.start, span.end))
        if key in self._reported:
            return
        self._reported.add(key)
        self.diagnostics.append(error(code, message, self._at(span, iteration)))
        if len(self.diagnostics) >= _MAX_DIAGNOSTICS:
            raise _Stop

    @staticmethod
    def _at(span: Span | None, iteration: str | None) -> Span | None:
        if span is None or iteration is None:
            return span
        return Span(span.source, span.start, span.end, iteration)

    # -- integer expressions (bounds, sites, indices) --------------------------------------

    def _integer(self, expr: Expr, env: dict[str, Value], iteration: str | None, what: str,
                 code: Code = Code.E0226) -> int | None:
        """The value of an integer expression over loop variables, or None (reported)."""
        quick = _quick_int(expr, env)
        if quick is not None and 0 <= quick < MAX_BOUND:
            return quick
        def lookup(name: str) -> float:
            value = env.get(name)
            if value is None or isinstance(value, tuple):
                raise LookupError(name)
            return float(value)

        try:
            value = evaluate(expr, lookup, FLOAT)  # type: ignore[arg-type]
        except LookupError as exc:
            name = exc.args[0]
            why = ("is a subset, not a number" if isinstance(env.get(name), tuple)
                   else "is not a loop variable here")
            self._report(code, f"{what} must be a whole number made of numbers and loop variables; "
                         f"'{name}' {why}", getattr(expr, "span", None), iteration)
            return None
        except (EvaluationError, TypeError):
            self._report(code, f"{what} has no finite value", getattr(expr, "span", None), iteration)
            return None
        if not value.is_integer():
            self._report(code, f"{what} must be a whole number, not {value:g}", getattr(expr, "span", None),
                         iteration)
            return None
        if value < 0 or value >= MAX_BOUND:
            self._report(code, f"{what} must lie in [0, {MAX_BOUND}), not {value:.0f}",
                         getattr(expr, "span", None), iteration)
            return None
        return int(value)

    # -- loops -----------------------------------------------------------------------------

    def _domain(self, loop: Loop, env: dict[str, Value], iteration: str | None) -> tuple[range, int] | None:
        """The range and the subset size (0 for a range loop), or None when a bound is bad."""
        first = self._integer(loop.domain.first, env, iteration, "a loop bound")
        last = self._integer(loop.domain.last, env, iteration, "a loop bound")
        size = 0
        if loop.size is not None:
            got = self._integer(loop.size, env, iteration, "the subset size")
            if got is None:
                return None
            if got == 0:
                self._report(Code.E0226, "the subset size must be at least 1", loop.size.span, iteration)
                return None
            if loop.destructure and got != len(loop.variables):
                self._report(Code.E0227, f"{len(loop.variables)} variables cannot take subsets of size {got}",
                             loop.size.span, iteration)
                return None
            size = got
        if first is None or last is None:
            return None
        return range(first, last + 1), size

    def _count_of(self, domain: range, size: int) -> int:
        return len(domain) if size == 0 else math.comb(len(domain), size)

    def _values(self, loop: Loop, domain: range, size: int) -> Iterator[tuple[dict[str, Value], str]]:
        """``({var: value}, "var = value")`` for each iteration."""
        names = loop.variables
        if size == 0:
            name = names[0]
            for v in domain:
                yield {name: v}, f"{name} = {v}"
        elif loop.destructure:
            for subset in combinations(domain, size):
                yield dict(zip(names, subset)), ", ".join(f"{n} = {v}" for n, v in zip(names, subset))
        else:
            name = names[0]
            for subset in combinations(domain, size):
                yield {name: subset}, f"{name} = {{{', '.join(map(str, subset))}}}"

    def _iterations(self, loop: Loop, env: dict[str, Value], iteration: str | None
                    ) -> Iterator[tuple[dict[str, Value], str]]:
        shadow = [v for v in loop.variables if v in env or v in BUILTIN_CONSTANTS or v in FUNCTIONS
                  or v in self._globals]
        if shadow:
            what = ("an enclosing loop variable" if shadow[0] in env else "a builtin name"
                    if shadow[0] in BUILTIN_CONSTANTS or shadow[0] in FUNCTIONS else "a param, const or argument")
            self._report(Code.E0227, f"loop variable '{shadow[0]}' hides {what}", loop.span, iteration)
            return
        if len(set(loop.variables)) != len(loop.variables):
            self._report(Code.E0227, "a loop variable is listed twice", loop.span, iteration)
            return
        found = self._domain(loop, env, iteration)
        if found is None:
            return
        domain, size = found
        for values, text in self._values(loop, domain, size):
            inner = dict(env)
            inner.update(values)
            yield inner, (text if iteration is None else f"{iteration}, {text}")

    # -- size ------------------------------------------------------------------------------

    def count(self, items: tuple[Item, ...], env: dict[str, Value], budget: list[int]) -> int:
        """Statements + declarations + cells that ``items`` unroll to; raises _Stop past the limit.

        A loop whose body's bounds do not use its variables counts its body once; otherwise it
        visits its iterations, each one costing a unit of ``budget`` (loop iterations visited).
        """
        total = 0
        for item in items:
            kind = type(item)
            if kind is Loop:
                total += self._count_loop(item, env, budget)  # type: ignore[arg-type]
            elif kind is TCell:
                total += 1 + self.count(item.body, env, budget)  # type: ignore[union-attr]
            else:
                total += 1
            if total > self.limit:
                raise _Stop
        return total

    def _count_loop(self, loop: Loop, env: dict[str, Value], budget: list[int]) -> int:
        found = self._domain(loop, env, None) if not self._dependent_bounds(loop, env) else None
        if found is None:
            return 0
        domain, size = found
        iterations = self._count_of(domain, size)
        if iterations == 0:
            return 0
        if not self._body_depends_on(loop):
            per = self.count(loop.body, {**env, **{v: 0 for v in loop.variables}}, budget)
            if per and iterations > self.limit // per:
                raise _Stop
            return iterations * per
        total = 0
        for values, _ in self._values(loop, domain, size):
            budget[0] -= 1
            if budget[0] < 0:
                raise _Stop
            total += self.count(loop.body, {**env, **values}, budget)
            if total > self.limit:
                raise _Stop
        return total

    def _dependent_bounds(self, loop: Loop, env: dict[str, Value]) -> bool:
        """True when a bound names something not (yet) bound: counted later, when unrolling."""
        names = self._bound_names.get(id(loop))
        if names is None:
            names = self._bound_names[id(loop)] = frozenset(_loop_names(loop))
        return any(n not in env for n in names)

    def _body_depends_on(self, loop: Loop) -> bool:
        key = id(loop)
        if key not in self._inner_names:
            names: set[str] = set()
            stack = list(loop.body)
            while stack:
                item = stack.pop()
                if type(item) is Loop:
                    names |= _loop_names(item)  # type: ignore[arg-type]
                    stack.extend(item.body)  # type: ignore[union-attr]
                elif type(item) is TCell:
                    stack.extend(item.body)  # type: ignore[union-attr]
            self._inner_names[key] = names
        return bool(self._inner_names[key] & set(loop.variables))

    # -- expressions and names ---------------------------------------------------------------

    def _is_static(self, expr: Any) -> bool:
        """No loop variable, hole or index anywhere: the node can be shared by every iteration."""
        key = id(expr)
        known = self._static.get(key)
        if known is None:
            known = self._static[key] = next(self._dynamic_parts(expr), None) is None
        return known

    def _dynamic_parts(self, expr: Any) -> Iterator[object]:
        """Indexed names, and names that are not the model's params, consts or builtins."""
        for node in _nodes(expr):
            kind = type(node)
            if kind is Index or (kind is Name and ("{" in node.id or node.id not in self._globals)):
                yield node

    _globals: frozenset[str] = frozenset()

    def _expr(self, expr: Any, env: dict[str, Value], iteration: str | None) -> Expr:
        return expr if self._is_static(expr) else self._subst(expr, env, iteration)  # type: ignore[no-any-return]

    def _subst(self, expr: Any, env: dict[str, Value], iteration: str | None) -> Expr:
        kind = type(expr)
        if kind is Num or self._is_static(expr):
            return expr  # type: ignore[no-any-return]
        span = expr.span
        if kind is Name:
            value = env.get(expr.id)
            if type(value) is int:
                if value >= 0:
                    return _new_num(float(value), span, iteration)  # type: ignore[no-any-return]
                return _new_neg(_new_num(float(-value), span, iteration), span, iteration)  # type: ignore[no-any-return]
            if value is None:
                if "{" in expr.id:
                    return Name(self._fill(expr.id, env, span, iteration), self._at(span, iteration))
                return expr  # type: ignore[no-any-return]
            self._report(Code.E0231, f"'{expr.id}' is a subset; it stands for sites or a name part, "
                         "not for a number", span, iteration)
            return Num(0.0, self._at(span, iteration))
        if kind is BinOp:
            return _new_binop(expr.op, self._subst(expr.left, env, iteration),  # type: ignore[no-any-return]
                              self._subst(expr.right, env, iteration), span, iteration)
        if kind is Index:
            index = self._integer(expr.index, env, iteration, "an index", Code.E0229)
            return Name(f"{self._fill(expr.base, env, span, iteration)}[{0 if index is None else index}]",
                        self._at(span, iteration))
        if kind is Neg:
            return _new_neg(self._subst(expr.operand, env, iteration), span, iteration)  # type: ignore[no-any-return]
        return _new_call(expr.func, self._subst(expr.arg, env, iteration), span, iteration)  # type: ignore[no-any-return]

    def _fill(self, name: str, env: dict[str, Value], span: Span | None, iteration: str | None) -> str:
        if "{" not in name:
            return name

        def value(match: re.Match[str]) -> str:
            got = env.get(match.group(1))
            if got is None:
                self._report(Code.E0231, f"'{{{match.group(1)}}}' in '{name}' is not a loop variable here",
                             span, iteration)
                return "0"
            return "_".join(map(str, got)) if isinstance(got, tuple) else str(got)

        return _HOLE.sub(value, name)

    def _sites(self, exprs: tuple[Expr, ...], env: dict[str, Value], iteration: str | None) -> tuple[Site, ...]:
        out: list[Site] = []
        plans = self._site_plans
        for expr in exprs:
            plan = plans.get(id(expr))
            if plan is None:
                plan = plans[id(expr)] = _site_plan(expr)
            how, what, offset = plan
            if how == 1:
                value = env.get(what)
                if type(value) is int:
                    value += offset
                    if value >= 0:
                        out.append(_new_site(value, expr.span, iteration))
                        continue
                elif isinstance(value, tuple) and not offset:
                    out.extend(_new_site(v, expr.span, iteration) for v in value)
                    continue
            elif how == 0:
                out.append(_new_site(what, expr.span, iteration))
                continue
            index = self._integer(expr, env, iteration, "a site", Code.E0212)
            out.append(_new_site(0 if index is None else index, expr.span, iteration))
        return tuple(out)

    def _site(self, expr: Expr, env: dict[str, Value], iteration: str | None) -> Site:
        sites = self._sites((expr,), env, iteration)
        if len(sites) != 1:
            self._report(Code.E0231, "a subset stands for several sites; this place takes one",
                         expr.span, iteration)
        return sites[0]

    # -- statements and items ---------------------------------------------------------------

    def _statements(self, items: tuple[Item, ...], env: dict[str, Value], iteration: str | None,
                    out: list[Any]) -> None:
        expr = self._expr
        sites = self._sites
        for item in items:
            kind = type(item)
            if kind is TPhase:
                found = sites(item.sites, env, iteration)  # type: ignore[union-attr]
                if not found:
                    continue  # only from a bad site, already reported
                out.append(_new_phase(expr(item.angle, env, iteration), found,  # type: ignore[union-attr]
                                  item.span, iteration))
            elif kind is Loop:
                for inner, text in self._iterations(item, env, iteration):  # type: ignore[arg-type]
                    self._statements(item.body, inner, text, out)  # type: ignore[union-attr]
            elif kind is TMeasure:
                out.append(_new_measure(item.basis, self._site(item.site, env, iteration),  # type: ignore[union-attr]
                                    self._fill(item.output, env, item.output_span, iteration),  # type: ignore[union-attr]
                                    item.span, iteration))
            elif kind is TMeasureStab:
                edges = tuple(_new_edge(expr(e.weight, env, iteration), sites(e.sites, env, iteration),
                                    e.span, iteration) for e in item.edges)  # type: ignore[union-attr]
                out.append(_new_stab(self._site(item.vertex, env, iteration), edges,  # type: ignore[union-attr]
                                 self._fill(item.output, env, item.output_span, iteration),  # type: ignore[union-attr]
                                 item.span, iteration))
            elif kind is TReset:
                out.append(_new_reset(self._site(item.site, env, iteration), item.span, iteration))  # type: ignore[union-attr]
            elif kind is TShift:
                out.append(_new_shift(expr(item.amount, env, iteration),  # type: ignore[union-attr]
                                  self._site(item.site, env, iteration), item.span, iteration))  # type: ignore[union-attr]

    def _items(self, items: tuple[Item, ...], env: dict[str, Value], iteration: str | None,
               decls: list[Param | Const], cells: list[Cell]) -> None:
        at = self._at
        for item in items:
            kind = type(item)
            if kind is TCell:
                tokens = tuple(Token(self._fill(t.name, env, t.span, iteration), at(t.span, iteration))
                               for t in item.tokens)
                body: list[Any] = []
                self._statements(item.body, env, iteration, body)
                cells.append(Cell(tokens, tuple(body), item.args, at(item.span, iteration)))
            elif kind is Loop:
                for inner, text in self._iterations(item, env, iteration):  # type: ignore[arg-type]
                    self._items(item.body, inner, text, decls, cells)  # type: ignore[union-attr]
            elif kind is TDecl:
                name = self._fill(item.name, env, item.name_span, iteration)
                if item.index is not None:
                    index = self._integer(item.index, env, iteration, "an index", Code.E0229)
                    name = f"{name}[{0 if index is None else index}]"
                value = self._expr(item.value, env, iteration)
                decl_type = Param if item.keyword == "param" else Const
                decls.append(decl_type(name, value, at(item.span, iteration)))

    # -- the model -------------------------------------------------------------------------

    def model(self, template: Template, name_span: Span | None) -> Model | None:
        """The flat model, or None when a diagnostic that the IR cannot hold was reported."""
        items = template.items
        registers = [i for i in items if isinstance(i, Register)]
        degrees = [i for i in items if isinstance(i, Degree)]
        for extra in registers[1:]:
            self._report(Code.E0202, "the register is declared twice", extra.span, None)
        for repeated in degrees[1:]:
            self._report(Code.E0202, "the degree bound is declared twice", repeated.span, None)
        if not registers:
            self._report(Code.E0201, f"model '{template.name}' declares no register ('qubits N;' or 'qumodes N;')",
                         name_span, None)
        if not degrees:
            self._report(Code.E0203, f"model '{template.name}' declares no degree bound ('degree K;')", name_span,
                         None)
        register = registers[0] if registers else Register(RegisterKind.QUBITS, 1)
        degree = degrees[0] if degrees else Degree(1)
        body = tuple(i for i in items if not isinstance(i, (Register, Degree)))
        self._globals = frozenset(_declared_names(body)) | frozenset(BUILTIN_CONSTANTS)
        try:
            total = self.count(body, {}, [MAX_VISITS])
        except _Stop:
            total = -1
        if total < 0:
            self.diagnostics.append(error(
                Code.E0228, f"the loops would unroll to more than {self.limit:,} statements, declarations and "
                f"cells (or their count would visit more than {MAX_VISITS:,} iterations of loops whose bounds "
                "depend on enclosing ones); nothing was built", name_span))
            return None
        decls: list[Param | Const] = []
        cells: list[Cell] = []
        # As in the fast path (hrnnc/frontend/fast.py): the IR is a tree with no cycles, so the
        # collector is off while it grows, and the new objects then go to the oldest generation.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._items(body, {}, None, decls, cells)
        except _Stop:
            return None
        finally:
            if gc_was_enabled:
                gc.enable()
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if any(d.is_error for d in self.diagnostics):
            return None
        return Model(template.name, register, degree, tuple(decls), tuple(cells), template.span)


def _declared_names(items: tuple[Item, ...]) -> Iterator[str]:
    """Names that are never loop variables: declarations without holes or indices, cell arguments."""
    stack = list(items)
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is TDecl and item.index is None and "{" not in item.name:  # type: ignore[union-attr]
            yield item.name  # type: ignore[union-attr]
        elif kind is TCell:
            yield from (a.name for a in item.args)  # type: ignore[union-attr]
        elif kind is Loop:
            stack.extend(item.body)  # type: ignore[union-attr]


__all__ = ["MAX_LOOP_DEPTH", "MAX_UNROLLED", "MAX_VISITS", "Unroller"]
