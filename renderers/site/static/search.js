// @ts-check
/* The search page: full-text search in this browser over the index the site was built
 * with (renderers/site/search.py), from http and from file:// alike.
 *
 * The index comes in shards, search/0.js, search/1.js, ...: scripts that each hand their
 * records ([url, [[anchor, label, text], ...]]) to window.lessonkitSearchShard. They are
 * loaded with <script> elements, which browsers allow on file:// pages where a fetch or a
 * module import is refused.
 *
 * Every word of the query must begin a word of the page ("vanish" finds "vanishing";
 * nonsense finds nothing), accents and case aside; in scripts written without spaces
 * (Chinese, Japanese, Thai, ...) it may start anywhere. Pages rank by how often their words
 * match, a match in the chapter's title or a passage's heading counting more; a result
 * opens the passage with the most matches. Excerpts are built from text nodes and <mark>
 * elements, so nothing in the index can put markup on the page.
 */
(function () {
  'use strict';

  var course = window.LESSONKIT_COURSE;
  var lk = window.lessonkit;
  if (!course || !lk) return;
  var t = lk.t;
  var input = /** @type {HTMLInputElement} */ (document.getElementById('_search-page-q'));
  var status = /** @type {HTMLElement} */ (document.querySelector('[data-search-status]'));
  var list = /** @type {HTMLElement} */ (document.querySelector('[data-search-results]'));
  var query = (new URLSearchParams(window.location.search).get('q') || '').trim();
  /** @type {Record<string, any>} */
  var chapters = {};
  course.chapters.forEach(function (/** @type {any} */ c, /** @type {number} */ i) {
    chapters[c.url] = { chapter: c, order: i };
  });
  /** @type {Record<string, any>} */
  var sections = {};
  course.sections.forEach(function (/** @type {any} */ s) { sections[s.id] = s; });

  var SHOWN = 50;          // results listed; the count says how many there are
  var TITLE_WEIGHT = 10;   // a match in the chapter's title
  var LABEL_WEIGHT = 3;    // a match in a passage's heading (its text counts it once more)
  var BEFORE = 8;          // words of context before an excerpt's first match
  var EXCERPT = 30;        // words in an excerpt
  var WORD = /[\p{L}\p{N}\p{M}]+(?:['\u2019][\p{L}\p{N}\p{M}]+)*/gu;

  /** @param {string} text */
  function fold(text) {
    return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/\u2019/g, "'").toLowerCase();
  }

  /** @param {string} text */
  function wordsOf(text) { return fold(text).match(WORD) || []; }

  /** What a query word must begin: the word itself, or without a plural "s" when long
   * enough ("gradients" finds "gradient" too).
   * @param {string} word */
  function stem(word) { return word.length > 4 && word.slice(-1) === 's' ? word.slice(0, -1) : word; }

  // Scripts written without spaces between words: there a query word may start anywhere
  // in a run of letters, since the run is a whole phrase.
  var UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

  /** @param {string} stem */
  function startsAnywhere(stem) { return UNSPACED.test(stem); }

  /** Whether folded `word` holds a match of `stem`. @param {string} word @param {string} stem */
  function hits(word, stem) {
    return startsAnywhere(stem) ? word.indexOf(stem) >= 0 : word.slice(0, stem.length) === stem;
  }

  /** @param {string} s */
  function escapeRegExp(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

  /** Counts the words of folded `text` that begin with `stem`.
   * @param {RegExp} re @param {string} text */
  function count(re, text) {
    re.lastIndex = 0;
    var n = 0;
    while (re.exec(text)) n++;
    return n;
  }

  /** @param {any} chapter */
  function position(chapter) {
    return t('position', { section: chapter.sectionNumber, chapter: chapter.number });
  }

  /** The excerpt of `text` around its first match, as text nodes and <mark> elements.
   * @param {string} text @param {string[]} stems */
  function excerpt(text, stems) {
    /** @type {{start: number, end: number, hit: boolean}[]} */
    var words = [];
    var m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text)) !== null) {
      var folded = fold(m[0]);
      words.push({
        start: m.index, end: m.index + m[0].length,
        hit: stems.some(function (s) { return hits(folded, s); })
      });
    }
    var first = 0;
    while (first < words.length && !words[first].hit) first++;
    if (first === words.length) first = 0;
    var from = Math.max(0, first - BEFORE);
    var to = Math.min(words.length, from + EXCERPT);
    var fragment = document.createDocumentFragment();
    if (!words.length) return fragment;
    var at = words[from].start;
    if (from > 0) fragment.appendChild(document.createTextNode('… '));
    for (var i = from; i < to; i++) {
      var w = words[i];
      if (w.start > at) fragment.appendChild(document.createTextNode(text.slice(at, w.start)));
      if (w.hit) {
        var mark = document.createElement('mark');
        mark.textContent = text.slice(w.start, w.end);
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(text.slice(w.start, w.end)));
      }
      at = w.end;
    }
    if (to < words.length) fragment.appendChild(document.createTextNode(' …'));
    return fragment;
  }

  /** @param {any[]} items @param {string} note @param {number} [total] */
  function show(items, note, total) {
    list.textContent = '';
    items.forEach(function (item) {
      var li = document.createElement('li');
      var link = document.createElement('a');
      link.href = item.url;
      link.textContent = item.title;
      li.appendChild(link);
      if (item.where) {
        var where = document.createElement('p');
        where.className = 'search-where';
        where.textContent = item.where;
        li.appendChild(where);
      }
      if (item.excerpt) {
        var p = document.createElement('p');
        p.className = 'search-excerpt';
        p.appendChild(item.excerpt);
        li.appendChild(p);
      }
      list.appendChild(li);
    });
    var n = total === undefined ? items.length : total;
    var summary = n ? t('search.results', { n: n, query: query }) : t('search.none', { query: query });
    status.textContent = note ? note + ' ' + summary : summary;
  }

  /** Chapter titles only: when the index cannot be read. @param {string} note */
  function titleSearch(note) {
    var words = wordsOf(query);
    var found = course.chapters.filter(function (/** @type {any} */ c) {
      var hay = fold(c.title + ' ' + (sections[c.section] ? sections[c.section].title : ''));
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    show(found.map(function (/** @type {any} */ c) {
      return { url: c.url, title: c.title, where: position(c) };
    }), note);
  }

  /** Loads every shard, in course order. @returns {Promise<any[]>} */
  function loadIndex() {
    return new Promise(function (resolve, reject) {
      /** @type {any[]} */
      var records = [];
      var left = course.search.shards;
      window.lessonkitSearchShard = function (shard) { records = records.concat(shard); };
      for (var i = 0; i < course.search.shards; i++) {
        var script = document.createElement('script');
        script.src = 'search/' + i + '.js';
        script.async = false;  // run in the order added: the records come in course order
        script.onload = function () { if (--left === 0) resolve(records); };
        script.onerror = reject;
        document.head.appendChild(script);
      }
    });
  }

  /** @param {any[]} records */
  function fullText(records) {
    var stems = wordsOf(query).map(stem).filter(function (s, i, all) { return all.indexOf(s) === i; });
    var patterns = stems.map(function (s) {
      var start = startsAnywhere(s) ? '' : '(?<![\\p{L}\\p{N}])';
      return new RegExp(start + escapeRegExp(s), 'gu');
    });
    /** @type {any[]} */
    var found = [];
    records.forEach(function (record) {
      var url = record[0];
      var known = chapters[url];
      var title = known ? known.chapter.title : url;
      var titleText = fold(title);
      var hits = patterns.map(function (re) { return count(re, titleText); });
      var score = hits.reduce(function (a, b) { return a + b; }, 0) * TITLE_WEIGHT;
      var best = null;
      var bestRank = -1;
      record[1].forEach(function (/** @type {string[]} */ passage) {
        var label = fold(passage[1]);
        var text = fold(passage[2]);
        var matched = 0;
        var passageScore = 0;
        patterns.forEach(function (re, k) {
          var n = count(re, label) * LABEL_WEIGHT + count(re, text);
          if (n) { matched++; hits[k] += n; passageScore += n; }
        });
        score += passageScore;
        var rank = matched * 1e6 + passageScore;
        if (passageScore && rank > bestRank) { best = passage; bestRank = rank; }
      });
      if (!patterns.length || hits.some(function (n) { return n === 0; })) return;
      found.push({ url: url, title: title, known: known, passage: best, score: score });
    });
    found.sort(function (a, b) {
      return b.score - a.score || (a.known ? a.known.order : 1e9) - (b.known ? b.known.order : 1e9);
    });
    show(found.slice(0, SHOWN).map(function (r) {
      var where = r.known ? position(r.known.chapter) : '';
      var passage = r.passage;
      if (passage && passage[1]) where = where ? where + ' › ' + passage[1] : passage[1];
      return {
        url: passage && passage[0] ? r.url + '#' + encodeURIComponent(passage[0]) : r.url,
        title: r.title, where: where,
        excerpt: passage ? excerpt(passage[2], stems) : null
      };
    }), '', found.length);
  }

  input.value = query;
  if (!query) return;
  if (!course.search.enabled || !course.search.shards) {
    titleSearch('');
    return;
  }
  status.textContent = t('search.loading');
  loadIndex().then(fullText).catch(function () { titleSearch(t('search.fallback')); });
})();
