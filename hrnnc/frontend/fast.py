"""Fast path for well-formed files: builds the same IR as the Lark path, or returns None.

The Lark parser (``grammar/hrnn.lark`` + ``lower.py``) is the reference and the source of
every diagnostic. This module is a hand-written scanner and parser for the common case:
one compiled regex splits the text into tokens, and a recursive-descent parser (recursing
only into parentheses and calls, at most MAX_EXPR_DEPTH deep) builds the frozen IR directly,
with exactly the spans the Lark path gives. Anything it does not understand, or anything
lowering would report, makes it return None so that the Lark path runs instead.

Tokens. Lark's lexer is contextual: a word is a keyword only where the grammar expects
that keyword. This scanner cuts words at their full length instead and, where a keyword is
expected, accepts only exactly that word. Where a name is expected every word is a name, as
in Lark. The two agree on every text the fast path accepts; texts where they might not
(``degree3;``, which Lark reads as ``degree 3;``) make the fast path return None.

Spans. Lark's ``propagate_positions`` starts a node at the first character of its first
child's *container* and ends it at the end of its last child's container, where a
parenthesised expression's container includes its parentheses but its own span does not.
So ``(a + b) * c`` spans from the ``(``, while the inner ``a + b`` does not; a stabilizer
edge ``(1): 0`` starts at the ``(``. The expression parser returns each operand's container
next to its node for this.

Construction. Most nodes are built by :func:`_maker` functions that fill the slots of the
frozen dataclasses directly, skipping the generated ``__init__`` (about twice as fast). They
are used only where the invariants ``__post_init__`` would check hold by construction
(non-empty site lists, binary operators from the scanner); the rare nodes go through their
ordinary constructors.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from itertools import accumulate
from typing import TYPE_CHECKING, Any, Callable

from hrnnc.diagnostics import Span
from hrnnc.frontend.lower import MAX_SITE_DIGITS
from hrnnc.ir import (
    MAX_EXPR_DEPTH,
    Arg,
    Basis,
    BinOp,
    Call,
    Cell,
    Const,
    Degree,
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
)

if TYPE_CHECKING:
    from hrnnc.diagnostics import Source
    from hrnnc.ir import Expr

_TOKENS = re.compile(
    r"""(
      (?:[0-9]++(?:\.[0-9]*+)?|\.[0-9]++)(?:[eE][+-]?[0-9]++)?   # NUMBER, as in the grammar but ASCII only
    | [A-Za-z_][A-Za-z_0-9]*+                                 # a word: NAME or keyword
    | ->
    | [^\ \t\f\r\n]                                          # any other character: punctuation or junk
    )""",
    re.VERBOSE,
)
"""``split`` by this gives [space, token, space, token, …, space]; the spaces are Lark's WS only."""
_COMMENT = re.compile(r"#[^\n]*")

_DIGITS = frozenset("0123456789")
_WORD_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_BASES = {b.value: b for b in Basis}
_KINDS = {k.value: k for k in RegisterKind}
_SITE_INTS = {str(i): i for i in range(1024)}
"""Text → index for the usual sites; anything else goes through :func:`_natural`."""


class _Reject(Exception):
    """The fast path gives up; the Lark path will run and explain."""


@dataclasses.dataclass
class _Progress:
    """How far :func:`_parse` got: the complete items so far and where the current one starts."""

    registers: list[Register] = dataclasses.field(default_factory=list)
    degrees: list[Degree] = dataclasses.field(default_factory=list)
    decls: list[Param | Const] = dataclasses.field(default_factory=list)
    cells: list[Cell] = dataclasses.field(default_factory=list)
    at: int | None = None
    """Offset of the item or statement being parsed; None while in the header."""
    cell_tokens: tuple[Token, ...] | None = None
    """The tokens of the cell being parsed, once its ``{`` is read; else None."""
    cell_body: list[Any] = dataclasses.field(default_factory=list)
    """Its statements so far."""


