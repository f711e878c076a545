"""Comments as trivia for the formatter: each comment is tied to the IR node it annotates.

Comments are not part of the IR (they do not affect meaning or equality). ``hrnnc fmt``
re-attaches them to the canonical text. A comment that ends a line holding a node goes
after that node, on its line (*trailing*). Any other comment goes on its own line before
the next node (*leading*). Comments before ``hrnn`` head the file; those after the last node
go before the closing brace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hrnnc.diagnostics import Source
    from hrnnc.ir import Model

_COMMENT = re.compile(r"#[^\n]*")


@dataclass
class Comments:
    """Comment text keyed by ``id()`` of IR nodes of one model (valid while the model lives)."""

    header: list[str] = field(default_factory=list)
    """Comments before ``hrnn``."""
    leading: dict[int, list[str]] = field(default_factory=dict)
    trailing: dict[int, str] = field(default_factory=dict)
    footer: list[str] = field(default_factory=list)
    """Comments after the last node, printed before the closing brace."""
    after: list[str] = field(default_factory=list)
    """Comments after the closing brace."""

    def __bool__(self) -> bool:
        return bool(self.header or self.leading or self.trailing or self.footer or self.after)


def _anchors(model: Model) -> list[tuple[int, int, object]]:
    """(start, end, node) for every node that starts a line of the canonical text, in source order."""
    found: list[tuple[int, int, object]] = []
    if model.template is not None:
        stack: list[object] = list(model.template.items)
        while stack:
            node = stack.pop()
            span = getattr(node, "span", None)
            if span is not None:
                found.append((span.start, span.end, node))
            stack.extend(getattr(node, "body", ()))
        found.sort(key=lambda a: (a[0], -a[1]))
        return found
    for node in (model.register, model.degree, *model.decls):
        if node.span is not None:
            found.append((node.span.start, node.span.end, node))
    for cell in model.cells:
        if cell.span is not None:
            found.append((cell.span.start, cell.span.end, cell))
        for stmt in cell.body:
            if stmt.span is not None:
                found.append((stmt.span.start, stmt.span.end, stmt))
    found.sort(key=lambda a: (a[0], -a[1]))
    return found


def attach_comments(model: Model, source: Source) -> Comments:
    """Tie every comment of ``source`` to a node of ``model`` (which was parsed from it)."""
    comments = Comments()
    text = source.text
    matches = list(_COMMENT.finditer(text))
    if not matches or model.span is None:
        return comments
    anchors = _anchors(model)
    starts = [a[0] for a in anchors]
    import bisect

    for match in matches:
        at, body = match.start(), match.group().rstrip()
        if at < model.span.start:
            comments.header.append(body)
            continue
        if at >= model.span.end:
            comments.after.append(body)
            continue
        line_start = text.rfind("\n", 0, at) + 1
        # Trailing: the node that starts latest among those ending on this line before the comment.
        on_line = [a for a in anchors if line_start <= a[1] <= at and text.count("\n", a[1], at) == 0]
        if on_line:
            node = max(on_line, key=lambda a: (a[0], a[1]))[2]
            if id(node) not in comments.trailing:
                comments.trailing[id(node)] = body
                continue
        i = bisect.bisect_right(starts, at)
        if i < len(anchors):
            comments.leading.setdefault(id(anchors[i][2]), []).append(body)
        else:
            comments.footer.append(body)
    return comments


def count_comments(text: str) -> int:
    return len(_COMMENT.findall(text))
