"""Training benchmark: NLL and its full gradient, hrnnc (adjoint) vs PennyLane (default.qubit).

A qubit 3-HRNN on n sites: token ``t_i`` applies ``phase(u_i)`` on ``{i, i+1}`` and ``phase(w_i)`` on
``{i, i+1, i+2}`` (sites mod n) and measures the stabilizer of ``i`` with weight ``w_i`` on the
triangle: 2n params. Data: random token sequences with outcomes sampled from the model.

PennyLane computes the same loss with postselected measurements. ``qml.measure(v, postselect=y)``
cannot be used as such here: ``mcm_method="deferred"`` gives every measurement its own extra wire
(31 wires for n = 12 and 20 tokens), and ``"tree-traversal"`` does not differentiate by
backprop. So each postselection is written as the ``qml.Projector([y], wires=v)`` that
default.qubit applies for a postselected mid-circuit measurement (it renormalises the state
after it). Because of that renormalisation, ``P(y | x)`` is assembled by the chain rule: one
circuit per measurement ``t`` returns ``P(y_t | y_<t)`` (earlier outcomes postselected), and
``-log P = -Σ_t log P(y_t | y_<t)``; the gradient is by ``backprop`` (default.qubit's best
method here; its adjoint method does not take projectors).

Run: ``python benchmarks/bench_train.py [--n 12] [--sequences 1000] [--length 20] [--pl-sequences S]
[--scan]``.
"""

from __future__ import annotations

import argparse
import math
import platform
import time

import numpy as np

import hrnnc
from hrnnc.data import dataset_from
from hrnnc.ir import initial_param_values
from hrnnc.train.losses import NegativeLogLikelihood


def model_text(n: int) -> str:
    lines = [f"hrnn bench {{ qubits {n}; degree 3;"]
    for i in range(n):
        lines.append(f"param u{i} = {0.3 + 0.1 * i:.3f}; param w{i} = {1.1 - 0.07 * i:.3f};")
    for i in range(n):
        a, b, c = i, (i + 1) % n, (i + 2) % n
        lines.append(f"on t{i} {{ phase(u{i}) {a} {b}; phase(w{i}) {a} {b} {c}; "
                     f"measure stab({a}; w{i}: {a} {b} {c}) -> y; }}")
    lines.append("}")
    return "\n".join(lines)


def make_data(model, n: int, sequences: int, length: int, seed: int = 1) -> list[tuple[list[str], list[int]]]:
    rng = np.random.default_rng(seed)
    out = []
    for s in range(sequences):
        tokens = [f"t{int(i)}" for i in rng.integers(0, n, length)]
        bits = hrnnc.simulate(model, tokens, shots=1, seed=seed + s).samples[0]
        out.append((tokens, [int(c) for c in bits]))
    return out


def hrnnc_nll(model, records) -> tuple[float, np.ndarray, float]:
    loss = NegativeLogLikelihood(model, dataset_from(model, records))
    values = initial_param_values(model)
    start = time.perf_counter()
    logs, grads = loss.per_record(values, np.arange(len(loss.data)))
    counts = loss.data.counts.astype(float)
    elapsed = time.perf_counter() - start
    return float(-(counts @ logs)), -(counts @ grads), elapsed


