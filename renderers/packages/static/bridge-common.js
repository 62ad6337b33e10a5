// @ts-check
/*
 * lessonkit LMS bridge, common part: joins the static site to one LMS session.
 *
 * The packager writes assets/lms-bridge.js as: a generated `window.LESSONKIT_LMS = {...}`
 * header (questions, patterns, mastery), this file, then the SCORM or the cmi5 part.
 * It runs in two kinds of documents:
 *
 * - the launcher page the LMS opens (lessonkit-launch*.html, marked with
 *   `data-lessonkit-launcher="<scope>"`). It opens the one LMS session of the launch,
 *   and only then loads the site into its frame, so the site's first `load()` already
 *   sees the saved state. A site of many pages cannot own the session itself: SCORM
 *   allows one Initialize per launch, and each page load would end it.
 * - every page of the site. It finds the launcher in a parent frame and connects the
 *   site to its session: `window.lessonkitStorage` (the site's persistence hook) and
 *   the `lessonkit:answer` events. A page that finds an LMS API but no launcher (a
 *   package rewired to launch index.html) owns a session for its own lifetime.
 *
 * With no LMS, nothing is installed and the site keeps using localStorage.
 * Responses are written in the author's order (choice `a` is the first choice the
 * author wrote), which is how the packager computed the correct-response patterns.
 */
