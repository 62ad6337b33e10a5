"""Early stopping in the training loop, the forecaster's and the classifier's
validation split, batched recursive forecasts, and the bag-of-words baseline."""

from __future__ import annotations

import numpy as np
import pytest
from rnndemo import (
    SeqModel,
    accuracy,
    build_vocab,
    encode_batch,
    forecast,
    forecast_autoregressive,
    init,
    make_windows,
    noisy_sine,
    train,
    train_forecaster,
    train_sentiment,
)
from rnndemo.bow import bag_of_words, train_bag_of_words
from rnndemo.optim import Adam
from rnndemo.timeseries import with_weights


def synthetic_reviews(seed: int, n: int) -> tuple[list[str], np.ndarray]:
    """Filler words around one sentiment word; the label is its polarity."""
    r = np.random.default_rng(seed)
    pos, neg = ["good", "great", "love", "fun"], ["bad", "awful", "hate", "dull"]
    filler = ["the", "movie", "was", "plot", "really", "quite", "this", "and"]
    texts, labels = [], []
    for _ in range(n):
        label = int(r.integers(0, 2))
        words = [str(w) for w in r.choice(filler, size=int(r.integers(3, 8)))]
        words.insert(int(r.integers(0, len(words) + 1)), str(r.choice(pos if label else neg)))
        texts.append(" ".join(words))
        labels.append(label)
    return texts, np.array(labels)


def _sine_windows() -> tuple[np.ndarray, ...]:
    s = noisy_sine(400, noise=0.1, seed=0)
    X, y = make_windows(s, window=20)
    return X[:, :250], y[:250], X[:, 250:], y[250:]


