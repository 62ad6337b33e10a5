"""A bag-of-words logistic regression: the baseline a sequence model must beat.

Why it belongs next to the GRU: a sentence classifier that ignores word order
is the cheapest serious competitor. It sees which vocabulary words occur, not
where, so any accuracy the recurrent model has beyond it is what order (and
the state carried along the sentence) is worth on this data.

Why Newton's method: the regularised log-loss is convex, so it has a single
minimum, and Newton steps reach it to machine precision in a handful of
iterations. The result then depends on neither a seed nor a learning rate,
which makes it a fixed reference line rather than one more random draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .numerics import Array
from .sentiment import PAD, Vocab

__all__ = ["BagOfWordsClassifier", "bag_of_words", "train_bag_of_words"]


def bag_of_words(texts: Sequence[str], vocab: Vocab) -> Array:
    """Word-presence features (N, V - 1): 1.0 where the vocabulary word (or
    ``<unk>``) occurs in the text, else 0.0. Padding has no column.

    Presence rather than counts: in one-sentence reviews a word rarely repeats,
    and a 0/1 feature keeps every weight on the same scale.
    """
    pad = vocab.stoi[PAD]
    X = np.zeros((len(texts), len(vocab)), dtype=np.float64)
    for i, t in enumerate(texts):
        X[i, vocab.encode(t)] = 1.0
    return np.delete(X, pad, axis=1)


def _sigmoid(z: Array) -> Array:
    # the two branches avoid exp overflow for large |z|
    e = np.exp(-np.abs(z))
    p: Array = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return p


@dataclass
class BagOfWordsClassifier:
    """Weights ``w`` (one per vocabulary word), bias ``b``, and the vocabulary."""

    w: Array
    b: float
    vocab: Vocab

    def predict_proba(self, texts: Sequence[str]) -> Array:
        """P(label = 1) for each text, shape (N,)."""
        return _sigmoid(bag_of_words(texts, self.vocab) @ self.w + self.b)

    def predict(self, texts: Sequence[str]) -> Array:
        """Labels 0/1, shape (N,)."""
        return (self.predict_proba(texts) >= 0.5).astype(np.int64)

    def weight(self, word: str) -> float:
        """The weight of one word (0.0 for a word outside the vocabulary, which
        only reaches the model as ``<unk>``)."""
        j = self.vocab.stoi.get(word)
        if j is None or j == self.vocab.stoi[PAD]:
            return 0.0
        return float(self.w[j - 1 if j > self.vocab.stoi[PAD] else j])


def train_bag_of_words(
    texts: Sequence[str],
    labels: Array,
    vocab: Vocab,
    l2: float = 1e-2,
    max_iter: int = 50,
    tol: float = 1e-10,
) -> BagOfWordsClassifier:
    """Fit ``P(1 | text) = sigmoid(w . bag_of_words(text) + b)`` by Newton's method.

    Minimises the mean log-loss plus ``l2 / 2 * |w|^2`` (the bias is not
    penalised). ``vocab`` is passed in rather than built here so that the
    baseline sees exactly the words the recurrent model sees. Stops when the
    gradient's largest entry is below ``tol``; raises if that takes more than
    ``max_iter`` steps (it takes about ten on the course data).
    """
    if l2 <= 0:
        raise ValueError("l2 must be positive: with more words than sentences the "
                         "unregularised problem has no finite minimum")
    X = bag_of_words(texts, vocab)
    y = np.asarray(labels, dtype=np.float64)
    n, d = X.shape
    Xb = np.hstack([X, np.ones((n, 1))])  # the last column carries the bias
    penalty = np.full(d + 1, l2)
    penalty[-1] = 0.0
    theta = np.zeros(d + 1)
    for _ in range(max_iter):
        p = _sigmoid(Xb @ theta)
        grad = Xb.T @ (p - y) / n + penalty * theta
        if np.max(np.abs(grad)) < tol:
            break
        hess = (Xb.T * (p * (1.0 - p))) @ Xb / n + np.diag(penalty)
        # a tiny ridge on the bias keeps the system solvable if every p is 0 or 1
        hess[-1, -1] += 1e-12
        theta -= np.linalg.solve(hess, grad)
    else:
        raise RuntimeError(f"Newton's method did not converge in {max_iter} steps")
    return BagOfWordsClassifier(theta[:-1].copy(), float(theta[-1]), vocab)
