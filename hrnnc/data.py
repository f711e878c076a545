"""Sequence data: JSON Lines, one sequence a line, read as a stream.

Format (docs/training.md)::

    {"inputs": ["prep", ["w01", [0.37]], "s0"], "outputs": [0, 1]}

A plain token is a string, a token with arguments ``[name, [values…]]``. Outputs are in
time order: ints 0/1 for qubit models, numbers for qumode models.

:func:`read_records` checks each line's syntax and shape as it streams (the file is
never read whole); :func:`load_data` also checks every record against a model and
folds repeated sequences into counts, so memory grows with the number of *distinct*
sequences, not with the file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

import numpy as np

from hrnnc.diagnostics import Code, Diagnostic, Source, Span, TrainingError, error
from hrnnc.ir import Measure, MeasureStab, RegisterKind

if TYPE_CHECKING:
    from hrnnc.ir import Cell, Model

InputToken = tuple[str, tuple[float, ...]]
"""A token and its argument values (``()`` for a plain token)."""

MAX_REPORTED = 20
"""Stop after this many bad lines (the first ones are what the user needs)."""


@dataclass(frozen=True, slots=True)
class Record:
    """One sequence as read from a line."""

    inputs: tuple[InputToken, ...]
    outputs: tuple[float, ...]
    """Bits as ints for qubits, floats for qumodes, in time order."""
    line: int = field(default=0, compare=False)
    """1-based line number in the file (0 when the record did not come from a file)."""

    def input_text(self) -> str:
        """``prep w01(0.37) s0``: the inputs as one would type them."""
        return " ".join(name if not args else f"{name}({', '.join(repr(a) for a in args)})"
                        for name, args in self.inputs)

    def to_json(self) -> str:
        inputs = [name if not args else [name, list(args)] for name, args in self.inputs]
        return json.dumps({"inputs": inputs, "outputs": list(self.outputs)})


@dataclass(frozen=True)
class Dataset:
    """Distinct sequences with their counts (the order of first appearance is kept)."""

    records: tuple[Record, ...]
    counts: np.ndarray = field(repr=False)
    """How many times each record occurs."""
    name: str = "<data>"

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def __len__(self) -> int:
        return len(self.records)

    def subset(self, index: np.ndarray, counts: np.ndarray | None = None) -> Dataset:
        """The records at ``index`` (with ``counts`` or their own)."""
        recs = tuple(self.records[i] for i in index)
        return Dataset(recs, self.counts[index] if counts is None else counts, self.name)


def _line_span(name: str, lineno: int, line: str, start: int, end: int | None = None) -> Span:
    """A span on one line of a file, without holding the file (earlier lines are blank)."""
    source = Source(name, "\n" * (lineno - 1) + line)
    offset = lineno - 1
    start = max(0, min(start, len(line)))
    return Span(source, offset + start, offset + max(start + 1, end if end is not None else start + 1))


def _find(line: str, needle: str, default: int = 0) -> int:
    at = line.find(needle)
    return default if at < 0 else at


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def parse_record(value: Any, where: tuple[str, int, str] | None = None) -> Record:
    """A record from a decoded JSON value (or a Python dict of the same shape).

    Raises:
        TrainingError: E0711 when the shape is wrong.
    """
    name, lineno, line = where or ("<data>", 0, "")

    def bad(message: str, needle: str = "") -> TrainingError:
        span = _line_span(name, lineno, line, _find(line, needle)) if lineno else None
        return TrainingError([error(Code.E0711, message, span)])

    if not isinstance(value, Mapping) or "inputs" not in value or "outputs" not in value:
        raise bad('expected an object {"inputs": [...], "outputs": [...]}')
    extra = sorted(set(value) - {"inputs", "outputs"})
    if extra:
        raise bad(f"unexpected key(s) {', '.join(map(repr, extra))}; a record has only inputs and outputs",
                  f'"{extra[0]}"')
    raw_inputs, raw_outputs = value["inputs"], value["outputs"]
    if not isinstance(raw_inputs, list):
        raise bad('"inputs" must be a list of tokens', '"inputs"')
    if not isinstance(raw_outputs, list):
        raise bad('"outputs" must be a list of numbers', '"outputs"')
    inputs: list[InputToken] = []
    for item in raw_inputs:
        if isinstance(item, str):
            inputs.append((item, ()))
        elif (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], list)
              and all(_number(v) and math.isfinite(v) for v in item[1])):
            inputs.append((item[0], tuple(float(v) for v in item[1])))
        else:
            raise bad(f"input {json.dumps(item)} is neither a token \"name\" nor [\"name\", [finite numbers…]]",
                      json.dumps(item)[:8])
    for out in raw_outputs:
        if not _number(out) or not math.isfinite(out):
            raise TrainingError([error(Code.E0714, f"output {json.dumps(out)} is not a finite number",
                                       _line_span(name, lineno, line, _find(line, '"outputs"')) if lineno else None)])
    return Record(tuple(inputs), tuple(raw_outputs), lineno)


def read_records(path: str) -> Iterator[Record]:
    """Stream the records of a JSON Lines file (blank lines are skipped).

    Raises:
        TrainingError: E0001 unreadable file, E0710 invalid JSON (file:line:column),
            E0711 wrong shape, E0715 no record at all. Up to :data:`MAX_REPORTED`
            bad lines are reported together.
    """
    problems: list[Diagnostic] = []
    seen = 0
    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise TrainingError([error(Code.E0001, f"cannot read data file {path}: {exc.strerror or exc}")]) from None
    with handle:
        lineno = 0
        try:
            for lineno, raw in enumerate(handle, 1):  # noqa: B007 - lineno is used after the loop
                line = raw.rstrip("\r\n")
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    problems.append(error(Code.E0710, f"not valid JSON: {exc.msg}",
                                          _line_span(path, lineno, line, exc.pos)))
                else:
                    try:
                        record = parse_record(value, (path, lineno, line))
                    except TrainingError as exc:
                        problems.extend(exc.diagnostics)
                    else:
                        seen += 1
                        if not problems:
                            yield record
                if len(problems) >= MAX_REPORTED:
                    break
        except UnicodeDecodeError:
            problems.append(error(Code.E0002, f"{path}: line {lineno + 1} is not UTF-8 text"))
    if problems:
        raise TrainingError(problems)
    if seen == 0:
        raise TrainingError([error(Code.E0715, f"{path}: the data file holds no sequences "
                                               "(one JSON object per line is expected)")])


class _Checker:
    """Checks records against a model: tokens known, argument counts, output count and kinds
    (E0711–E0714)."""

    def __init__(self, model: Model):
        self.model = model
        self.measurements: dict[str, int] = {}
        self.arguments: dict[str, tuple[str, ...]] = {}
        for cell in model.cells:
            count = _measurements(cell)
            for tok in cell.tokens:
                self.measurements.setdefault(tok.name, count)
                self.arguments.setdefault(tok.name, cell.arg_names)

    def problems(self, record: Record, name: str, line: str) -> list[Diagnostic]:
        where = (lambda needle: _line_span(name, record.line, line, _find(line, needle))) if record.line else \
            (lambda needle: None)
        out: list[Diagnostic] = []
        unknown = [tok for tok, _ in record.inputs if tok not in self.measurements]
        for tok in dict.fromkeys(unknown):
            alphabet = ", ".join(self.model.alphabet) or "(empty)"
            out.append(error(Code.E0712, f"input token {tok!r} has no 'on' block in model '{self.model.name}'; "
                                         f"the alphabet is: {alphabet}", where(json.dumps(tok))))
        if out:
            return out
        for tok, args in record.inputs:
            names = self.arguments[tok]
            if len(args) != len(names):
                takes = f"takes {len(names)} argument(s) ({', '.join(names)})" if names else "takes no arguments"
                out.append(error(Code.E0711, f"token {tok!r} {takes}, but the record gives {len(args)}",
                                 where(json.dumps(tok))))
                return out
        expected = sum(self.measurements[tok] for tok, _ in record.inputs)
        if expected != len(record.outputs):
            out.append(error(Code.E0713, f"the inputs '{record.input_text()}' make model '{self.model.name}' "
                                         f"measure {expected} time(s), but the record has {len(record.outputs)} "
                                         "output(s)", where('"outputs"')))
            return out
        if self.model.kind is RegisterKind.QUBITS:
            for t, value in enumerate(record.outputs):
                if not isinstance(value, int) or value not in (0, 1):
                    out.append(error(Code.E0714, f"output {t + 1} is {json.dumps(value)}, but qubit outputs are "
                                                 "bits, 0 or 1", where('"outputs"')))
                    break
        return out


def _measurements(cell: Cell) -> int:
    return sum(1 for s in cell.body if isinstance(s, (Measure, MeasureStab)))


def _read_line(path: str, lineno: int) -> str:
    """The text of one line (read again only for a record that failed a check)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, 1):
            if number == lineno:
                return raw.rstrip("\r\n")
    return ""


