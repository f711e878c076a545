"""Front end: text → :class:`hrnnc.ir.Model`, with diagnostics instead of exceptions."""

from __future__ import annotations

from pathlib import Path

from hrnnc.diagnostics import Code, Diagnostic, ParseFailedError, Source, Span, error
from hrnnc.ir import Model

MAX_SOURCE_BYTES = 64 * 1024 * 1024
"""Largest file the front end reads; larger ones are E0003, not a memory blow-up."""


def decode(data: bytes, name: str) -> tuple[Source, list[Diagnostic]]:
    """Bytes → Source. Invalid UTF-8 and NUL bytes are diagnostics pointing at the byte."""
    if len(data) > MAX_SOURCE_BYTES:
        source = Source(name, "")
        return source, [error(Code.E0003, f"file is {len(data)} bytes; the limit is {MAX_SOURCE_BYTES}")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        source = Source(name, text)
        offset = len(data[: exc.start].decode("utf-8", errors="replace"))
        return source, [error(Code.E0002, f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8",
                              Span(source, offset, offset + 1))]
    source = Source(name, text)
    nul = text.find("\x00")
    if nul != -1:
        return source, [error(Code.E0002, "file contains a NUL byte; is it binary?", Span(source, nul, nul + 1))]
    return source, []


def parse_source(source: Source) -> tuple[Model | None, list[Diagnostic]]:
    """Parse and lower one source. Returns (model or None, diagnostics)."""
    from hrnnc.frontend.fast import scan
    from hrnnc.frontend.lower import lower
    from hrnnc.frontend.parser import parse_tree

    # The fast path takes well-formed text; where it gives up, the Lark path checks the syntax
    # of the rest only, so a syntax error near the end of a large file costs what the rest
    # costs (issue #16). Lowering needs the whole tree: text that is syntactically valid but
    # left to Lark (loops, rare forms, lowering errors) is then parsed whole.
    scanned = scan(source)
    if isinstance(scanned, Model):
        return scanned, []
    tree, diagnostics = parse_tree(source, None if scanned is None else scanned.resume_at)
    if tree is None:
        return None, diagnostics
    if scanned is not None:
        tree, diagnostics = parse_tree(source)
        if tree is None:
            return None, diagnostics
    model, lowering_diagnostics = lower(tree, source)
    if any(d.is_error for d in lowering_diagnostics):
        return None, lowering_diagnostics
    return model, lowering_diagnostics


def read_source(path: str | Path) -> tuple[Source, list[Diagnostic]]:
    """Read a file (``-`` is standard input) into a Source."""
    import sys

    name = str(path)
    try:
        if name == "-":
            name = "<stdin>"
            if sys.stdin is None:  # started with standard input closed (<&-)
                return Source(name, ""), [error(Code.E0001, "cannot read <stdin>: standard input is closed")]
            data = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
        else:
            with open(path, "rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return Source(name, ""), [error(Code.E0001, f"cannot read {name}: {reason}")]
    return decode(data, name)


def parse_text(text: str, name: str = "<string>") -> Model:
    """Parse model text; raises :class:`ParseFailedError` with every diagnostic on failure."""
    source = Source(name, text)
    model, diagnostics = parse_source(source)
    if model is None:
        raise ParseFailedError(diagnostics)
    return model


def parse_file(path: str | Path) -> Model:
    source, diagnostics = read_source(path)
    if diagnostics:
        raise ParseFailedError(diagnostics)
    model, diagnostics = parse_source(source)
    if model is None:
        raise ParseFailedError(diagnostics)
    return model


__all__ = ["MAX_SOURCE_BYTES", "decode", "parse_file", "parse_source", "parse_text", "read_source"]
