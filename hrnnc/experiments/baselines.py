"""Classical recurrent baselines (GRU, LSTM) for sequence data in hrnnc's JSON Lines form.

A baseline sees what a k-HRNN sees: the tokens with their argument values, and the outputs
already produced. At each step it emits a categorical distribution over the joint outcome
string of that step's measurements (``2^m`` classes for a cell with ``m`` measurements), so
its loss is the exact negative log-likelihood of the observed outputs, term for term the
quantity the k-HRNN's ``--loss nll`` computes. The latent dimension ``d`` is the recurrent
cell's hidden size (for an LSTM, the hidden and the cell state each have ``d`` entries; the
state it carries is ``2d`` numbers, reported as such).

Arguments enter as ``(x, cos x, sin x)`` so that a periodic weight such as an HSMT edge angle
is as easy to read as the raw value. Everything here needs the ``experiments`` extra (JAX,
Equinox, Optax); ``import hrnnc`` never loads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

MAX_OUTPUTS_PER_STEP = 8
"""A step with more measurements would need more than 256 classes; none of the tasks has one."""


@dataclass(frozen=True, slots=True)
class Record:
    """One sequence: inputs ``(token, argument values)`` and output bits in time order."""

    inputs: tuple[tuple[str, tuple[float, ...]], ...]
    outputs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Encoding:
    """How tokens become feature vectors, fixed by the task's alphabet."""

    tokens: tuple[str, ...]
    """The alphabet, in a fixed order (one-hot position)."""
    outputs_per_token: tuple[int, ...]
    """Measurements in each token's cell."""
    max_args: int

    @classmethod
    def of(cls, outputs_per_token: Mapping[str, int], args_per_token: Mapping[str, int]) -> "Encoding":
        tokens = tuple(sorted(outputs_per_token))
        widest = max(outputs_per_token.values(), default=0)
        if widest > MAX_OUTPUTS_PER_STEP:
            raise ValueError(f"a cell with {widest} measurements needs 2^{widest} classes; "
                             f"the baselines take at most {MAX_OUTPUTS_PER_STEP}")
        return cls(tokens, tuple(outputs_per_token[t] for t in tokens),
                   max((args_per_token.get(t, 0) for t in tokens), default=0))

    @property
    def max_outputs(self) -> int:
        return max(self.outputs_per_token, default=0)

    @property
    def classes(self) -> int:
        return 1 << self.max_outputs

    @property
    def width(self) -> int:
        """Features of one step: one-hot token, (x, cos x, sin x) per argument, previous outcome."""
        return len(self.tokens) + 3 * self.max_args + self.max_outputs + 1

    def encode(self, records: Sequence[Record]) -> dict[str, np.ndarray]:
        """Padded arrays: ``features [B, T, width]``, ``target [B, T]`` (class index),
        ``classes [B, T]`` (classes valid at the step, 1 where it measures nothing) and
        ``mask [B, T]`` (1 where the step measures)."""
        index = {t: i for i, t in enumerate(self.tokens)}
        steps = max((len(r.inputs) for r in records), default=0)
        b = len(records)
        features = np.zeros((b, steps, self.width), dtype=np.float32)
        target = np.zeros((b, steps), dtype=np.int32)
        valid = np.ones((b, steps), dtype=np.int32)
        mask = np.zeros((b, steps), dtype=np.float32)
        na, m = len(self.tokens), self.max_outputs
        for row, record in enumerate(records):
            cursor = 0
            previous: tuple[int, ...] = ()
            for t, (token, args) in enumerate(record.inputs):
                slot = index[token]
                features[row, t, slot] = 1.0
                for j, x in enumerate(args):
                    features[row, t, na + 3 * j: na + 3 * j + 3] = (x, math.cos(x), math.sin(x))
                base = na + 3 * self.max_args
                features[row, t, base: base + len(previous)] = previous
                features[row, t, base + m] = 1.0 if previous else 0.0
                count = self.outputs_per_token[slot]
                bits = record.outputs[cursor: cursor + count]
                if len(bits) != count:
                    raise ValueError(f"sequence {row + 1}: token {token!r} at step {t + 1} measures "
                                     f"{count} output(s) but the data has {len(bits)} left")
                cursor += count
                if count:
                    target[row, t] = sum(bit << i for i, bit in enumerate(bits))
                    valid[row, t] = 1 << count
                    mask[row, t] = 1.0
                previous = tuple(float(x) for x in bits)
            if cursor != len(record.outputs):
                raise ValueError(f"sequence {row + 1}: {len(record.outputs) - cursor} output(s) "
                                 "more than its tokens measure")
        return {"features": features, "target": target, "classes": valid, "mask": mask}


@dataclass(frozen=True, slots=True)
class BaselineConfig:
    cell: str = "gru"
    """``gru`` or ``lstm``."""
    latent: int = 4
    """Hidden size ``d``."""
    epochs: int = 200
    batch: int = 64
    learning_rate: float = 1e-2
    patience: int = 30
    """Epochs without validation improvement before stopping."""
    seed: int = 0


