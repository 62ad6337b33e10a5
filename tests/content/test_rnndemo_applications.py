"""The two application modules: time-series forecasting and sentiment classification.

The sentiment data here is synthetic and made in this file (the course's CSV is
written elsewhere); only its format, ``text,label``, is shared.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rnndemo import (
    accuracy,
    build_vocab,
    encode_batch,
    forecast,
    forecast_autoregressive,
    load_sentiment,
    make_windows,
    naive_forecast,
    noisy_sine,
    one_hot,
    tokenize,
    train_forecaster,
    train_sentiment,
)

POSITIVE = ["good", "great", "excellent", "love", "wonderful", "fun"]
NEGATIVE = ["bad", "awful", "terrible", "hate", "boring", "dull"]
FILLER = ["the", "movie", "was", "plot", "acting", "really", "quite", "i", "this", "film", "and"]


def synthetic_reviews(seed: int, n: int) -> tuple[list[str], np.ndarray]:
    """Filler words with one sentiment word at a random position; label = its polarity."""
    r = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        label = int(r.integers(0, 2))
        words = [str(w) for w in r.choice(FILLER, size=int(r.integers(3, 9)))]
        word = str(r.choice(POSITIVE if label else NEGATIVE))
        words.insert(int(r.integers(0, len(words) + 1)), word)
        texts.append(" ".join(words).capitalize() + ".")
        labels.append(label)
    return texts, np.array(labels)


def test_make_windows_is_time_major_and_aligned() -> None:
    s = np.arange(10.0)
    x, y = make_windows(s, window=4, horizon=2)
    assert x.shape == (4, 5, 1) and y.shape == (5, 1)
    np.testing.assert_array_equal(x[:, 0, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(x[:, 4, 0], [4, 5, 6, 7])
    np.testing.assert_array_equal(y[:, 0], [5, 6, 7, 8, 9])  # 2 steps after each window
    np.testing.assert_array_equal(naive_forecast(x)[:, 0], [3, 4, 5, 6, 7])
    with pytest.raises(ValueError, match="too short"):
        make_windows(s, window=10)


def test_noisy_sine_noise_level() -> None:
    s = noisy_sine(5000, noise=0.2, seed=3)
    clean = np.sin(2 * np.pi * np.arange(5000) / 25.0)
    assert np.std(s - clean) == pytest.approx(0.2, rel=0.05)


def test_forecaster_beats_the_last_value_baseline() -> None:
    s = noisy_sine(600, noise=0.1, seed=0)
    x, y = make_windows(s, window=20)
    n = 400
    fc, hist = train_forecaster(x[:, :n], y[:n], cell="gru", steps=300, seed=0)
    assert hist.nonfinite_step is None and hist.steps == 300
    pred = forecast(fc, x[:, n:])
    model_mse = np.mean((pred - y[n:]) ** 2)
    naive_mse = np.mean((naive_forecast(x[:, n:]) - y[n:]) ** 2)
    assert model_mse < 0.5 * naive_mse
    assert model_mse < 3 * 0.1**2  # close to the noise floor sigma^2 = 0.01
    roll = forecast_autoregressive(fc, s[n : n + 20], 25)
    truth = np.sin(2 * np.pi * np.arange(n + 20, n + 45) / 25.0)
    assert roll.shape == (25,) and np.mean((roll - truth) ** 2) < 0.1


def test_forecaster_standardises_so_any_scale_works() -> None:
    s = 1000.0 + 50.0 * noisy_sine(400, noise=0.1, seed=1)
    x, y = make_windows(s, window=15)
    fc, _ = train_forecaster(x[:, :300], y[:300], cell="rnn", steps=200, seed=1)
    pred = forecast(fc, x[:, 300:])
    assert np.mean((pred - y[300:]) ** 2) < np.mean((naive_forecast(x[:, 300:]) - y[300:]) ** 2)


def test_tokenize_vocab_and_padding() -> None:
    assert tokenize("I don't LIKE it, 10/10!") == ["i", "don't", "like", "it", "10", "10"]
    vocab = build_vocab(["b a a", "c a b"])
    assert vocab.itos == ["<pad>", "<unk>", "a", "b", "c"]  # by count, ties alphabetical
    assert vocab.encode("a zebra c") == [2, 1, 4]
    ids, lengths = encode_batch(["a b c", "c", ""], vocab)
    assert ids.shape == (3, 3)
    np.testing.assert_array_equal(lengths, [3, 1, 1])
    np.testing.assert_array_equal(ids[:, 0], [2, 3, 4])
    np.testing.assert_array_equal(ids[:, 1], [4, 0, 0])  # right-padded with 0
    np.testing.assert_array_equal(ids[:, 2], [1, 0, 0])  # empty text -> one <unk>
    ids2, lengths2 = encode_batch(["a b c a b"], vocab, max_len=2)
    assert ids2.shape == (2, 1) and lengths2[0] == 2


def test_one_hot_times_table_is_the_embedding_lookup(rng: np.random.Generator) -> None:
    table = rng.standard_normal((7, 3))
    ids = rng.integers(0, 7, size=(4, 2))
    oh = one_hot(ids, 7)
    assert oh.shape == (4, 2, 7)
    np.testing.assert_array_equal(oh.sum(axis=-1), 1.0)
    np.testing.assert_allclose(oh @ table, table[ids], rtol=0, atol=0)


def test_load_sentiment_reads_text_label_csv(tmp_path: Path) -> None:
    path = tmp_path / "sentiment.csv"
    path.write_text('text,label\n"Great, truly great.",1\nboring,0\n"He said ""meh""",0\n',
                    encoding="utf-8")
    texts, labels = load_sentiment(path)
    assert texts == ["Great, truly great.", "boring", 'He said "meh"']
    np.testing.assert_array_equal(labels, [1, 0, 0])
    assert labels.dtype == np.int64
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nfine,2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="0 or 1"):
        load_sentiment(bad)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("sentence,score\nfine,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="text,label"):
        load_sentiment(wrong)


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_sentiment_classifier_learns_synthetic_reviews(cell: str) -> None:
    train_texts, train_labels = synthetic_reviews(0, 400)
    test_texts, test_labels = synthetic_reviews(1, 200)
    clf, hist = train_sentiment(train_texts, train_labels, cell=cell, steps=200, seed=0)
    assert hist.loss[-20:].mean() < 0.5 * hist.loss[:20].mean()
    acc = accuracy(test_labels, clf.predict(test_texts))
    assert acc > 0.9
    proba = clf.predict_proba(test_texts)
    assert proba.shape == (200,) and ((proba >= 0) & (proba <= 1)).all()
    # swapping the one sentiment word swaps the prediction, wherever the word sits
    pairs = ["the plot was {} and the acting was quite", "{} film", "i really {} this movie"]
    pos = clf.predict([p.format("great") for p in pairs] + [p.format("love") for p in pairs])
    neg = clf.predict([p.format("awful") for p in pairs] + [p.format("hate") for p in pairs])
    np.testing.assert_array_equal(pos, 1)
    np.testing.assert_array_equal(neg, 0)


def test_accuracy_checks_shapes() -> None:
    assert accuracy(np.array([1, 0, 1, 1]), np.array([1, 1, 1, 0])) == 0.5
    with pytest.raises(ValueError, match="shape"):
        accuracy(np.array([1, 0]), np.array([1]))
