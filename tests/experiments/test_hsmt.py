"""The HSMT task: its sampler against closed forms and against hrnnc's own exact likelihood."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from hrnnc.experiments.hsmt import HsmtConfig, _bit_masks, _measure, edge_token, hyperedges, model_text, sample
from hrnnc.experiments.task import record_json
from hrnnc.frontend import parse_text


def test_edge_count_is_the_sum_of_binomials():
    """D = Σ_{j=1}^{k} C(n, j): 3 for (2,2), 6 for (3,2), 14 for (4,3), 25 for (5,3)."""
    for (n, k), d in {(2, 2): 3, (3, 2): 6, (4, 3): 14, (5, 3): 25}.items():
        assert len(hyperedges(n, k)) == d == sum(math.comb(n, j) for j in range(1, k + 1))


def test_first_x_query_matches_the_closed_form():
    """On 2^{-1} Σ e^{i(w0 x0 + w1 x1 + w01 x0 x1)}|x⟩: ⟨X_0⟩ = (cos w0 + cos(w0 + w01)) / 2.

    (Σ_{x1} 2 Re(ψ(0,x1)* ψ(1,x1)) with ψ = e^{if}/2: the w1 x1 phase cancels.)
    """
    w0, w1, w01 = 0.7, 2.1, -1.3
    bits = _bit_masks(2)
    f = w0 * bits[:, 0] + w1 * bits[:, 1] + w01 * (bits[:, 0] & bits[:, 1])
    psi = np.exp(1j * f) / 2
    expect_x = (math.cos(w0) + math.cos(w0 + w01)) / 2

    class Fixed:
        def __init__(self, value):
            self.value = value

        def random(self):
            return self.value

    _, bit, prob = _measure(psi, bits, 0, "x", Fixed(0.0))           # u < P(1): outcome 1
    assert bit == 1 and prob == pytest.approx((1 - expect_x) / 2, abs=1e-12)
    _, bit, prob = _measure(psi, bits, 0, "x", Fixed(0.999999))
    assert bit == 0 and prob == pytest.approx((1 + expect_x) / 2, abs=1e-12)
    _, _, prob = _measure(psi, bits, 1, "z", Fixed(0.0))
    assert prob == pytest.approx(0.5, abs=1e-12)          # Z outcomes of a phase state are uniform


def test_x_measurement_leaves_an_x_eigenstate():
    """After X_v gives bit b, a second X_v gives b with probability 1."""
    rng = np.random.default_rng(3)
    bits = _bit_masks(3)
    psi = np.exp(1j * rng.uniform(0, 6, 8)) / math.sqrt(8)
    psi, bit, _ = _measure(psi, bits, 1, "x", rng)
    _, again, prob = _measure(psi, bits, 1, "x", rng)
    assert again == bit and prob == pytest.approx(1.0, abs=1e-12)


def test_sampler_likelihoods_equal_hrnnc_exact_nll():
    """Two independent implementations: the task's dense sampler and hrnnc's branch NLL."""
    from hrnnc.data import dataset_from
    from hrnnc.train.losses import NegativeLogLikelihood

    data = sample(HsmtConfig(3, 2, 5, 25, seed=4))
    model = parse_text(model_text(3, 2), "hsmt.hrnn")
    dataset = dataset_from(model, [json.loads(record_json(r)) for r in data.records])
    logs, _ = NegativeLogLikelihood(model, dataset).per_record({}, np.arange(len(dataset)))
    expected = {(tuple((t, tuple(a)) for t, a in r.inputs), r.outputs): log
                for r, log in zip(data.records, data.log_likelihoods)}
    assert len(dataset) == len(expected) == 25
    for record, log in zip(dataset.records, logs):
        key = (tuple((t, tuple(a)) for t, a in record.inputs), tuple(int(v) for v in record.outputs))
        assert log == pytest.approx(expected[key], abs=1e-9)


def test_ground_truth_model_checks_and_has_one_token_per_edge():
    import hrnnc

    model = parse_text(model_text(4, 3), "hsmt.hrnn")
    assert hrnnc.check(model).ok
    assert {edge_token(e) for e in hyperedges(4, 3)} <= set(model.alphabet)
    assert {f"{b}{v}" for v in range(4) for b in "xz"} <= set(model.alphabet)


def test_sampler_is_seeded():
    a = sample(HsmtConfig(2, 2, 3, 5, seed=9))
    b = sample(HsmtConfig(2, 2, 3, 5, seed=9))
    c = sample(HsmtConfig(2, 2, 3, 5, seed=10))
    assert a.records == b.records and a.records != c.records


@pytest.mark.parametrize("n,k", [(2, 3), (3, 1), (21, 2)])
def test_invalid_sizes_are_refused(n, k):
    with pytest.raises(ValueError):
        HsmtConfig(n, k, 2, 3)
