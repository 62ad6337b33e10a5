// @ts-check
/* lessonkit question responses: read a response from a question's controls, write one back,
 * say it in words (for LMS reports), and mark each part right, wrong or missed.
 *
 * Responses have engine/grading/score.py's shapes; every control carries the index the author
 * wrote, so the order on screen never matters. quiz.js drives the questions with these.
 */
(function () {
  'use strict';

  var lk = window.lessonkit;
  if (!lk) return;
  var t = lk.t;

  function all(el, selector) { return Array.prototype.slice.call(el.querySelectorAll(selector)); }

  // --- reading and writing responses -------------------------------------------------

  function readResponse(el, q) {
    switch (q.type) {
      case 'single': {
        var picked = el.querySelector('input[type=radio]:checked');
        return picked ? Number(picked.value) : null;
      }
      case 'multiple':
        return all(el, 'input[type=checkbox]:checked').map(function (i) { return Number(i.value); });
      case 'true_false': {
        var tf = el.querySelector('input[type=radio]:checked');
        return tf ? tf.value === 'true' : null;
      }
      case 'numeric':
      case 'text':
        return el.querySelector('[data-q-value]').value;
      case 'cloze': {
        var filled = {};
        all(el, '[data-blank]').forEach(function (c) { filled[c.getAttribute('data-blank')] = c.value; });
        return filled;
      }
      case 'matching':
        return all(el, '[data-match]').map(function (s) { return s.value === '' ? null : Number(s.value); });
      case 'ordering':
        return all(el, '[data-item]').map(function (li) { return Number(li.getAttribute('data-item')); });
      default:
        return null;
    }
  }

  function writeResponse(el, q, response) {
    switch (q.type) {
      case 'single':
      case 'multiple':
      case 'true_false': {
        var wanted = [].concat(response).map(String);
        all(el, 'input').forEach(function (i) { i.checked = wanted.indexOf(i.value) >= 0; });
        break;
      }
      case 'numeric':
      case 'text':
        el.querySelector('[data-q-value]').value = response === null ? '' : String(response);
        break;
      case 'cloze':
        all(el, '[data-blank]').forEach(function (c) {
          var v = response && response[c.getAttribute('data-blank')];
          c.value = v === null || v === undefined ? '' : String(v);
        });
        break;
      case 'matching':
        all(el, '[data-match]').forEach(function (s, i) {
          s.value = response && response[i] !== null && response[i] !== undefined ? String(response[i]) : '';
        });
        break;
      case 'ordering': {
        var list = el.querySelector('[data-order-list]');
        (response || []).forEach(function (index) {
          var item = list.querySelector('[data-item="' + Number(index) + '"]');
          if (item) list.appendChild(item);
        });
        break;
      }
    }
  }

  function responseText(q, labels, response) {
    switch (q.type) {
      case 'single': return labels.choices[response] || '';
      case 'multiple':
        return response.slice().sort(function (a, b) { return a - b; })
          .map(function (i) { return labels.choices[i]; }).join('; ');
      case 'true_false': return labels.values[String(response)];
      case 'numeric':
      case 'text': return String(response).trim();
      case 'cloze':
        return labels.blanks.map(function (name) { return name + ': ' + (response[name] || ''); }).join('; ');
      case 'matching':
        return labels.lefts.map(function (left, i) {
          return left + ' → ' + (response[i] === null ? '' : labels.options[response[i]]);
        }).join('; ');
      case 'ordering':
        return response.map(function (i) { return labels.items[i]; }).join(' | ');
      default: return '';
    }
  }

  // --- per-part marks ----------------------------------------------------------------

  function partElement(el, q, key) {
    switch (q.type) {
      case 'cloze': return el.querySelector('[data-blank="' + CSS.escape(key) + '"]');
      case 'ordering': return all(el, '[data-item]')[Number(key)] || null;
      case 'numeric':
      case 'text': return el.querySelector('[data-q-value]');
      default: return el.querySelector('[data-part="' + CSS.escape(key) + '"]');
    }
  }

  function clearMarks(el) {
    all(el, '.is-right, .is-wrong, .is-missed').forEach(function (n) {
      n.classList.remove('is-right', 'is-wrong', 'is-missed');
    });
    all(el, '[aria-invalid]').forEach(function (n) { n.removeAttribute('aria-invalid'); });
    all(el, '.part-verdict').forEach(function (n) {
      if (n.previousSibling && n.previousSibling.nodeType === 3 && n.previousSibling.data === ' ') {
        n.previousSibling.remove();
      }
      n.remove();
    });
    all(el, '[data-feedback-for], [data-note]').forEach(function (n) { n.hidden = true; });
  }

  // Once the answer is shown, the right options the learner did not pick are marked too,
  // in the option's label so that a screen reader reads it with the option.
  function markMissed(el, q, g) {
    if (q.type !== 'single' && q.type !== 'multiple') return;
    var picked = {};
    g.parts.forEach(function (p) { picked[p.key] = true; });
    q.choices.forEach(function (choice, index) {
      if (!choice.correct || picked[String(index)]) return;
      var target = el.querySelector('[data-part="' + index + '"]');
      if (!target) return;
      target.classList.add('is-missed');
      var verdict = document.createElement('span');
      verdict.className = 'part-verdict verdict-missed';
      verdict.textContent = t('question.missed_part');
      var label = target.querySelector('label') || target;
      label.appendChild(document.createTextNode(' '));
      label.appendChild(verdict);
    });
  }

  function mark(el, q, g) {
    g.parts.forEach(function (p) {
      var target = partElement(el, q, p.key);
      if (target) {
        target.classList.add(p.correct ? 'is-right' : 'is-wrong');
        // Colour is never the only signal: every marked part also says right or wrong.
        var verdict = document.createElement('span');
        verdict.className = 'part-verdict ' + (p.correct ? 'verdict-right' : 'verdict-wrong');
        verdict.textContent = p.correct ? t('question.right_part') : t('question.wrong_part');
        if (target.matches('input, select')) {
          target.setAttribute('aria-invalid', String(!p.correct));
          verdict.setAttribute('aria-hidden', 'true');  // aria-invalid already says it
          target.insertAdjacentElement('afterend', verdict);
        } else {
          target.appendChild(verdict);
        }
      }
      if (!p.feedback) return;
      var note = null;
      if (q.type === 'single' || q.type === 'multiple') {
        note = el.querySelector('[data-feedback-for="' + CSS.escape(p.key) + '"]');
      } else if (q.type === 'true_false') {
        note = el.querySelector('[data-note="' + p.key + '"]');
      } else if (q.type === 'text') {
        var index = q.feedback.findIndex(function (entry) { return entry[1] === p.feedback; });
        note = el.querySelector('[data-note="' + index + '"]');
      }
      if (note) note.hidden = false;
    });
  }

  window.lessonkitResponses = {
    all: all, read: readResponse, write: writeResponse, text: responseText,
    clearMarks: clearMarks, mark: mark, markMissed: markMissed
  };
})();
