"""Classical baselines: the encoding by hand, and learning where learning is possible."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("equinox")

from hrnnc.experiments.baselines import BaselineConfig, Encoding, Record, train_baseline  # noqa: E402


def test_encoding_by_hand():
    """Token one-hot, (x, cos x, sin x), the previous step's outcome bits and a 'has outcome' flag."""
    enc = Encoding.of({"a": 0, "m": 1}, {"a": 1})
    arrays = enc.encode([Record((("a", (0.5,)), ("m", ()), ("m", ())), (1, 0))])
    f = arrays["features"][0]
    assert enc.width == 2 + 3 + 1 + 1
    np.testing.assert_allclose(f[0], [1, 0, 0.5, math.cos(0.5), math.sin(0.5), 0, 0], rtol=1e-6)
    np.testing.assert_allclose(f[1], [0, 1, 0, 0, 0, 0, 0])          # step 'a' measured nothing
    np.testing.assert_allclose(f[2], [0, 1, 0, 0, 0, 1, 1])          # previous outcome 1
    assert arrays["target"][0].tolist() == [0, 1, 0]
    assert arrays["mask"][0].tolist() == [0, 1, 1]


def test_output_count_mismatch_is_refused():
    enc = Encoding.of({"m": 1}, {})
    with pytest.raises(ValueError, match="measures 1 output"):
        enc.encode([Record((("m", ()), ("m", ())), (1,))])


def _records(n, rng, rule):
    out = []
    for _ in range(n):
        x = float(rng.uniform(0, 2 * math.pi))
        out.append(Record((("a", (x,)), ("m", ())), (rule(x, rng),)))
    return out


def test_gru_learns_a_deterministic_rule_and_not_a_coin():
    """bit = [cos x > 0] is learnable to near-zero NLL; a fair coin stays at ln 2 ≈ 0.693 nats."""
    rng = np.random.default_rng(0)
    enc = Encoding.of({"a": 0, "m": 1}, {"a": 1})
    rule = lambda x, _: int(math.cos(x) > 0)  # noqa: E731
    learned = train_baseline(enc, _records(256, rng, rule), _records(64, rng, rule), _records(128, rng, rule),
                             BaselineConfig(latent=2, epochs=80, learning_rate=3e-2, patience=80))
    assert learned.test_nll < 0.15
    coin = lambda _, r: int(r.random() < 0.5)  # noqa: E731
    flat = train_baseline(enc, _records(256, rng, coin), _records(64, rng, coin), _records(512, rng, coin),
                          BaselineConfig(latent=2, epochs=20, patience=5))
    assert flat.test_nll == pytest.approx(math.log(2), abs=0.06)
    assert learned.state_size == 2


def test_lstm_state_is_twice_its_latent():
    rng = np.random.default_rng(1)
    enc = Encoding.of({"a": 0, "m": 1}, {"a": 1})
    rule = lambda x, _: int(math.sin(x) > 0)  # noqa: E731
    result = train_baseline(enc, _records(32, rng, rule), _records(8, rng, rule), _records(8, rng, rule),
                            BaselineConfig(cell="lstm", latent=3, epochs=2))
    assert result.state_size == 6
    # LSTM: 4 gates × (d·(input + d) + d) + readout d·2 + 2 (Equinox LSTMCell has one bias per gate).
    assert result.parameters == 4 * (3 * (7 + 3) + 3) + 3 * 2 + 2
