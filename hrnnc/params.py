"""Param values from outside the model: ``--param NAME=VALUE``, ``--params P.json``, API ``params=``.

Every command that runs or compiles a model takes values this way; they override the
initial values written in the file. Values are checked here once (E0701–E0704), so the
simulators, targets and training see only declared names and finite floats.

A trained model is written back by :func:`rewrite_param_inits`, which edits the text of
each ``param`` initialiser in place: comments, layout and every other line stay as the
author wrote them.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Mapping

from hrnnc.diagnostics import Code, Source, Span, TrainingError, error
from hrnnc.ir import Expr, Model, Neg, Num, Param, format_number, initial_param_values

if TYPE_CHECKING:
    from collections.abc import Iterable


def _declared(model: Model) -> str:
    names = [p.name for p in model.params]
    return ", ".join(names) if names else "(none)"


def finite_value(name: str, value: Any, origin: str) -> float:
    """``value`` as a float, or E0702 (booleans, strings, NaN and infinities are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TrainingError([error(Code.E0702, f"{origin}: the value of param '{name}' must be a number, "
                                               f"not {value!r}")])
    number = float(value)
    if not math.isfinite(number):
        raise TrainingError([error(Code.E0702, f"{origin}: the value of param '{name}' must be finite, "
                                               f"not {number!r}")])
    return number


def resolve_params(model: Model, params: Mapping[str, Any] | None, origin: str = "params") -> dict[str, float]:
    """Every param's value: the file's initial values overridden by ``params``.

    Raises:
        TrainingError: An unknown name (E0701, one diagnostic per name) or a value that is
            not a finite number (E0702).
    """
    values = initial_param_values(model)
    if not params:
        return values
    unknown = [name for name in params if name not in values]
    if unknown:
        raise TrainingError([error(Code.E0701, f"{origin}: model '{model.name}' has no param '{name}'; "
                                               f"its params are: {_declared(model)}") for name in unknown])
    for name, value in params.items():
        values[name] = finite_value(name, value, origin)
    return values


def parse_param_assignment(text: str) -> tuple[str, float]:
    """``"g=0.5"`` → ``("g", 0.5)``; the value is a decimal or ``inf``-free float literal.

    Raises:
        TrainingError: No ``=`` or an empty name (E0704); a value that is not a finite number (E0702).
    """
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name:
        raise TrainingError([error(Code.E0704, f"--param {text!r}: expected NAME=VALUE, e.g. --param g=0.5")])
    try:
        value = float(raw)
    except ValueError:
        raise TrainingError([error(Code.E0702, f"--param {text!r}: {raw!r} is not a number")]) from None
    return name, finite_value(name, value, "--param")


def parse_params_text(text: str, name: str) -> dict[str, float]:
    """A params document: one JSON object mapping param names to numbers.

    Raises:
        TrainingError: Malformed JSON (E0703 at its line and column), another JSON value
            than an object (E0703), or a non-number value (E0702).
    """
    source = Source(name, text)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TrainingError([error(Code.E0703, f"not valid JSON: {exc.msg}",
                                   Span(source, exc.pos, exc.pos + 1))]) from None
    if not isinstance(data, dict):
        raise TrainingError([error(Code.E0703, f"{name}: expected a JSON object such as "
                                               f"{{\"g\": 0.5}}, not {type(data).__name__}")])
    return {str(key): finite_value(str(key), value, name) for key, value in data.items()}


def read_params_file(path: str) -> dict[str, float]:
    """:func:`parse_params_text` of a file (E0001 when it cannot be read)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise TrainingError([error(Code.E0001, f"cannot read params file {path}: {exc}")]) from None
    return parse_params_text(text, path)


def combine_params(files: Iterable[str], assignments: Iterable[str]) -> dict[str, float] | None:
    """``--params`` files in order, then ``--param`` assignments (later ones win); None if neither."""
    values: dict[str, float] = {}
    given = False
    for path in files:
        values.update(read_params_file(path))
        given = True
    for text in assignments:
        name, value = parse_param_assignment(text)
        values[name] = value
        given = True
    return values if given else None


def param_literal(value: float) -> Expr:
    """The expression that :func:`format_number` text reads back as (a minus sign is a :class:`Neg`;
    ``-0.0`` is written, and so read, as ``0``)."""
    return Neg(Num(-value)) if value < 0 else Num(value + 0.0)


def with_param_values(model: Model, values: Mapping[str, float]) -> Model:
    """The model with the given params' initialisers replaced by their values (spans kept)."""
    decls = tuple(replace(d, init=replace(param_literal(values[d.name]), span=d.init.span))
                  if isinstance(d, Param) and d.name in values else d for d in model.decls)
    return replace(model, decls=decls)


def rewrite_param_inits(text: str, model: Model, values: Mapping[str, float]) -> str:
    """The source ``text`` of ``model`` with each given param's initialiser replaced by its value.

    Only the characters of the initialiser expressions change; comments, blank lines,
    spacing and every other statement are kept byte for byte.

    Raises:
        ValueError: A param of ``values`` has no initialiser span in ``text`` (a model
            that was not parsed from this text).
    """
    edits: list[tuple[int, int, str]] = []
    for param in model.params:
        if param.name not in values:
            continue
        span = param.init.span
        if span is None or span.source.text != text:
            raise ValueError(f"param '{param.name}' has no initialiser span in this text")
        edits.append((span.start, span.end, format_number(values[param.name])))
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    return out


def params_json(values: Mapping[str, float]) -> str:
    """The ``--params`` / ``--params-out`` document (exact floats, declaration order kept)."""
    return json.dumps({name: float(v) for name, v in values.items()}, indent=2) + "\n"


__all__ = ["combine_params", "finite_value", "param_literal", "params_json", "parse_param_assignment",
           "parse_params_text", "read_params_file", "resolve_params", "rewrite_param_inits", "with_param_values"]
