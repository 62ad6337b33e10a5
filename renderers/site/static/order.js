// @ts-check
/* Each learner's own order of a question's options.
 *
 * The page comes with the order decided at build time (the one shown without scripts).
 * With scripts, the options of every element marked `data-shuffle` (the choices of a
 * single or multiple choice question, the drop-downs of a matching question, each
 * drop-down blank of a cloze) are put in an order drawn from the learner's seed, the
 * question id and the mark's value: random between learners, the same on every visit of
 * one learner, new after "Erase my progress" (which draws a new seed, lessonkit.js).
 * Every control keeps the value the author's order gives it, so responses and grading
 * never depend on the order shown.
 */
(function () {
  'use strict';

  // FNV-1a: a 32-bit number from a string, to seed the generator below.
  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  // mulberry32: a small, well-mixed generator of numbers in [0, 1) from a 32-bit seed.
  function generator(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6d2b79f5) >>> 0;
      var x = Math.imul(a ^ (a >>> 15), 1 | a);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
  }

  // Fisher-Yates over a copy of `items`, `fixed` ones left in their slots.
  function shuffled(items, random, fixed) {
    var movable = items.filter(function (item) { return !fixed(item); });
    for (var i = movable.length - 1; i > 0; i--) {
      var j = Math.floor(random() * (i + 1));
      var swap = movable[i]; movable[i] = movable[j]; movable[j] = swap;
    }
    var next = 0;
    return items.map(function (item) { return fixed(item) ? item : movable[next++]; });
  }

  function byNumber(attribute) {
    return function (a, b) { return Number(a[attribute]) - Number(b[attribute]); };
  }

  function never() { return false; }

  function reorder(container, question, seed) {
    var random = generator(hash(seed + '\u0000' + question + '\u0000' +
                                container.getAttribute('data-shuffle')));
    if (container.matches('fieldset.q-choices')) {
      // From the author's order, so the build's order has no say in the learner's.
      var choices = Array.prototype.slice.call(container.querySelectorAll(':scope > .choice'))
        .sort(function (a, b) { return Number(a.dataset.part) - Number(b.dataset.part); });
      shuffled(choices, random, function (c) { return c.hasAttribute('data-fixed'); })
        .forEach(function (c) { container.appendChild(c); });
    } else if (container.matches('fieldset.q-matching')) {
      // One order for every drop-down of the question, as the build shows them.
      var order = null;
      container.querySelectorAll('select[data-match]').forEach(function (select) {
        var options = Array.prototype.slice.call(select.options)
          .filter(function (o) { return o.value !== ''; }).sort(byNumber('value'));
        order = order || shuffled(options.map(function (o) { return o.value; }), random, never);
        var byValue = {};
        options.forEach(function (o) { byValue[o.value] = o; });
        order.forEach(function (value) { select.appendChild(byValue[value]); });
      });
    } else if (container.matches('select')) {
      // From the author's order (data-part), as for choices.
      var blankOptions = Array.prototype.slice.call(container.options)
        .filter(function (o) { return o.value !== ''; })
        .sort(function (a, b) { return Number(a.dataset.part) - Number(b.dataset.part); });
      shuffled(blankOptions, random, never).forEach(function (o) { container.appendChild(o); });
    }
  }

  window.lessonkitOrder = function (question, questionId, learnerSeed) {
    question.querySelectorAll('[data-shuffle]').forEach(function (container) {
      reorder(container, questionId, String(learnerSeed));
    });
  };
})();
