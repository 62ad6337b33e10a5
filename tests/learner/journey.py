"""A one-chapter course with every question type, a wide table and a diagram, written
into a temporary folder in the interface language a test asks for."""

from __future__ import annotations

from pathlib import Path

COURSE = """\
id: journey
title: A learner's journey
language: {language}
ui_language: {language}
passing_score: 0.7
feedback: {{enabled: true}}
sections:
  - id: only
    title: The only section
    chapters: [journey.yaml]
"""

CHAPTER = r"""id: journey
title: Every question type
objectives: [Answer every kind of question]
blocks:
  - kind: explanation
    body: |
      Remedies for unstable gradients, compared:

      | remedy | what it changes | when it helps | what it costs |
      |---|---|---|---|
      | clipping | the update's length, not its direction | exploding | one norm per step |
      | gating | the path the gradient flows along | vanishing | four times the weights |

      The unrolled network:

      ```
      x1 ---> [h1] ---> [h2] ---> [h3] ---> [h4] ---> [h5] ---> [h6] ---> [h7] ---> y
      ```

  - kind: question
    id: q-single
    type: single
    prompt: Which of these networks is recurrent, feeding its state back in at every step?
    choices:
      - {text: An RNN, correct: true}
      - {text: A feed-forward network}
      - {text: A convolution}
    shuffle: false
    hints: [Look at the name., R is for recurrent.]
    hint_penalty: 0.25
    points: 2
    explanation: An RNN feeds its hidden state back in.
  - kind: question
    id: q-multiple
    type: multiple
    prompt: Which are gates of an LSTM?
    choices:
      - {text: Input gate, correct: true}
      - {text: Forget gate, correct: true}
      - {text: Reset gate}
    shuffle: false
  - kind: question
    id: q-true-false
    type: true_false
    prompt: Clipping keeps the direction of the gradient.
    answer: true
  - kind: question
    id: q-numeric
    type: numeric
    prompt: What is the largest slope of the sigmoid?
    answer: 0.25
    tolerance: 0.001
  - kind: question
    id: q-text
    type: text
    prompt: Name the algorithm that trains RNNs through time (short form).
    accept: [BPTT]
  - kind: question
    id: q-cloze
    type: cloze
    prompt: An [[cell]] has a forget gate; small gradients are [[which]].
    blanks:
      cell: {accept: [LSTM]}
      which: {choices: [vanishing, exploding, stable], answer: vanishing}
  - kind: question
    id: q-matching
    type: matching
    prompt: Match each gate with its model.
    pairs:
      - {left: Forget gate, right: LSTM}
      - {left: Update gate, right: GRU}
    shuffle: false
  - kind: question
    id: q-ordering
    type: ordering
    prompt: Put the training steps in order.
    items: [Forward pass, Backward pass, Update the weights]
"""


def write_journey_course(folder: Path, language: str) -> Path:
    """The course in `folder`, its interface in `language`; its course.yaml's folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "course.yaml").write_text(COURSE.format(language=language), "utf-8")
    (folder / "journey.yaml").write_text(CHAPTER, "utf-8")
    return folder