(function () {
  "use strict";

  var MAX_DEPTH = 10;
  var ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  var config = window.LESSONKIT_LMS || { questions: {}, scopes: {} };

  /* Windows to search: this one, its parents, then the opener and its parents (bounded,
   * and each access guarded, since a cross-origin frame throws on property access). */
  function candidateWindows() {
    var found = [];
    function climb(start) {
      var win = start;
      for (var depth = 0; win && depth < MAX_DEPTH; depth++) {
        found.push(win);
        var parent = null;
        try { parent = win.parent; } catch { parent = null; }
        if (!parent || parent === win) break;
        win = parent;
      }
    }
    climb(window);
    var opener = null;
    try { opener = window.top && window.top.opener; } catch { opener = null; }
    if (!opener) {
      try { opener = window.opener; } catch { opener = null; }
    }
    if (opener) climb(opener);
    return found;
  }

  function lookup(name) {
    var wins = candidateWindows();
    for (var i = 0; i < wins.length; i++) {
      try {
        if (wins[i][name]) return wins[i][name];
      } catch { /* a cross-origin frame: keep looking further up */ }
    }
    return null;
  }

  function launcherOf() {
    /** @type {Window} */
    var win = window;
    for (var depth = 0; win && depth < MAX_DEPTH; depth++) {
      try {
        if (win.lessonkitLauncher) return win.lessonkitLauncher;
        if (win.parent === win) return null;
        win = win.parent;
      } catch { return null; }
    }
    return null;
  }

  /* ---------- numbers, times and identifiers in the LMS vocabularies ---------- */

  function fixed(value, places) {
    var text = Number(value).toFixed(places);
    if (text.indexOf(".") >= 0) text = text.replace(/0+$/, "").replace(/\.$/, "");
    return text === "-0" ? "0" : text;
  }

  /* engine.grading.score.parse_number: `0,25`, `1 000.5`, `1,000.5` and a minus sign work. */
  function parseNumber(value) {
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (typeof value !== "string") return null;
    var s = value.normalize("NFKC").trim().replace(/\u2212/g, "-").replace(/[\s_']/g, "");
    if (s.indexOf(",") >= 0 && s.indexOf(".") >= 0) {
      s = s.lastIndexOf(".") > s.lastIndexOf(",")
        ? s.replace(/,/g, "")
        : s.replace(/\./g, "").replace(/,/g, ".");
    } else if ((s.match(/,/g) || []).length === 1) {
      s = s.replace(",", ".");
    }
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
    var n = parseFloat(s);
    return isFinite(n) ? n : null;
  }

  function pad(n, width) {
    var text = String(n);
    while (text.length < width) text = "0" + text;
    return text;
  }

  function centiseconds(seconds) {
    return Math.max(0, Math.round((Number(seconds) || 0) * 100));
  }

  /* SCORM 1.2 CMITimespan: HHHH:MM:SS.SS, hours 2 to 4 digits. */
  function timespan12(seconds) {
    var cs = Math.min(centiseconds(seconds), 9999 * 360000 + 359999);
    var h = Math.floor(cs / 360000), m = Math.floor((cs % 360000) / 6000);
    var s = Math.floor((cs % 6000) / 100);
    return pad(h, 2) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(cs % 100, 2);
  }

  /* SCORM 2004 timeinterval and xAPI duration: ISO 8601, at most 2 decimals of seconds. */
  function isoDuration(seconds) {
    var cs = centiseconds(seconds);
    var h = Math.floor(cs / 360000), m = Math.floor((cs % 360000) / 6000);
    var s = (cs % 6000) / 100;
    var text = "PT" + (h ? h + "H" : "") + (m ? m + "M" : "");
    return text + (s || (!h && !m) ? fixed(s, 2) + "S" : "");
  }

  /* SCORM 1.2 CMITime: the learner's clock time, HH:MM:SS. */
  function clock12(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" +
      pad(date.getSeconds(), 2);
  }

  /* SCORM 2004 time(second,10,0): a zone designator may only follow fractional seconds. */
  function timestamp2004(date) {
    return date.toISOString().replace(/\.(\d\d)\d*Z$/, ".$1Z");
  }

  function isIndex(value) {
    return typeof value === "number" && value >= 0 && value < ALPHABET.length &&
      Math.floor(value) === value;
  }

  function literal(text, standard) {
    text = String(text == null ? "" : text).split(/\s+/).join(" ").trim();
    if (standard === "scorm12") return text.slice(0, 255);
    /* 2004 and xAPI read `[,]`, `[.]`, `[:]` as delimiters and a leading `{` as a tag. */
    text = text.replace(/\[([,.:])\]/g, "($1)").replace(/^\{/, "(");
    return text.slice(0, 250);
  }

  /* The learner's response in the standard's syntax (RTE 1.2 3.4.2.7.5, 2004 4.1.6.5). */
  function formatResponse(q, response, standard) {
    var old = standard === "scorm12";
    var items = old ? "," : "[,]", pair = old ? "." : "[.]";
    if (!q || !q.responses || response == null) return null;
    var out = null;
    switch (q.kind) {
      case "single":
        out = isIndex(response) ? ALPHABET[response] : null;
        break;
      case "multiple":
        out = (Array.isArray(response) ? response : []).filter(isIndex)
          .filter(function (v, i, all) { return all.indexOf(v) === i; })
          .sort(function (a, b) { return a - b; })
          .map(function (i) { return ALPHABET[i]; }).join(items);
        break;
      case "true_false":
        out = typeof response === "boolean"
          ? (old ? (response ? "t" : "f") : String(response)) : null;
        break;
      case "numeric": {
        var n = parseNumber(response);
        out = n === null || (!old && Math.abs(n) >= 1e10) ? null : fixed(n, 7);
        break;
      }
      case "text":
        out = literal(response, standard);
        break;
      case "cloze": {
        var filled = typeof response === "object" && !Array.isArray(response) ? response : {};
        var parts = (q.blanks || []).map(function (name) {
          return literal(filled[name], standard);
        });
        out = parts.some(Boolean) ? parts.join(items) : null;
        break;
      }
      case "matching":
        out = (Array.isArray(response) ? response : []).map(function (pick, i) {
          return isIndex(pick) && i < ALPHABET.length ? ALPHABET[i] + pair + ALPHABET[pick] : "";
        }).filter(Boolean).join(items);
        break;
      case "ordering":
        out = (Array.isArray(response) ? response : []).filter(isIndex)
          .map(function (i) { return ALPHABET[i]; }).join(items);
        break;
      default:
        out = null;
    }
    if (out === "" || out === null) return null;
    return old ? out.slice(0, 255) : out;
  }

  /* ---------- the score over one scope (the course, or one chapter) ---------- */

  function Tally(ids, saved) {
    this.ids = ids;
    this.replace(saved);
  }

  /* Take the grades of a saved site state (after a resume or a reset of the course). */
  Tally.prototype.replace = function (grades) {
    var self = this;
    this.grades = {};
    this.ids.forEach(function (id) {
      if (grades && Array.isArray(grades[id])) self.grades[id] = grades[id];
    });
  };

  Tally.prototype.covers = function (id) {
    return this.ids.indexOf(id) >= 0;
  };

  /* Keep (points earned, fraction right) per question: the points the site says the
   * question keeps (its best answer's, engine/grading/standing.py), else the latest answer's. */
  Tally.prototype.record = function (id, detail) {
    var q = config.questions[id] || {};
    var max = Number(q.weighting) || 0;
    var kept = detail.keptPoints !== undefined;
    var points = Number(kept ? detail.keptPoints : detail.points);
    if (!isFinite(points)) points = (Number(detail.score) || 0) * max;
    var fraction = Number(kept ? detail.keptFraction : detail.fraction);
    this.grades[id] = [Math.min(max, Math.max(0, points)),
                       isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0];
  };

  Tally.prototype.summary = function () {
    var earned = 0, max = 0, answered = 0, self = this;
    this.ids.forEach(function (id) {
      var q = config.questions[id] || {};
      max += Number(q.weighting) || 0;
      if (self.grades[id]) { answered += 1; earned += self.grades[id][0]; }
    });
    var total = this.ids.length;
    return {
      earned: earned, max: max, answered: answered, total: total,
      complete: answered === total,
      graded: total > 0 && max > 0,
      scaled: max > 0 ? earned / max : 0,
      progress: total ? answered / total : 1
    };
  };

  /* Grades from the site's saved state (its documented shape: answers[id].points and
   * .fraction), so a resumed session scores the answers of earlier sessions. */
  function gradesOf(state) {
    var answers = state && typeof state === "object" ? state.answers : null;
    var grades = {};
    if (!answers || typeof answers !== "object") return grades;
    Object.keys(answers).forEach(function (id) {
      var a = answers[id];
      if (a && isFinite(Number(a.points)) && isFinite(Number(a.fraction))) {
        grades[id] = [Number(a.points), Number(a.fraction)];
      }
    });
    return grades;
  }

  /* Mastery is reached at the passing score, with a little slack for binary rounding. */
  function passes(summary, mastery) {
    return summary.scaled >= mastery - 1e-9;
  }

  /* ---------- wiring ---------- */

  function scopeIds(scope) {
    var scopes = config.scopes || {};
    if (scope && scopes[scope]) return scopes[scope].slice();
    var all = [];
    Object.keys(scopes).sort().forEach(function (key) { all = all.concat(scopes[key]); });
    return all;
  }

  /* Tell the launcher and the site page showing now that the LMS lost something (the
   * site may show it): `lessonkit:lms-warning` with {reason, ...}. */
  function warn(session, detail) {
    [document, session.siteDocument].forEach(function (doc) {
      try {
        if (doc) doc.dispatchEvent(new CustomEvent("lessonkit:lms-warning", { detail: detail }));
      } catch { /* the page is gone */ }
    });
  }

  function connect(session) {
    session.siteDocument = document;
    window.lessonkitStorage = {
      load: function () { return session.load(); },
      save: function (state) { session.save(state); }
    };
    document.addEventListener("lessonkit:answer", function (/** @type {CustomEvent} */ event) {
      if (event && event.detail) session.answer(event.detail);
    });
  }

  function onLeave(callback) {
    var done = false;
    function once() {
      if (done) return;
      done = true;
      callback();
    }
    window.addEventListener("pagehide", once);
    window.addEventListener("beforeunload", once);
    return once;
  }

  /* Called by the standard-specific part with
   *   open(scopeIds, ready): opens a session (or calls ready(null)) and calls ready(session);
   *   direct(scopeIds): a session for a page without launcher, or null (synchronous). */
  function start(driver) {
    var root = document.documentElement;
    var scope = root.getAttribute("data-lessonkit-launcher");
    if (scope !== null) {
      /** @type {{session: any, ready: boolean}} */
      var launcher = window.lessonkitLauncher = { session: null, ready: false };
      driver.open(scopeIds(scope), function (session) {
        launcher.session = session;
        launcher.ready = true;
        if (session) onLeave(function () { session.finish(); });
        var frame = document.getElementById("lessonkit-site");
        if (frame && frame.getAttribute("data-src")) {
          frame.setAttribute("src", frame.getAttribute("data-src"));
        }
      });
      return;
    }
    var found = launcherOf();
    if (found) {
      if (found.session) connect(found.session);
      return;
    }
    var own = driver.direct ? driver.direct(scopeIds(null)) : null;
    if (own) {
      connect(own);
      onLeave(function () { own.finish(); });
    }
  }

  window.LessonkitBridge = {
    config: config,
    lookup: lookup,
    start: start,
    warn: warn,
    Tally: Tally,
    gradesOf: gradesOf,
    passes: passes,
    formatResponse: formatResponse,
    parseNumber: parseNumber,
    fixed: fixed,
    timespan12: timespan12,
    isoDuration: isoDuration,
    clock12: clock12,
    timestamp2004: timestamp2004
  };
})();