@dataclasses.dataclass(frozen=True)
class OpenCell:
    """The cell the fast path gave up in: its tokens and the statements before ``Prefix.resume_at``."""

    tokens: tuple[Token, ...]
    body: tuple[Any, ...]


@dataclasses.dataclass(frozen=True)
class Prefix:
    """What the fast path built before it gave up at ``resume_at``, to be joined to the Lark path's rest.

    Everything before ``resume_at`` is well formed (the Lark path would build the same nodes
    and report nothing there): the complete top-level items, and, if ``resume_at`` is inside
    a cell, that cell's tokens and earlier statements. The Lark path then parses only from
    ``resume_at`` on (:func:`hrnnc.frontend.parser.parse_tree`).
    """

    registers: tuple[Register, ...]
    degrees: tuple[Degree, ...]
    decls: tuple[Param | Const, ...]
    cells: tuple[Cell, ...]
    resume_at: int
    open_cell: OpenCell | None


def _setter(cls: type, name: str) -> Callable[[Any, Any], None]:
    """The slot descriptor's ``__set__``: stores into a frozen instance, as ``__init__`` does."""
    return getattr(cls, name).__set__  # type: ignore[no-any-return]


def _maker(cls: type) -> Callable[..., Any]:
    """``make(field, …, source, start, end)`` for a frozen slotted dataclass whose last field
    is its span: builds the node and its Span by setting slots, without ``__init__``."""
    names = [f.name for f in dataclasses.fields(cls)]
    if names[-1] != "span":
        raise TypeError(f"{cls.__name__} does not end in a span field")
    names = names[:-1]
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "Span": Span, "set_span": _setter(cls, "span"),
                                 "set_source": _setter(Span, "source"), "set_start": _setter(Span, "start"),
                                 "set_end": _setter(Span, "end"), "set_iteration": _setter(Span, "iteration")}
    lines = [f"def make({', '.join(names)}, source, start, end):",
             "    span = new(Span)", "    set_source(span, source)", "    set_start(span, start)",
             "    set_end(span, end)", "    set_iteration(span, None)", "    o = new(cls)"]
    for k, name in enumerate(names):
        namespace[f"set{k}"] = _setter(cls, name)
        lines.append(f"    set{k}(o, {name})")
    lines += ["    set_span(o, span)", "    return o"]
    exec("\n".join(lines), namespace)  # the technique dataclasses itself uses for __init__
    return namespace["make"]  # type: ignore[no-any-return]


_site = _maker(Site)
_num = _maker(Num)


def _finite(text: str) -> float:
    """A number literal's value; an overflowing one (``1e400``) is left to the full parser's E0216."""
    value = float(text)
    if value == _INF:
        raise _Reject
    return value


_INF = float("inf")
_name = _maker(Name)
_neg = _maker(Neg)
_binop = _maker(BinOp)
_call = _maker(Call)
_phase = _maker(Phase)
_shift = _maker(Shift)
_edge = _maker(StabEdge)
_stab = _maker(MeasureStab)
_measure = _maker(Measure)
_reset = _maker(Reset)
_token = _maker(Token)


def _natural(text: str, minimum: int) -> int:
    """The value lowering gives a site, size or degree; raises _Reject where it would report."""
    if not (text[:1] in _DIGITS and text.isdigit() and len(text) <= MAX_SITE_DIGITS):
        raise _Reject
    value = int(text)
    if value < minimum:
        raise _Reject
    return value


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def tokenize(text: str) -> tuple[list[str], list[int]]:
    """Tokens (comments and whitespace dropped, ending in ``""`` sentinels) and their offsets."""
    if "#" in text:  # comments become spaces, as in the Lark path, so that offsets stay put
        text = _COMMENT.sub(_blank, text)
    parts = _TOKENS.split(text)
    toks: list[str] = parts[1::2]
    starts: list[int] = list(accumulate(map(len, parts), initial=0))[1:-1:2]
    end = len(text)
    toks += ("", "", "")
    starts += (end, end, end)
    return toks, starts


