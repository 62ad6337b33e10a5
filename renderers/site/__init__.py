"""The static HTML site: an index, a page per chapter, search, and interactive questions.

The site works from `file://` and from any sub-path of a web server (every link is
relative), reads fine without JavaScript (each question's answer and explanation sit
behind a disclosure), and makes no request outside itself (no CDN, fonts or analytics;
a Content-Security-Policy allows only its own files).

Layout of the bundle (paths relative to the site root)::

    index.html                 title, description, progress, full course outline
    chapters/<chapter-id>.html one page per chapter
    search.html                full-text search, in the browser (http and file://)
    progress.html              the learner's scores, mistakes to review, printable summary
    assets/course.js           window.LESSONKIT_COURSE (below)
    assets/lessonkit.js        learner state, progress, events, theme, reset
    assets/grading.js          window.lessonkitGrade, a mirror of engine/grading/score.py
    assets/responses.js        reading, writing and marking responses (chapter pages)
    assets/quiz.js             the question widgets and the chapter's score (chapter pages)
    assets/search.js           the search page; assets/theme.js: saved colour theme
    assets/*.css, *.svg        styles (screen, print), icon
    media/<course path>        course files that Markdown links to (images, data)
    figures/<hash>.svg         figures produced by code cells
    search/<n>.js              search index shards (renderers/site/search.py)

Contract with the LMS packaging renderers (SCORM 1.2/2004, cmi5)
----------------------------------------------------------------

1. Every page loads, in this order and all with `defer` (so they run in document order
   once the page is parsed): `assets/course.js`, then `assets/lms-bridge.js` only when
   `HtmlOptions.lms_bridge` is true (the packaging renderer adds that file to the
   bundle), then `assets/grading.js`, `assets/lessonkit.js`, `assets/progress.js`
   (course-level progress: "Continue", partly done chapters, the progress page), and
   on chapter pages `assets/responses.js` and `assets/quiz.js` (search page:
   `assets/search.js`). Only `assets/theme.js`, which applies the saved colour theme
   before the first paint, comes earlier, without `defer`. `course.js` sets::

       window.LESSONKIT_COURSE = {
         id, title, version, language, uiLanguage, passingScore, storageKey,
         feedback: {enabled, endpoint}, search: {enabled, shards},
         sections: [{id, title, number}],
         chapters: [{id, title, section, sectionNumber, number,
                     url,            // relative to the site root: "chapters/<id>.html"
                     questions: [{id, type, points}]}],
         strings: {...}              // the interface catalog
       }

2. Persistence: lessonkit.js keeps all learner state in one JSON-serialisable object
   `{version: 1, course, seed, answers: {<question id>: {response, fraction, score, points,
   maxPoints, hintsUsed, attempts, at, misses, revealed}}, hints: {<question id>: n},
   chapters: {<chapter id>: {completed, passed, score, maxScore, at}},
   feedback: {<chapter id>: {clear, comment, sent, at}}}`. If `window.lessonkitStorage`
   exists when lessonkit.js runs, it is used: `{load(): object | null,
   save(state: object): void}`; otherwise localStorage under `lessonkit:v1:<course id>`
   (`LESSONKIT_COURSE.storageKey`). State is saved after every change. `seed` (a 32-bit
   number drawn when the state is made, so again after a reset) decides the order of a
   question's options for this learner (`assets/order.js`).

3. Events on `document`, after every graded answer::

       new CustomEvent('lessonkit:answer', {detail: {course, chapter, question, type,
         response, responseText, correctResponse, fraction, score, points, maxPoints,
         hintsUsed, latencySeconds, keptPoints, keptFraction}})

   `response` and `correctResponse` have the shapes documented in engine/grading/score.py
   (indices into the author's order); `fraction` is before and `score` after hint
   penalties (both 0..1); `points = score * maxPoints`. `keptPoints` and `keptFraction`
   are what the question keeps after this answer (engine/grading/standing.py: the best answer's;
   "Show answer" is an answer worth 0; answers after the answer was shown are practice),
   and what an LMS should record. When all questions of a chapter have an answer, and
   again whenever a later answer changes its score or verdict,
   `lessonkit:chapter-complete` fires with `{course, chapter, score, maxScore, passed}`
   (points; `passed` by engine/grading/standing.py's pass rule against `passingScore`).
   A chapter without questions completes when its end is scrolled into view.

4. `window.lessonkitGrade(question, response, hintsUsed)` (grading.js) returns
   `{fraction, score, points, maxPoints, answered, correct, parts: [{key, correct,
   feedback}]}`, the same numbers as `engine.grading.score.grade`. Each question's grader data
   is the JSON in its `<script type="application/json" data-q-data>` element:
   `{chapter, question, correctResponse, labels}`, where `question` is
   `renderers.site.grader.grader_data(q)`.

5. Security policy: pages allow scripts, styles and images from the site only. With
   `lms_bridge` on, `connect-src` also allows any http(s) origin, because the bridge
   must reach an LMS or LRS whose address is known only at launch (cmi5).
"""

from __future__ import annotations

from typing import ClassVar

from engine.model import Course
from renderers.base import Bundle, RenderContext
from renderers.site.options import HtmlOptions
from renderers.site.site import build_site

__all__ = ["HtmlOptions", "HtmlRenderer"]


class HtmlRenderer:
    """Renders a course as a static site (format name `html`)."""

    name: ClassVar[str] = "html"
    description: ClassVar[str] = "Static site: chapters, interactive questions, search"
    Options: ClassVar[type[HtmlOptions]] = HtmlOptions
    output_folder: ClassVar[str | None] = "site"

    def render(self, course: Course, ctx: RenderContext[HtmlOptions]) -> Bundle:
        """The site's files, relative to the site root (the CLI writes them to `<out>/site/`)."""
        return build_site(course, ctx)
