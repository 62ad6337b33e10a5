// @ts-check
/*
 * lessonkit LMS bridge, cmi5 part (cmi5 "quartz" edition, xAPI 1.0.3).
 *
 * The launch sequence of cmi5_spec.md section 8 and 10, run by the launcher page:
 * read `endpoint`, `fetch`, `actor`, `registration` and `activityId` from the launch
 * URL; POST to `fetch` (once) for the auth token; GET the `LMS.LaunchData` state
 * document (context template, launch mode, mastery score, moveOn); GET the learner's
 * saved state; send `initialized`. Then, in Normal launch mode:
 * - per answered question a "cmi5 allowed" `answered` statement (the context template
 *   without the cmi5 category) with the interaction definition, response and score;
 * - once every question is answered: `completed`, and `passed` or `failed` with the
 *   scaled score against the mastery score (the LMS's, else the course's), with the
 *   cmi5 and moveOn categories and the masteryscore extension when the LMS set one;
 *   never `completed` or `passed` twice in a registration, nor `failed` after `passed`
 *   (flags kept in the state document), nor `failed` twice in a session;
 * - the site's state in the State API (stateId `lessonkit-state`), on every change.
 * On leaving the page: the state and `terminated` with the session duration, sent with
 * `keepalive` so the browser delivers them after the page is gone.
 * Browse and Review launches send no completion or success statements (section 10).
 * A failed request is logged, not retried: the LMS records `abandoned` for a lost session.
 */
