"""Our QTI 2.1 package in a real QTI player: converted to QTI 3 by @citolab/qti-convert,
then every item scored by @citolab/qti-components (a QTI player with response processing)
in Chromium, for right, wrong and partly right responses, against engine.grading.score.

What the player does differently, and whose it is:
- it keeps SCORE to three decimals at each step (its arithmetic: 1/3 reads 0.333, and
  six positions worth 1/6 add up to 1.002), so scores agree to within 0.005;
- nothing else: every item of both courses converts and scores as written.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.grading.score import Response, grade
from engine.model import Ordering, QuestionType
from tests.renderers.banks.exportkit import NODE_MODULES, Export
from tests.renderers.banks.test_qti21 import qti_values, responses

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("lms-browser")]

CONVERT = NODE_MODULES / "@citolab" / "qti-convert" / "dist" / "qti-convert-folder.mjs"
PLAYER = NODE_MODULES / "@citolab" / "qti-components" / "cdn" / "index.global.js"
ROUNDING = 0.005
"""How far the player's SCORE may sit from ours: it rounds to three decimals per step."""

SCORE_JS = """async (trials) => {
  // Each trial: a fresh copy of the item, the response set, processed, SCORE read.
  await customElements.whenDefined('qti-assessment-item');
  const host = document.getElementById('host');
  const scores = [];
  for (const [xml, values] of trials) {
    host.innerHTML = xml;
    const item = host.querySelector('qti-assessment-item');
    await new Promise(done => setTimeout(done, 0));
    for (const [name, value] of values) item.updateResponseVariable(name, value);
    item.processResponse();
    const score = item.getOutcome('SCORE');
    scores.push(score ? Number(score.value) : null);
  }
  return scores;
}"""


def as_html(xml: str) -> str:
    """QTI 3 XML as HTML the player's custom elements accept: no declaration, and every
    self-closing tag opened and closed (the HTML parser would nest the siblings)."""
    xml = re.sub(r"<\?xml[^>]*\?>", "", xml)
    return re.sub(r"<([A-Za-z][\w:.-]*)([^<>]*?)\s*/>", r"<\1\2></\1>", xml)


def player_values(values: dict[str, Any]) -> list[list[Any]]:
    """The QTI response values as the player takes them: strings, lists of strings,
    directed pairs as `"L1 R2"`."""
    result = []
    for name, value in values.items():
        if isinstance(value, list):
            value = [" ".join(v) if isinstance(v, tuple) else v for v in value]
        elif isinstance(value, float | int) and not isinstance(value, bool):
            value = repr(float(value))
        result.append([name, value])
    return result


def tried(q: QuestionType) -> list[Response]:
    """test_qti21's right, wrong and partly right responses, plus an ordering with no item
    in its place (a rotation), so that partial ordering is tried wrong too."""
    extra: list[Response] = []
    if isinstance(q, Ordering):
        extra.append([*range(1, len(q.items)), 0])
    return [*responses(q), *extra]


@pytest.fixture(scope="module")
def qti3(export: Callable[[str, str], Export], tmp_path_factory: pytest.TempPathFactory,
         ) -> Callable[[str], Path]:
    """`qti3("sample")`: the folder of the course's QTI 2.1 package converted to QTI 3."""
    assert CONVERT.exists() and PLAYER.exists(), "run scripts/install-tools.sh"
    done: dict[str, Path] = {}

    def convert(key: str) -> Path:
        if key not in done:
            folder = tmp_path_factory.mktemp("qti21") / key
            with zipfile.ZipFile(io.BytesIO(export(key, "qti21").main)) as archive:
                archive.extractall(folder)
            # The converter writes next to its (absolute) input: <folder>-qti3.
            subprocess.run(["node", str(CONVERT), str(folder)], check=True,
                           capture_output=True, timeout=300)
            done[key] = folder.parent / f"{key}-qti3"
        return done[key]

    return convert


@pytest.fixture(scope="module")
def player(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.set_content("<!doctype html><html><body><div id='host'></div></body></html>")
    page.add_script_tag(path=str(PLAYER))
    yield page
    context.close()


@pytest.mark.parametrize("key", ["complete", "sample"])
def test_the_player_scores_every_item_like_the_grader(
    key: str, export: Callable[[str, str], Export], qti3: Callable[[str], Path], player: Any,
) -> None:
    course = export(key, "qti21").course
    folder = qti3(key)
    trials = [(q, response) for q in course.questions for response in tried(q)]
    xml = {q.id: as_html((folder / "items" / f"{q.id}.xml").read_text(encoding="utf-8"))
           for q in course.questions}
    scores = player.evaluate(SCORE_JS, [[xml[q.id], player_values(qti_values(q, response))]
                                        for q, response in trials])
    kinds: dict[str, set[str]] = {q.id: set() for q in course.questions}
    differ = []
    for (q, response), got in zip(trials, scores, strict=True):
        expected = grade(q, response).fraction
        if got is None or abs(got - expected) > ROUNDING:
            differ.append((q.id, response, got, expected))
        kinds[q.id].add("right" if expected == 1 else "wrong" if expected == 0 else "partial")
    assert differ == []
    # Every question was tried with a right and a wrong response, and with a partly
    # right one where its type and scoring give partial credit.
    partial = {q.id for q in course.questions if q.type in ("multiple", "cloze", "matching",
                                                             "ordering")
               and getattr(q, "scoring", "partial") == "partial"}
    assert {q: k for q, k in kinds.items() if not {"right", "wrong"} <= k} == {}
    assert {q for q in partial if "partial" not in kinds[q]} == set()
