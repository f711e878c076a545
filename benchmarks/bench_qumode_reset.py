"""Exact qumode densities after resetting an entangled mode: the mixture path beside its alternatives.

``hrnnc.sim.qumode.output_densities`` carries the mixture a ``reset`` leaves as branches of a
purification (issue #10). This script times, in one process and in CPU seconds (the host is
shared), the exact mixture densities; the same run without the ``reset`` (pure state, one
branch); and ``qumode.sample`` of the same run (which draws the hidden outcome per shot)
for as many shots as give the output's standard deviation to about 2.5%. It also prints the
number of branches and the exact std against its closed form. Usage::

    python benchmarks/bench_qumode_reset.py [--shots 800]
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import hrnnc
from hrnnc.sim import qumode

G, H = 0.8, 0.5
CASES = {
    # name: (model text, inputs, grid points, closed-form std of the last output)
    "2 modes, 128 points": (
        f"hrnn two {{ qumodes 2; degree 2; on a {{ phase({G}) 0 1; }} on b {{ phase({H}) 0 1; }}"
        " on r { reset 1; } on m { measure p 0 -> y; } }",
        "a r b m", 128, math.sqrt(math.exp(-2) / 2 + (G * G + H * H) * math.exp(2) / 2)),
    "3 modes, 48 points": (
        f"hrnn three {{ qumodes 3; degree 2; on a {{ phase({G}) 0 1; phase({H}) 1 2; }}"
        " on r { reset 1; } on m { measure p 2 -> y; } }",
        "a r m", 48, math.sqrt(math.exp(-2) / 2 + H * H * math.exp(2) / 2)),
}


def cpu(fn):  # type: ignore[no-untyped-def]
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shots", type=int, default=800)
    args = ap.parse_args(argv)
    for name, (text, inputs, points, expected) in CASES.items():
        model = hrnnc.parse(text)
        grid = qumode.Grid(points=points)
        branches: list[int] = []
        original = qumode._State.trace_out

        def counting(self, op, pure=False):  # type: ignore[no-untyped-def]
            original(self, op, pure)
            branches.append(self.branches)

        qumode._State.trace_out = counting  # type: ignore[method-assign]
        try:
            exact_s, (_, table) = cpu(lambda: qumode.output_densities(model, inputs, grid=grid))
        finally:
            qumode._State.trace_out = original  # type: ignore[method-assign]
        pure_s, _ = cpu(lambda: qumode.output_densities(model, inputs.replace(" r", ""), grid=grid))
        sample_s, samples = cpu(lambda: qumode.sample(model, inputs, args.shots, seed=1, grid=grid))
        print(f"{name}: {branches[0]} branches; exact std {table[-1].std:.10f} (closed form {expected:.10f}); "
              f"sampled std {float(np.std(samples[:, -1])):.4f}")
        print(f"  exact mixture {exact_s:.3f} s, pure run {pure_s:.3f} s (mixture/pure {exact_s / pure_s:.0f}x), "
              f"{args.shots} samples {sample_s:.3f} s (mixture/samples {exact_s / sample_s:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
