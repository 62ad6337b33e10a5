"""Generate a synthetic course of N chapters, as lessonkit YAML and as an mkdocs project.

Each chapter has several Markdown paragraphs, a table, a code block and five questions
(single, multiple, numeric, text, true_false), so that checking and building it exercise
the same paths a real course does. The mkdocs variant holds the same prose as Markdown,
for timing `mkdocs build` on the same content.

    python benchmarks/generate.py N OUT_DIR [--mkdocs]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = [
    "gradient",
    "state",
    "sequence",
    "recurrent",
    "weight",
    "matrix",
    "hidden",
    "input",
    "output",
    "loss",
    "step",
    "time",
    "vanish",
    "explode",
    "clip",
    "norm",
    "radius",
    "gate",
    "memory",
    "cell",
    "forget",
    "update",
    "reset",
    "window",
    "forecast",
    "token",
    "vocabulary",
    "embedding",
    "classifier",
    "accuracy",
    "baseline",
    "training",
    "batch",
    "epoch",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(3, 6)))


def chapter_markdown(rng: random.Random, n: int) -> str:
    paragraphs = "\n\n".join(_paragraph(rng) for _ in range(4))
    return (
        f"## Topic {n}\n\n{paragraphs}\n\n"
        "| symbol | meaning | value |\n|---|---|---|\n"
        f"| $h_t$ | hidden state | {n} |\n| $x_t$ | input | {n + 1} |\n\n"
        "```python\nimport numpy as np\n"
        f"h = np.tanh(np.ones(4) * {n})\nprint(h.sum())\n```\n"
    )


def chapter_yaml(rng: random.Random, n: int) -> str:
    body = chapter_markdown(rng, n).replace("\n", "\n      ")
    qs = []
    prompt = _sentence(rng)
    choices = [
        f"      - text: Right {n}\n        correct: true\n",
        f"      - text: Wrong {n}\n        feedback: {_sentence(rng)}\n",
        f"      - text: Also wrong {n}\n        feedback: {_sentence(rng)}\n",
    ]
    turn = n % len(choices)  # the key moves, as a careful author's would (answer-key-position)
    choices = choices[turn:] + choices[:turn]
    qs.append(f"""  - kind: question
    id: c{n}-single
    type: single
    prompt: {prompt}
    choices:
{"".join(choices)}    explanation: {_sentence(rng)}
""")
    qs.append(f"""  - kind: question
    id: c{n}-multiple
    type: multiple
    prompt: {_sentence(rng)}
    choices:
      - {{text: A {n}, correct: true}}
      - {{text: B {n}, correct: true}}
      - {{text: C {n}, feedback: Not this one.}}
    explanation: {_sentence(rng)}
""")
    qs.append(f"""  - kind: question
    id: c{n}-numeric
    type: numeric
    prompt: {_sentence(rng)}
    answer: {n}.5
    tolerance: 1%
    explanation: {_sentence(rng)}
""")
    qs.append(f"""  - kind: question
    id: c{n}-text
    type: text
    prompt: {_sentence(rng)}
    accept: [word{n}, "word {n}"]
    explanation: {_sentence(rng)}
""")
    qs.append(f"""  - kind: question
    id: c{n}-tf
    type: true_false
    prompt: {_sentence(rng)}
    answer: {"true" if n % 2 else "false"}
    explanation: {_sentence(rng)}
""")
    return (
        f"id: chapter-{n}\ntitle: Chapter {n}\nobjectives:\n  - {_sentence(rng)}\nblocks:\n"
        f"  - kind: explanation\n    body: |\n      {body.rstrip()}\n" + "".join(qs)
    )


def generate(
    n: int, out: Path, mkdocs: bool = False, per_section: int = 50, search: bool = True
) -> None:
    """Write a course of `n` chapters to `out` (and `out/mkdocs/` when asked); `search`
    False turns the site's search index off in course.yaml."""
    rng = random.Random(n)
    out.mkdir(parents=True, exist_ok=True)
    sections = []
    for s in range((n + per_section - 1) // per_section):
        folder = f"s{s:03d}"
        (out / folder).mkdir(exist_ok=True)
        chapters = []
        for c in range(s * per_section, min(n, (s + 1) * per_section)):
            name = f"{folder}/c{c:05d}.yaml"
            (out / name).write_text(chapter_yaml(rng, c), encoding="utf-8")
            chapters.append(name)
        sections.append((f"section-{s}", f"Section {s}", chapters))
    lines = [f"id: bench-{n}", f"title: Benchmark course ({n} chapters)", "sections:"]
    for ident, title, chapters in sections:
        lines += [f"  - id: {ident}", f"    title: {title}", "    chapters:"]
        lines += [f"      - {c}" for c in chapters]
    if not search:
        lines += ["renderers:", "  html:", "    search: false"]
    (out / "course.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if mkdocs:
        _mkdocs(n, out / "mkdocs", per_section)


def _mkdocs(n: int, out: Path, per_section: int) -> None:
    rng = random.Random(n)
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(f"# Benchmark course ({n} chapters)\n", encoding="utf-8")
    nav = ["nav:", "  - Home: index.md"]
    for s in range((n + per_section - 1) // per_section):
        folder = docs / f"s{s:03d}"
        folder.mkdir(exist_ok=True)
        nav.append(f"  - Section {s}:")
        for c in range(s * per_section, min(n, (s + 1) * per_section)):
            # The same random stream as the YAML, so the prose is the same.
            text = f"# Chapter {c}\n\n- {_sentence(rng)}\n\n{chapter_markdown(rng, c)}"
            for _ in range(5):
                text += f"\n**Question.** {_sentence(rng)}\n"
            (folder / f"c{c:05d}.md").write_text(text, encoding="utf-8")
            nav.append(f"    - s{s:03d}/c{c:05d}.md")
    config = [
        "site_name: Benchmark",
        "use_directory_urls: false",
        "markdown_extensions:",
        "  - tables",
        "  - fenced_code",
        *nav,
    ]
    (out / "mkdocs.yml").write_text("\n".join(config) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mkdocs", action="store_true")
    args = parser.parse_args()
    generate(args.n, args.out, args.mkdocs)


if __name__ == "__main__":
    main()
