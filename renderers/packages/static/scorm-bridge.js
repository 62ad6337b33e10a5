// @ts-check
/*
 * lessonkit LMS bridge, SCORM part: SCORM 1.2 (RTE 1.2) and SCORM 2004 4th edition (RTE 1.1).
 *
 * One session per launch: Initialize, restore the site's state from cmi.suspend_data,
 * then per answered question one interaction, the score over the SCO's questions,
 * completion and success against the mastery score, and a commit. On leaving: session
 * time, exit (`suspend` while questions are unanswered, so the LMS offers to resume),
 * commit, finish. A question answered again updates its interaction record; in 1.2,
 * whose interactions are a write-only journal, a resumed session appends a new one.
 * The site's saved state is the truth about the learner's answers: the score is
 * recomputed from it on every save, so resetting the course in the site resets the
 * LMS's score and status too.
 *
 * Known LMS behaviour this follows:
 * - scores are reported raw on a 0-100 scale with min 0 and max 100 (Open edX reads raw
 *   as a percentage and ignores min/max) after every answer; 2004 also gets the scaled
 *   score, once every question is answered (an LMS judges success from it);
 * - the mastery score the LMS passes in (1.2 cmi.student_data.mastery_score, 2004
 *   cmi.scaled_passing_score) wins over the one in the package;
 * - suspend_data is limited to 4096 characters in 1.2 and 64000 in 2004. scorm-again and
 *   some LMSs accept more in 1.2, others truncate silently and lose the resume state, so
 *   the limit is enforced here: details the site does not show are shed first (see
 *   SHEDDING), and a state that still does not fit is not written (the last one that
 *   fitted stays) and a `lessonkit:lms-warning` event (on the launcher's and the
 *   site page's document) says so;
 * - session_time is set once, at the end: some LMSs add it to total_time on every commit.
 *
 * suspend_data holds the site's state, encoded by suspend-codec.js (loaded before this).
 */
