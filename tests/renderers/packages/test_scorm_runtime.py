"""SCORM packages in a real SCORM runtime: scorm-again as the LMS, Chromium as the browser.

The scripted learner answers the completeness course through the site's controls over
two sessions. The first stops after two chapters; the second is a resume: the answers
are back on screen, two wrong ones are corrected and the last chapter is done. The
test asserts every value the LMS received (each interaction, score, statuses, exit,
session time), checks each against the specification's data types, and shows that
the same checks reject a wrong value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from tests.renderers.packages.checks import call_problems
from tests.renderers.packages.conftest import Packages, Site
from tests.renderers.packages.learner import (
    CORRECTIONS,
    FIRST_SESSION,
    POINTS,
    SECOND_SESSION,
    Answer,
    answer,
)
from tests.renderers.packages.scorm_player import START, STEP, ScormPlayer, Session, find_frame
from tests.renderers.packages.test_interactions import EXPECTED

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("lms-browser")]

FORMAT = {"1.2": "scorm12", "2004": "scorm2004"}


def _timespan(seconds: int, version: str) -> str:
    if version == "1.2":
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}.00"
    minutes, rest = divmod(seconds, 60)
    return "PT" + (f"{minutes}M" if minutes else "") + (f"{rest}S" if rest or not minutes else "")


def _expected(
    answers: Sequence[tuple[Answer, int]], version: str
) -> dict[str, dict[str, str]]:
    """Interaction fields by question id; `answers` are (answer, latency) in answer order."""
    out: dict[str, dict[str, str]] = {}
    for k, (item, latency) in enumerate(answers, 1):
        at = START + timedelta(seconds=STEP * k)
        kind, old, new = EXPECTED[item.question]
        fields = {
            "id": item.question,
            "type": kind,
            "weighting": f"{POINTS.get(item.question, 1.0):g}",
            "result": item.result12 if version == "1.2" else item.result2004,
            "latency": _timespan(latency, version),
        }
        patterns = old if version == "1.2" else new
        fields.update({f"correct_responses.{n}.pattern": p for n, p in enumerate(patterns)})
        if version == "1.2":
            fields["time"] = at.strftime("%H:%M:%S")
            fields["student_response"] = item.response12
        else:
            fields["timestamp"] = at.strftime("%Y-%m-%dT%H:%M:%S.00Z")
            fields["learner_response"] = item.response2004
        out[item.question] = fields
    return out


def _interactions(session: Session) -> dict[str, dict[str, str]]:
    """What the content wrote, per interaction record, keyed by the record's id."""
    records: dict[str, dict[str, str]] = {}
    for element, value in session.sets("cmi.interactions."):
        index, field = element.removeprefix("cmi.interactions.").split(".", 1)
        records.setdefault(index, {})[field] = value
    by_id = {record["id"]: record for record in records.values()}
    assert len(by_id) == len(records), "one record per question"
    for record in by_id.values():
        record.pop("description", None)
    return by_id


def _latencies(answers: Sequence[Answer], retried: bool = False) -> list[tuple[Answer, int]]:
    """Latency of each answer: time since its page loaded (or since "Try again")."""
    out, page, count = [], None, 0
    for item in answers:
        count = 1 if item.chapter != page or retried else count + 1
        page = item.chapter
        out.append((item, STEP * count))
    return out


def _initial(version: str, resume: Session | None = None) -> dict[str, Any]:
    """The learner data the LMS hands the SCO at launch (mastery from the manifest: 70 %)."""
    if version == "1.2":
        data: dict[str, Any] = {
            "core": {"student_id": "learner-1", "student_name": "Learner, Test",
                     "entry": "resume" if resume else "ab-initio"},
            "student_data": {"mastery_score": "70"},
        }
        if resume:
            data["suspend_data"] = resume.final["cmi"]["suspend_data"]
        return data
    data = {"learner_id": "learner-1", "learner_name": "Learner, Test",
            "entry": "resume" if resume else "ab-initio", "scaled_passing_score": "0.7",
            "completion_threshold": "1.0"}
    if resume:
        data["suspend_data"] = resume.final["cmi"]["suspend_data"]
        # A 2004 LMS keeps the interactions of a suspended attempt; answering again
        # must update the same record.
        data["interactions"] = resume.final["cmi"]["interactions"]
    return data


