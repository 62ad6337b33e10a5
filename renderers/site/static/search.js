// @ts-check
/* The search page: full-text search with pagefind when served over HTTP, chapter titles
 * only on file:// (browsers refuse module imports and fetches from file:// pages).
 *
 * The index comes in shards (pagefind/0/, pagefind/1/, ...): shard 0 is imported and the
 * others merged. Excerpts are rebuilt from text nodes and <mark> elements only, so no
 * markup from the index reaches the page.
 */
(function () {
  'use strict';

  var course = window.LESSONKIT_COURSE;
  var lk = window.lessonkit;
  if (!course || !lk) return;
  var t = lk.t;
  var input = /** @type {HTMLInputElement} */ (document.getElementById('_search-page-q'));
  var status = document.querySelector('[data-search-status]');
  var list = document.querySelector('[data-search-results]');
  var query = (new URLSearchParams(window.location.search).get('q') || '').trim();
  var chapters = {};
  course.chapters.forEach(function (c) { chapters[c.url] = c; });
  var sections = {};
  course.sections.forEach(function (s) { sections[s.id] = s; });

  function position(chapter) {
    return t('position', { section: chapter.sectionNumber, chapter: chapter.number });
  }

  function safeExcerpt(html) {
    var fragment = document.createDocumentFragment();
    var parsed = new DOMParser().parseFromString('<body>' + html + '</body>', 'text/html');
    parsed.body.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        fragment.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeName === 'MARK') {
        var mark = document.createElement('mark');
        mark.textContent = node.textContent;
        fragment.appendChild(mark);
      } else {
        fragment.appendChild(document.createTextNode(node.textContent || ''));
      }
    });
    return fragment;
  }

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
        var excerpt = document.createElement('p');
        excerpt.className = 'search-excerpt';
        excerpt.appendChild(safeExcerpt(item.excerpt));
        li.appendChild(excerpt);
      }
      list.appendChild(li);
    });
    var count = total === undefined ? items.length : total;
    var summary = count ? t('search.results', { n: count, query: query })
      : t('search.none', { query: query });
    status.textContent = note ? note + ' ' + summary : summary;
  }

  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }

  // pagefind answers a word it cannot find with ever shorter prefixes of it ("xyzzy"
  // finds every "x"), so nonsense listed pages. A result counts only when each query
  // word shares its first letters (four, or the whole word if shorter) with a word of
  // the page: "vanish" still finds "vanishing", "xyzzy" finds nothing.
  var SHARED_PREFIX = 4;

  function wordsOf(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  function matchesQuery(content) {
    var pageWords = wordsOf(content || '');
    return wordsOf(query).every(function (term) {
      var prefix = term.slice(0, SHARED_PREFIX);
      return pageWords.some(function (w) { return w.slice(0, prefix.length) === prefix; });
    });
  }

  // Where on its page a result lands: the heading, question or code cell before the
  // best-scoring match (pagefind lists every element with an id as an anchor, with the
  // position of the word after it). Ids starting with "_" belong to the page's own
  // controls, never a passage.
  var LANDING = /^(h[1-6]|section|figure)$/;

  function passage(d) {
    var best = null;
    (d.weighted_locations || []).forEach(function (w) {
      if (!best || w.balanced_score > best.balanced_score) best = w;
    });
    if (!best) return null;
    var found = null;
    (d.anchors || []).forEach(function (a) {
      if (LANDING.test(a.element) && a.id.charAt(0) !== '_' && a.location <= best.location
          && (!found || a.location >= found.location)) {
        found = a;
      }
    });
    return found;
  }

  function titleSearch(note) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    var found = course.chapters.filter(function (c) {
      var hay = fold(c.title + ' ' + (sections[c.section] ? sections[c.section].title : ''));
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    show(found.map(function (c) { return { url: c.url, title: c.title, where: position(c) }; }), note);
  }

  function fullText() {
    status.textContent = t('search.loading');
    var base = new URL('pagefind/', window.location.href);
    // baseUrl "/" makes result URLs "/chapters/x.html" whatever sub-path the site is served
    // from (pagefind would otherwise guess from its own script's path).
    return import(new URL('0/pagefind.js', base).href).then(function (pagefind) {
      return pagefind.options({ baseUrl: '/' }).then(function () {
        var merges = [];
        for (var i = 1; i < course.search.shards; i++) {
          merges.push(pagefind.mergeIndex(new URL(i + '/', base).href, { baseUrl: '/' }));
        }
        return Promise.all(merges);
      }).then(function () { return pagefind.search(query); });
    }).then(function (search) {
      var first = search.results.slice(0, 30).map(function (r) { return r.data(); });
      return Promise.all(first).then(function (data) { return [data, search.results.length]; });
    }).then(function (found) {
      var results = found[0].filter(function (d) { return matchesQuery(d.content); });
      // A fallback to prefixes fails the check on every page it returns, so when some of
      // the pages read fail it, the count read is the only honest one.
      var total = results.length === found[0].length ? found[1] : results.length;
      show(results.map(function (d) {
        var url = d.url.replace(/^\/+/, '').split('#')[0];
        var chapter = chapters[url];
        var anchor = passage(d);
        var where = chapter ? position(chapter) : '';
        if (anchor && anchor.text) where = where ? where + ' › ' + anchor.text : anchor.text;
        return {
          url: anchor ? url + '#' + encodeURIComponent(anchor.id) : url,
          title: chapter ? chapter.title : (d.meta && d.meta.title) || url,
          where: where, excerpt: d.excerpt
        };
      }), '', total);
    });
  }

  input.value = query;
  if (!query) return;
  if (window.location.protocol === 'file:' || !course.search.enabled || !course.search.shards) {
    titleSearch(t('search.offline'));
  } else {
    fullText().catch(function () { titleSearch(t('search.offline')); });
  }
})();
