// @ts-check
/*
 * lessonkit LMS bridge: the suspend_data encoding of the SCORM part.
 *
 * SCORM 1.2 gives a SCO 4096 characters of cmi.suspend_data (2004: 64000), and the
 * site's state for a long course is several times that as JSON. Three steps, each
 * exactly reversible (encode checks the round trip, and stores plain JSON otherwise):
 * 1. pack: ids of the course's questions and chapters and timestamps become short
 *    tokens, and maps of like entries are stored by column (see below);
 * 2. the packed JSON, with non-ASCII characters as \u escapes, is compressed with LZW
 *    (dictionary codes of growing width, 6 bits per character, base64url alphabet);
 * 3. tag: `L` + compressed, `J` + packed JSON when that is shorter, `R` + raw JSON.
 * The result is printable ASCII without quotes or backslashes in the compressed case,
 * which every LMS stores safely.
 */
(function () {
  "use strict";

  var kit = window.LessonkitBridge;
  var config = kit.config;

  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var END = 128, FIRST = 129;

  /* The k-th code is at most 128 + k, on both sides, so both know its width. */
  function widthAt(k) {
    return (128 + k).toString(2).length;
  }

  function asciiJson(value) {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function lzw(text) {
    var dict = new Map(), next = FIRST, k = 0, acc = 0, accBits = 0, out = [];
    function put(code) {
      var width = widthAt(k++);
      for (var b = width - 1; b >= 0; b--) {
        acc = (acc << 1) | ((code >> b) & 1);
        if (++accBits === 6) { out.push(DIGITS.charAt(acc)); acc = 0; accBits = 0; }
      }
    }
    function codeOf(w) {
      return w.length === 1 ? w.charCodeAt(0) : dict.get(w);
    }
    var w = "";
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (w === "") { w = c; continue; }
      if (dict.has(w + c)) { w += c; continue; }
      put(codeOf(w));
      dict.set(w + c, next++);
      w = c;
    }
    if (w !== "") put(codeOf(w));
    put(END);
    if (accBits) out.push(DIGITS.charAt(acc << (6 - accBits)));
    return out.join("");
  }

  function unlzw(data) {
    var pos = 0, acc = 0, accBits = 0, k = 0, dict = [];
    function take() {
      var width = widthAt(k++), code = 0;
      for (var b = 0; b < width; b++) {
        if (accBits === 0) {
          if (pos >= data.length) throw new Error("not lessonkit suspend data");
          var digit = DIGITS.indexOf(data.charAt(pos++));
          if (digit < 0) throw new Error("not lessonkit suspend data");
          acc = digit; accBits = 6;
        }
        accBits -= 1;
        code = (code << 1) | ((acc >> accBits) & 1);
      }
      return code;
    }
    function known(code) {
      if (code < 128) return String.fromCharCode(code);
      return code >= FIRST && code - FIRST < dict.length ? dict[code - FIRST] : null;
    }
    var code = take();
    if (code === END) return "";
    var w = known(code), out = [w];
    if (w === null) throw new Error("not lessonkit suspend data");
    for (;;) {
      code = take();
      if (code === END) break;
      var entry = known(code);
      if (entry === null) {
        if (code !== FIRST + dict.length) throw new Error("not lessonkit suspend data");
        entry = w + w.charAt(0);
      }
      out.push(entry);
      dict.push(w + entry.charAt(0));
      w = entry;
    }
    return out.join("");
  }

  /* Before compression, the values that repeat least but are longest become short
   * tokens: ids of the course's questions and chapters (as object keys: `~` plus four
   * base-36 digits of their FNV-1a hash) and timestamps (as values: `~` for a canonical
   * ISO string, `~#` for a number of milliseconds between 2001 and 2286, then the
   * difference to the previous timestamp, or to 1970 for the first, in base 36). A string
   * that starts with `~` is written with a second `~`. The hash ties a token to the id,
   * not to a position, so a package rebuilt with more or fewer questions still reads an
   * older learner's state. Packing and unpacking visit values in the same order
   * (JavaScript's own key order), which the differences rely on. */
  var ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  var TOKEN_ID = /^~[0-9a-z]{4}$/;
  var TOKEN_TIME = /^~(#?)(-?)([0-9a-z]{1,9})$/;
  var lastTime = 0;

  function timeToken(ms, marker) {
    var delta = ms - lastTime;
    lastTime = ms;
    return "~" + marker + (delta < 0 ? "-" : "") + Math.abs(delta).toString(36);
  }

  function isEpochMs(value) {
    return typeof value === "number" && Math.floor(value) === value &&
      value >= 1e12 && value < 1e13;
  }

  function fnv(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
  }

  var tokens = (function () {
    var byId = {}, byToken = {}, clashes = {};
    (config.ids || []).forEach(function (id) {
      var token = "~" + ("000" + (fnv(id) % 1679616).toString(36)).slice(-4);
      if (byToken[token] !== undefined && byToken[token] !== id) clashes[token] = true;
      byToken[token] = id;
    });
    Object.keys(byToken).forEach(function (token) {
      if (clashes[token]) delete byToken[token]; else byId[byToken[token]] = token;
    });
    return { byId: byId, byToken: byToken };
  })();

  function packText(text, isKey) {
    if (isKey && Object.prototype.hasOwnProperty.call(tokens.byId, text)) return tokens.byId[text];
    if (!isKey && ISO.test(text)) {
      var ms = Date.parse(text);
      if (isFinite(ms) && ms >= 0 && new Date(ms).toISOString() === text) return timeToken(ms, "");
    }
    return text.charAt(0) === "~" ? "~" + text : text;
  }

  function unpackText(text, isKey) {
    if (text.charAt(0) !== "~") return text;
    if (text.charAt(1) === "~") return text.slice(1);
    if (isKey && TOKEN_ID.test(text) && tokens.byToken[text] !== undefined) {
      return tokens.byToken[text];
    }
    var time = isKey ? null : TOKEN_TIME.exec(text);
    if (time) {
      lastTime += (time[2] ? -1 : 1) * parseInt(time[3], 36);
      return time[1] ? lastTime : new Date(lastTime).toISOString();
    }
    return text;
  }

  /* Maps of at least three entries are stored by column, where runs of like values
   * compress far better than in rows:
   * - records with the same keys in the same order (the site's answers, chapters,
   *   feedback): ["~t", [field names], names, [column, ...]];
   * - plain values (the site's hint counts): ["~m", names, column].
   * `names` is "~&" plus the id tokens without their `~` when every name is one, else a
   * list; a column of timestamps in milliseconds is "~*" plus the differences, joined
   * by commas. */
  function sameShape(values) {
    if (values.length < 3) return null;
    var first = values[0];
    if (!first || typeof first !== "object" || Array.isArray(first)) return null;
    var keys = Object.keys(first), signature = JSON.stringify(keys);
    for (var i = 1; i < values.length; i++) {
      var v = values[i];
      if (!v || typeof v !== "object" || Array.isArray(v) ||
          JSON.stringify(Object.keys(v)) !== signature) return null;
    }
    return keys;
  }

  function packNames(names) {
    var packed = names.map(function (n) { return packText(n, true); });
    var all = packed.every(function (p) { return TOKEN_ID.test(p); });
    return all ? "~&" + packed.map(function (p) { return p.slice(1); }).join("") : packed;
  }

  function unpackNames(names) {
    if (typeof names !== "string") return names.map(function (n) { return unpackText(n, true); });
    var out = [];
    for (var i = 2; i < names.length; i += 4) out.push(unpackText("~" + names.substr(i, 4), true));
    return out;
  }

  function packColumn(values) {
    if (values.length > 1 && values.every(isEpochMs)) {
      return "~*" + values.map(function (v) { return timeToken(v, "").slice(1); }).join(",");
    }
    return values.map(pack);
  }

  function unpackColumn(column) {
    if (typeof column !== "string") return column.map(unpack);
    return column.slice(2).split(",").map(function (delta) {
      lastTime += (delta.charAt(0) === "-" ? -1 : 1) * parseInt(delta.replace("-", ""), 36);
      return lastTime;
    });
  }

  function isScalar(v) {
    return v === null || typeof v !== "object";
  }

  function pack(value) {
    if (typeof value === "string") return packText(value, false);
    if (isEpochMs(value)) return timeToken(value, "#");
    if (Array.isArray(value)) return value.map(pack);
    if (!value || typeof value !== "object") return value;
    var names = Object.keys(value);
    var values = names.map(function (n) { return value[n]; });
    var fields = sameShape(values);
    if (fields) {
      var packedNames = packNames(names);
      return ["~t", fields.map(function (f) { return packText(f, true); }), packedNames,
              fields.map(function (f) {
                return packColumn(values.map(function (v) { return v[f]; }));
              })];
    }
    if (names.length >= 3 && values.every(isScalar)) {
      var keys = packNames(names);
      return ["~m", keys, packColumn(values)];
    }
    var out = {};
    names.forEach(function (n) { out[packText(n, true)] = pack(value[n]); });
    return out;
  }

  function unpack(value) {
    if (typeof value === "string") return unpackText(value, false);
    if (Array.isArray(value)) {
      if (value.length === 4 && value[0] === "~t") {
        var fields = value[1].map(function (f) { return unpackText(f, true); });
        var rows = unpackNames(value[2]);
        var records = rows.map(function () { return {}; });
        fields.forEach(function (f, i) {
          unpackColumn(value[3][i]).forEach(function (cell, row) { records[row][f] = cell; });
        });
        var table = {};
        rows.forEach(function (n, row) { table[n] = records[row]; });
        return table;
      }
      if (value.length === 3 && value[0] === "~m") {
        var keys = unpackNames(value[1]), cells = unpackColumn(value[2]), map = {};
        keys.forEach(function (k, i) { map[k] = cells[i]; });
        return map;
      }
      return value.map(unpack);
    }
    if (!value || typeof value !== "object") return value;
    var out = {};
    Object.keys(value).forEach(function (n) { out[unpackText(n, true)] = unpack(value[n]); });
    return out;
  }

  /* `L` compressed, `J` packed JSON; `R` raw JSON in case packing ever failed to round-trip. */
  function encode(value) {
    var raw = asciiJson(value);
    lastTime = 0;
    var json = asciiJson(pack(value));
    var packed = "L" + lzw(json);
    var text = packed.length < json.length + 1 ? packed : "J" + json;
    var back = decode(text);
    return back !== null && asciiJson(back) === raw ? text : "R" + raw;
  }

  function decode(text) {
    try {
      if (!text) return null;
      var tag = text.charAt(0), body = text.slice(1);
      lastTime = 0;
      if (tag === "L") return unpack(JSON.parse(unlzw(body)));
      if (tag === "J") return unpack(JSON.parse(body));
      if (tag === "R") return JSON.parse(body);
    } catch { /* another tool's data, or damaged: start afresh */ }
    return null;
  }

  kit.codec = { encode: encode, decode: decode };
})();