@dataclass(frozen=True)
class BaselineResult:
    config: BaselineConfig
    train_nll: float
    validation_nll: float
    test_nll: float
    """Mean NLL per sequence (nats), at the epoch with the best validation NLL."""
    epochs_run: int
    parameters: int
    """Trainable scalars of the network."""
    state_size: int
    """Numbers the network carries from step to step (``d`` for a GRU, ``2d`` for an LSTM)."""


def _model(config: BaselineConfig, encoding: Encoding, key):
    import equinox as eqx
    import jax

    class Recurrent(eqx.Module):
        cell: eqx.Module
        readout: eqx.nn.Linear
        lstm: bool = eqx.field(static=True)

        def __init__(self, key):
            k1, k2 = jax.random.split(key)
            self.lstm = config.cell == "lstm"
            make = eqx.nn.LSTMCell if self.lstm else eqx.nn.GRUCell
            self.cell = make(encoding.width, config.latent, key=k1)
            self.readout = eqx.nn.Linear(config.latent, encoding.classes, key=k2)

        def logits(self, features):
            import jax.numpy as jnp

            h = jnp.zeros(config.latent)
            state = (h, jnp.zeros(config.latent)) if self.lstm else h

            def step(carry, x):
                carry = self.cell(x, carry)
                hidden = carry[0] if self.lstm else carry
                return carry, self.readout(hidden)

            _, out = jax.lax.scan(step, state, features)
            return out

    if config.cell not in ("gru", "lstm"):
        raise ValueError(f"unknown recurrent cell {config.cell!r}; use 'gru' or 'lstm'")
    return Recurrent(key)


def _nll_per_sequence(model, batch):
    """Mean over the batch of each sequence's summed NLL (only the step's valid classes count)."""
    import jax
    import jax.numpy as jnp

    logits = jax.vmap(model.logits)(batch["features"])          # [B, T, C]
    classes = jnp.arange(logits.shape[-1])
    allowed = classes[None, None, :] < batch["classes"][..., None]
    logits = jnp.where(allowed, logits, -jnp.inf)
    logp = jax.nn.log_softmax(logits, axis=-1)
    picked = jnp.take_along_axis(logp, batch["target"][..., None], axis=-1)[..., 0]
    return -(picked * batch["mask"]).sum(axis=1).mean()


def train_baseline(
    encoding: Encoding,
    train: Sequence[Record],
    validation: Sequence[Record],
    test: Sequence[Record],
    config: BaselineConfig,
) -> BaselineResult:
    """Train one baseline by Adam on the exact NLL; keep the parameters of the best validation epoch."""
    import equinox as eqx
    import jax
    import jax.numpy as jnp
    import optax

    key = jax.random.PRNGKey(config.seed)
    key, init_key = jax.random.split(key)
    model = _model(config, encoding, init_key)
    arrays = {name: encoding.encode(split) for name, split in
              (("train", train), ("validation", validation), ("test", test))}
    optimiser = optax.adam(config.learning_rate)
    state = optimiser.init(eqx.filter(model, eqx.is_inexact_array))

    @eqx.filter_jit
    def update(model, state, batch):
        loss, grads = eqx.filter_value_and_grad(_nll_per_sequence)(model, batch)
        updates, state = optimiser.update(grads, state, eqx.filter(model, eqx.is_inexact_array))
        return eqx.apply_updates(model, updates), state, loss

    evaluate = eqx.filter_jit(_nll_per_sequence)
    size = len(train)
    rng = np.random.default_rng(config.seed)
    best, best_model, since, epochs = math.inf, model, 0, 0
    for epoch in range(config.epochs):
        epochs = epoch + 1
        order = rng.permutation(size)
        for start in range(0, size, config.batch):
            pick = order[start: start + config.batch]
            batch = {k: jnp.asarray(v[pick]) for k, v in arrays["train"].items()}
            model, state, _ = update(model, state, batch)
        score = float(evaluate(model, {k: jnp.asarray(v) for k, v in arrays["validation"].items()}))
        if score < best - 1e-6:
            best, best_model, since = score, model, 0
        else:
            since += 1
            if since >= config.patience:
                break

    def score(split: str) -> float:
        return float(evaluate(best_model, {k: jnp.asarray(v) for k, v in arrays[split].items()}))

    leaves = jax.tree_util.tree_leaves(eqx.filter(best_model, eqx.is_inexact_array))
    return BaselineResult(
        config=config,
        train_nll=score("train"),
        validation_nll=best,
        test_nll=score("test"),
        epochs_run=epochs,
        parameters=int(sum(leaf.size for leaf in leaves)),
        state_size=config.latent * (2 if config.cell == "lstm" else 1),
    )


__all__ = ["BaselineConfig", "BaselineResult", "Encoding", "MAX_OUTPUTS_PER_STEP", "Record", "train_baseline"]