def _fold(model: Model, records: Iterable[Record], name: str, line_of: Callable[[Record], str]) -> Dataset:
    checker = _Checker(model)
    index: dict[Record, int] = {}
    firsts: list[Record] = []
    counts: list[int] = []
    problems: list[Diagnostic] = []
    for record in records:
        if checker.problems(record, name, ""):
            problems.extend(checker.problems(record, name, line_of(record)))
            if len(problems) >= MAX_REPORTED:
                break
            continue
        if model.kind is RegisterKind.QUMODES:
            record = Record(record.inputs, tuple(float(v) for v in record.outputs), record.line)
        at = index.get(record)
        if at is None:
            index[record] = len(firsts)
            firsts.append(record)
            counts.append(1)
        else:
            counts[at] += 1
    if problems:
        raise TrainingError(problems)
    if not firsts:
        raise TrainingError([error(Code.E0715, f"{name}: no sequences")])
    return Dataset(tuple(firsts), np.array(counts, dtype=np.int64), name)


def load_data(path: str, model: Model) -> Dataset:
    """Stream a JSON Lines file, check every record against ``model``, fold repeats into counts.

    Raises:
        TrainingError: E0001/E0710/E0711/E0715 (see :func:`read_records`), E0712 unknown
            token, E0713 output count mismatch, E0714 a non-bit output for a qubit model.
    """
    return _fold(model, read_records(path), path, lambda r: _read_line(path, r.line))


