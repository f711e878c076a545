"""Fast path for well-formed files (filled in below); returns None to defer to the Lark path."""

from __future__ import annotations

from hrnnc.diagnostics import Source
from hrnnc.ir import Model


def fast_parse(source: Source) -> Model | None:
    return None
