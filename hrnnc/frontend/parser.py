"""Builds the LALR parser once and turns Lark's errors into diagnostics, recovering per statement.

The parser is Lark's standalone LALR parser generated from ``grammar/hrnn.lark`` into
``grammar/hrnn_parser.py`` (``python -m hrnnc.grammar.regenerate``), so hrnnc never imports
the ``lark`` package, whatever version (or ``lark-parser`` 0.x) is installed.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from hrnnc.diagnostics import Code, Diagnostic, Source, Span, error

if TYPE_CHECKING:
    from hrnnc.grammar.hrnn_parser import Lark, Tree, UnexpectedInput

MAX_SYNTAX_ERRORS = 20
"""After this many syntax errors in one file the parser stops (E0105)."""


@functools.cache
def lark_parser() -> Lark:
    """The LALR parser for ``grammar/hrnn.lark`` (contextual lexer, positions, placeholders), built once."""
    from hrnnc.grammar.hrnn_parser import Lark_StandAlone

    return Lark_StandAlone()


_TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "REGISTER_KIND": "'qubits'|'qumodes'",
    "BASIS": "a basis (z, x, q or p)",
    "ADD_OP": "'+'|'-'",
    "MUL_OP": "'*'|'/'",
    "$END": "end of file",
}
"""Words for terminals; ``|`` separates several words that one terminal stands for."""


_KEYWORD_PATTERN = re.compile(r"^([a-z]+)\(\?!\[A-Za-z_0-9\]\)$")


@functools.cache
def _terminal_words() -> dict[str, str]:
    from hrnnc.grammar.hrnn_parser import PatternRE, PatternStr

    words = dict(_TERMINAL_WORDS)
    for term in lark_parser().terminals:
        if isinstance(term.pattern, PatternStr):
            words.setdefault(term.name, f"'{term.pattern.value}'")
        elif isinstance(term.pattern, PatternRE):
            keyword = _KEYWORD_PATTERN.match(term.pattern.value)
            if keyword:
                words.setdefault(term.name, f"'{keyword.group(1)}'")
    return words


def describe_expected(names: set[str] | frozenset[str]) -> str:
    """Lark terminal names → words a user reads (never Lark's internal names)."""
    words = _terminal_words()
    described = sorted({word for n in names if n not in ("WS", "COMMENT")
                        for word in words.get(n, n.lower()).split("|")})
    if not described:
        return ""
    if len(described) == 1:
        return described[0]
    return ", ".join(described[:-1]) + " or " + described[-1]


def _token_text(value: str) -> str:
    return value if len(value) <= 30 else value[:27] + "..."


def syntax_diagnostic(exc: UnexpectedInput, source: Source) -> Diagnostic:
    """Map one Lark error to a diagnostic, refined by the example table where it matches."""
    from hrnnc.grammar.hrnn_parser import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    from hrnnc.frontend.syntax_errors import refine

    text = source.text
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        span = Span(source, pos, pos + 1)
        char = text[pos] if pos < len(text) else ""
        shown = repr(char)[1:-1] if char.isprintable() else f"U+{ord(char):04X}" if char else "?"
        expected = describe_expected(set(exc.allowed or ()))
        message = f"unexpected character '{shown}'" + (f"; expected {expected}" if expected else "")
        return error(Code.E0101, message, span)
    tok = getattr(exc, "token", None)
    if isinstance(exc, UnexpectedToken) and tok is not None and tok.type != "$END":
        start = tok.start_pos if tok.start_pos is not None else 0
        end = tok.end_pos if tok.end_pos is not None else start + len(tok)
        span = Span(source, start, max(end, start + 1))
        hint = refine(exc)
        expected = describe_expected(set(exc.expected))
        message = f"unexpected '{_token_text(str(tok))}'"
        message += f"; {hint}" if hint else (f"; expected {expected}" if expected else "")
        return error(Code.E0102, message, span)
    expected_names = set(exc.expected) if isinstance(exc, (UnexpectedToken, UnexpectedEOF)) else set()
    end = len(text.rstrip())
    span = Span(source, max(0, end - 1), max(1, end))
    expected = describe_expected(expected_names)
    return error(Code.E0103, "unexpected end of file" + (f"; expected {expected}" if expected else ""), span)


_COMMENT = re.compile(r"#[^\n]*")


def _spaces(text: str) -> str:
    """``text`` with every character but newlines made a space (line by line: megabytes in milliseconds)."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` by spaces, keeping newlines, so every offset stays put."""
    return text[:start] + _spaces(text[start:end]) + text[end:]


def _matching_brace(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def recovery_region(text: str, pos: int) -> tuple[int, int] | None:
    """The statement around an error at ``pos`` to blank out before parsing again.

    The region runs from just after the last ``;`` outside parentheses, ``{`` or ``}``
    before ``pos`` to the next such ``;`` (inclusive) or brace (exclusive). If that region is already blank, the
    offending character goes instead (a whole block for ``{``). None when no progress
    is possible, or the error is in the header, where every guess would cascade.
    """
    first_brace = text.find("{")
    if first_brace == -1 or pos <= first_brace:
        return None
    # A ';' inside parentheses separates a stabilizer's vertex from its edges; it ends nothing.
    start = max(text.rfind("{", 0, pos), text.rfind("}", 0, pos)) + 1
    depth = 0
    for i in range(start, pos):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth <= 0:
            start, depth = i + 1, 0
    end = len(text)
    for i in range(pos, len(text)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth <= 0:
            end = i + 1
            break
        elif ch in "{}":
            end = i
            break
    if text[start:end].strip():
        return start, end
    if pos >= len(text):
        return None
    if text[pos] == "{":
        return pos, _matching_brace(text, pos)
    return pos, pos + 1


def _keep_from(work: str, end: int) -> int:
    """Scan back from ``end`` through one block to where its last two complete items start.

    Items end at a ``;`` outside parentheses or at a ``}`` closing a nested block. Lark
    reduces list rules lazily, so the parser's stack at ``end`` depends on the last two
    items only; everything older in the block can be blanked without changing it.
    """
    braces = parens = seen = 0
    for i in range(end - 1, -1, -1):
        ch = work[i]
        if ch == "}":
            if braces == 0:
                seen += 1
                if seen == 3:
                    return i + 1
            braces += 1
        elif ch == "{":
            if braces == 0:
                return i + 1
            braces -= 1
        elif ch == ")":
            parens += 1
        elif ch == "(":
            parens -= 1
        elif ch == ";" and braces == 0 and parens <= 0:
            parens = 0
            seen += 1
            if seen == 3:
                return i + 1
    return 0


_BLOCK_BODY = re.compile(r"(?<=\{)[^{}]*(?=\})")


def _blank_bodies(text: str, start: int, end: int) -> str:
    """Blank the bodies of the ``{ … }`` blocks in ``text[start:end]``, keeping their braces.

    The parser's state after a complete cell depends on the cell being there, not on what it
    holds, so the context kept before a resume point needs only the cells' headers.
    """
    region = _BLOCK_BODY.sub(lambda m: _spaces(m.group()), text[start:end])
    return text[:start] + region + text[end:]


def resume_text(work: str, boundary: int) -> str:
    """``work`` with the statements and items before ``boundary`` blanked, except the last two per level.

    Recovery always resumes at a statement boundary, and only diagnostics are wanted after
    the first error. The parser's state there depends on the two latest items of the cell
    (if inside one) and of the model, and on the cell's header: those are kept verbatim,
    at their offsets, and everything older becomes spaces, which the lexer skips in one
    match; the two cells kept at the model's level keep only their headers. Each further
    error then costs roughly the text after the boundary, and the diagnostics are exactly
    those of re-parsing the whole text.
    """
    depth = work.count("{", 0, boundary) - work.count("}", 0, boundary)
    model_brace = work.find("{")
    if depth == 1:
        keep = max(_keep_from(work, boundary), model_brace + 1)
        return _blank_bodies(_blank(work, model_brace + 1, keep), keep, boundary)
    if depth == 2:
        keep_cell = _keep_from(work, boundary)
        cell_brace = work.rfind("{", 0, boundary)
        header_start = max(work.rfind(";", 0, cell_brace), work.rfind("}", 0, cell_brace), model_brace) + 1
        keep_model = max(_keep_from(work, header_start), model_brace + 1)
        text = _blank(work, cell_brace + 1, max(keep_cell, cell_brace + 1))
        return _blank_bodies(_blank(text, model_brace + 1, keep_model), keep_model, header_start)
    return work


def _first_rejected(text: str, boundary: int) -> int | None:
    """Where the fast path, run over ``text``, gives up at or after ``boundary``; None if it takes all of it.

    The Lark parser, run from ``boundary``, would find no error before that point (the fast
    path takes only well-formed text), and its state there depends only on the context that
    :func:`resume_text` keeps; so after an error, Lark needs to start only where the fast path
    stops, and a file with errors far apart costs the fast path's time between them.
    """
    from hrnnc.frontend.fast import Prefix, scan

    scanned = scan(Source("<resume>", text))
    if isinstance(scanned, Prefix):
        return max(scanned.resume_at, boundary)
    return boundary if scanned is None else None


def parse_tree(source: Source, resume_at: int | None = None) -> tuple[Tree | None, list[Diagnostic]]:
    """Parse to a Lark tree; on errors, blank the failing statement and go on.

    Returns the tree (None if any syntax error) and every syntax diagnostic found. After
    the first error only diagnostics are wanted, so parsing resumes from the boundary
    after the blanked statement (:func:`resume_text`) rather than from the start.

    ``resume_at`` is a statement or item boundary before which the text is known to be well
    formed (the fast path's :class:`~hrnnc.frontend.fast.Prefix`): parsing then starts there,
    as recovery does, and the tree holds only the items from there on (plus the parser's
    context: the two before it at each level, and the header of the block it is in), so it
    serves to find syntax errors only. The diagnostics are those of parsing the whole text.
    """
    from hrnnc.grammar.hrnn_parser import UnexpectedInput

    parser = lark_parser()
    work = _COMMENT.sub(lambda m: " " * len(m.group()), source.text)
    text = work if resume_at is None else resume_text(work, resume_at)
    diagnostics: list[Diagnostic] = []
    while True:
        try:
            tree = parser.parse(text)
        except UnexpectedInput as exc:
            diagnostics.append(syntax_diagnostic(exc, source))
            if len(diagnostics) >= MAX_SYNTAX_ERRORS:
                diagnostics.append(error(Code.E0105, f"stopped after {MAX_SYNTAX_ERRORS} syntax errors"))
                return None, diagnostics
            if diagnostics[-1].code is Code.E0103:
                return None, diagnostics  # nothing follows the end of the file
            pos = getattr(exc, "pos_in_stream", None)
            token = getattr(exc, "token", None)
            if token is not None and getattr(token, "start_pos", None) is not None:
                pos = token.start_pos
            region = None if pos is None else recovery_region(work, pos)
            if region is None:
                return None, diagnostics
            work = _blank(work, *region)
            text = resume_text(work, region[1])
            resume_at = _first_rejected(text, region[1])
            if resume_at is None:
                return None, diagnostics  # the rest is well formed: no further syntax error
            text = resume_text(work, resume_at)
            continue
        return (tree if not diagnostics else None), diagnostics