def dataset_from(model: Model, data: Iterable[Any] | Dataset | str) -> Dataset:
    """A :class:`Dataset` from a path, a Dataset, or records / dicts / ``(inputs, outputs)`` pairs.

    ``inputs`` may be a string (``"prep s0"``) or a list in the file format.
    """
    if isinstance(data, Dataset):
        return data
    if isinstance(data, str):
        return load_data(data, model)
    records: list[Record] = []
    for item in data:
        if isinstance(item, Record):
            records.append(item)
            continue
        if isinstance(item, tuple) and len(item) == 2:
            inputs, outputs = item
            item = {"inputs": inputs.split() if isinstance(inputs, str) else list(inputs), "outputs": list(outputs)}
        records.append(parse_record(item))
    return _fold(model, records, "<data>", lambda r: "")


def records_jsonl(model: Model, inputs: Iterable[str], samples: Iterable[Any]) -> Iterator[str]:
    """JSON Lines of samples of one input sequence (``hrnnc simulate --format jsonl``)."""
    from hrnnc.ir import unroll_steps

    tokens = [s.token if not s.args else [s.token, [v for _, v in s.args]] for s in unroll_steps(model, list(inputs))]
    for sample in samples:
        outputs = [int(c) for c in sample] if model.kind is RegisterKind.QUBITS else [float(v) for v in sample]
        yield json.dumps({"inputs": tokens, "outputs": outputs})


__all__ = ["Dataset", "InputToken", "Record", "dataset_from", "load_data", "parse_record", "read_records",
           "records_jsonl"]
