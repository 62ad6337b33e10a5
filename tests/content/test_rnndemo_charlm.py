"""The character-level language model: text handling, count baselines, training, sampling."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from rnndemo import SeqModel, init
from rnndemo.charlm import (
    CharVocab,
    bits_per_char,
    load_text,
    ngram_bits_per_char,
    ngram_probs,
    sample,
    train_charlm,
)

PERIODIC = "abcd " * 80  # every character fixes the next one


def test_load_text_lowercases_and_joins_lines(tmp_path: Path) -> None:
    f = tmp_path / "t.txt"
    f.write_text("The Sea\n  is  GREY.\n\n", encoding="utf-8")
    assert load_text(f) == "the sea is grey."


def test_vocab_round_trip_and_unknown_character() -> None:
    v = CharVocab.from_text("hello world")
    assert v.chars == (" ", "d", "e", "h", "l", "o", "r", "w") and len(v) == 8
    assert v.decode(v.encode("low")) == "low"
    with pytest.raises(ValueError, match="'z'"):
        v.encode("zoo")


def test_count_baselines() -> None:
    v = CharVocab.from_text(PERIODIC)
    ids = v.encode(PERIODIC)
    uni, bi = ngram_probs(ids, len(v), 1, 0.5), ngram_probs(ids, len(v), 2, 0.5)
    assert uni.sum() == pytest.approx(1.0) and np.allclose(bi.sum(axis=1), 1.0)
    # five equally frequent characters: the unigram model needs log2(5) bits each
    assert ngram_bits_per_char(uni, ids) == pytest.approx(math.log2(5), abs=0.01)
    # the bigram model knows the successor; only the smoothing mass costs bits
    assert ngram_bits_per_char(ngram_probs(ids, len(v), 2, 1e-3), ids) < 0.01
    with pytest.raises(ValueError, match="alpha"):
        ngram_probs(ids, len(v), 2, 0.0)


def test_bits_per_char_is_the_mean_of_minus_log2_of_the_predicted_probabilities(
    rng: np.random.Generator,
) -> None:
    V = 6
    params = init("gru", 3, 5, rng, scheme="torch", O=V)
    params["E"] = rng.standard_normal((V, 3))
    model = SeqModel("gru", params, head="xent", readout="all")
    ids = rng.integers(0, V, size=30)
    probs = model.predict(ids[:-1, None])[:, 0]  # (29, V): P(next | prefix) at each step
    expected = -np.mean(np.log2(probs[np.arange(29), ids[1:]]))
    assert bits_per_char(model, ids) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("cell", ["gru", "lstm", "rnn"])
def test_sampling_steps_agree_with_the_batched_forward_pass(
    rng: np.random.Generator, cell: str
) -> None:
    """Greedy sampling (a tiny temperature) must pick the arg-max of the same
    distribution the training forward pass computes after each prefix."""
    v = CharVocab.from_text(PERIODIC)
    params = init(cell, 4, 8, rng, scheme="torch", O=len(v))
    params["E"] = rng.standard_normal((len(v), 4))
    model = SeqModel(cell, params, head="xent", readout="all")
    text = sample(model, v, "ab", 6, temperature=1e-6)
    for n in range(1, len(text) + 1):
        prefix = v.encode("ab" + text[: n - 1])
        probs = model.predict(prefix[:, None])[-1, 0]
        assert v.chars[int(np.argmax(probs))] == text[n - 1]


def test_training_learns_a_periodic_text_far_below_the_unigram_baseline() -> None:
    v = CharVocab.from_text(PERIODIC)
    ids = v.encode(PERIODIC)
    model, hist = train_charlm(ids, len(v), hidden=16, embed_dim=4, window=8, steps=150,
                               valid_ids=ids[:40], eval_every=50, seed=3)
    assert hist.nonfinite_step is None and hist.eval_loss.size == 4
    assert bits_per_char(model, ids[:40]) < 0.2 < math.log2(5)
    assert hist.eval_loss[-1] < hist.eval_loss[0]
    continued = sample(model, v, "abc", 10, temperature=0.5, rng=np.random.default_rng(0))
    assert continued == "d abcd abc"


def test_sampling_is_reproducible_and_temperature_flattens_the_choice() -> None:
    v = CharVocab.from_text(PERIODIC)
    ids = v.encode(PERIODIC)
    model, _ = train_charlm(ids, len(v), hidden=16, embed_dim=4, window=8, steps=60, seed=0)
    a = sample(model, v, "a", 200, temperature=3.0, rng=np.random.default_rng(5))
    assert a == sample(model, v, "a", 200, temperature=3.0, rng=np.random.default_rng(5))
    cold = sample(model, v, "a", 200, temperature=0.3, rng=np.random.default_rng(5))
    # a high temperature breaks the pattern far more often than a low one
    pattern = ("bcd a" * 41)[:200]
    misses = [sum(x != y for x, y in zip(s, pattern, strict=True)) for s in (cold, a)]
    assert misses[0] < misses[1]
    with pytest.raises(ValueError, match="temperature"):
        sample(model, v, "a", 5, temperature=0.0)
    with pytest.raises(ValueError, match="prompt"):
        sample(model, v, "", 5)
