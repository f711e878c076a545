"""Random small qumode models for the moments tests (shared by the Weyl, grid and SF checks)."""

from __future__ import annotations

import random

DYADIC = (-1.25, -0.75, -0.5, -0.25, 0.25, 0.5, 0.75, 1.25)
"""Angles whose products and sums are exact in floating point (so exact algebra can compare)."""


def random_model(seed: int, modes: int, degree: int = 3, statements: int = 7, *, measure_q: bool = True,
                 reset: bool = True, values: tuple[float, ...] = DYADIC, max_outputs: int | None = None,
                 ) -> tuple[str, str]:
    """A qumode model with one token per statement, and the input running each token once.

    Phases (sites may repeat, degree ≤ ``degree``), shifts, stabilizer measurements (edges
    containing the vertex), p/q homodynes and resets, in random order; the run ends with a
    p-measurement so that every model has an output.
    """
    rng = random.Random(seed)
    body: list[str] = []
    outputs = 0
    for _ in range(statements):
        kinds = ["phase", "phase", "phase", "shift", "stab", "mp"] + (["mq"] if measure_q else []) + \
                (["reset"] if reset else [])
        if max_outputs is not None and outputs >= max_outputs - 1:
            kinds = [k for k in kinds if k not in ("stab", "mp", "mq")]
        kind = rng.choice(kinds)
        v = rng.randrange(modes)
        if kind == "phase":
            size = rng.randint(1, degree)
            sites = " ".join(str(rng.randrange(modes)) for _ in range(size))
            body.append(f"phase({rng.choice(values)}) {sites};")
        elif kind == "shift":
            body.append(f"shift({rng.choice(values)}) {v};")
        elif kind == "stab":
            edges = []
            for _ in range(rng.randint(1, 2)):
                others = [str(rng.randrange(modes)) for _ in range(rng.randint(1, degree - 1))]
                edges.append(f"{rng.choice(values)}: {' '.join([str(v)] + others)}")
            body.append(f"measure stab({v}; {', '.join(edges)}) -> y;")
            outputs += 1
        elif kind == "mp":
            body.append(f"measure p {v} -> y;")
            outputs += 1
        elif kind == "mq":
            body.append(f"measure q {v} -> y;")
            outputs += 1
        else:
            body.append(f"reset {v};")
    body.append(f"measure p {rng.randrange(modes)} -> y;")
    cells = "\n".join(f"  on t{i} {{ {stmt} }}" for i, stmt in enumerate(body))
    text = f"hrnn r{seed} {{\n  qumodes {modes}; degree {degree};\n{cells}\n}}\n"
    return text, " ".join(f"t{i}" for i in range(len(body)))


__all__ = ["DYADIC", "random_model"]
