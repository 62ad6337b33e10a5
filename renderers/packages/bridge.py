"""`assets/lms-bridge.js`: the generated settings plus the bridge sources in `static/`.

The packager knows the course, so everything that can be decided at build time is
decided here and written as one JSON header (`window.LESSONKIT_LMS`): which questions
each SCO or AU covers, their interaction types, weightings and correct-response
patterns, the mastery score. The JavaScript only formats responses and talks to the
LMS. The header is JSON with sorted keys and ASCII escapes, so builds are identical
and no author text can end the script early.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import PurePosixPath
from typing import Literal

from engine.model import Course, QuestionType
from renderers.packages.interactions import Interaction, Reporter, Standard, describe

Package = Literal["scorm12", "scorm2004", "cmi5"]

BRIDGE_PATH = PurePosixPath("assets/lms-bridge.js")
"""Where the bridge goes in the package: the path every site page loads it from."""

_SOURCES: dict[Package, tuple[str, ...]] = {
    "scorm12": ("bridge-common.js", "suspend-codec.js", "scorm-bridge.js"),
    "scorm2004": ("bridge-common.js", "suspend-codec.js", "scorm-bridge.js"),
    "cmi5": ("bridge-common.js", "cmi5-bridge.js"),
}
_VOCABULARY: dict[Package, Standard] = {
    "scorm12": "scorm12",
    "scorm2004": "scorm2004",
    "cmi5": "xapi",
}
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{2,8})*$")


def static_source(name: str) -> str:
    """The text of one file under `renderers/packages/static/`."""
    folder = resources.files("renderers.packages").joinpath("static")
    return folder.joinpath(name).read_text("utf-8")


def language_tag(course: Course) -> str:
    """The course language if it is a usable language tag (SCORM 2004 `{lang=...}`), else ''."""
    return course.language if _LANGUAGE_TAG.match(course.language) else ""


def xapi_definition(
    interaction: Interaction, question: QuestionType, lang: str
) -> dict[str, object]:
    """The xAPI interaction activity definition (xAPI 1.0.3, section 4.1.4.1)."""
    key = lang or "und"

    def components(pairs: Sequence[tuple[str, str]]) -> list[dict[str, object]]:
        return [{"id": ident, "description": {key: text}} for ident, text in pairs]

    definition: dict[str, object] = {
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "name": {key: question.id},
        "description": {key: interaction.description},
        "interactionType": interaction.type,
    }
    if interaction.correct:
        definition["correctResponsesPattern"] = list(interaction.correct)
    if interaction.choices:
        definition["choices"] = components(interaction.choices)
    if interaction.sources:
        definition["source"] = components(interaction.sources)
        definition["target"] = components(interaction.targets)
    return definition


def bridge_settings(
    course: Course,
    package: Package,
    scopes: Mapping[str, Sequence[QuestionType]],
    report: Reporter,
    question_base: str = "",
) -> dict[str, object]:
    """The `LESSONKIT_LMS` object: what the bridge needs to know about the course."""
    lang = language_tag(course)
    questions: dict[str, object] = {}
    for scope in scopes.values():
        for question in scope:
            interaction = describe(question, _VOCABULARY[package], report)
            data = interaction.to_json()
            if package == "cmi5":
                data["definition"] = xapi_definition(interaction, question, lang)
            questions[question.id] = data
    settings: dict[str, object] = {
        "standard": package,
        "course": course.id,
        "mastery": course.passing_score,
        "lang": lang,
        "scopes": {key: [q.id for q in qs] for key, qs in scopes.items()},
        "questions": questions,
        # Ids the SCORM bridge may shorten in suspend_data (see scorm-bridge.js).
        "ids": sorted({q.id for q in course.questions} | {c.id for c in course.chapters}),
    }
    if question_base:
        settings["questionBase"] = question_base
    return settings


def bridge_script(package: Package, settings: Mapping[str, object]) -> bytes:
    """The complete `assets/lms-bridge.js` of a package."""
    header = (
        "/* lessonkit LMS bridge: generated settings, then the bridge (see the sources in\n"
        "   renderers/packages/static/ of lessonkit). */\n"
        f"window.LESSONKIT_LMS = {json.dumps(settings, sort_keys=True, ensure_ascii=True)};\n"
    )
    body = "\n".join(static_source(name) for name in _SOURCES[package])
    return (header + body).encode("utf-8")