(function () {
  "use strict";

  var kit = window.LessonkitBridge;
  var config = kit.config;
  var STANDARD = config.standard;
  var encode = kit.codec.encode, decode = kit.codec.decode;

  var VERSIONS = {
    scorm12: {
      api: "API", initialize: "LMSInitialize", getValue: "LMSGetValue",
      setValue: "LMSSetValue", commit: "LMSCommit", terminate: "LMSFinish",
      lastError: "LMSGetLastError", alreadyInitialized: "101", limit: 4096,
      entry: "cmi.core.entry", exit: "cmi.core.exit", sessionTime: "cmi.core.session_time",
      mastery: "cmi.student_data.mastery_score", masteryScale: 100
    },
    scorm2004: {
      api: "API_1484_11", initialize: "Initialize", getValue: "GetValue",
      setValue: "SetValue", commit: "Commit", terminate: "Terminate",
      lastError: "GetLastError", alreadyInitialized: "103", limit: 64000,
      entry: "cmi.entry", exit: "cmi.exit", sessionTime: "cmi.session_time",
      mastery: "cmi.scaled_passing_score", masteryScale: 1
    }
  };

  /* ---------- the session ---------- */

  function Session(api, v, ids) {
    this.api = api;
    this.v = v;
    this.ids = ids;
    this.started = Date.now();
    this.finished = false;
    this.timer = null;
    this.written = {};
    this.refused = [];
  }

  Session.prototype.call = function (method, args) {
    try {
      return String(this.api[method].apply(this.api, args));
    } catch {
      return "false";
    }
  };

  Session.prototype.get = function (element) {
    return this.call(this.v.getValue, [element]);
  };

  /* Writes a value unless this session already wrote the same one (LMS calls can be
   * network round trips). */
  Session.prototype.set = function (element, value) {
    value = String(value);
    if (this.written[element] === value) return true;
    var ok = this.call(this.v.setValue, [element, value]) === "true";
    if (ok) this.written[element] = value;
    if (!ok) {
      var code = this.call(this.v.lastError, []);
      this.refused.push([element, value, code]);
      if (window.console) window.console.warn("lessonkit: the LMS refused", element, value, code);
    }
    return ok;
  };

  Session.prototype.begin = function () {
    var saved = decode(this.get("cmi.suspend_data"));
    this.siteState = Array.isArray(saved) && saved[0] === 1 ? saved[1] : null;
    this.tally = new kit.Tally(this.ids, kit.gradesOf(this.siteState));
    this.count = parseInt(this.get("cmi.interactions._count"), 10) || 0;
    this.slots = {};
    if (STANDARD === "scorm2004") {
      /* 2004 interactions are readable: answering again updates the same record. 1.2's
       * are write-only, a journal, so a resumed session appends. */
      for (var n = 0; n < this.count; n++) {
        this.slots[this.get("cmi.interactions." + n + ".id")] = n;
      }
    }
    var given = this.get(this.v.mastery), mastery = parseFloat(given);
    this.mastery = given !== "" && isFinite(mastery)
      ? mastery / this.v.masteryScale : Number(config.mastery);
    this.report();
    this.set(this.v.exit, this.exitValue());
    this.call(this.v.commit, [""]);
  };

  Session.prototype.exitValue = function () {
    if (!this.tally.summary().complete) return "suspend";
    return STANDARD === "scorm12" ? "" : "normal";
  };

  Session.prototype.load = function () {
    return this.siteState;
  };

  /* What may be left out of suspend_data when the whole state does not fit, in this
   * order; each step keeps every answer, score, hint count and finished chapter, so a
   * resumed learner sees the same marks and the LMS the same score:
   * 1. when each question was answered and each feedback given (the site never shows it);
   * 2. how many tries each answer took;
   * 3. the dates chapters were finished (the site then says "completed" without a date). */
  var SHEDDING = [
    function (state) { dropField(state.answers, "at"); dropField(state.feedback, "at"); },
    function (state) { dropField(state.answers, "attempts"); },
    function (state) { dropField(state.chapters, "at"); }
  ];

  function dropField(records, field) {
    Object.keys(records || {}).forEach(function (key) {
      var record = records[key];
      if (record && typeof record === "object") delete record[field];
    });
  }

  /* The shortest faithful text within `limit`: the whole state, or the state with
   * details shed one step at a time; the whole state's text when nothing fits. */
  function suspendText(siteState, limit) {
    var text = encode([1, siteState]);
    if (text.length <= limit || !siteState || typeof siteState !== "object") return text;
    var lean = JSON.parse(JSON.stringify(siteState));
    for (var step = 0; step < SHEDDING.length; step++) {
      SHEDDING[step](lean);
      var shorter = encode([1, lean]);
      if (shorter.length <= limit) return shorter;
    }
    return text;
  }
  kit.suspendText = suspendText;

  Session.prototype.encodeState = function (siteState) {
    return suspendText(siteState, this.v.limit);
  };

  Session.prototype.persist = function () {
    var text = this.encodeState(this.siteState === undefined ? null : this.siteState);
    if (text.length > this.v.limit) {
      kit.warn(this, { reason: "suspend-data-limit", length: text.length, limit: this.v.limit });
      return false;
    }
    this.set("cmi.suspend_data", text);
    return true;
  };

  /* The site's state is the truth about the learner's answers: when the learner resets
   * the course, the LMS hears the score and status fall back too. */
  Session.prototype.save = function (state) {
    if (this.finished) return;
    this.siteState = state;
    this.tally.replace(kit.gradesOf(state));
    this.report();
    this.persist();
    var self = this;
    if (!this.timer) {
      this.timer = window.setTimeout(function () {
        self.timer = null;
        if (!self.finished) self.call(self.v.commit, [""]);
      }, 500);
    }
  };

  Session.prototype.slotFor = function (id) {
    var n = this.slots[id];
    if (typeof n !== "number" || n > this.count) n = this.count;
    if (n === this.count) this.count += 1;
    this.slots[id] = n;
    return n;
  };

  Session.prototype.answer = function (detail) {
    var id = String(detail.question);
    if (this.finished || !this.tally.covers(id)) return;
    this.tally.record(id, detail);
    this.writeInteraction(id, config.questions[id] || {}, detail);
    this.report();
    this.set(this.v.exit, this.exitValue());
    this.persist();
    if (this.timer) { window.clearTimeout(this.timer); this.timer = null; }
    this.call(this.v.commit, [""]);
  };

  Session.prototype.writeInteraction = function (id, q, detail) {
    var p = "cmi.interactions." + this.slotFor(id) + ".";
    var fraction = Number(detail.fraction) || 0;
    var response = kit.formatResponse(q, detail.response, STANDARD);
    var now = new Date(), self = this;
    this.set(p + "id", id);
    this.set(p + "type", q.type);
    if (STANDARD === "scorm12") {
      this.set(p + "time", kit.clock12(now));
    } else {
      var text = String(q.description || "").replace(/^\{/, "(");
      var lang = config.lang ? "{lang=" + config.lang + "}" : "";
      if (text) this.set(p + "description", lang + text);
      this.set(p + "timestamp", kit.timestamp2004(now));
    }
    this.set(p + "weighting", kit.fixed(Number(q.weighting) || 0, 7));
    if (response !== null) {
      this.set(p + (STANDARD === "scorm12" ? "student_response" : "learner_response"), response);
    }
    (q.correct || []).forEach(function (pattern, k) {
      self.set(p + "correct_responses." + k + ".pattern", pattern);
    });
    var wrong = STANDARD === "scorm12" ? "wrong" : "incorrect";
    this.set(p + "result",
      fraction >= 1 ? "correct" : fraction <= 0 ? wrong : kit.fixed(fraction, 4));
    var latency = Number(detail.latencySeconds) || 0;
    this.set(p + "latency",
      STANDARD === "scorm12" ? kit.timespan12(latency) : kit.isoDuration(latency));
  };

  /* Score, completion and success from the tally (RTE 1.2 3.4.2.2; 2004 4.2.4, 4.2.22). */
  Session.prototype.report = function () {
    var s = this.tally.summary();
    var percent = kit.fixed(s.scaled * 100, 2);
    var passed = kit.passes(s, this.mastery);
    if (s.answered) this.scored = true;
    if (STANDARD === "scorm12") {
      if (s.graded && this.scored) {
        this.set("cmi.core.score.raw", percent);
        this.set("cmi.core.score.min", "0");
        this.set("cmi.core.score.max", "100");
      }
      var status = !s.complete ? "incomplete" : !s.graded ? "completed"
        : passed ? "passed" : "failed";
      this.set("cmi.core.lesson_status", status);
      return;
    }
    if (s.graded && this.scored) {
      /* An LMS that knows a scaled passing score judges success from cmi.score.scaled
       * (RTE 4.2.22), so the scaled score waits for the last answer: a running score
       * would fail a learner who is only half way through. */
      if (s.complete) this.set("cmi.score.scaled", kit.fixed(s.scaled, 7));
      this.set("cmi.score.raw", percent);
      this.set("cmi.score.min", "0");
      this.set("cmi.score.max", "100");
    }
    this.set("cmi.progress_measure", kit.fixed(s.progress, 7));
    this.set("cmi.completion_status", s.complete ? "completed" : "incomplete");
    this.set("cmi.success_status",
      s.complete && s.graded ? (passed ? "passed" : "failed") : "unknown");
  };

  Session.prototype.finish = function () {
    if (this.finished) return;
    if (this.timer) { window.clearTimeout(this.timer); this.timer = null; }
    this.report();
    this.set(this.v.sessionTime, STANDARD === "scorm12"
      ? kit.timespan12((Date.now() - this.started) / 1000)
      : kit.isoDuration((Date.now() - this.started) / 1000));
    this.set(this.v.exit, this.exitValue());
    this.persist();
    this.finished = true;
    this.call(this.v.commit, [""]);
    this.call(this.v.terminate, [""]);
  };

  function open(ids) {
    var v = VERSIONS[STANDARD];
    var api = v && kit.lookup(v.api);
    if (!api) return null;
    var session = new Session(api, v, ids);
    if (session.call(v.initialize, [""]) !== "true" &&
        session.call(v.lastError, []) !== v.alreadyInitialized) {
      return null;
    }
    session.begin();
    return session;
  }

  kit.start({
    open: function (ids, ready) { ready(open(ids)); },
    direct: open
  });
})();