def pennylane_nll(model, records) -> tuple[float, np.ndarray, float]:
    import pennylane as qml
    from pennylane import numpy as pnp

    n = model.size
    names = [p.name for p in model.params]
    dev = qml.device("default.qubit", wires=n)

    def phase(angle, sites):
        if len(sites) == 1:
            qml.PhaseShift(angle, wires=sites[0])
        else:
            qml.ctrl(qml.PhaseShift(angle, wires=sites[-1]), control=list(sites[:-1]))

    def cell(i, params, postselect):
        """The cell of token t_i; returns the measured wire when ``postselect`` is None (measure last)."""
        a, b, c = i, (i + 1) % n, (i + 2) % n
        u, w = params[names.index(f"u{i}")], params[names.index(f"w{i}")]
        phase(u, (a, b))
        phase(w, (a, b, c))
        phase(-w, (a, b, c))  # U_kappa^dagger of the stabilizer
        qml.Hadamard(a)
        if postselect is None:
            return a
        qml.Projector([postselect], wires=a)  # the postselection default.qubit applies (then renormalises)
        qml.Hadamard(a)
        phase(w, (a, b, c))
        return None

    @qml.qnode(dev, interface="autograd", diff_method="backprop", )
    def conditional(params, tokens, bits):
        for j in range(n):
            qml.Hadamard(j)
        for t, tok in enumerate(tokens):
            last = t == len(tokens) - 1
            wire = cell(int(tok[1:]), params, None if last else bits[t])
        return qml.probs(wires=wire)

    def nll(params, tokens, bits):
        total = 0.0
        for t in range(len(tokens)):
            total = total - pnp.log(conditional(params, tokens[: t + 1], bits)[bits[t]])
        return total

    start_values = initial_param_values(model)
    values = pnp.array([start_values[name] for name in names], requires_grad=True)
    start = time.perf_counter()
    total, grad = 0.0, np.zeros(len(names))
    for tokens, bits in records:
        g = qml.grad(nll, argnums=0)(values, tokens, bits)
        v = nll(values, tokens, bits)
        total += float(v)
        grad += np.asarray(g)
    return total, grad, time.perf_counter() - start


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--sequences", type=int, default=1000)
    parser.add_argument("--length", type=int, default=20)
    parser.add_argument("--pl-sequences", type=int, default=20, help="sequences PennyLane computes (it is slow)")
    parser.add_argument("--scan", action="store_true", help="also time hrnnc per epoch against n and length")
    args = parser.parse_args()
    print(f"bench_train {time.strftime('%Y-%m-%d %H:%M')} on {machine()}")
    model = hrnnc.parse(model_text(args.n))
    records = make_data(model, args.n, args.sequences, args.length)
    value, grad, seconds = hrnnc_nll(model, records)
    print(f"hrnnc: n={args.n} k=3, {args.sequences} sequences x {args.length} tokens: NLL {value:.10f}, "
          f"|grad| {np.linalg.norm(grad):.6f}, {seconds:.3f} s ({1e3 * seconds / args.sequences:.2f} ms/sequence)")
    few = records[: args.pl_sequences]
    h_value, h_grad, h_seconds = hrnnc_nll(model, few)
    p_value, p_grad, p_seconds = pennylane_nll(model, few)
    rel = max(abs(h_value - p_value) / abs(p_value), float(np.max(np.abs(h_grad - p_grad)) / np.max(np.abs(p_grad))))
    print(f"same {len(few)} sequences: hrnnc {h_seconds:.3f} s, PennyLane default.qubit {p_seconds:.3f} s, "
          f"ratio {p_seconds / h_seconds:.1f}x; NLL {h_value:.12f} vs {p_value:.12f}, max relative difference "
          f"(value and gradient) {rel:.2e}")
    assert rel < 1e-8, "hrnnc and PennyLane disagree"
    if args.scan:
        print("time per epoch of 1,000 sequences (NLL + full gradient), hrnnc, measured on fewer sequences")
        for n, count in ((8, 100), (10, 100), (12, 100), (14, 40), (16, 12), (18, 5), (20, 3)):
            m = hrnnc.parse(model_text(n))
            _, _, secs = hrnnc_nll(m, make_data(m, n, count, args.length))
            print(f"  n={n:2d} length {args.length}: {1e3 * secs / count:9.2f} ms/sequence ({count} sequences), "
                  f"{secs * 1000 / count:9.1f} s per epoch")
        for length in (5, 10, 20, 40, 80):
            _, _, secs = hrnnc_nll(model, make_data(model, args.n, 50, length))
            print(f"  n={args.n} length {length:2d}: {1e3 * secs / 50:9.2f} ms/sequence (50 sequences), "
                  f"{secs * 1000 / 50:9.1f} s per epoch")

if __name__ == "__main__":
    main()
