// @ts-check
/* lessonkit question widgets: read a response (responses.js), grade it with lessonkitGrade,
 * show the verdict, per-part marks and feedback, hints one at a time, the explanation after
 * a right answer, a second miss or "Show answer", retry, and the chapter's score.
 *
 * Everything works with the keyboard alone:
 * native radios, checkboxes, inputs and selects, and move-up/move-down buttons for
 * ordering (no drag and drop).
 */
(function () {
  'use strict';

  var lk = window.lessonkit;
  var grade = window.lessonkitGrade;
  if (!lk || !grade) return;
  var chapterId = document.body.getAttribute('data-chapter');
  var t = lk.t;

  var responses = window.lessonkitResponses;
  if (!responses) return;
  var all = responses.all, readResponse = responses.read, writeResponse = responses.write;
  var responseText = responses.text, clearMarks = responses.clearMarks;
  var mark = responses.mark, markMissed = responses.markMissed;

  // --- one question ------------------------------------------------------------------

  function setup(el) {
    var data = JSON.parse(el.querySelector('[data-q-data]').textContent);
    var q = data.question;
    if (window.lessonkitOrder && el.querySelector('[data-shuffle]')) {
      window.lessonkitOrder(el, el.getAttribute('data-question'), lk.learnerSeed());
    }
    var form = el.querySelector('[data-q-form]');
    var actions = el.querySelector('[data-q-actions]');
    var check = el.querySelector('[data-q-check]');
    var retry = el.querySelector('[data-q-retry]');
    var hintButton = el.querySelector('[data-q-hint]');
    var hintBox = el.querySelector('[data-q-hints]');
    var result = el.querySelector('[data-q-result]');
    var solution = el.querySelector('[data-q-solution]');
    var explanation = el.querySelector('[data-q-explanation]');
    var shownAt = performance.now();

    // With scripts on, the explanation appears once the learner has answered, and the
    // answer itself stays behind its own disclosure (so retrying still makes sense).
    var review = document.createElement('div');
    review.className = 'q-review';
    review.hidden = true;
    if (explanation) review.appendChild(explanation);
    solution.parentNode.insertBefore(review, solution);
    solution.hidden = true;
    solution.querySelector('summary').textContent = t('question.show_correct');
    actions.hidden = false;
    all(el, '[data-order-buttons]').forEach(function (b) { b.hidden = false; });

    // After a miss the learner gets per-option feedback and hints, not the answer: the
    // explanation comes with a right answer, a second miss, or "Show answer".
    var reveal = document.createElement('button');
    reveal.type = 'button';
    reveal.hidden = true;
    reveal.setAttribute('data-q-reveal', '');
    actions.appendChild(reveal);
    var rule = document.createElement('p');
    rule.className = 'q-rule';
    rule.hidden = true;
    result.insertAdjacentElement('afterend', rule);

    function hintsUsed() { return lk.state().hints[q.id] || 0; }
    function record() {
      var r = lk.state().answers[q.id] || null;
      // Answers saved before misses were counted: a wrong one is one miss.
      if (r && r.misses === undefined) {
        r.misses = r.fraction < 1 ? 1 : 0;
        r.revealed = r.fraction >= 1;
      }
      return r;
    }
    function revealed() { var r = record(); return !!(r && r.revealed); }

    function showHints() {
      if (!hintBox) return;
      var used = hintsUsed();
      hintBox.open = true;
      hintBox.classList.add('is-progressive');
      hintBox.hidden = used === 0;
      all(hintBox, '[data-hint]').forEach(function (li, i) { li.hidden = i >= used; });
      if (hintButton) {
        // Once the answer is shown a hint has nothing left to help with (and no cost).
        hintButton.disabled = used >= q.hints || revealed();
        if (used >= q.hints) hintButton.textContent = t('question.no_more_hints');
      }
    }

    function showReveal() {
      var r = record();
      reveal.hidden = !(r && !r.revealed && r.misses > 0);
      if (reveal.hidden) return;
      // Show answer is an answer worth 0: the label says what the question keeps then.
      var keeps = window.lessonkitGrading.keptPoints(r.points, 0);
      reveal.textContent = t('question.reveal', { points: lk.formatNumber(keeps), n: q.points });
    }

    function setLocked(locked) {
      all(form, 'input, select, textarea, [data-move]').forEach(function (c) { c.disabled = locked; });
      check.hidden = locked;
      retry.hidden = !locked;
    }

    function scoringRule() {
      if (q.type !== 'multiple') return '';
      if (q.scoring === 'all_or_nothing') return t('question.rule_all');
      var right = q.choices.filter(function (c) { return c.correct; }).length;
      return t('question.rule_partial', { n: right });
    }

    function show(g, r, shownByButton) {
      clearMarks(el);
      mark(el, q, g);
      if (r.revealed) markMissed(el, q, g);
      var headline = g.correct ? t('question.correct') : g.fraction > 0 ? t('question.partial') : t('question.wrong');
      var line = headline + ' ' + t('question.score', { points: lk.formatNumber(g.points), n: g.maxPoints });
      if (shownByButton) {
        line = t('question.revealed', { points: lk.formatNumber(r.points), n: q.points });
      } else if (r.points > g.points) {
        // Never silent: a worse retry keeps the better score, and says so.
        line += ' ' + t('question.kept', { points: lk.formatNumber(r.points), n: q.points });
      }
      if (hintsUsed() > 0 && !shownByButton) line += ' ' + t('question.hint_cost_note', { n: hintsUsed() });
      if (!r.revealed) {
        line += ' ' + t(hintsUsed() < q.hints ? 'question.one_more_try_hint' : 'question.one_more_try');
      }
      result.textContent = line;
      result.className = 'q-result ' + (shownByButton ? 'is-wrong'
        : g.correct ? 'is-right' : g.fraction > 0 ? 'is-partial' : 'is-wrong');
      rule.textContent = scoringRule();
      rule.hidden = !rule.textContent;
      review.hidden = !r.revealed;
      solution.hidden = !r.revealed;
      setLocked(true);
      showHints();
      showReveal();
    }

    function reset() {
      clearMarks(el);
      result.textContent = '';
      result.className = 'q-result';
      rule.hidden = true;
      review.hidden = true;
      solution.hidden = true;
      solution.open = false;
      setLocked(false);
      showHints();
      showReveal();
      shownAt = performance.now();
    }

    // A number two readers read differently (1,440: 1440 or 1.44) is not graded until
    // the learner says which one was meant; grading one reading would be a silent guess.
    function ambiguousNumber() {
      var fields = [];
      if (q.type === 'numeric') fields = [el.querySelector('[data-q-value]')];
      if (q.type === 'cloze') {
        var kinds = {};
        q.blanks.forEach(function (pair) { kinds[pair[0]] = pair[1].kind; });
        fields = all(el, '[data-blank]').filter(function (c) {
          return kinds[c.getAttribute('data-blank')] === 'numeric';
        });
      }
      for (var i = 0; i < fields.length; i++) {
        var readings = window.lessonkitGrading.numberReadings(fields[i].value);
        if (readings.length > 1) return { field: fields[i], readings: readings };
      }
      return null;
    }

    function askWhichNumber(found) {
      var decimal = String(found.readings[0]), whole = String(found.readings[1]);
      result.className = 'q-result is-empty';
      result.textContent = t('question.ambiguous_number', {
        typed: found.field.value.trim(), whole: whole, decimal: decimal
      }) + ' ';
      [whole, decimal].forEach(function (value) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'q-pick-number';
        button.textContent = value;
        button.addEventListener('click', function () {
          found.field.value = value;
          form.requestSubmit();
        });
        result.appendChild(button);
      });
      result.querySelector('button').focus();
    }

    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var unclear = ambiguousNumber();
      if (unclear) { askWhichNumber(unclear); return; }
      var response = readResponse(el, q);
      var g = grade(q, response, hintsUsed());
      if (!g.answered) {
        result.textContent = t('question.empty');
        result.className = 'q-result is-empty';
        return;
      }
      var before = record();
      var misses = (before ? before.misses || 0 : 0) + (g.correct ? 0 : 1);
      var r = save(response, g, misses, g.correct || misses >= 2);
      show(g, r, false);
      updateChapterScore();
      retry.focus();
    });

    function save(response, g, misses, isRevealed) {
      return lk.recordAnswer({
        chapter: data.chapter, question: q.id, type: q.type, response: response,
        responseText: responseText(q, data.labels, response), correctResponse: data.correctResponse,
        fraction: g.fraction, score: g.score, points: g.points, maxPoints: g.maxPoints,
        hintsUsed: hintsUsed(), latencySeconds: Math.round((performance.now() - shownAt) / 100) / 10,
        misses: misses, revealed: isRevealed
      });
    }

    reveal.addEventListener('click', function () {
      var before = record();
      if (!before || before.revealed) return;
      // An answer worth 0 points: the last answer given stays on screen, marked.
      writeResponse(el, q, before.response);
      var zero = { fraction: 0, score: 0, points: 0, maxPoints: q.points };
      var r = save(before.response, zero, before.misses, true);
      show(grade(q, before.response, hintsUsed()), r, true);
      updateChapterScore();
      retry.focus();
    });

    // Back where the learner answered: the checked radio of a group, else the first field.
    function focusAnswer() {
      var first = form.querySelector('input[type=radio]:checked') ||
        form.querySelector('input, select, button[data-move]');
      if (first) first.focus();
    }

    retry.addEventListener('click', function () {
      reset();
      focusAnswer();
    });

    if (hintButton) {
      hintButton.addEventListener('click', function () {
        if (hintsUsed() >= q.hints || revealed()) return;
        var used = lk.useHint(q.id);
        showHints();
        var hint = hintBox.querySelector('[data-hint="' + (used - 1) + '"]');
        if (hint) { hint.setAttribute('tabindex', '-1'); hint.focus(); }
      });
    }

    el.addEventListener('click', function (event) {
      var button = event.target.closest('[data-move]');
      if (!button || button.disabled) return;
      var item = button.closest('[data-item]');
      var list = item.parentNode;
      var step = Number(button.getAttribute('data-move'));
      var sibling = step < 0 ? item.previousElementSibling : item.nextElementSibling;
      if (!sibling) return;
      list.insertBefore(item, step < 0 ? sibling : sibling.nextElementSibling);
      button.focus();
      var items = all(list, '[data-item]');
      el.querySelector('[data-order-status]').textContent = t('question.moved', {
        item: data.labels.items[Number(item.getAttribute('data-item'))],
        position: items.indexOf(item) + 1, total: items.length
      });
    });

    // Erasing progress empties the answer too: a field still showing the old answer
    // after "Erase my progress" looks as if nothing was erased.
    var initialOrder = all(el, '[data-item]').map(function (li) { return li.getAttribute('data-item'); });
    function clearResponse() {
      all(form, 'input[type=radio], input[type=checkbox]').forEach(function (i) { i.checked = false; });
      all(form, 'input[type=text], select').forEach(function (c) { c.value = ''; });
      if (q.type === 'ordering') writeResponse(el, q, initialOrder.map(Number));
    }

    document.addEventListener('lessonkit:reset', function () { reset(); clearResponse(); });
    // The chapter's "Retry the ones I missed": open again, the last answer kept to edit.
    el.addEventListener('lessonkit:retry', function (event) {
      reset();
      if (event.detail && event.detail.focus) focusAnswer();
    });

    showHints();
    var stored = record();
    if (stored) {
      writeResponse(el, q, stored.response);
      show(grade(q, stored.response, stored.hintsUsed), stored, false);
    }
  }

  // --- the chapter's score -----------------------------------------------------------

  // Completed is not passed: the verdict is engine/grading/standing.py's, as in the terminal, and
  // the questions not fully right can be opened again from here.
  var retryMissed = null, retryStatus = null;

  function missedQuestions() {
    var answers = lk.state().answers;
    return all(document, '[data-question]').filter(function (el) {
      var answer = answers[el.getAttribute('data-question')];
      return answer && answer.fraction < 1;
    });
  }

  function setupRetryMissed(box) {
    retryMissed = document.createElement('button');
    retryMissed.type = 'button';
    retryMissed.hidden = true;
    retryMissed.textContent = t('chapter.retry_missed');
    retryStatus = document.createElement('p');
    retryStatus.setAttribute('role', 'status');
    retryStatus.className = 'retry-status';
    box.appendChild(retryMissed);
    box.appendChild(retryStatus);
    retryMissed.addEventListener('click', function () {
      var missed = missedQuestions();
      missed.forEach(function (el, i) {
        el.dispatchEvent(new CustomEvent('lessonkit:retry', { detail: { focus: i === 0 } }));
      });
      retryStatus.textContent = t('chapter.retrying', { n: missed.length });
    });
  }

  function updateChapterScore() {
    var box = /** @type {HTMLElement | null} */ (document.querySelector('[data-chapter-score]'));
    if (!box || !chapterId) return;
    if (!retryMissed) setupRetryMissed(box);
    var s = lk.chapterScore(chapterId);
    var text = box.querySelector('[data-chapter-score-text]');
    box.hidden = s.answered === 0;
    retryMissed.hidden = true;
    if (s.answered < s.total) {
      text.textContent = t('chapter.score_pending', { done: s.answered, total: s.total });
      return;
    }
    var pass = { percent: lk.formatPercent(lk.course.passingScore) };
    text.textContent = t('chapter.score', {
      points: lk.formatNumber(s.score), n: s.maxScore,
      percent: lk.formatPercent(window.lessonkitGrading.scoreFraction(s.score, s.maxScore))
    }) + ' ' + (lk.chapterPassed(s) ? t('chapter.passed', pass) : t('chapter.not_passed', pass));
    retryMissed.hidden = missedQuestions().length === 0;
  }

  all(document, '[data-question]').forEach(setup);
  updateChapterScore();
  document.addEventListener('lessonkit:reset', function () {
    updateChapterScore();
    if (retryStatus) retryStatus.textContent = '';
  });
})();