_MAX_NESTING = MAX_EXPR_DEPTH
"""Parentheses and calls nested deeper than this go to the Lark path (keeps recursion shallow)."""

if TYPE_CHECKING:
    _Sized = tuple[Expr, int, int, int, int]
    """(node, depth, container start, container end, next token index)."""


def _parse(source: Source, progress: _Progress) -> Model:
    """The model of ``source``; raises _Reject for anything the Lark path must handle.

    The helpers are closures over the token lists: local lookups are what make this fast.
    ``progress`` records how far it got, for :func:`scan`.
    """
    toks, starts = tokenize(source.text)
    site_ints = _SITE_INTS

    def operand(i: int, nest: int) -> _Sized:
        """``'-'* atom`` at token ``i``."""
        t = toks[i]
        c = t[:1]
        if c in _WORD_START:
            s = starts[i]
            if toks[i + 1] != "(":
                e = s + len(t)
                return _name(t, source, s, e), 1, s, e, i + 1
            if nest >= _MAX_NESTING:
                raise _Reject
            arg, depth, _, _, j = expr(i + 2, nest + 1)
            if toks[j] != ")":
                raise _Reject
            depth += 1
            if depth > MAX_EXPR_DEPTH:
                raise _Reject
            e = starts[j] + 1
            return _call(t, arg, source, s, e), depth, s, e, j + 1
        if c in _DIGITS or (c == "." and len(t) > 1):
            s = starts[i]
            e = s + len(t)
            return _num(_finite(t), source, s, e), 1, s, e, i + 1
        if t == "(":
            if nest >= _MAX_NESTING:
                raise _Reject
            node, depth, _, _, j = expr(i + 1, nest + 1)
            if toks[j] != ")":
                raise _Reject
            return node, depth, starts[i], starts[j] + 1, j + 1
        if t == "-":
            j = i + 1
            while toks[j] == "-":
                j += 1
            node, depth, _, ce, k = operand(j, nest)
            for m in range(j - 1, i - 1, -1):  # the innermost '-' first
                depth += 1
                if depth > MAX_EXPR_DEPTH:
                    raise _Reject
                node = _neg(node, source, starts[m], ce)
            return node, depth, starts[i], ce, k
        raise _Reject

    def expr(i: int, nest: int) -> _Sized:
        """``sum`` at token ``i``; stops before the first token that cannot continue it.

        One loop over operands, keeping the pending sum and product (left-associative, ``*``
        and ``/`` before ``+`` and ``-``); plain names and numbers are built inline.
        """
        sum_node: Any = None
        prod_node: Any = None
        sum_op = prod_op = ""
        sum_depth = prod_depth = sum_cs = prod_cs = 0
        while True:
            t = toks[i]
            c = t[:1]
            if c in _WORD_START and toks[i + 1] != "(":
                cs = starts[i]
                ce = cs + len(t)
                node: Any = _name(t, source, cs, ce)
                depth = 1
                i += 1
            elif c in _DIGITS:
                cs = starts[i]
                ce = cs + len(t)
                node = _num(_finite(t), source, cs, ce)
                depth = 1
                i += 1
            else:
                node, depth, cs, ce, i = operand(i, nest)
            if prod_op:
                depth = (prod_depth if prod_depth > depth else depth) + 1
                if depth > MAX_EXPR_DEPTH:
                    raise _Reject
                node = _binop(prod_op, prod_node, node, source, prod_cs, ce)
                cs = prod_cs
            t = toks[i]
            if t == "*" or t == "/":
                prod_node, prod_depth, prod_cs, prod_op = node, depth, cs, t
                i += 1
                continue
            prod_op = ""
            if sum_op:
                depth = (sum_depth if sum_depth > depth else depth) + 1
                if depth > MAX_EXPR_DEPTH:
                    raise _Reject
                node = _binop(sum_op, sum_node, node, source, sum_cs, ce)
                cs = sum_cs
            if t == "+" or t == "-":
                sum_node, sum_depth, sum_cs, sum_op = node, depth, cs, t
                i += 1
                continue
            return node, depth, cs, ce, i

    def site(i: int) -> Site:
        t = toks[i]
        index = site_ints.get(t)
        if index is None:
            index = _natural(t, 0)
        s = starts[i]
        return _site(index, source, s, s + len(t))

    def sites_until(j: int, stop1: str, stop2: str) -> tuple[list[Site], int]:
        """One or more sites from token ``j`` up to ``stop1`` or ``stop2`` (not consumed)."""
        found = []
        t = toks[j]
        while t != stop1 and t != stop2:
            index = site_ints.get(t)
            if index is None:
                index = _natural(t, 0)
            s = starts[j]
            found.append(_site(index, source, s, s + len(t)))
            j += 1
            t = toks[j]
        if not found:
            raise _Reject
        return found, j

    def arg_names(i: int) -> tuple[tuple[Arg, ...], int]:
        """``x, y)`` from token ``i`` (just after the ``(``); returns the index after the ``)``."""
        found = []
        while True:
            t = toks[i]
            if t[:1] not in _WORD_START:
                raise _Reject
            s = starts[i]
            found.append(Arg(t, Span(source, s, s + len(t))))
            if toks[i + 1] == ")":
                return tuple(found), i + 2
            if toks[i + 1] != ",":
                raise _Reject
            i += 2

    def cell(i: int) -> tuple[Cell, int]:
        """``on a, b { … }`` from the ``on`` at token ``i``."""
        on_start = starts[i]
        tokens = []
        args: tuple[Arg, ...] | None = None
        while True:
            t = toks[i + 1]
            if t[:1] not in _WORD_START:
                raise _Reject
            s = starts[i + 1]
            tokens.append(_token(t, source, s, s + len(t)))
            i += 2
            these: tuple[Arg, ...] = ()
            if toks[i] == "(":
                these, i = arg_names(i + 1)
            if args is None:
                args = these
            elif tuple(a.name for a in these) != tuple(a.name for a in args):
                raise _Reject  # lowering reports E0219
            if toks[i] != ",":
                break
        if toks[i] != "{":
            raise _Reject
        i += 1
        body: list[Any] = []
        append = body.append
        progress.cell_tokens = tuple(tokens)
        progress.cell_body = body
        while True:
            t = toks[i]
            progress.at = starts[i]
            if t == "phase":
                if toks[i + 1] != "(":
                    raise _Reject
                angle, _, _, _, j = expr(i + 2, 0)
                if toks[j] != ")":
                    raise _Reject
                found, j = sites_until(j + 1, ";", ";")
                append(_phase(angle, tuple(found), source, starts[i], starts[j] + 1))
                i = j + 1
            elif t == "measure":
                t = toks[i + 1]
                if t == "stab":
                    if toks[i + 2] != "(":
                        raise _Reject
                    vertex = site(i + 3)
                    j = i + 4
                    edges = []
                    if toks[j] == ";":
                        while True:
                            weight, _, cs, _, j = expr(j + 1, 0)
                            if toks[j] != ":":
                                raise _Reject
                            found, j = sites_until(j + 1, ",", ")")
                            edges.append(_edge(weight, tuple(found), source, cs, starts[j - 1] + len(toks[j - 1])))
                            if toks[j] == ")":
                                break
                    output = toks[j + 2]
                    if toks[j] != ")" or toks[j + 1] != "->" or output[:1] not in _WORD_START or toks[j + 3] != ";":
                        raise _Reject
                    append(_stab(vertex, tuple(edges), output, source, starts[i], starts[j + 3] + 1))
                    i = j + 4
                else:
                    basis = _BASES.get(t)
                    output = toks[i + 4]
                    if basis is None or toks[i + 3] != "->" or output[:1] not in _WORD_START or toks[i + 5] != ";":
                        raise _Reject
                    append(_measure(basis, site(i + 2), output, source, starts[i], starts[i + 5] + 1))
                    i += 6
            elif t == "reset":
                if toks[i + 2] != ";":
                    raise _Reject
                append(_reset(site(i + 1), source, starts[i], starts[i + 2] + 1))
                i += 3
            elif t == "shift":
                if toks[i + 1] != "(":
                    raise _Reject
                amount, _, _, _, j = expr(i + 2, 0)
                if toks[j] != ")" or toks[j + 2] != ";":
                    raise _Reject
                append(_shift(amount, site(j + 1), source, starts[i], starts[j + 2] + 1))
                i = j + 3
            elif t == "}":
                return Cell(tuple(tokens), tuple(body), args or (), Span(source, on_start, starts[i] + 1)), i + 1
            else:
                raise _Reject

    name = toks[1]
    if toks[0] != "hrnn" or name[:1] not in _WORD_START or toks[2] != "{":
        raise _Reject
    i = 3
    registers = progress.registers
    degrees = progress.degrees
    decls = progress.decls
    cells = progress.cells
    while True:
        t = toks[i]
        progress.at = starts[i]
        progress.cell_tokens = None
        if t == "on":
            new_cell, i = cell(i)
            cells.append(new_cell)
        elif t == "param" or t == "const":
            decl_name = toks[i + 1]
            if decl_name[:1] not in _WORD_START or toks[i + 2] != "=":
                raise _Reject
            value, _, _, _, j = expr(i + 3, 0)
            if toks[j] != ";":
                raise _Reject
            decl_type = Param if t == "param" else Const
            decls.append(decl_type(decl_name, value, Span(source, starts[i], starts[j] + 1)))
            i = j + 1
        elif t == "qubits" or t == "qumodes" or t == "degree":
            value_text = toks[i + 1]
            if toks[i + 2] != ";":
                raise _Reject
            span = Span(source, starts[i], starts[i + 2] + 1)
            if t == "degree":
                degrees.append(Degree(_natural(value_text, 1), span))
            else:
                registers.append(Register(_KINDS[t], _natural(value_text, 1), span))
            i += 3
        elif t == "}":
            break
        else:
            raise _Reject
    if toks[i + 1] != "" or len(registers) != 1 or len(degrees) != 1:
        raise _Reject
    return Model(name, registers[0], degrees[0], tuple(decls), tuple(cells), Span(source, starts[0], starts[i] + 1))