def _status(final: dict[str, Any], version: str) -> tuple[str, ...]:
    cmi = final["cmi"]
    if version == "1.2":
        core = cmi["core"]
        return (core["lesson_status"], core["score"]["raw"], core["score"]["min"],
                core["score"]["max"], core["exit"])
    score = cmi["score"]
    return (cmi["completion_status"], cmi["success_status"], score.get("scaled"), score["raw"],
            score["min"], score["max"], cmi["progress_measure"], cmi["exit"])


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_two_sessions_in_a_scorm_runtime(
    page: Any, site: Site, packages: Packages, version: str
) -> None:
    base = site.publish(FORMAT[version], packages(FORMAT[version]))

    first = ScormPlayer(page, site.base, version, base)
    first.launch(_initial(version))
    for item in FIRST_SESSION:
        first.answer(item)
    one = first.leave(linger=5)

    assert call_problems(one.calls, version) == []
    assert _interactions(one) == _expected(_latencies(FIRST_SESSION), version)
    # 1.5 + 1/3 + 1 + 0 + 1 + 0 + 1 + 1 + 0 of 15 points, two chapters of three done.
    if version == "1.2":
        assert _status(one.final, version) == ("incomplete", "38.89", "0", "100", "suspend")
    else:
        assert _status(one.final, version) == (
            "incomplete", "unknown", "", "38.89", "0", "100", "0.6428571", "suspend")
    session_time = "cmi.core.session_time" if version == "1.2" else "cmi.session_time"
    assert dict(one.sets(session_time)) == {session_time: _timespan(95, version)}
    assert one.final["cmi"]["suspend_data"][0] in "LJ"
    assert page.page_errors == []

    page.context.clear_cookies()
    second_page = page.context.new_page()
    second_page.page_errors = []
    second_page.on("pageerror", lambda error: second_page.page_errors.append(str(error)))
    second = ScormPlayer(second_page, site.base, version, base)
    second.launch(_initial(version, resume=one))
    second.open_chapter("choices")
    frame = second.frame
    # The answers of the first session are back on screen, graded as before.
    assert frame.is_checked("#_q-tf-true-false")
    assert "is-wrong" in (frame.get_attribute('[data-question="tf-true"] [data-q-result]',
                                              "class") or "")
    assert frame.is_checked("#_q-multiple-partial-c3")
    for item in CORRECTIONS:
        second.answer(item, again=True)
    for item in SECOND_SESSION:
        second.answer(item)
    two = second.leave(linger=5)

    assert call_problems(two.calls, version) == []
    expected = _expected(
        _latencies(CORRECTIONS, retried=True) + _latencies(SECOND_SESSION), version)
    written = _interactions(two)
    assert written == expected
    if version == "2004":
        # The corrected answers went to the records of the first session (3 and 8).
        indexes = {v: k.split(".")[2] for k, v in two.sets("cmi.interactions.")
                   if k.endswith(".id")}
        assert indexes["tf-true"] == "3" and indexes["text-case"] == "8"
        assert len(two.final["cmi"]["interactions"]) == 14
    # 10.5 of 15 points is exactly the passing score of 70 %.
    if version == "1.2":
        assert _status(two.final, version) == ("passed", "70", "0", "100", "")
    else:
        assert _status(two.final, version) == (
            "completed", "passed", "0.7", "70", "0", "100", "1", "normal")
    assert dict(two.sets(session_time)) == {session_time: _timespan(75, version)}
    assert second_page.page_errors == []


@pytest.mark.parametrize(
    ("version", "writes", "expected"),
    [
        ("1.2",
         [("cmi.core.lesson_status", "finished"), ("cmi.interactions.0.id", "an id"),
          ("cmi.suspend_data", "x" * 4097), ("cmi.core.score.raw", "120"),
          ("cmi.core.session_time", "1:02:03")],
         ["lesson_status', 'finished') returned false (error 405)",
          "cmi.interactions.0.id = 'an id'", "cmi.suspend_data = 'xxxx",
          "score.raw', '120') returned false", "cmi.core.session_time = '1:02:03'"]),
        ("2004",
         [("cmi.score.scaled", "80"), ("cmi.interactions.0.id", "q 1"),
          ("cmi.session_time", "PT"), ("cmi.exit", "finished")],
         ["returned false (error 407)", "cmi.interactions.0.id = 'q 1'",
          "cmi.session_time = 'PT'", "cmi.exit', 'finished') returned false"]),
    ],
)
def test_the_checks_catch_wrong_values(
    page: Any, site: Site, packages: Packages, version: str,
    writes: list[tuple[str, str]], expected: list[str],
) -> None:
    """Wrong values written on purpose through the bridge: each one is reported, whether
    scorm-again refuses it or (being lenient) accepts it."""
    base = site.publish(FORMAT[version], packages(FORMAT[version]))
    player = ScormPlayer(page, site.base, version, base)
    frame = player.launch(_initial(version))
    frame.evaluate(
        "writes => writes.forEach(([e, v]) => parent.lessonkitLauncher.session.set(e, v))",
        writes,
    )
    problems = call_problems(player.leave().calls, version)
    assert len(problems) == len(expected), problems
    for text in expected:
        assert any(text in p for p in problems), (text, problems)


