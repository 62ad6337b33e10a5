// @ts-check
/* lessonkit grader: a line-for-line mirror of engine/grading/score.py (and engine/grading/standing.py).
 *
 * window.lessonkitGrade(question, response, hintsUsed) grades one response to a question
 * given as renderers.site.grader.grader_data(q) and returns the same numbers as
 * engine.grading.score.grade: {fraction, score, points, maxPoints, answered, correct, parts}.
 * tests/renderers/site/test_grading_equivalence.py runs both over one table of responses.
 *
 * Known, documented differences (JSON cannot carry them): a Python float such as 1.0
 * is not an index there but is here (JSON has one number type); Python's regular
 * expressions and JavaScript's differ on exotic syntax (`(?P<n>...)` is translated;
 * possessive quantifiers and `\A`/`\Z` are not), and `\w`/`\d` inside a `pattern` are
 * Unicode-aware in Python only.
 */
(function () {
  'use strict';

  var SLACK = 1e-9;
  // engine/grading/patterns.py MAX_ANSWER: a longer answer is never matched against a pattern, so
  // a slow pattern costs a wrong answer, not a frozen tab (check refuses the slow shapes).
  var MAX_ANSWER = 300;
  // Python's str.split()/str.strip() whitespace (str.isspace), which differs from JS \s.
  var PY_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
  var SPACE_RUN = new RegExp('[' + PY_SPACE + ']+', 'g');
  var EDGE_SPACE = new RegExp('^[' + PY_SPACE + ']+|[' + PY_SPACE + ']+$', 'g');
  var NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
  var UNICODE_DIGIT = /\p{Nd}/u;

  function isInt(x) { return typeof x === 'number' && Number.isInteger(x); }
  function isStr(x) { return typeof x === 'string'; }
  function isMapping(x) { return x !== null && typeof x === 'object' && !Array.isArray(x); }
  function pyStrip(s) { return s.replace(EDGE_SPACE, ''); }

  // TeX's sub- and superscript marks, h_0, x^{2}: dropped when answers are compared.
  var SUBSCRIPT_MARK = /[_^]\{([^{}]*)\}|[_^]([0-9A-Za-z])/g;
  var AMBIGUOUS_COMMA = /^([+-]?[1-9]\d{0,2}),(\d{3})$/;
  var GROUPED = /^[+-]?[1-9]\d{0,2}([,.])\d{3}(\1\d{3})+$/;

  function comparableText(text, caseSensitive) {
    var folded = text.normalize('NFKC').replace(SUBSCRIPT_MARK, function (_m, braced, single) {
      return braced !== undefined ? braced : single;
    });
    return normaliseText(folded, caseSensitive);
  }

  function normaliseText(text, caseSensitive) {
    var t = pyStrip(text.normalize('NFC')).split(SPACE_RUN).join(' ');
    return caseSensitive ? t : t.toLowerCase();
  }

  // Python's float() reads any Unicode decimal digit; map each to 0-9 by its run of ten.
  function asciiDigits(s) {
    var out = '';
    for (var ch of s) {
      if (ch >= '0' && ch <= '9') { out += ch; continue; }
      if (UNICODE_DIGIT.test(ch)) {
        var cp = ch.codePointAt(0), start = cp;
        while (start > 0 && cp - start < 9 && UNICODE_DIGIT.test(String.fromCodePoint(start - 1))) start--;
        out += String((cp - start) % 10);
      } else {
        out += ch;
      }
    }
    return out;
  }

  function numberText(text) {
    var s = pyStrip(text.normalize('NFKC')).replace(/\u2212/g, '-');
    return s.replace(new RegExp('[' + PY_SPACE + "_']", 'g'), '');
  }

  // Every number a typed answer can mean (engine.grading.score.number_readings): `1,440` is
  // 1440 or 1.44, so the page asks which was meant.
  function numberReadings(text) {
    if (!isStr(text)) return [];
    var m = AMBIGUOUS_COMMA.exec(numberText(text));
    if (m) return [Number(m[1] + '.' + m[2]), Number(m[1] + m[2])];
    var value = parseNumber(text);
    return value === null ? [] : [value];
  }

  function parseNumber(text) {
    if (text === null || text === undefined || typeof text === 'boolean') return null;
    if (typeof text === 'number') return Number.isFinite(text) ? text : null;
    if (!isStr(text)) return null;
    var s = numberText(text);
    if (GROUPED.test(s)) {
      s = s.replace(/[,.]/g, '');
    } else if (s.indexOf(',') >= 0 && s.indexOf('.') >= 0) {
      // The later separator is the decimal one: 1,000.5 or 1.000,5.
      s = s.lastIndexOf('.') > s.lastIndexOf(',') ? s.replace(/,/g, '')
        : s.replace(/\./g, '').replace(/,/g, '.');
    } else if ((s.match(/,/g) || []).length === 1) {
      s = s.replace(',', '.');
    }
    var digits = asciiDigits(s);
    if (!NUMBER.test(digits)) return null;
    var value = Number(digits);
    return Number.isFinite(value) ? value : null;
  }

  function toleranceOf(answer, tolerance) {
    if (tolerance === null || tolerance === undefined) return 0.0;
    if (isStr(tolerance)) {
      var t = pyStrip(tolerance);
      while (t.endsWith('%')) t = t.slice(0, -1);
      return Math.abs(answer) * Number(pyStrip(t)) / 100.0;
    }
    return Number(tolerance);
  }

  function numberIsRight(value, answer, tolerance, bounds) {
    if (bounds !== null && bounds !== undefined) {
      var low = bounds[0], high = bounds[1];
      var slack = SLACK * Math.max(1.0, Math.abs(low), Math.abs(high));
      if (low - slack <= value && value <= high + slack) return true;
    }
    if (answer !== null && answer !== undefined) {
      var s = SLACK * Math.max(1.0, Math.abs(answer));
      if (Math.abs(value - answer) <= toleranceOf(answer, tolerance) + s) return true;
    }
    return false;
  }

  function compilePattern(pattern, caseSensitive) {
    // Python's re.fullmatch: anchor the whole pattern; translate named groups.
    var source = '^(?:' + pattern.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>') + ')$';
    var flags = caseSensitive ? '' : 'i';
    try { return new RegExp(source, flags + 'u'); } catch { /* not valid with /u */ }
    return new RegExp(source, flags);
  }

  function textIsRight(response, accept, pattern, caseSensitive) {
    var comparable = comparableText(response, caseSensitive);
    for (var i = 0; i < accept.length; i++) {
      if (comparable === comparableText(accept[i], caseSensitive)) return true;
    }
    var given = normaliseText(response, caseSensitive);
    if (pattern !== null && pattern !== undefined) {
      if (Array.from(given).length > MAX_ANSWER) return false;
      try { return compilePattern(pattern, caseSensitive).test(given); } catch { return false; }
    }
    return false;
  }

  function blankIsRight(blank, response) {
    if (response === null || pyStrip(response) === '') return false;
    switch (blank.kind) {
      case 'choice':
        return normaliseText(response, true) === normaliseText(blank.answer || '', true);
      case 'text':
        return textIsRight(response, blank.accept, blank.pattern, blank.caseSensitive);
      case 'numeric':
        var value = parseNumber(response);
        var answer = parseNumber(blank.answer);
        return value !== null && numberIsRight(value, answer, blank.tolerance, blank.range);
      default:
        throw new Error('unknown blank kind ' + blank.kind);
    }
  }

  // Python's str() for the values a response mapping can hold.
  function pyStr(value) {
    if (value === true) return 'True';
    if (value === false) return 'False';
    return String(value);
  }

  function isEmpty(response) {
    if (response === null || response === undefined) return true;
    if (isStr(response)) return pyStrip(response) === '';
    if (Array.isArray(response)) return response.length === 0 || response.every(function (r) { return r === null; });
    if (isMapping(response)) {
      return !Object.keys(response).some(function (k) {
        var v = response[k];
        return v !== null && (isStr(v) ? pyStrip(v) !== '' : true);
      });
    }
    return false;
  }

  function ints(response) {
    if (!Array.isArray(response)) return [];
    return response.filter(isInt);
  }

  function part(key, correct, feedback) {
    return { key: key, correct: correct, feedback: feedback === undefined ? null : feedback };
  }

  function fractionOf(q, response) {
    var parts, right, i;
    switch (q.type) {
      case 'single': {
        if (!isInt(response) || response < 0 || response >= q.choices.length) return [0.0, []];
        var choice = q.choices[response];
        return [choice.correct ? 1.0 : 0.0, [part(String(response), choice.correct, choice.feedback)]];
      }
      case 'multiple': {
        var seen = {};
        var picked = ints(response).filter(function (r) {
          if (r < 0 || r >= q.choices.length || seen[r]) return false;
          seen[r] = true;
          return true;
        }).sort(function (a, b) { return a - b; });
        parts = picked.map(function (r) { return part(String(r), q.choices[r].correct, q.choices[r].feedback); });
        var rightSet = [];
        q.choices.forEach(function (c, idx) { if (c.correct) rightSet.push(idx); });
        if (q.scoring === 'all_or_nothing') {
          var same = picked.length === rightSet.length && picked.every(function (r, k) { return r === rightSet[k]; });
          return [same ? 1.0 : 0.0, parts];
        }
        var k = rightSet.length;
        var good = picked.filter(function (r) { return q.choices[r].correct; }).length;
        var bad = picked.length - good;
        return [k ? Math.max(0.0, (good - bad) / k) : 0.0, parts];
      }
      case 'true_false': {
        if (typeof response !== 'boolean') return [0.0, []];
        var ok = response === q.answer;
        var fb = response ? q.feedbackTrue : q.feedbackFalse;
        return [ok ? 1.0 : 0.0, [part(response ? 'true' : 'false', ok, fb)]];
      }
      case 'numeric': {
        var value = parseNumber(isStr(response) || typeof response === 'number' ? response : null);
        if (value === null) return [0.0, []];
        var good1 = numberIsRight(value, q.answer, q.tolerance, q.range);
        return [good1 ? 1.0 : 0.0, [part('value', good1, null)]];
      }
      case 'text': {
        if (!isStr(response)) return [0.0, []];
        var good2 = textIsRight(response, q.accept, q.pattern, q.caseSensitive);
        var given = comparableText(response, q.caseSensitive);
        var message = null;
        for (i = 0; i < q.feedback.length; i++) {
          if (comparableText(q.feedback[i][0], q.caseSensitive) === given) { message = q.feedback[i][1]; break; }
        }
        return [good2 ? 1.0 : 0.0, [part('text', good2, message)]];
      }
      case 'cloze': {
        var filled = isMapping(response) ? response : {};
        parts = q.blanks.map(function (entry) {
          var name = entry[0];
          var v = Object.prototype.hasOwnProperty.call(filled, name) ? filled[name] : null;
          return part(name, blankIsRight(entry[1], v === null || v === undefined ? null : pyStr(v)), null);
        });
        right = parts.filter(function (p) { return p.correct; }).length;
        if (q.scoring === 'all_or_nothing') return [right === parts.length ? 1.0 : 0.0, parts];
        return [parts.length ? right / parts.length : 0.0, parts];
      }
      case 'matching': {
        var chosen = Array.isArray(response) ? response : [];
        parts = q.pairs.map(function (rightText, idx) {
          var pick = idx < chosen.length ? chosen[idx] : null;
          var good3 = isInt(pick) && pick >= 0 && pick < q.options.length && q.options[pick] === rightText;
          return part(String(idx), good3, null);
        });
        right = parts.filter(function (p) { return p.correct; }).length;
        return [parts.length ? right / parts.length : 0.0, parts];
      }
      case 'ordering': {
        var order = ints(response);
        var n = q.items.length;
        var sorted = order.slice().sort(function (a, b) { return a - b; });
        var isPermutation = sorted.length === n && sorted.every(function (v, j) { return v === j; });
        if (!isPermutation) {
          // Not a permutation of the items: every position counts as wrong.
          parts = [];
          for (i = 0; i < n; i++) parts.push(part(String(i), false, null));
          return [0.0, parts];
        }
        parts = order.map(function (itemIndex, j) { return part(String(j), q.items[itemIndex] === q.items[j], null); });
        right = parts.filter(function (p) { return p.correct; }).length;
        if (q.scoring === 'all_or_nothing') return [right === n ? 1.0 : 0.0, parts];
        return [right / n, parts];
      }
      default:
        throw new Error('unknown question type ' + q.type);
    }
  }

  function grade(q, response, hintsUsed) {
    hintsUsed = hintsUsed || 0;
    if (isEmpty(response) && typeof response !== 'boolean') {
      return { fraction: 0.0, score: 0.0, points: 0.0, maxPoints: q.points, answered: false, correct: false, parts: [] };
    }
    var result = fractionOf(q, response);
    var fraction = Math.min(1.0, Math.max(0.0, result[0]));
    var hints = Math.max(0, Math.min(hintsUsed, q.hints));
    var score = Math.max(0.0, fraction - hints * q.hintPenalty);
    return {
      fraction: fraction, score: score, points: score * q.points, maxPoints: q.points,
      answered: true, correct: fraction >= 1.0, parts: result[1]
    };
  }

  // --- engine/grading/standing.py: the score a question keeps, and the pass mark ---------------

  var PASS_SLACK = 1e-9;

  function keptPoints(previous, latest) {
    return previous === null || previous === undefined ? latest : Math.max(previous, latest);
  }

  function scoreFraction(points, maxPoints) { return maxPoints > 0 ? points / maxPoints : 1.0; }

  function passes(points, maxPoints, passingScore) {
    return scoreFraction(points, maxPoints) >= passingScore - PASS_SLACK;
  }

  window.lessonkitGrade = grade;
  window.lessonkitGrading = {
    grade: grade, parseNumber: parseNumber, numberReadings: numberReadings,
    normaliseText: normaliseText,
    numberIsRight: numberIsRight,
    keptPoints: keptPoints, scoreFraction: scoreFraction, passes: passes
  };
})();
