// @ts-check
/* The "was this chapter clear?" widget at the end of a chapter page (when the course
 * asks for feedback): a yes/no answer and an optional comment, kept in the learner state
 * (lessonkit.js) and, when the course names an endpoint, posted there; without one, the
 * answers can be downloaded as a file.
 */
(function () {
  'use strict';

  var lk = window.lessonkit;
  if (!lk) return;
  var course = lk.course;

  function setupFeedback() {
    var box = /** @type {HTMLElement | null} */ (document.querySelector('[data-feedback]'));
    var chapterId = document.body.getAttribute('data-chapter');
    if (!box || !chapterId) return;
    var form = /** @type {HTMLElement} */ (box.querySelector('[data-feedback-form]'));
    var label = box.querySelector('[data-feedback-label]');
    var textarea = form.querySelector('textarea');
    var thanks = box.querySelector('[data-feedback-thanks]');
    var buttons = box.querySelectorAll('[data-feedback-answer]');
    var endpoint = course.feedback.endpoint;
    box.hidden = false;

    // Without an endpoint the answers go nowhere but this browser: say so, and offer
    // them as a file instead of thanking the learner for helping.
    var download = document.createElement('button');
    download.type = 'button';
    download.hidden = true;
    download.textContent = lk.t('feedback.download');
    thanks.insertAdjacentElement('afterend', download);
    if (!endpoint) form.querySelector('button[type=submit]').textContent = lk.t('feedback.save');
    download.addEventListener('click', function () {
      var data = JSON.stringify({ course: course.id, courseVersion: course.version, feedback: lk.state().feedback }, null, 2);
      var link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([data], { type: 'application/json' }));
      link.download = course.id + '-feedback.json';
      document.body.appendChild(link);
      link.click();
      link.remove();
    });

    function show(record) {
      buttons.forEach(function (b) {
        b.setAttribute('aria-pressed', String(!!record && (b.getAttribute('data-feedback-answer') === 'yes') === record.clear));
      });
      if (endpoint) {
        thanks.textContent = record && record.sent ? lk.t('feedback.thanks') : '';
      } else {
        thanks.textContent = record ? lk.t('feedback.kept') : '';
      }
      download.hidden = !!endpoint || !record;
      form.hidden = !record || record.sent;
      if (record) label.textContent = label.getAttribute(record.clear ? 'data-label-yes' : 'data-label-no');
    }

    function post(record) {
      if (!endpoint) return;
      // JSON sent as text/plain in no-cors mode: a simple request, so any endpoint that
      // accepts a POST receives it without answering a CORS preflight.
      var body = JSON.stringify({
        course: course.id, courseVersion: course.version, chapter: chapterId,
        clear: record.clear, comment: record.comment, uiLanguage: course.uiLanguage,
        at: new Date(record.at).toISOString()
      });
      try {
        window.fetch(endpoint, {
          method: 'POST', mode: 'no-cors', keepalive: true, body: body,
          headers: { 'Content-Type': 'text/plain;charset=UTF-8' }
        }).catch(function () { /* offline: the answer stays stored locally */ });
      } catch { /* fetch unavailable */ }
    }

    buttons.forEach(function (button) {
      button.addEventListener('click', function () {
        var record = { clear: button.getAttribute('data-feedback-answer') === 'yes', comment: '', sent: false, at: Date.now() };
        lk.state().feedback[chapterId] = record;
        lk.save();
        post(record);  // the click alone is an answer, even if Send is never pressed
        show(record);
        textarea.value = '';
        textarea.focus();
      });
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var record = lk.state().feedback[chapterId];
      if (!record) return;
      record.comment = textarea.value.trim().slice(0, 2000);
      record.sent = true;
      record.at = Date.now();
      lk.save();
      post(record);
      show(record);
    });
    document.addEventListener('lessonkit:reset', function () { show(null); });
    show(lk.state().feedback[chapterId] || null);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', setupFeedback);
  else setupFeedback();
})();