_LIMIT_PROBE = """([limit]) => {
  const session = parent.lessonkitLauncher.session;
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let seed = 7;
  const noise = n => Array.from({length: n}, () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return digits[(seed >>> 24) % 62];
  }).join("");
  const text = noise(limit + 200);
  const state = n => ({version: 1, course: "complete", answers: {}, hints: {}, chapters: {},
                       feedback: {}, note: text.slice(0, n)});
  let n = limit - 200;
  while (session.encodeState(state(n)).length < limit && n < text.length) n += 1;
  const warnings = [];
  parent.document.addEventListener("lessonkit:lms-warning", e => warnings.push(e.detail));
  document.addEventListener("lessonkit:lms-warning", e => warnings.push(e.detail));
  window.lessonkitStorage.save(state(n));
  const atLimit = session.written["cmi.suspend_data"];
  window.lessonkitStorage.save(state(n + 1));
  const after = session.written["cmi.suspend_data"];
  const back = parent.LessonkitBridge.codec.decode(after);
  return {exact: session.encodeState(state(n)).length, stored: atLimit.length,
          kept: after === atLimit, warnings: warnings.length,
          roundTrip: JSON.stringify(back) === JSON.stringify([1, state(n)])};
}"""


@pytest.mark.parametrize(("version", "limit"), [("1.2", 4096), ("2004", 64000)])
def test_suspend_data_at_the_limit(
    page: Any, site: Site, packages: Packages, version: str, limit: int
) -> None:
    """A state that encodes to exactly the limit is stored; one character more is refused
    (the last state that fitted stays) and reported, instead of being cut by the LMS."""
    base = site.publish(FORMAT[version], packages(FORMAT[version]))
    player = ScormPlayer(page, site.base, version, base)
    frame = player.launch(_initial(version))
    probe = frame.evaluate(_LIMIT_PROBE, [limit])
    assert probe == {"exact": limit, "stored": limit, "kept": True, "warnings": 2,
                     "roundTrip": True}
    session = player.leave()
    assert len(session.final["cmi"]["suspend_data"]) == limit
    assert call_problems(session.calls, version) == []


def test_without_an_lms_the_package_is_the_plain_site(
    page: Any, site: Site, packages: Packages
) -> None:
    base = site.publish("scorm12", packages("scorm12"))
    page.goto(f"{base}/lessonkit-launch.html")
    frame = find_frame(page, f"{base}/index.html")
    frame.goto(f"{base}/chapters/choices.html")
    frame.check("#_q-tf-true-true")
    frame.click('[data-question="tf-true"] [data-q-check]')
    frame.wait_for_selector('[data-question="tf-true"] .is-right')
    assert frame.evaluate("window.lessonkitStorage === undefined")
    stored = frame.evaluate("localStorage.getItem('lessonkit:v1:complete')")
    assert '"tf-true"' in stored
    page.goto(f"{base}/chapters/choices.html")
    assert page.is_checked("#_q-tf-true-true")
    assert page.page_errors == []


def test_a_chapter_sco_scores_its_own_chapter(
    page: Any, site: Site, packages: Packages
) -> None:
    base = site.publish("scorm2004-chapter", packages("scorm2004", "chapter"))
    player = ScormPlayer(page, site.base, "2004", base)
    player.launch(_initial("2004"), "lessonkit-launch-values.html", "chapters/values.html")
    player.chapter = "values"
    values = [a for a in FIRST_SESSION if a.chapter == "values"]
    for item in values:
        player.answer(item)
    player.answer(FIRST_SESSION[0])  # a question of another chapter: not this SCO's
    session = player.leave()
    assert call_problems(session.calls, "2004") == []
    assert sorted(_interactions(session)) == sorted(a.question for a in values)
    # numeric-abs, numeric-range and text-accept right: 3 of 5 points, below 70 %.
    assert _status(session.final, "2004") == (
        "completed", "failed", "0.6", "60", "0", "100", "1", "normal")


def test_the_api_is_found_through_the_opener(page: Any, site: Site, packages: Packages) -> None:
    """An LMS that opens the content in a new window: the API is on the opener."""
    base = site.publish("scorm12", packages("scorm12"))
    page.add_init_script(f"window.lmsInitial = {json.dumps(_initial('1.2'))};")
    with page.expect_popup() as opened:
        page.goto(f"{site.base}/lms/player.html?v=12&window=1"
                  f"&launch=/pkg/scorm12/lessonkit-launch.html")
    popup = opened.value
    frame = find_frame(popup, f"{base}/index.html")
    frame.goto(f"{base}/chapters/choices.html")
    answer(frame, FIRST_SESSION[3])
    popup.close(run_before_unload=True)
    page.wait_for_function("window.lmsFinal !== undefined")
    final = page.evaluate("window.lmsFinal")["cmi"]
    assert call_problems(page.evaluate("window.lmsCalls"), "1.2") == []
    assert final["interactions"]["0"]["id"] == "tf-true"
    assert final["interactions"]["0"]["student_response"] == "f"
    assert (final["core"]["lesson_status"], final["core"]["exit"]) == ("incomplete", "suspend")
