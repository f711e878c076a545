"""Source spans, diagnostic codes, the one diagnostic renderer and the error classes."""

from __future__ import annotations

import bisect
import enum
import json
from dataclasses import dataclass, field
from typing import Iterable, Sequence


@dataclass(frozen=True, eq=False)
class Source:
    """A named text that spans point into. Compared by identity."""

    name: str
    """Path as the user gave it, or ``<stdin>`` / ``<string>``."""
    text: str
    """The decoded text."""
    _line_starts: tuple[int, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        find = self.text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        object.__setattr__(self, "_line_starts", tuple(starts))

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character range ``[start, end)`` in a source."""

    source: Source
    start: int
    end: int
    iteration: str | None = field(default=None, compare=False)
    """For a node unrolled from a loop: the loop variables' values, ``i = 3, j = 5``."""

    @property
    def start_line_col(self) -> tuple[int, int]:
        return self.source.line_col(self.start)

    @property
    def end_line_col(self) -> tuple[int, int]:
        """Line and column of the last character of the span (inclusive)."""
        return self.source.line_col(max(self.start, self.end - 1))

    def cover(self, other: Span | None) -> Span:
        """The smallest span containing both."""
        if other is None:
            return self
        return Span(self.source, min(self.start, other.start), max(self.end, other.end),
                    self.iteration or other.iteration)

    @property
    def where(self) -> str:
        """`` (in iteration i = 3)`` for a span inside a loop, else empty."""
        return f" (in iteration {self.iteration})" if self.iteration else ""


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


class Code(enum.Enum):
    """Every diagnostic code hrnnc emits. Codes are never reused; see docs/diagnostics.md."""

    def __new__(cls, code: str, summary: str) -> Code:
        member = object.__new__(cls)
        member._value_ = code
        member.summary = summary  # type: ignore[attr-defined]
        return member

    summary: str

    # E00xx: input and files
    E0001 = ("E0001", "file cannot be read")
    E0002 = ("E0002", "file is not UTF-8 text")
    E0003 = ("E0003", "file is too large")
    E0004 = ("E0004", "output file cannot be written")
    E0005 = ("E0005", "formatting would lose a comment")
    E0006 = ("E0006", "invalid option or argument")
    E0007 = ("E0007", "not valid hrnnc IR JSON")
    # E01xx: syntax
    E0101 = ("E0101", "unexpected character")
    E0102 = ("E0102", "unexpected token")
    E0103 = ("E0103", "unexpected end of file")
    E0104 = ("E0104", "expression nested too deeply")
    E0105 = ("E0105", "too many syntax errors; stopped")
    # E02xx: names and semantics
    E0201 = ("E0201", "missing register declaration")
    E0202 = ("E0202", "declaration given twice")
    E0203 = ("E0203", "missing degree declaration")
    E0204 = ("E0204", "invalid register size")
    E0205 = ("E0205", "invalid degree bound")
    E0206 = ("E0206", "name defined twice")
    E0207 = ("E0207", "undefined name")
    E0208 = ("E0208", "reserved name")
    E0209 = ("E0209", "unknown function")
    E0210 = ("E0210", "token defined twice")
    E0211 = ("E0211", "site out of range")
    E0212 = ("E0212", "site is not a non-negative integer")
    E0213 = ("E0213", "repeated site in a qubit hyperedge")
    E0214 = ("E0214", "stabilizer edge does not contain its vertex")
    E0215 = ("E0215", "operation not valid for this register kind")
    E0216 = ("E0216", "value is not a finite number")
    E0217 = ("E0217", "name used before its definition")
    E0218 = ("E0218", "unknown input token")
    E0219 = ("E0219", "tokens of one cell take different arguments")
    E0220 = ("E0220", "argument declared twice")
    E0221 = ("E0221", "argument named like a param, const or builtin")
    E0222 = ("E0222", "input gives the wrong number of arguments")
    E0223 = ("E0223", "input argument is not a finite number")
    E0224 = ("E0224", "malformed input sequence")
    E0225 = ("E0225", "unit cells of tokens with arguments need values for this output format")
    E0226 = ("E0226", "invalid loop bound or subset size")
    E0227 = ("E0227", "invalid loop variable")
    E0228 = ("E0228", "loops unroll past the size limit")
    E0229 = ("E0229", "invalid or out-of-range index")
    E0230 = ("E0230", "loops nested too deeply")
    E0231 = ("E0231", "loop variable used where it cannot stand")
    # E03xx: degree bound
    E0301 = ("E0301", "hyperedge degree exceeds the bound k")
    # E04xx: Lie closure
    E0401 = ("E0401", "dynamical Lie algebra leaves the hypergraph algebra h_k")
    E0402 = ("E0402", "trainability not certified (strict mode)")
    # E05xx: target limits
    E0501 = ("E0501", "operation not supported by the target")
    E0502 = ("E0502", "hyperedge exceeds the target's native arity")
    E0503 = ("E0503", "target SDK not installed")
    E0504 = ("E0504", "unbound parameter")
    E0508 = ("E0508", "file holds several unit-cell programs")
    E0509 = ("E0509", "unit-cell file names collide")
    E0505 = ("E0505", "value not representable in the target's arithmetic")
    # E06xx: simulation
    E0601 = ("E0601", "model too large to simulate in memory")
    E0602 = ("E0602", "simulation result is not finite")
    E0603 = ("E0603", "conditional state vanished on the simulation grid")
    E0610 = ("E0610", "moment order beyond the supported cap")
    E0611 = ("E0611", "a moment overflows a double at this squeezing")
    E0612 = ("E0612", "moments need a qumode model")
    E0613 = ("E0613", "observable outside the polynomial algebra")
    E0614 = ("E0614", "too many joint moments requested")
    E0615 = ("E0615", "data does not match the model's outputs")
    E0620 = ("E0620", "mixture after a reset too large for the exact densities")
    E0630 = ("E0630", "register too large for the target SDK's objects")
    # E07xx: params from outside, data and training
    E0701 = ("E0701", "unknown param name")
    E0702 = ("E0702", "param value is not a finite number")
    E0703 = ("E0703", "params file is not a JSON object of numbers")
    E0704 = ("E0704", "malformed --param assignment")
    E0705 = ("E0705", "malformed derived free parameter in a Blackbird file")
    E0710 = ("E0710", "data line is not valid JSON")
    E0711 = ("E0711", "data record has the wrong shape")
    E0712 = ("E0712", "unknown input token in data")
    E0713 = ("E0713", "output count does not match the model")
    E0714 = ("E0714", "output value of the wrong kind")
    E0715 = ("E0715", "data file has no sequences")
    E0720 = ("E0720", "data has probability zero under the model")
    E0721 = ("E0721", "loss is not finite")
    E0722 = ("E0722", "invalid training option")
    E0723 = ("E0723", "loss not available for this model")
    E0724 = ("E0724", "a hidden reset's mixture is too large for the exact qumode likelihood")
    # E08xx: tasks and experiments
    E0801 = ("E0801", "invalid task size")
    E0802 = ("E0802", "task or experiment too large")
    E0803 = ("E0803", "experiments extra not installed")
    E0804 = ("E0804", "experiment engine unavailable")
    # Warnings
    W0101 = ("W0101", "unused parameter")
    W0102 = ("W0102", "hyperedge listed twice in one stabilizer")
    W0103 = ("W0103", "token block is empty")
    W0104 = ("W0104", "unused cell argument")
    W0401 = ("W0401", "trainability not certified")
    W0701 = ("W0701", "training interrupted")
    # E09xx / W09xx: pictures
    E0901 = ("E0901", "drawing needs matplotlib")
    E0902 = ("E0902", "unsupported picture format")
    W0901 = ("W0901", "the SDK cannot draw its circuit as an image offline")
    W0902 = ("W0902", "only the first steps of a long input are drawn")


@dataclass(frozen=True, slots=True)
class Note:
    """A secondary place that explains a diagnostic."""

    message: str
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One message for the user, tied to a place in the source."""

    code: Code
    message: str
    span: Span | None = None
    severity: Severity = Severity.ERROR
    notes: tuple[Note, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def with_severity(self, severity: Severity) -> Diagnostic:
        return Diagnostic(self.code, self.message, self.span, severity, self.notes)

    def to_json(self) -> dict[str, object]:
        """JSON form used by ``hrnnc check --format json``."""
        out: dict[str, object] = {
            "code": self.code.value,
            "severity": self.severity.value,
            "message": self.message,
            "line": None,
            "column": None,
            "end_line": None,
            "end_column": None,
        }
        if self.span is not None:
            out["line"], out["column"] = self.span.start_line_col
            out["end_line"], out["end_column"] = self.span.end_line_col
            if self.span.iteration:
                out["iteration"] = self.span.iteration
        if self.notes:
            out["notes"] = [_note_json(n) for n in self.notes]
        return out


def _note_json(note: Note) -> dict[str, object]:
    out: dict[str, object] = {"message": note.message}
    if note.span is not None:
        out["line"], out["column"] = note.span.start_line_col
        if note.span.iteration:
            out["iteration"] = note.span.iteration
    return out


def error(code: Code, message: str, span: Span | None = None, notes: Iterable[Note] = ()) -> Diagnostic:
    return Diagnostic(code, message, span, Severity.ERROR, tuple(notes))


def warning(code: Code, message: str, span: Span | None = None, notes: Iterable[Note] = ()) -> Diagnostic:
    return Diagnostic(code, message, span, Severity.WARNING, tuple(notes))


_MAX_CARET_LINE = 200


def _excerpt(span: Span) -> list[str]:
    line, col = span.start_line_col
    end_line, end_col = span.end_line_col
    text = span.source.line_text(line)
    width = (end_col - col + 1) if end_line == line else len(text) - col + 1
    width = max(1, width)
    if len(text) > _MAX_CARET_LINE:
        # Keep a window around the caret so that minified or binary lines stay readable.
        lo = max(0, col - 1 - _MAX_CARET_LINE // 2)
        text = text[lo : lo + _MAX_CARET_LINE]
        col -= lo
        width = min(width, len(text) - col + 1)
    text, col, width = _visible(text.expandtabs(1), col, width)
    number = str(line)
    pad = " " * len(number)
    return [f"{pad} |", f"{number} | {text}", f"{pad} | {' ' * (col - 1)}{'^' * max(1, width)}"]


def _visible_char(ch: str) -> str:
    """A control character as printable text: ``\x1b`` → ``\\x1b``, DEL → ``\\x7f``, U+2028 → ``\\u2028``."""
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _is_control(ch: str) -> bool:
    # Cc (C0, DEL, C1), bidi overrides and isolates (Trojan Source), line/paragraph separators.
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0 or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 \
        or code in (0x2028, 0x2029, 0x200E, 0x200F, 0x061C, 0xFEFF)


def _visible(text: str, col: int, width: int) -> tuple[str, int, int]:
    """Escape control characters in an echoed source line so that a terminal shows them, not obeys them.

    ESC, CR, BEL and bidi controls would otherwise move the cursor, rewrite the line or reorder it;
    the caret's column and width are moved to stay under the same characters.
    """
    if not any(_is_control(ch) for ch in text):
        return text, col, width
    out: list[str] = []
    new_col, new_end = col, col + width
    for index, ch in enumerate(text):
        piece = _visible_char(ch) if _is_control(ch) else ch
        out.append(piece)
        grow = len(piece) - 1
        if grow:
            if index + 1 < col:
                new_col += grow
            if index + 1 < col + width:
                new_end += grow
    return "".join(out), new_col, max(1, new_end - new_col)


def visible(text: str) -> str:
    """``text`` with every control character escaped (for names and messages echoed to a terminal)."""
    return _visible(text, 1, 1)[0]


def render(diag: Diagnostic, origin: str | None = None) -> str:
    """``file:line:col: error[E0211]: message``, the source line, a caret, then notes.

    ``origin`` names the file for a diagnostic without a span (``file: error[E0218]: …``).
    """
    head = f"{diag.severity.value}[{diag.code.value}]: {diag.message}{diag.span.where if diag.span else ''}"
    lines: list[str] = []
    if diag.span is None:
        lines.append(head if origin is None else f"{visible(origin)}: {head}")
    else:
        line, col = diag.span.start_line_col
        lines.append(f"{visible(diag.span.source.name)}:{line}:{col}: {head}")
        lines.extend(_excerpt(diag.span))
    for note in diag.notes:
        if note.span is None:
            lines.append(f"  = note: {note.message}")
        else:
            nline, ncol = note.span.start_line_col
            lines.append(f"{visible(note.span.source.name)}:{nline}:{ncol}: note: {note.message}{note.span.where}")
            lines.extend(_excerpt(note.span))
    return "\n".join(lines)


def render_github(diag: Diagnostic) -> str:
    """A GitHub Actions workflow command (``::error file=…,line=…::message``)."""
    level = {"error": "error", "warning": "warning", "note": "notice"}[diag.severity.value]
    props = []
    if diag.span is not None:
        line, col = diag.span.start_line_col
        end_line, end_col = diag.span.end_line_col
        props = [f"file={_github_property(diag.span.source.name)}", f"line={line}", f"col={col}",
                 f"endLine={end_line}", f"endColumn={end_col + 1}"]
    props.append(f"title={_github_property(diag.code.value)}")
    message = diag.message + (diag.span.where if diag.span else "")
    return f"::{level} {','.join(props)}::{_github_data(message)}"


def _github_data(text: str) -> str:
    """Escape a workflow command's message (``%``, CR, LF), as @actions/core's ``escapeData``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    """Escape a workflow command's property value: the message rules plus ``:`` and ``,``."""
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def sort_key(diag: Diagnostic) -> tuple[int, int, str]:
    if diag.span is None:
        return (-1, -1, diag.code.value)
    return (diag.span.start, diag.span.end, diag.code.value)


class HrnncError(Exception):
    """Root of hrnnc's exceptions; carries the diagnostics that caused it."""

    def __init__(self, diagnostics: Sequence[Diagnostic] | str):
        if isinstance(diagnostics, str):
            diagnostics = (Diagnostic(Code.E0006, diagnostics),)
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__(self._summary())

    def _summary(self) -> str:
        return "\n".join(render(d) for d in self.diagnostics)

    def __str__(self) -> str:
        return self._summary()


class ParseFailedError(HrnncError):
    """The text is not a well-formed model (E00xx/E01xx/E02xx)."""


class CheckFailedError(HrnncError):
    """An analysis pass rejected the model (E02xx–E04xx)."""


class TargetError(HrnncError):
    """The model cannot be emitted for the chosen target (E05xx)."""


class TargetUnavailableError(TargetError):
    """The target's SDK is not installed."""


class SimulationError(HrnncError):
    """The model cannot be simulated as asked (E06xx)."""


class TrainingError(HrnncError):
    """Params, data or a training run are invalid (E07xx)."""


class ConfigurationError(HrnncError, ValueError):
    """An option or argument passed through the API is invalid."""


class InternalError(Exception):
    """A bug in hrnnc itself, never a user mistake."""


def diagnostics_to_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_json() for d in diags], indent=2)
