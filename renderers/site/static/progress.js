// @ts-check
/* Course-level progress, read from the learner state that lessonkit.js keeps: where to
 * continue, which chapters are partly done, and the progress page (scores per section
 * and chapter, the questions answered wrongly, a printable summary).
 *
 * Nothing here writes the state; it is redrawn after every answer and after a reset.
 */
(function () {
  'use strict';

  var lk = window.lessonkit;
  if (!lk) return;
  var course = lk.course;
  var t = lk.t;
  var sections = {};
  course.sections.forEach(function (s) { sections[s.id] = s; });

  // --- what the state says about each chapter ----------------------------------------

  function chapterStatus(chapter) {
    var state = lk.state();
    var score = lk.chapterScore(chapter.id);
    var record = state.chapters[chapter.id];
    var completed = !!(record && record.completed);
    var status;
    if (!score.total) status = completed ? 'read' : 'unread';
    else if (!score.answered) status = 'not_started';
    else if (score.answered < score.total) status = 'in_progress';
    else status = lk.chapterPassed(score) ? 'passed' : 'failed';
    return { chapter: chapter, score: score, completed: completed, status: status,
      at: record && record.at };
  }

  function mistakes() {
    var answers = lk.state().answers;
    var found = [];
    course.chapters.forEach(function (chapter) {
      chapter.questions.forEach(function (q, i) {
        var a = answers[q.id];
        if (a && a.fraction < 1) {
          found.push({ chapter: chapter, question: q, number: i + 1, total: chapter.questions.length, answer: a });
        }
      });
    });
    return found;
  }

  // The chapter (and question) to resume: after the most recent answer, the next
  // unanswered question of its chapter, else the next chapter not yet completed.
  function resumeTarget() {
    var state = lk.state();
    /** @type {{index: number, at: number} | null} */
    var latest = null;
    course.chapters.forEach(function (chapter, ci) {
      chapter.questions.forEach(function (q) {
        var a = state.answers[q.id];
        if (a && a.at && (!latest || a.at >= latest.at)) latest = { index: ci, at: a.at };
      });
    });
    var start = latest ? latest.index : 0;
    var chapter = course.chapters[start];
    if (latest) {
      for (var qi = 0; qi < chapter.questions.length; qi++) {
        if (!state.answers[chapter.questions[qi].id]) {
          return { chapter: chapter, question: chapter.questions[qi], number: qi + 1 };
        }
      }
    }
    for (var i = 0; i < course.chapters.length; i++) {
      var c = course.chapters[(start + i) % course.chapters.length];
      if (!chapterStatus(c).completed) return { chapter: c };
    }
    return null;
  }

  // --- index page and outlines --------------------------------------------------------

  function markPartial() {
    document.querySelectorAll('[data-chapter-link]').forEach(function (link) {
      var id = link.getAttribute('data-chapter-link');
      var chapter = course.chapters.filter(function (c) { return c.id === id; })[0];
      var old = link.querySelector('.partial-note');
      if (old) old.remove();
      var partial = !!chapter && chapterStatus(chapter).status === 'in_progress';
      link.classList.toggle('is-partial', partial);
      if (partial) {
        var s = lk.chapterScore(chapter.id);
        var note = document.createElement('span');
        note.className = 'visually-hidden partial-note';
        note.textContent = ' (' + t('progress.partial_note', { done: s.answered, total: s.total }) + ')';
        link.appendChild(note);
      }
    });
  }

  function courseProgress() {
    var text = document.querySelector('[data-progress-text]');
    var next = document.querySelector('[data-continue]');
    var review = /** @type {HTMLElement | null} */ (document.querySelector('[data-mistakes-link]'));
    if (!text) return;
    var state = lk.state();
    var done = 0, points = 0, max = 0;
    course.chapters.forEach(function (c) {
      var s = chapterStatus(c);
      if (s.completed) done += 1;
      points += s.score.score;
      max += s.score.maxScore;
    });
    var started = Object.keys(state.answers).length > 0;
    var lines = [t('index.progress', { done: done, total: course.chapters.length })];
    if (started) lines.push(t('index.score', { points: lk.formatNumber(points), n: max }));
    text.textContent = lines.join(' · ');
    if (review) {
      var n = mistakes().length;
      review.hidden = !n;
      review.textContent = t('index.mistakes', { n: n });
    }
    if (!next) return;
    if (!started && !done) {
      next.textContent = t('index.start');
      next.setAttribute('href', course.chapters[0].url);
      return;
    }
    var target = resumeTarget();
    if (!target) {
      next.textContent = t('index.review');
      next.setAttribute('href', course.chapters[0].url);
    } else if (target.question) {
      next.textContent = t('index.continue_question', {
        title: target.chapter.title, number: target.number, total: target.chapter.questions.length });
      next.setAttribute('href', target.chapter.url + '#' + encodeURIComponent(target.question.id));
    } else {
      next.textContent = t('index.continue', { title: target.chapter.title });
      next.setAttribute('href', target.chapter.url);
    }
  }

  // --- the progress page --------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scoreText(score, max) {
    return t('progress.points', { points: lk.formatNumber(score), n: max }) +
      (max ? ' (' + lk.formatPercent(score / max) + ')' : '');
  }

  function sectionResult(rows) {
    var done = rows.filter(function (r) { return r.completed; }).length;
    var score = 0, max = 0;
    rows.forEach(function (r) { score += r.score.score; max += r.score.maxScore; });
    var status = 'not_started';
    if (done === rows.length) {
      status = lk.chapterPassed({ answered: rows.length, total: rows.length, score: score, maxScore: max }) ? 'passed' : 'failed';
    } else if (rows.some(function (r) { return r.completed || r.score.answered; })) {
      status = 'in_progress';
    }
    return { done: done, total: rows.length, score: score, max: max, status: status };
  }

  function badge(status) {
    return el('span', 'badge badge-' + status, t('progress.status.' + status));
  }

  function drawSummary(bySection, all) {
    var box = /** @type {HTMLElement} */ (document.querySelector('[data-summary]'));
    var rows = box.querySelector('[data-summary-rows]');
    rows.textContent = '';
    course.sections.forEach(function (section) {
      var r = sectionResult(bySection[section.id] || []);
      var tr = document.createElement('tr');
      var th = el('th', '', t('index.section', { section: section.number }) + ' ' + section.title);
      th.scope = 'row';
      tr.appendChild(th);
      tr.appendChild(el('td', '', t('progress.done_of', { done: r.done, total: r.total })));
      tr.appendChild(el('td', '', r.max ? scoreText(r.score, r.max) : '—'));
      var result = el('td');
      result.appendChild(badge(r.status));
      tr.appendChild(result);
      rows.appendChild(tr);
    });
    var total = sectionResult(all);
    var finished = total.done === total.total;
    var status = box.querySelector('[data-summary-status]');
    status.textContent = '';
    status.appendChild(badge(total.status));
    status.appendChild(document.createTextNode(' ' + (finished
      ? t('progress.course_done', { percent: lk.formatPercent(course.passingScore) })
      : t('progress.course_open', { done: total.done, total: total.total }))));
    box.querySelector('[data-summary-score]').textContent =
      t('progress.total', { score: scoreText(total.score, total.max) });
    var last = 0;
    all.forEach(function (r) { if (r.at && r.at > last) last = r.at; });
    box.querySelector('[data-summary-date]').textContent = finished && last
      ? t('progress.completed_on', { date: lk.formatDate(last) })
      : t('progress.as_of', { date: lk.formatDate(Date.now()) });
    box.hidden = false;
  }

  function drawChapters(bySection) {
    var list = document.querySelector('[data-progress-list]');
    list.textContent = '';
    course.sections.forEach(function (section) {
      var rows = bySection[section.id] || [];
      var r = sectionResult(rows);
      var block = el('section', 'progress-section');
      var heading = el('h3', '', t('index.section', { section: section.number }) + ' ' + section.title);
      heading.id = '_progress-' + section.id;
      block.setAttribute('aria-labelledby', heading.id);
      block.appendChild(heading);
      var bar = el('progress', 'section-bar');
      bar.max = r.total;
      bar.value = r.done;
      bar.setAttribute('aria-label', t('progress.bar', { section: section.title, done: r.done, total: r.total }));
      block.appendChild(bar);
      block.appendChild(el('p', 'section-count', t('progress.done_of', { done: r.done, total: r.total })));
      var ol = el('ol', 'progress-chapters');
      rows.forEach(function (row) {
        var c = row.chapter;
        var li = el('li', 'progress-chapter');
        li.setAttribute('data-progress-chapter', c.id);
        var link = el('a', '', c.title);
        link.href = c.url;
        var title = el('p', 'progress-title');
        title.appendChild(el('span', 'position', t('position.short', { section: c.sectionNumber, chapter: c.number }) + ' '));
        title.appendChild(link);
        li.appendChild(title);
        var details = el('p', 'progress-details');
        details.appendChild(badge(row.status));
        if (row.score.total) {
          details.appendChild(document.createTextNode(' ' + t('progress.answered', { done: row.score.answered, total: row.score.total }) +
            ' · ' + scoreText(row.score.score, row.score.maxScore)));
        }
        li.appendChild(details);
        ol.appendChild(li);
      });
      block.appendChild(ol);
      list.appendChild(block);
    });
    /** @type {HTMLElement} */ (document.querySelector('[data-progress-sections]')).hidden = false;
  }

  function drawMistakes() {
    var box = /** @type {HTMLElement} */ (document.querySelector('[data-mistakes]'));
    var list = box.querySelector('[data-mistakes-list]');
    var found = mistakes();
    list.textContent = '';
    found.forEach(function (m) {
      var li = el('li');
      li.setAttribute('data-mistake', m.question.id);
      var link = el('a', '', t('progress.mistake', { number: m.number, total: m.total, title: m.chapter.title }));
      link.href = m.chapter.url + '#' + encodeURIComponent(m.question.id);
      li.appendChild(link);
      li.appendChild(el('span', 'mistake-score', ' · ' + scoreText(m.answer.points, m.answer.maxPoints)));
      list.appendChild(li);
    });
    box.querySelector('[data-mistakes-status]').textContent = found.length
      ? t('progress.mistakes_some', { n: found.length }) : t('progress.mistakes_none');
    box.hidden = false;
  }

  function progressPage() {
    if (!document.querySelector('[data-summary]')) return;
    var bySection = {};
    var all = course.chapters.map(function (c) {
      var row = chapterStatus(c);
      (bySection[c.section] = bySection[c.section] || []).push(row);
      return row;
    });
    drawSummary(bySection, all);
    drawChapters(bySection);
    drawMistakes();
  }

  function draw() {
    markPartial();
    courseProgress();
    progressPage();
  }

  function start() {
    var print = document.querySelector('[data-print]');
    if (print) print.addEventListener('click', function () { window.print(); });
    draw();
    document.addEventListener('lessonkit:answer', draw);
    document.addEventListener('lessonkit:chapter-complete', draw);
    document.addEventListener('lessonkit:reset', draw);
  }

  window.lessonkitProgress = { resumeTarget: resumeTarget, mistakes: mistakes };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
