"""A character-level language model: one-to-many generation with a recurrent cell.

Why character level: the vocabulary is a few dozen symbols, so the softmax is
cheap, no tokenizer is needed, and a few KB of text are enough to see a model
learn spelling and common words. The model is the course's ``SeqModel`` with an
embedding, a cell and a softmax readout at *every* step; it is trained with
teacher forcing (the input at step t is the true character t, never the model's
own guess) and generates by feeding its samples back in.

Quality is measured in bits per character (bpc) on held-out text and compared with
two count-based baselines that need no training: a unigram model (character
frequencies) and a bigram model (frequency of a character given the previous one).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .gru import gru_step
from .lstm import lstm_step
from .model import SeqModel
from .numerics import Array, single_blas_thread
from .optim import Adam
from .rnn import rnn_step
from .spectral import init
from .train import History, train

__all__ = [
    "CharLM",
    "CharVocab",
    "bits_per_char",
    "load_text",
    "ngram_bits_per_char",
    "ngram_probs",
    "sample",
    "train_charlm",
]

_SPACES = re.compile(r"\s+")


def load_text(path: str | Path) -> str:
    """The text in lower case with every run of white space turned into one space.

    Why normalise: line breaks in a prose file are layout, not content, and lower
    case halves the alphabet a tiny model has to learn.
    """
    return _SPACES.sub(" ", Path(path).read_text(encoding="utf-8").lower()).strip()


@dataclass(frozen=True)
class CharVocab:
    """The characters of a text, sorted; a character's id is its position."""

    chars: tuple[str, ...]

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        return cls(tuple(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> Array:
        index = {c: i for i, c in enumerate(self.chars)}
        try:
            return np.array([index[c] for c in text], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(f"character {exc.args[0]!r} is not in the vocabulary") from None

    def decode(self, ids: Sequence[int] | Array) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def ngram_probs(train_ids: Array, V: int, order: int, alpha: float) -> Array:
    """Add-``alpha`` smoothed character probabilities estimated from counts.

    ``order=1``: shape (V,), P(c) = (n_c + alpha) / (N + alpha V).
    ``order=2``: shape (V, V), row b is P(c | b) = (n_bc + alpha) / (n_b + alpha V),
    where n_b counts b as the *first* character of a pair.
    """
    if alpha <= 0:
        raise ValueError("alpha must be positive, or unseen characters get probability 0")
    ids = np.asarray(train_ids, dtype=np.int64)
    if order == 1:
        counts = np.bincount(ids, minlength=V).astype(np.float64)
        return (counts + alpha) / (counts.sum() + alpha * V)
    if order == 2:
        pairs = np.zeros((V, V))
        np.add.at(pairs, (ids[:-1], ids[1:]), 1.0)
        return (pairs + alpha) / (pairs.sum(axis=1, keepdims=True) + alpha * V)
    raise ValueError("order must be 1 or 2")


def ngram_bits_per_char(probs: Array, test_ids: Array) -> float:
    """Mean -log2 P of the characters ``test_ids[1:]`` (each given the previous one
    for a bigram table), so every model in the chapter is scored on the same
    characters: the first one has no context and is left out."""
    ids = np.asarray(test_ids, dtype=np.int64)
    p = probs[ids[1:]] if probs.ndim == 1 else probs[ids[:-1], ids[1:]]
    return float(-np.mean(np.log2(p)))


@dataclass
class CharLM:
    """A trained character model and its vocabulary."""

    model: SeqModel
    vocab: CharVocab

    def bits_per_char(self, text_ids: Array) -> float:
        return bits_per_char(self.model, text_ids)


def bits_per_char(model: SeqModel, text_ids: Array) -> float:
    """Mean -log2 P(character t | characters before t) over ``text_ids[1:]``.

    The model reads the text from a zero state as one sequence; its softmax
    cross-entropy is in nats, so it is divided by ln 2.
    """
    ids = np.asarray(text_ids, dtype=np.int64)
    return model.loss(ids[:-1, None], ids[1:, None]) / math.log(2.0)


@single_blas_thread
def train_charlm(
    train_ids: Array,
    V: int,
    *,
    cell: str = "gru",
    hidden: int = 48,
    embed_dim: int = 16,
    window: int = 16,
    batch: int = 32,
    steps: int = 150,
    lr: float = 2e-2,
    clip: float | None = 1.0,
    seed: int = 0,
    valid_ids: Array | None = None,
    eval_every: int = 25,
) -> tuple[SeqModel, History]:
    """Train a next-character model with teacher forcing.

    Each step draws ``batch`` random windows of ``window + 1`` characters; the
    first ``window`` are the inputs and the last ``window`` (shifted by one) the
    targets, so the model is trained to predict every position from the true
    prefix. With ``valid_ids`` the history's ``eval_loss`` is the held-out
    cross-entropy in nats every ``eval_every`` steps.

    The defaults are the course's: on the 4.5 KB harbour text, 150 steps of 32
    windows (about 19 passes over the text) take under a second on one core.
    """
    ids = np.asarray(train_ids, dtype=np.int64)
    if ids.size <= window + 1:
        raise ValueError("the training text must be longer than one window")
    w_rng, data_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    params = init(cell, embed_dim, hidden, w_rng, scheme="orthogonal", O=V)
    # N(0, 1) embedding rows, as torch.nn.Embedding initialises them
    params["E"] = w_rng.standard_normal((V, embed_dim))
    model = SeqModel(cell, params, head="xent", readout="all")
    offsets = np.arange(window + 1)

    def task(rng: np.random.Generator) -> tuple[Array, Array]:
        starts = rng.integers(0, ids.size - window, size=batch)
        chunk = ids[starts[None, :] + offsets[:, None]]  # (window + 1, batch), time-major
        return chunk[:-1], chunk[1:]

    eval_data = None
    if valid_ids is not None:
        v = np.asarray(valid_ids, dtype=np.int64)
        eval_data = (v[:-1, None], v[1:, None])
    hist = train(model, task, steps, Adam(lr=lr), clip=clip, rng=data_rng,
                 eval_data=eval_data, eval_every=eval_every if eval_data is not None else 0)
    hist.model = model
    return model, hist


def sample(
    model: SeqModel,
    vocab: CharVocab,
    prompt: str,
    length: int,
    temperature: float = 1.0,
    rng: np.random.Generator | None = None,
) -> str:
    """Continue ``prompt`` by ``length`` characters, one at a time.

    The prompt is read with teacher forcing (its true characters); after that each
    sampled character becomes the next input. The softmax is taken of
    logits / ``temperature``: below 1 it sharpens the distribution towards the most
    likely character, above 1 it flattens it towards uniform.
    """
    if temperature <= 0:
        raise ValueError("temperature must be positive (use a small value for near-greedy output)")
    if not prompt:
        raise ValueError("sampling needs a prompt of at least one character")
    rng = np.random.default_rng(0) if rng is None else rng
    p = model.params
    H = p["W_hh"].shape[1]
    h, c = np.zeros((1, H)), np.zeros((1, H))

    def step(token: int) -> Array:
        nonlocal h, c
        x = p["E"][[token]]
        if model.kind == "gru":
            h = gru_step(p, x, h)
        elif model.kind == "lstm":
            h, c = lstm_step(p, x, h, c)
        else:
            h = rnn_step(p, x, h, model.nonlinearity)
        return (h @ p["W_out"].T + p["b_out"])[0]

    for token in vocab.encode(prompt):
        logits = step(int(token))
    out = []
    for _ in range(length):
        z = logits / temperature
        probs = np.exp(z - z.max())
        probs /= probs.sum()
        token = int(rng.choice(len(probs), p=probs))
        out.append(token)
        logits = step(token)
    return vocab.decode(out)