(function () {
  "use strict";

  var kit = window.LessonkitBridge;
  var config = kit.config;
  var XAPI_VERSION = "1.0.3";
  var STATE_ID = "lessonkit-state";
  var CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var SESSION_ID = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  var MASTERY_SCORE = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

  function verb(name) {
    return { id: "http://adlnet.gov/expapi/verbs/" + name, display: { "en-US": name } };
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(b, function (x) {
      return ("0" + x.toString(16)).slice(-2);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
            hex.slice(20)].join("-");
  }

  function Session(launch, token, ids) {
    this.launch = launch;
    this.auth = "Basic " + token;
    this.ids = ids;
    this.started = Date.now();
    this.outbox = [];
    this.putting = false;
    this.dirty = false;
    this.finished = false;
    this.failedThisSession = false;
    this.sent = [];
  }

  Session.prototype.url = function (path, query) {
    var base = this.launch.endpoint.replace(/\/?$/, "/");
    var qs = query ? "?" + new URLSearchParams(query).toString() : "";
    return base + path + qs;
  };

  Session.prototype.request = function (method, path, query, body, keepalive) {
    var init = {
      method: method,
      headers: {
        "Authorization": this.auth,
        "X-Experience-API-Version": XAPI_VERSION,
        "Content-Type": "application/json"
      }
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    /* Browsers cap keepalive bodies at 64 KiB in all; a larger state goes out without. */
    init.keepalive = Boolean(keepalive) && (!init.body || init.body.length < 60000);
    return window.fetch(this.url(path, query), init);
  };

  Session.prototype.stateQuery = function (stateId) {
    return {
      stateId: stateId,
      activityId: this.launch.activityId,
      agent: JSON.stringify(this.launch.actor),
      registration: this.launch.registration
    };
  };

  Session.prototype.getState = function (stateId) {
    return this.request("GET", "activities/state", this.stateQuery(stateId))
      .then(function (response) {
        if (response.status === 404) return null;
        if (!response.ok) throw new Error("state " + stateId + ": HTTP " + response.status);
        return response.json();
      });
  };

  function warnUnless(response) {
    if (response && !response.ok && window.console) {
      window.console.warn("lessonkit: the LRS answered", response.status, response.url);
    }
    return response;
  }

  function warn(error) {
    if (window.console) window.console.warn("lessonkit: LRS request failed", error);
  }

  Session.prototype.context = function (kind) {
    var context = JSON.parse(JSON.stringify(this.template || {}));
    context.registration = this.launch.registration;
    /** @type {{parent?: object[], category?: object[]}} */
    var activities = context.contextActivities = context.contextActivities || {};
    context.extensions = context.extensions || {};
    if (!context.extensions[SESSION_ID] && this.sessionId) {
      context.extensions[SESSION_ID] = this.sessionId;
    }
    if (kind === "allowed") {
      activities.parent = (activities.parent || []).concat(
        [{ id: this.launch.activityId, objectType: "Activity" }]);
      return context;
    }
    var categories = [{ id: CMI5_CATEGORY, objectType: "Activity" }];
    if (kind === "moveon") categories.push({ id: MOVEON_CATEGORY, objectType: "Activity" });
    activities.category = (activities.category || []).concat(categories);
    return context;
  };

  Session.prototype.statement = function (name, kind, result, object) {
    var statement = {
      id: uuid(),
      timestamp: new Date().toISOString(),
      actor: this.launch.actor,
      verb: verb(name),
      object: object || { id: this.launch.activityId, objectType: "Activity" },
      context: this.context(kind)
    };
    if (result) statement.result = result;
    return statement;
  };

  /* Statements of one moment (an answer, and the completion it brings) go out as one
   * array in one POST, which the LRS stores in order; `keepalive` lets the request
   * finish even when the learner closes the page right after answering. */
  Session.prototype.send = function (statement) {
    this.sent.push(statement.verb.display["en-US"]);
    this.outbox.push(statement);
  };

  Session.prototype.flush = function () {
    if (!this.outbox.length) return Promise.resolve(null);
    var batch = this.outbox;
    this.outbox = [];
    return this.request("POST", "statements", null, batch, true).then(warnUnless, warn);
  };

  Session.prototype.begin = function (launchData, saved) {
    saved = saved && typeof saved === "object" ? saved : {};
    this.template = launchData.contextTemplate || {};
    this.sessionId = (this.template.extensions || {})[SESSION_ID] || uuid();
    this.mode = launchData.launchMode || "Normal";
    var lmsMastery = parseFloat(launchData.masteryScore);
    this.lmsMastery = isFinite(lmsMastery) ? lmsMastery : null;
    this.mastery = this.lmsMastery !== null ? this.lmsMastery : Number(config.mastery);
    this.siteState = saved.site === undefined ? null : saved.site;
    this.flags = saved.flags || {};
    this.tally = new kit.Tally(this.ids, kit.gradesOf(this.siteState));
    this.send(this.statement("initialized", "defined"));
    this.judge(true);
    return this.flush();
  };

  Session.prototype.load = function () {
    return this.siteState;
  };

  Session.prototype.document = function () {
    return { site: this.siteState, flags: this.flags };
  };

  /* One PUT at a time, so an older state never lands after a newer one. */
  Session.prototype.persist = function (final) {
    var self = this;
    if (final) {
      return this.request("PUT", "activities/state", this.stateQuery(STATE_ID),
                          this.document(), true).then(warnUnless, warn);
    }
    if (this.putting) { this.dirty = true; return null; }
    this.putting = true;
    this.dirty = false;
    return this.request("PUT", "activities/state", this.stateQuery(STATE_ID), this.document())
      .then(warnUnless, warn)
      .then(function () {
        self.putting = false;
        if (self.dirty && !self.finished) self.persist(false);
      });
  };

  Session.prototype.save = function (state) {
    if (this.finished) return;
    this.siteState = state;
    this.tally.replace(kit.gradesOf(state));
    this.persist(false);
  };

  Session.prototype.answer = function (detail) {
    var id = String(detail.question);
    if (this.finished || !this.tally.covers(id) || this.mode !== "Normal") return;
    var q = config.questions[id] || {};
    this.tally.record(id, detail);
    var grade = this.tally.grades[id], max = Number(q.weighting) || 0;
    var result = {
      success: grade[1] >= 1,
      duration: kit.isoDuration(Number(detail.latencySeconds) || 0)
    };
    if (max > 0) {
      result.score = { scaled: Number(kit.fixed(grade[0] / max, 4)),
                       raw: Number(kit.fixed(grade[0], 4)), min: 0, max: max };
    }
    var response = kit.formatResponse(q, detail.response, "xapi");
    if (response !== null) result.response = response;
    var object = { id: config.questionBase + id, objectType: "Activity" };
    if (q.definition) object.definition = q.definition;
    this.send(this.statement("answered", "allowed", result, object));
    this.judge();
    this.flush();
    this.persist(false);
  };

  /* completed / passed / failed once every question is answered (section 9.3). At launch
   * (`resumed`), only what an earlier session answered but never sent goes out: a
   * learner who failed and comes back is not failed again before answering anything. */
  Session.prototype.judge = function (resumed) {
    var s = this.tally.summary();
    if (this.mode !== "Normal" || !s.complete) return;
    var duration = kit.isoDuration((Date.now() - this.started) / 1000);
    if (!this.flags.completed) {
      this.flags.completed = true;
      this.send(this.statement("completed", "moveon", { completion: true, duration: duration }));
    }
    if (!s.graded || this.flags.passed || (resumed && this.flags.failed)) return;
    var passed = kit.passes(s, this.mastery);
    if (!passed && this.failedThisSession) return;
    var result = {
      success: passed,
      duration: duration,
      score: { scaled: Number(kit.fixed(s.scaled, 4)), raw: Number(kit.fixed(s.earned, 4)),
               min: 0, max: s.max }
    };
    var statement = this.statement(passed ? "passed" : "failed", "moveon", result);
    if (this.lmsMastery !== null) statement.context.extensions[MASTERY_SCORE] = this.lmsMastery;
    if (passed) this.flags.passed = true; else this.failedThisSession = this.flags.failed = true;
    this.send(statement);
  };

  Session.prototype.finish = function () {
    if (this.finished) return;
    this.finished = true;
    var duration = kit.isoDuration((Date.now() - this.started) / 1000);
    this.persist(true);
    this.send(this.statement("terminated", "defined", { duration: duration }));
    this.flush();
  };

  function launchParameters() {
    var query = new URLSearchParams(window.location.search);
    var launch = {
      endpoint: query.get("endpoint"),
      fetch: query.get("fetch"),
      registration: query.get("registration"),
      activityId: query.get("activityId")
    };
    try {
      launch.actor = JSON.parse(query.get("actor") || "null");
    } catch {
      launch.actor = null;
    }
    var complete = launch.endpoint && launch.fetch && launch.registration &&
      launch.activityId && launch.actor;
    return complete ? launch : null;
  }

  function open(ids, ready) {
    var launch = launchParameters();
    if (!launch || !window.fetch) { ready(null); return; }
    var session = null;
    window.fetch(launch.fetch, { method: "POST" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (!body || !body["auth-token"]) throw new Error("no auth-token from the fetch URL");
        session = new Session(launch, body["auth-token"], ids);
        return Promise.all([session.getState("LMS.LaunchData"), session.getState(STATE_ID)]);
      })
      .then(function (documents) {
        if (!documents[0]) throw new Error("no LMS.LaunchData state document");
        return session.begin(documents[0], documents[1]);
      })
      .then(function () { ready(session); })
      .catch(function (error) {
        if (window.console) window.console.warn("lessonkit: cmi5 launch failed", error);
        ready(null);
      });
  }

  kit.start({ open: open, direct: null });
})();
