"""Example-driven syntax messages: malformed snippets that map a parser state to a hint.

As in Lark's own grammar loader, each label comes with snippets that fail in the state
it describes; ``refine`` re-parses them to find the label of a new error. The snippets
double as tests (tests/frontend/test_syntax_errors.py).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrnnc.grammar.hrnn_parser import UnexpectedInput

_HEAD = "hrnn m { qubits 2; degree 2; "

SYNTAX_EXAMPLES: dict[str, list[str]] = {
    "missing ';' after the statement": [
        _HEAD + "on a { reset 0 }}",
        _HEAD + "on a { phase(1) 0 1 }}",
        _HEAD + "on a { measure z 0 -> y }}",
        _HEAD + "on a { measure stab(0) -> y }}",
        _HEAD + "on a { shift(1) 0 }}",
    ],
    "a measurement needs '-> NAME' to name its output": [
        _HEAD + "on a { measure z 0; }}",
        _HEAD + "on a { measure stab(0); }}",
        _HEAD + "on a { measure stab(0; 1: 0 1); }}",
    ],
    "a phase needs at least one site after its angle": [
        _HEAD + "on a { phase(1); }}",
    ],
    "an angle goes in parentheses, as in 'phase(pi) 0 1;'": [
        _HEAD + "on a { phase 1 0 1; }}",
        _HEAD + "on a { shift 1 0; }}",
    ],
    "missing ';' after the declaration": [
        "hrnn m { qubits 2 degree 2; }",
        "hrnn m { qubits 2; degree 2 on a { } }",
        _HEAD + "param g = 1 on a { } }",
        _HEAD + "const g = 1 on a { } }",
    ],
    "statements go inside an 'on TOKEN { … }' block": [
        _HEAD + "phase(1) 0 1; }",
        _HEAD + "reset 0; }",
        _HEAD + "measure z 0 -> y; }",
    ],
    "stabilizer edges are 'weight: site site …', separated by ','": [
        _HEAD + "on a { measure stab(0; 0 1) -> y; }}",
        _HEAD + "on a { measure stab(0; 1: 0 1; 1: 0) -> y; }}",
    ],
}


@functools.cache
def _parse_function():  # type: ignore[no-untyped-def]
    from hrnnc.frontend.parser import lark_parser

    return lark_parser().parse


def refine(exc: UnexpectedInput) -> str | None:
    """The label whose examples fail in the same parser state as ``exc``, if any."""
    try:
        return exc.match_examples(_parse_function(), SYNTAX_EXAMPLES, use_accepts=True)
    except Exception:  # a table entry that parses must not break error reporting
        return None
