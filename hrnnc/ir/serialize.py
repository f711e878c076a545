"""IR ↔ JSON. ``from_json(to_json(m)) == m`` exactly (floats are written with ``repr``)."""

from __future__ import annotations

import json
from typing import Any

from hrnnc.diagnostics import Code, ParseFailedError, Source, Span, error
from hrnnc.ir.expr import BinOp, Call, Expr, Name, Neg, Num
from hrnnc.ir.nodes import (
    Arg,
    Basis,
    Cell,
    Const,
    Degree,
    Measure,
    MeasureStab,
    Model,
    Param,
    Phase,
    Register,
    RegisterKind,
    Reset,
    Shift,
    Site,
    StabEdge,
    Statement,
    Token,
)

FORMAT_VERSION = 1


def _span(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def expr_to_json(expr: Expr) -> Any:
    """Numbers are JSON numbers, names strings, and compound nodes small objects."""
    if isinstance(expr, Num):
        return expr.value
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Neg):
        return {"neg": expr_to_json(expr.operand)}
    if isinstance(expr, BinOp):
        return {"op": expr.op, "left": expr_to_json(expr.left), "right": expr_to_json(expr.right)}
    return {"call": expr.func, "arg": expr_to_json(expr.arg)}


def _stmt_to_json(stmt: Statement) -> dict[str, Any]:
    if isinstance(stmt, Phase):
        out: dict[str, Any] = {"op": "phase", "angle": expr_to_json(stmt.angle), "sites": list(stmt.indices)}
    elif isinstance(stmt, Shift):
        out = {"op": "shift", "amount": expr_to_json(stmt.amount), "site": stmt.site.index}
    elif isinstance(stmt, MeasureStab):
        out = {"op": "measure_stab", "vertex": stmt.vertex.index, "output": stmt.output,
               "edges": [{"weight": expr_to_json(e.weight), "sites": list(e.indices), "span": _span(e.span)}
                         for e in stmt.edges]}
    elif isinstance(stmt, Measure):
        out = {"op": "measure", "basis": stmt.basis.value, "site": stmt.site.index, "output": stmt.output}
    else:
        out = {"op": "reset", "site": stmt.site.index}
    out["span"] = _span(stmt.span)
    return out


def to_dict(model: Model) -> dict[str, Any]:
    return {
        "hrnnc_ir": FORMAT_VERSION,
        "source": model.span.source.name if model.span is not None else None,
        "name": model.name,
        "register": {"kind": model.kind.value, "size": model.size},
        "degree": model.k,
        "decls": [
            {"kind": "param", "name": d.name, "value": expr_to_json(d.init), "span": _span(d.span)}
            if isinstance(d, Param)
            else {"kind": "const", "name": d.name, "value": expr_to_json(d.value), "span": _span(d.span)}
            for d in model.decls
        ],
        "cells": [
            {"tokens": [t.name for t in c.tokens], "args": list(c.arg_names), "body": [_stmt_to_json(s) for s in c.body],
             "span": _span(c.span)}
            for c in model.cells
        ],
    }


def to_json(model: Model, indent: int | None = 2) -> str:
    return json.dumps(to_dict(model), indent=indent)


class _Reader:
    def __init__(self, source: Source | None):
        self.source = source

    def span(self, raw: Any) -> Span | None:
        if raw is None or self.source is None:
            return None
        return Span(self.source, int(raw[0]), int(raw[1]))

    def expr(self, raw: Any) -> Expr:
        if isinstance(raw, bool):
            raise ValueError("booleans are not expressions")
        if isinstance(raw, (int, float)):
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError(f"the number {raw!r} is not finite")
            return Num(value)
        if isinstance(raw, str):
            return Name(raw)
        if "neg" in raw:
            return Neg(self.expr(raw["neg"]))
        if "call" in raw:
            return Call(raw["call"], self.expr(raw["arg"]))
        return BinOp(raw["op"], self.expr(raw["left"]), self.expr(raw["right"]))

    def sites(self, raw: list[int]) -> tuple[Site, ...]:
        return tuple(Site(int(i)) for i in raw)

    def stmt(self, raw: dict[str, Any]) -> Statement:
        op, span = raw["op"], self.span(raw.get("span"))
        if op == "phase":
            return Phase(self.expr(raw["angle"]), self.sites(raw["sites"]), span)
        if op == "shift":
            return Shift(self.expr(raw["amount"]), Site(int(raw["site"])), span)
        if op == "measure_stab":
            edges = tuple(StabEdge(self.expr(e["weight"]), self.sites(e["sites"]), self.span(e.get("span")))
                          for e in raw["edges"])
            return MeasureStab(Site(int(raw["vertex"])), edges, str(raw["output"]), span)
        if op == "measure":
            return Measure(Basis(raw["basis"]), Site(int(raw["site"])), str(raw["output"]), span)
        if op == "reset":
            return Reset(Site(int(raw["site"])), span)
        raise ValueError(f"unknown statement op {op!r}")


class MalformedIRError(ParseFailedError, ValueError):
    """The text is not hrnnc IR JSON (E0007); a ValueError too, as before it had a code."""


def from_dict(data: dict[str, Any], source: Source | None = None) -> Model:
    """Rebuild a model; spans are restored only when the source text is given.

    Raises:
        MalformedIRError: The data is not hrnnc IR of a known version (E0007).
    """
    try:
        return _from_dict(data, source)
    except MalformedIRError:
        raise
    except (KeyError, TypeError, IndexError, AttributeError, ValueError, RecursionError) as exc:
        raise _malformed(f"{type(exc).__name__}: {exc}" if isinstance(exc, KeyError) else str(exc)) from None


def _malformed(reason: str) -> MalformedIRError:
    return MalformedIRError([error(Code.E0007, f"not valid hrnnc IR: {reason}")])


def _from_dict(data: Any, source: Source | None) -> Model:
    if not isinstance(data, dict):
        raise _malformed(f"the top level is a JSON {type(data).__name__}, not an object")
    if data.get("hrnnc_ir") != FORMAT_VERSION:
        raise _malformed(f"'hrnnc_ir' is {data.get('hrnnc_ir')!r}, not version {FORMAT_VERSION}")
    r = _Reader(source)
    decls = tuple(
        Param(d["name"], r.expr(d["value"]), r.span(d.get("span")))
        if d["kind"] == "param"
        else Const(d["name"], r.expr(d["value"]), r.span(d.get("span")))
        for d in data["decls"]
    )
    cells = tuple(
        Cell(tuple(Token(t) for t in c["tokens"]), tuple(r.stmt(s) for s in c["body"]),
             tuple(Arg(str(a)) for a in c.get("args", ())), r.span(c.get("span")))
        for c in data["cells"]
    )
    register = Register(RegisterKind(data["register"]["kind"]), int(data["register"]["size"]))
    return Model(str(data["name"]), register, Degree(int(data["degree"])), decls, cells)


def _no_constant(name: str) -> Any:
    raise _malformed(f"{name} is not a JSON number (IR numbers are finite)")


def from_json(text: str, source: Source | None = None) -> Model:
    """Parse :func:`to_json`'s output.

    Raises:
        MalformedIRError: Not JSON, not hrnnc IR, or a non-finite number (E0007).
    """
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _malformed("the JSON is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise _malformed(f"not JSON: {exc}") from None
    return from_dict(data, source)
