// @ts-check
/* lessonkit site logic: learner state, progress marks, events, theme, reset, reading,
 * copy buttons. The feedback widget is feedback.js, on the pages that have one.
 *
 * The learner state is one JSON object (see renderers/site/__init__.py for its shape and
 * the LMS contract). It lives in window.lessonkitStorage when an LMS bridge provides
 * one, else in localStorage under LESSONKIT_COURSE.storageKey, else in memory (storage
 * can be disabled, or full). It is saved after every change.
 */
(function () {
  'use strict';

  var course = window.LESSONKIT_COURSE;
  if (!course) return;
  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  // --- interface strings -------------------------------------------------------------

  var plural = new Intl.PluralRules(course.uiLanguage);

  function t(key, params) {
    var entry = course.strings[key];
    params = params || {};
    if (entry && typeof entry === 'object') {
      entry = entry[plural.select(params.n)] || entry.other;
      params = Object.assign({}, params, { n: formatNumber(params.n) });
    }
    return String(entry === undefined ? key : entry).replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m;
    });
  }

  function formatNumber(value, decimals) {
    return new Intl.NumberFormat(course.uiLanguage, {
      maximumFractionDigits: decimals === undefined ? 2 : decimals
    }).format(value);
  }

  function formatPercent(fraction) {
    return new Intl.NumberFormat(course.uiLanguage, { style: 'percent', maximumFractionDigits: 1 })
      .format(fraction);
  }

  function formatDate(ms) {
    return new Intl.DateTimeFormat(course.uiLanguage, { dateStyle: 'medium' }).format(new Date(ms));
  }

  // --- storage -----------------------------------------------------------------------

  // The learner's seed decides the order of the options they see (order.js): drawn once,
  // kept with their answers, drawn again when they erase their progress.
  function newSeed() {
    try { return window.crypto.getRandomValues(new Uint32Array(1))[0]; } catch {
      return Math.floor(Math.random() * 4294967296);
    }
  }

  function emptyState() {
    return {
      version: 1, course: course.id, seed: newSeed(), answers: {}, hints: {}, chapters: {},
      feedback: {}
    };
  }

  function localBackend() {
    var memory = null;
    return {
      load: function () {
        try {
          var text = window.localStorage.getItem(course.storageKey);
          return text ? JSON.parse(text) : memory;
        } catch { return memory; }
      },
      save: function (value) {
        memory = value;
        try { window.localStorage.setItem(course.storageKey, JSON.stringify(value)); } catch { /* kept in memory */ }
      }
    };
  }

  var backend = window.lessonkitStorage || localBackend();

  function validState(value) {
    return value && typeof value === 'object' && value.version === 1 && value.course === course.id;
  }

  var loaded = null;
  try { loaded = backend.load(); } catch { loaded = null; }
  var state = emptyState();
  if (validState(loaded)) {
    Object.keys(state).forEach(function (k) { if (loaded[k] !== undefined) state[k] = loaded[k]; });
  }
  var seeded = validState(loaded) && typeof loaded.seed === 'number';

  function save() {
    try { backend.save(state); } catch { /* the bridge reports its own errors */ }
  }

  // Saved the first time a page puts options in the learner's order, so the next visit
  // shows the same order (a page without options writes nothing).
  function learnerSeed() {
    if (!seeded) { seeded = true; save(); }
    return state.seed;
  }

  function emit(name, detail) {
    document.dispatchEvent(new CustomEvent(name, { detail: detail }));
  }

  // --- chapters and scores -----------------------------------------------------------

  var chapters = {};
  course.chapters.forEach(function (c) { chapters[c.id] = c; });

  function chapterScore(chapterId) {
    var chapter = chapters[chapterId];
    var result = { answered: 0, total: 0, score: 0, maxScore: 0 };
    if (!chapter) return result;
    chapter.questions.forEach(function (q) {
      result.total += 1;
      result.maxScore += q.points;
      var answer = state.answers[q.id];
      if (answer) { result.answered += 1; result.score += answer.points; }
    });
    return result;
  }

  // Completed (every question answered) is not passed: engine/grading/standing.py's pass rule,
  // the one the terminal applies, decides `passed`.
  function chapterPassed(s) {
    return window.lessonkitGrading.passes(s.score, s.maxScore, course.passingScore);
  }

  function completeChapter(chapterId) {
    var s = chapterScore(chapterId);
    if (s.answered < s.total) return false;
    var passed = chapterPassed(s);
    var previous = state.chapters[chapterId];
    if (previous && previous.completed && previous.score === s.score && previous.maxScore === s.maxScore &&
        previous.passed === passed) {
      return true;
    }
    state.chapters[chapterId] = { completed: true, passed: passed, score: s.score, maxScore: s.maxScore, at: Date.now() };
    save();
    emit('lessonkit:chapter-complete', {
      course: course.id, chapter: chapterId, score: s.score, maxScore: s.maxScore, passed: passed
    });
    markProgress();
    return true;
  }

  // A question keeps the best score of its answers (engine/grading/standing.py): `response` and
  // `hintsUsed` are the latest answer's, `fraction`, `score` and `points` the kept ones.
  // `misses` counts wrong answers, and `revealed` says the answer and explanation were
  // shown (right answer, second miss, Show answer).
  function recordAnswer(detail) {
    var previous = state.answers[detail.question];
    var kept = window.lessonkitGrading.keptPoints(previous ? previous.points : null, detail.points);
    var best = previous && kept > detail.points ? previous : detail;
    state.answers[detail.question] = {
      response: detail.response, fraction: best.fraction, score: best.score,
      points: kept, maxPoints: detail.maxPoints, hintsUsed: detail.hintsUsed,
      attempts: (previous ? previous.attempts : 0) + 1, at: Date.now(),
      misses: detail.misses || 0, revealed: !!(detail.revealed || (previous && previous.revealed))
    };
    save();
    var event = Object.assign({ course: course.id }, detail,
                              { keptPoints: kept, keptFraction: best.fraction });
    delete event.misses;
    delete event.revealed;
    emit('lessonkit:answer', event);
    completeChapter(detail.chapter);
    return state.answers[detail.question];
  }

  function useHint(questionId) {
    state.hints[questionId] = (state.hints[questionId] || 0) + 1;
    save();
    return state.hints[questionId];
  }

  // --- progress marks ----------------------------------------------------------------

  function verdictSpan(text) {
    var span = document.createElement('span');
    span.className = 'visually-hidden progress-note';
    span.textContent = ' (' + text + ')';
    return span;
  }

  function markProgress() {
    document.querySelectorAll('[data-chapter-link]').forEach(function (link) {
      var done = state.chapters[link.getAttribute('data-chapter-link')];
      var complete = !!(done && done.completed);
      link.classList.toggle('is-complete', complete);
      var note = link.querySelector('.progress-note');
      if (note) note.remove();
      if (complete) {
        link.appendChild(verdictSpan(done.at ? t('site.completed_on', { date: formatDate(done.at) }) : t('site.completed')));
      }
    });
    var perSection = {};
    course.chapters.forEach(function (c) {
      var s = perSection[c.section] || (perSection[c.section] = { done: 0, total: 0 });
      s.total += 1;
      if (state.chapters[c.id] && state.chapters[c.id].completed) s.done += 1;
    });
    document.querySelectorAll('[data-section-progress]').forEach(function (el) {
      var s = perSection[el.getAttribute('data-section-progress')];
      el.textContent = s && s.done ? ' · ' + t('site.section_progress', { done: s.done, total: s.total }) : '';
    });
    // The index's "Continue" and the progress page are assets/progress.js.
  }

  // --- theme -------------------------------------------------------------------------

  var THEMES = ['auto', 'light', 'dark'];

  function setupTheme() {
    var button = /** @type {HTMLElement | null} */ (document.querySelector('[data-theme-toggle]'));
    if (!button) return;
    var label = button.querySelector('[data-theme-label]') || button;
    function show() {
      var theme = root.getAttribute('data-theme') || 'auto';
      label.textContent = t('site.theme_' + theme);
    }
    button.hidden = false;
    show();
    button.addEventListener('click', function () {
      var current = THEMES.indexOf(root.getAttribute('data-theme'));
      var theme = THEMES[(current + 1) % THEMES.length];
      root.setAttribute('data-theme', theme);
      try { window.localStorage.setItem('lessonkit:theme', theme); } catch { /* not kept */ }
      show();
    });
  }

  // --- reset -------------------------------------------------------------------------

  function setupReset() {
    var box = /** @type {HTMLElement | null} */ (document.querySelector('[data-reset]'));
    if (!box) return;
    var start = /** @type {HTMLElement} */ (box.querySelector('[data-reset-start]'));
    var confirm = /** @type {HTMLElement} */ (box.querySelector('[data-reset-confirm]'));
    var status = box.querySelector('[data-reset-status]');
    box.hidden = false;
    start.addEventListener('click', function () {
      confirm.hidden = false;
      start.hidden = true;
      /** @type {HTMLElement} */ (box.querySelector('[data-reset-no]')).focus();
    });
    box.querySelector('[data-reset-no]').addEventListener('click', function () {
      confirm.hidden = true;
      start.hidden = false;
      start.focus();
    });
    box.querySelector('[data-reset-yes]').addEventListener('click', function () {
      state = emptyState();
      seeded = true;
      save();
      confirm.hidden = true;
      start.hidden = false;
      status.textContent = t('site.reset_done');
      emit('lessonkit:reset', { course: course.id });
      markProgress();
      start.focus();
    });
  }

  // --- chapters without questions complete when read to the end -----------------------

  function setupReading() {
    var chapterId = document.body.getAttribute('data-chapter');
    if (!chapterId || !chapters[chapterId] || chapters[chapterId].questions.length) return;
    var end = document.querySelector('.pager') || document.querySelector('main');
    if (!end || !('IntersectionObserver' in window)) return;
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) {
        completeChapter(chapterId);
        observer.disconnect();
      }
    });
    observer.observe(end);
  }

  // --- layout helpers ----------------------------------------------------------------

  function setupLayout() {
    // Wide code, tables and formulas scroll sideways; keyboard users must reach them.
    document.querySelectorAll('.scroll-x').forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) el.setAttribute('tabindex', '0');
    });
    var outline = /** @type {HTMLDetailsElement | null} */ (document.querySelector('[data-outline]'));
    if (outline && window.matchMedia('(max-width: 52rem)').matches) outline.open = false;
  }

  // --- copy buttons on code ------------------------------------------------------------

  function copyText(text) {
    // The Clipboard API needs a secure context and permission; the old command works
    // from file:// and in LMS frames where it is refused.
    function fallback() {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch { ok = false; }
      area.remove();
      return ok ? Promise.resolve() : Promise.reject(new Error('copy refused'));
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(fallback);
    }
    return fallback();
  }

  function setupCopyButtons() {
    var blocks = document.querySelectorAll('pre.highlight');
    if (!blocks.length) return;
    var status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    document.body.appendChild(status);
    blocks.forEach(function (pre) {
      var wrap = document.createElement('div');
      wrap.className = 'code-wrap';
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy-button';
      button.textContent = t('code.copy');
      button.setAttribute('aria-label', t('code.copy_label'));
      button.setAttribute('data-search-ignore', '');
      wrap.insertBefore(button, pre);
      var timer = null;
      button.addEventListener('click', function () {
        copyText(/** @type {HTMLElement} */ (pre).innerText.replace(/\n$/, '')).then(function () {
          button.textContent = t('code.copied');
          status.textContent = t('code.copied');
        }, function () {
          button.textContent = t('code.copy');
          status.textContent = t('code.copy_failed');
        });
        clearTimeout(timer);
        timer = setTimeout(function () { button.textContent = t('code.copy'); status.textContent = ''; }, 2500);
      });
    });
  }

  window.lessonkit = {
    course: course,
    state: function () { return state; },
    t: t,
    formatNumber: formatNumber,
    formatPercent: formatPercent,
    formatDate: formatDate,
    chapterScore: chapterScore,
    chapterPassed: chapterPassed,
    recordAnswer: recordAnswer,
    useHint: useHint,
    learnerSeed: learnerSeed,
    save: save,
    emit: emit
  };

  function start() {
    markProgress();
    setupTheme();
    setupReset();
    setupReading();
    setupLayout();
    setupCopyButtons();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