def scan(source: Source) -> Model | Prefix | None:
    """The model of a well-formed source; else what was built before the fast path gave up.

    None when it gave up in the header (``hrnn NAME {``), where there is nothing to keep.
    """
    progress = _Progress()
    model = _fast(source, progress)
    if model is not None:
        return model
    if progress.at is None:
        return None
    open_cell = None if progress.cell_tokens is None else OpenCell(progress.cell_tokens, tuple(progress.cell_body))
    return Prefix(tuple(progress.registers), tuple(progress.degrees), tuple(progress.decls), tuple(progress.cells),
                  progress.at, open_cell)


def fast_parse(source: Source) -> Model | None:
    """The model of a well-formed source, exactly as the Lark path builds it, else None.

    None means only "not handled here": the caller runs the Lark path, which produces the
    diagnostics (or, for rare forms this parser does not take, the model).
    """
    return _fast(source, _Progress())


def _fast(source: Source, progress: _Progress) -> Model | None:
    # The IR is a tree: there are no cycles to collect, and cyclic GC passes over the growing
    # tree would cost as much as building it. So the collector is off while parsing, and the
    # new objects then go straight to the oldest generation (freeze + unfreeze splices the
    # generation lists, without a pass over them) instead of being traversed by the young
    # collections that would follow. Not done if someone else uses gc.freeze.
    # A rejected parse leaves its nodes to the caller (scan's Prefix) just the same.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = _parse(source, progress)
    except (_Reject, RecursionError):
        model = None
    finally:
        if gc_was_enabled:
            gc.enable()
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
    return model


__all__ = ["OpenCell", "Prefix", "fast_parse", "scan", "tokenize"]