def _tiny_regression(seed: int) -> tuple[SeqModel, object, tuple[np.ndarray, np.ndarray]]:
    Xtr, ytr, Xv, yv = _sine_windows()
    params = init("gru", 1, 8, np.random.default_rng(seed), scheme="orthogonal", O=1)
    model = SeqModel("gru", params, head="mse", readout="last")

    def task(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        idx = rng.integers(0, ytr.shape[0], size=16)
        return Xtr[:, idx], ytr[idx]

    return model, task, (Xv, yv)


def test_keep_best_puts_back_the_weights_with_the_lowest_held_out_loss() -> None:
    model, task, val = _tiny_regression(0)
    # a learning rate high enough that the held-out loss is not monotone
    hist = train(model, task, 200, Adam(lr=5e-2), rng=np.random.default_rng(1),
                 eval_data=val, eval_every=10, keep_best=True)
    assert hist.stopped_step is None and hist.steps == 200
    best = int(np.argmin(hist.eval_loss))
    assert hist.best_step == hist.eval_steps[best]
    # the model now scores exactly the best recorded loss, not the last one
    assert model.loss(*val) == pytest.approx(hist.eval_loss[best], rel=1e-12)
    assert hist.eval_loss[-1] > hist.eval_loss[best]  # the last weights were worse
    assert hist.last_params is not None
    last = SeqModel("gru", hist.last_params, head="mse", readout="last")
    assert last.loss(*val) == pytest.approx(hist.eval_loss[-1], rel=1e-12)


def test_patience_stops_after_that_many_evaluations_without_improvement() -> None:
    model, task, val = _tiny_regression(0)
    hist = train(model, task, 2000, Adam(lr=5e-2), rng=np.random.default_rng(1),
                 eval_data=val, eval_every=10, patience=3)
    assert hist.stopped_step is not None and hist.stopped_step < 2000
    assert hist.steps == hist.stopped_step
    # three evaluations after the best one, none of them better
    assert hist.stopped_step == hist.best_step + 3 * 10
    assert np.all(hist.eval_loss[-3:] >= hist.eval_loss.min())
    assert model.loss(*val) == pytest.approx(hist.eval_loss.min(), rel=1e-12)


def test_without_keep_best_the_last_weights_stay() -> None:
    model, task, val = _tiny_regression(0)
    hist = train(model, task, 100, Adam(lr=5e-2), rng=np.random.default_rng(1),
                 eval_data=val, eval_every=10)
    assert hist.best_step is None and hist.last_params is None
    assert model.loss(*val) == pytest.approx(hist.eval_loss[-1], rel=1e-12)
    with pytest.raises(ValueError, match="eval_data"):
        train(model, task, 10, Adam(), patience=2)


def test_forecaster_with_validation_keeps_its_best_weights() -> None:
    Xtr, ytr, Xv, yv = _sine_windows()
    fc, hist = train_forecaster(Xtr, ytr, steps=300, lr=3e-2, seed=0, val=(Xv, yv))
    assert hist.best_step is not None and hist.last_params is not None
    val_mse = float(np.mean((forecast(fc, Xv) - yv) ** 2))
    # eval_loss is in standardised units: scale it back with the training std
    assert val_mse == pytest.approx(hist.eval_loss.min() * fc.std**2, rel=1e-9)
    last_mse = float(np.mean((forecast(with_weights(fc, hist.last_params), Xv) - yv) ** 2))
    assert last_mse == pytest.approx(hist.eval_loss[-1] * fc.std**2, rel=1e-9)
    assert val_mse <= last_mse


def test_recursive_forecasts_of_several_origins_match_one_at_a_time() -> None:
    Xtr, ytr, _, _ = _sine_windows()
    fc, _ = train_forecaster(Xtr, ytr, steps=50, seed=0)
    s = noisy_sine(200, noise=0.1, seed=3)
    contexts = np.stack([s[o - 20 : o] for o in (40, 90, 150)])
    together = forecast_autoregressive(fc, contexts, 12)
    assert together.shape == (3, 12)
    for row, ctx in zip(together, contexts, strict=True):
        np.testing.assert_allclose(row, forecast_autoregressive(fc, ctx, 12), rtol=1e-12)
    # the first step is the ordinary one-step forecast of the same window
    np.testing.assert_allclose(together[:, 0], forecast(fc, contexts.T[:, :, None])[:, 0],
                               rtol=1e-12)


def test_sentiment_validation_uses_the_training_vocabulary() -> None:
    texts, labels = synthetic_reviews(0, 200)
    val_texts, val_labels = synthetic_reviews(1, 60)
    clf, hist = train_sentiment(texts, labels, steps=200, seed=0, val=(val_texts, val_labels),
                                eval_every=10, patience=4)
    assert hist.best_step is not None
    assert hist.stopped_step is None or hist.stopped_step == hist.best_step + 40
    ids, lengths = encode_batch(val_texts, clf.vocab, clf.max_len)
    assert clf.model.loss(ids, val_labels, lengths) == pytest.approx(hist.eval_loss.min(),
                                                                     rel=1e-12)


def test_embedding_starts_small() -> None:
    texts, labels = synthetic_reviews(0, 100)
    clf, _ = train_sentiment(texts, labels, steps=0, seed=0, embed_dim=8)
    assert np.std(clf.model.params["E"]) == pytest.approx(0.1, rel=0.15)
    big, _ = train_sentiment(texts, labels, steps=0, seed=0, embed_dim=8, embed_scale=1.0)
    np.testing.assert_allclose(big.model.params["E"], 10 * clf.model.params["E"], rtol=1e-12)


def test_bag_of_words_marks_presence_without_padding() -> None:
    vocab = build_vocab(["good film", "bad film", "good good"])
    X = bag_of_words(["good good film", "zebra", ""], vocab)
    assert X.shape == (3, len(vocab) - 1)  # every id but <pad>
    cols = {w: vocab.stoi[w] - 1 for w in ("good", "film", "<unk>")}
    np.testing.assert_array_equal(X[0], np.eye(len(vocab) - 1)[[cols["good"], cols["film"]]].sum(0))
    assert X[1, cols["<unk>"]] == 1.0 and X[1].sum() == 1.0
    assert X[2].sum() == 0.0


def test_bag_of_words_logistic_regression_reaches_the_optimum() -> None:
    texts, labels = synthetic_reviews(0, 300)
    test_texts, test_labels = synthetic_reviews(1, 100)
    vocab = build_vocab(texts)
    clf = train_bag_of_words(texts, labels, vocab, l2=1e-2)
    # at the minimum the gradient of the regularised mean log-loss is zero
    X = bag_of_words(texts, vocab)
    p = clf.predict_proba(texts)
    grad_w = X.T @ (p - labels) / len(texts) + 1e-2 * clf.w
    assert np.max(np.abs(grad_w)) < 1e-9
    assert abs(np.mean(p - labels)) < 1e-9  # the unpenalised bias
    assert accuracy(test_labels, clf.predict(test_texts)) > 0.95
    assert clf.weight("great") > 0 > clf.weight("awful")
    assert clf.weight("zebra") == 0.0
    with pytest.raises(ValueError, match="l2"):
        train_bag_of_words(texts, labels, vocab, l2=0.0)
