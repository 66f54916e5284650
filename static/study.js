// Study mode: answer cards, see the answer drawn, grade, and let SM-2 schedule the next review.
// Progress lives in this browser's localStorage only. Every page works without this file: the cards
// and their answers are plain HTML. The scoring mirrors app/study/scoring.py (the reference).
(function () {
  "use strict";
  // loaded again by a boosted navigation (htmx runs the scripts of the page it swaps in): set up the new page only
  if (window.AtlasStudy) { window.AtlasStudy.init(); return; }

  var KEY = "atlas-study";
  var NEW_PER_SESSION = 20;
  var SPILLOVER_CREDIT = 0.5, FALSE_MARK_PENALTY = 0.5, NAME_THRESHOLD = 85, SHORT = 4;

  // --- SM-2 ---------------------------------------------------------------------------------
  // SuperMemo 2 as published by P. A. Wozniak (1990, "Optimization of learning", ch. 3.2):
  //  1. Each item starts with an E-Factor (EF) of 2.5.
  //  2. Inter-repetition intervals: I(1) = 1 day, I(2) = 6 days, I(n) = I(n-1) * EF for n > 2,
  //     a fraction rounded up to whole days.
  //  3. After a repetition the answer is graded q = 0..5: 5 perfect; 4 correct after hesitation;
  //     3 correct with serious difficulty; 2 wrong, but the answer seemed easy to recall;
  //     1 wrong, remembered on seeing it; 0 complete blackout.
  //  4. EF' = EF + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)), never below 1.3.
  //  5. If q < 3, repetitions start again from I(1) without changing EF.
  //     (Read here: EF changes only when the answer passed, and the new EF sets the next interval.)
  //  6. Items graded below 4 are repeated the same day until they score at least 4.
  // (Rule 6 is kept by re-queuing the card in the session and marking it "redo" for today.)
  function sm2(state, q) {
    var n = state && state.n || 0, ef = state && state.ef || 2.5, interval = state && state.interval || 0;
    if (q < 3) {
      return { n: 0, ef: ef, interval: 1 };
    }
    ef = Math.max(1.3, ef + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)));
    ef = Math.round(ef * 1000) / 1000;
    interval = n === 0 ? 1 : n === 1 ? 6 : Math.ceil(Math.round(interval * ef * 1000) / 1000);
    return { n: n + 1, ef: ef, interval: interval };
  }

  // --- scoring (app/study/scoring.py) --------------------------------------------------------
  function scorePattern(marked, essential, spillover) {
    var got = {}, e = 0, s = 0, wrong = [];
    marked.forEach(function (z) { got[z] = true; });
    spillover = spillover.filter(function (z) { return essential.indexOf(z) < 0; });
    essential.forEach(function (z) { if (got[z]) { e++; } });
    spillover.forEach(function (z) { if (got[z]) { s++; } });
    Object.keys(got).forEach(function (z) {
      if (essential.indexOf(z) < 0 && spillover.indexOf(z) < 0) { wrong.push(z); }
    });
    var possible = essential.length + SPILLOVER_CREDIT * spillover.length;
    var raw = e + SPILLOVER_CREDIT * s - FALSE_MARK_PENALTY * wrong.length;
    return { score: possible ? Math.min(1, Math.max(0, raw / possible)) : 0, wrong: wrong.sort() };
  }

  function scoreWhere(pt, targets, full, zero) {
    var best = Infinity, index = 0;
    targets.forEach(function (t, i) {
      var d = Math.hypot(pt[0] - t[0], pt[1] - t[1]);
      if (d < best) { best = d; index = i; }
    });
    var score = best <= full ? 1 : best >= zero ? 0 : (zero - best) / (zero - full);
    return { score: score, distance: best, nearest: index };
  }

  function normalise(text) {
    var t = String(text).toLowerCase().replace(/[\u2013-]/g, " ").replace(/[^a-z0-9 ]+/g, " ");
    var drop = { muscle: 1, muscles: 1, m: 1, mm: 1, musculus: 1, musculi: 1 };
    return t.split(/\s+/).filter(function (w) { return w && !drop[w]; }).join(" ");
  }

  function lcs(a, b) {
    var prev = new Array(b.length + 1).fill(0);
    for (var i = 1; i <= a.length; i++) {
      var cur = [0];
      for (var j = 1; j <= b.length; j++) {
        cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
      }
      prev = cur;
    }
    return prev[b.length];
  }

  // rapidfuzz's fuzz.ratio: 100 * 2 * LCS / (len a + len b)
  function nameSimilarity(typed, name) {
    var a = normalise(typed), b = normalise(name);
    if (!a || !b) { return 0; }
    if (a.length <= SHORT || b.length <= SHORT) { return a === b ? 100 : 0; }
    return 100 * 2 * lcs(a, b) / (a.length + b.length);
  }

  function matchName(typed, answers) {
    var best = null, bestScore = 0;
    answers.forEach(function (a) {
      var s = Math.max.apply(null, a.names.map(function (n) { return nameSimilarity(typed, n); }));
      if (s > bestScore) { best = a; bestScore = s; }
    });
    return bestScore >= NAME_THRESHOLD ? best : null;
  }

  function quality(score) {
    return score >= 0.95 ? 5 : score >= 0.75 ? 4 : score >= 0.5 ? 3 : score > 0.2 ? 2 : score > 0 ? 1 : 0;
  }

  window.AtlasStudy = { sm2: sm2, scorePattern: scorePattern, scoreWhere: scoreWhere, nameSimilarity: nameSimilarity,
                        matchName: matchName, quality: quality };

  // --- progress in localStorage ---------------------------------------------------------------
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function addDays(day, n) {
    var p = day.split("-").map(Number), d = new Date(p[0], p[1] - 1, p[2] + n);
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function empty() { return { version: 1, cards: {}, days: [] }; }

  function valid(p) {
    return p && p.version === 1 && typeof p.cards === "object" && !Array.isArray(p.cards) && Array.isArray(p.days);
  }

  function load() {
    try {
      var p = JSON.parse(localStorage.getItem(KEY) || "null");
      return valid(p) ? p : empty();
    } catch (e) { return empty(); }
  }

  function save(p) {
    try { localStorage.setItem(KEY, JSON.stringify(p)); return true; } catch (e) { return false; }
  }

  function isDue(c, day) { return !!c && (c.due <= day || c.redo === day); }

  function streak(p) {
    var days = {}, day = today(), n = 0;
    p.days.forEach(function (d) { days[d] = true; });
    if (!days[day]) { day = addDays(day, -1); }
    while (days[day]) { n++; day = addDays(day, -1); }
    return n;
  }

  function record(p, id, q, score, region) {
    var day = today(), old = p.cards[id] || {};
    var next = sm2(old, q);
    p.cards[id] = {
      n: next.n, ef: next.ef, interval: next.interval, due: addDays(day, next.interval),
      redo: q < 4 ? day : null, last: day, q: q, score: Math.round(score * 100) / 100, region: region,
      reps: (old.reps || 0) + 1, lapses: (old.lapses || 0) + (q < 3 ? 1 : 0)
    };
    if (p.days.indexOf(day) < 0) { p.days.push(day); }
    save(p);
  }

  // --- helpers -------------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  var SVGNS = "http://www.w3.org/2000/svg";
  function sel(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function readJson(id) {
    var s = document.getElementById(id);
    return s ? JSON.parse(s.textContent) : null;
  }

  // --- fragments: a card or a marking board, loaded when it is needed ------------------------------
  // Each comes as a script calling AtlasStudy.fragment(name, html): a script loads from file:// (the static
  // export opened from disk), where a fetch cannot.
  var waiting = {};
  function fragment(name, html) {
    var done = waiting[name];
    if (done) { delete waiting[name]; done(html); }
  }

  // a fragment's relative links are relative to its script (so the static export writes them)
  function rebase(root, base) {
    root.querySelectorAll("[href], [src]").forEach(function (e) {
      ["href", "src"].forEach(function (a) {
        var v = e.getAttribute(a);
        if (v && !/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(v)) { e.setAttribute(a, new URL(v, base).href); }
      });
    });
  }

  function loadFragment(name, src) {
    return new Promise(function (resolve, reject) {
      if (!src) { reject(new Error("no " + name + " in this deck")); return; }
      waiting[name] = resolve;
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { s.remove(); };
      s.onerror = function () { s.remove(); delete waiting[name]; reject(new Error("could not load " + src)); };
      document.head.appendChild(s);
    }).then(function (html) {
      var t = document.createElement("template");
      t.innerHTML = html;
      rebase(t.content, src);
      return t.content.firstElementChild;
    });
  }

  // --- the deck page -------------------------------------------------------------------------
  function Deck(root, deck) {
    this.root = root;
    this.deck = deck;
    this.cards = {};
    var self = this;
    deck.cards.forEach(function (c) { self.cards[c.id] = c; });
    this.progress = load();
    this.status = root.querySelector("[data-status]");
    this.boards = root.querySelector("[data-boards]");
    this.done = root.querySelector("[data-done]");
    this.live = root.querySelector("[data-live-cards]");
    this.sources = {};
    this.fragments = {};
    this.pending = null;
    root.querySelectorAll("[data-fragment]").forEach(function (i) {
      self.sources[i.dataset.fragment] = new URL(i.getAttribute("data-src"), document.baseURI).href;
    });
    this.live.hidden = false;
    this.queue = this.build(false);
    this.current = null;
    root.querySelector("[data-study-bar]").hidden = false;
    root.classList.add("js");
    root.addEventListener("click", function (ev) { self.click(ev); });
    root.addEventListener("keydown", function (ev) { self.key(ev); });
    this.done.querySelector("[data-more]").addEventListener("click", function () {
      self.queue = self.build(true);
      self.next();
    });
    this.next();
  }

  Deck.prototype.build = function (early) {
    var day = today(), due = [], fresh = [], later = [], p = this.progress;
    this.deck.cards.forEach(function (c) {
      var s = p.cards[c.id];
      if (!s) { fresh.push(c.id); } else if (isDue(s, day)) { due.push(c.id); } else { later.push(c.id); }
    });
    var q = due.concat(fresh.slice(0, NEW_PER_SESSION));
    if (early && !q.length) {
      later.sort(function (a, b) { return p.cards[a].due < p.cards[b].due ? -1 : 1; });
      q = later.slice(0, NEW_PER_SESSION);
    }
    return q;
  };

  Deck.prototype.counts = function () {
    var day = today(), due = 0, fresh = 0, p = this.progress;
    this.deck.cards.forEach(function (c) {
      var s = p.cards[c.id];
      if (!s) { fresh++; } else if (isDue(s, day)) { due++; }
    });
    return { due: due, fresh: fresh };
  };

  Deck.prototype.say = function () {
    var c = this.counts(), s = streak(this.progress);
    this.status.textContent = this.queue.length + " card" + (this.queue.length === 1 ? "" : "s") + " left in this session · " +
      c.due + " due · " + c.fresh + " new · streak " + s + " day" + (s === 1 ? "" : "s");
  };

  // a fragment, loaded once and kept (the same element each time it is asked for)
  Deck.prototype.load = function (name) {
    var self = this;
    if (!this.fragments[name]) {
      this.fragments[name] = loadFragment(name, this.sources[name]);
      this.fragments[name].catch(function () { delete self.fragments[name]; });
    }
    return this.fragments[name];
  };

  Deck.prototype.parts = function (id) {
    var self = this, card = this.cards[id];
    return Promise.all([this.load("card-" + id)].concat(card.kind === "muscle-pattern" ?
      card.views.map(function (v) { return self.load("board-" + v); }) : []));
  };

  Deck.prototype.next = function () {
    var self = this;
    this.live.querySelectorAll("li.card").forEach(function (li) { li.hidden = true; });
    this.boards.hidden = true;
    this.say();
    var id = this.queue.shift();
    this.current = null;
    this.pending = id || null;
    if (!id) {
      this.done.hidden = false;
      this.done.focus();
      return;
    }
    this.done.hidden = true;
    var slow = setTimeout(function () { if (self.pending === id) { self.status.textContent = "Loading the next card…"; } }, 300);
    this.parts(id).then(function (parts) {
      clearTimeout(slow);
      if (self.pending !== id) { return; }
      self.pending = null;
      if (parts[0].parentNode !== self.live) { self.live.appendChild(parts[0]); }
      parts.slice(1).forEach(function (fig) { if (!self.root.contains(fig)) { self.boards.appendChild(fig); } });
      self.show(id, parts[0]);
      // the card after this one, ready before it is asked for: its fragment, and its question picture fetched
      if (self.queue.length) {
        self.parts(self.queue[0]).then(function (next) {
          next[0].querySelectorAll(".qmap img").forEach(function (img) { new Image().src = img.src; });
        }).catch(function () {});
      }
    }, function (err) {
      clearTimeout(slow);
      if (self.pending === id) { self.status.textContent = "This card could not be loaded: " + err.message + "."; }
    });
  };

  Deck.prototype.show = function (id, li) {
    var self = this, card = this.cards[id];
    this.current = { card: card, li: li, answered: false };
    li.hidden = false;
    li.querySelectorAll("details.reveal").forEach(function (d) { d.open = false; });
    var box = li.querySelector("[data-interact]");
    box.textContent = "";
    ({ "pattern-muscle": this.showPattern, "muscle-pattern": this.showBoard, "where-tp": this.showWhere })[card.kind]
      .call(this, card, li, box);
    var h = li.querySelector("h2");
    h.setAttribute("tabindex", "-1");
    h.focus();
    setTimeout(function () { self.say(); }, 0);
  };

  // pattern → muscle: four choices, or a typed name (typos forgiven)
  Deck.prototype.showPattern = function (card, li, box) {
    var self = this;
    var group = el("fieldset", { "class": "choices" });
    group.appendChild(el("legend", {}, "Choose the muscle (keys 1–4), or type its name"));
    card.choices.forEach(function (ch, i) {
      var b = el("button", { type: "button", "class": "choice", "data-choice": ch.slug }, "");
      b.appendChild(el("span", { "class": "key", "aria-hidden": "true" }, String(i + 1)));
      b.appendChild(document.createTextNode(" " + ch.name));
      group.appendChild(b);
    });
    box.appendChild(group);
    var form = el("form", { "class": "typed" });
    var label = el("label", { "for": "typed-" + card.id }, "Its name");
    var input = el("input", { id: "typed-" + card.id, type: "text", list: "muscle-names", autocomplete: "off",
                              autocapitalize: "off", spellcheck: "false" });
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(el("button", { type: "submit" }, "Answer"));
    box.appendChild(form);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!input.value.trim() || self.current.answered) { return; }
      var hit = matchName(input.value, self.deck.answers);
      self.answerPattern(card, hit ? hit.slug : null, input.value.trim(), true);
    });
    li.querySelector(".choices-text").hidden = true;
  };

  Deck.prototype.answerPattern = function (card, slug, typed, wasTyped) {
    var cur = this.current;
    cur.answered = true;
    var right = slug === card.muscle;
    cur.li.querySelectorAll("button.choice").forEach(function (b) {
      b.disabled = true;
      if (b.dataset.choice === card.muscle) { b.classList.add("is-right"); }
      else if (b.dataset.choice === slug) { b.classList.add("is-wrong"); }
    });
    var named = this.deck.answers.filter(function (a) { return a.slug === slug; })[0];
    var msg = right ? "Right: " + card.muscle_name + "." :
      "Not this time: it is " + card.muscle_name + (named ? " (you answered " + named.name + ")." :
        typed ? " (no muscle matches “" + typed + "”)." : ".");
    cur.li.querySelector("details.reveal").open = true;
    // typed right counts more than recognised among four
    this.grade(right ? (wasTyped ? 1 : 0.9) : 0, msg, right ? "right" : "wrong");
  };

  // muscle → pattern: mark zones on the body maps
  Deck.prototype.showBoard = function (card, li, box) {
    var self = this, slot = li.querySelector(".board-slot");
    slot.textContent = "";
    card.views.forEach(function (v) {
      // wherever the board is (the section of boards, or the slot of the card that used it last)
      var fig = self.root.querySelector('figure[data-board="' + v + '"]');
      if (fig) { slot.appendChild(fig); }
    });
    slot.querySelectorAll("a.z").forEach(function (a) {
      // the zone's own name, kept before this card's marks and answers are added to it
      if (!a.dataset.label) { a.dataset.label = a.getAttribute("aria-label"); }
      a.setAttribute("aria-label", a.dataset.label);
      a.classList.remove("is-marked", "ans-ess", "ans-spill", "ans-wrong");
    });
    // one tab stop per board, the arrow keys moving between its areas (static/atlas.js)
    if (window.AtlasMaps) { window.AtlasMaps.init(slot); } else {
      slot.querySelectorAll("svg.atlas-map").forEach(function (svg) {
        svg.querySelectorAll("a.z").forEach(function (a, i) { a.setAttribute("tabindex", i === 0 ? "0" : "-1"); });
      });
    }
    var marked = el("p", { "class": "marked", "aria-live": "polite" }, "Nothing marked yet.");
    box.appendChild(marked);
    var check = el("button", { type: "button", "class": "check" }, "Check my pattern");
    box.appendChild(check);
    check.addEventListener("click", function () {
      if (!self.current.answered) { check.disabled = true; self.answerBoard(card); }
    });
  };

  Deck.prototype.toggleZone = function (a) {
    var on = !a.classList.contains("is-marked");
    a.classList.toggle("is-marked", on);
    a.setAttribute("aria-label", on ? a.dataset.label + " (marked)" : a.dataset.label);
    var names = [];
    this.current.li.querySelectorAll("a.z.is-marked").forEach(function (x) { names.push(x.dataset.label); });
    this.current.li.querySelector("p.marked").textContent = names.length ? "Marked: " + names.join("; ") + "." :
      "Nothing marked yet.";
  };

  Deck.prototype.answerBoard = function (card) {
    var li = this.current.li, marked = [];
    this.current.answered = true;
    li.querySelectorAll("a.z.is-marked").forEach(function (a) { marked.push(a.dataset.zoneLink); });
    var ess = card.essential.map(function (z) { return z.slug; }), spill = card.spillover.map(function (z) { return z.slug; });
    var r = scorePattern(marked, ess, spill);
    li.querySelectorAll("a.z").forEach(function (a) {
      var z = a.dataset.zoneLink, label = a.dataset.label, kind = null;
      if (ess.indexOf(z) >= 0) { kind = ["ans-ess", marked.indexOf(z) >= 0 ? "essential, found" : "essential, missed"]; }
      else if (spill.indexOf(z) >= 0) { kind = ["ans-spill", marked.indexOf(z) >= 0 ? "spillover, found" : "spillover, missed"]; }
      else if (marked.indexOf(z) >= 0) { kind = ["ans-wrong", "not in the pattern"]; }
      if (kind) { a.classList.add(kind[0]); a.setAttribute("aria-label", label + " (" + kind[1] + ")"); }
    });
    var names = {};
    card.essential.concat(card.spillover).forEach(function (z) { names[z.slug] = z.name; });
    var missed = ess.filter(function (z) { return marked.indexOf(z) < 0; }).map(function (z) { return names[z]; });
    var msg = "Score " + Math.round(r.score * 100) + "%." + (missed.length ? " Essential zones missed: " + missed.join("; ") + "." : "") +
      (r.wrong.length ? " " + r.wrong.length + " marked outside the pattern." : "");
    li.querySelector("details.reveal").open = true;
    li.querySelector("p.marked").textContent = "On the maps: essential zones solid red, spillover light red and dashed, " +
      "areas marked outside the pattern grey; your marks keep a blue outline.";
    this.grade(r.score, msg, r.score >= 0.75 ? "right" : "wrong");
  };

  // where is the trigger point: a click, or a marker moved with the keyboard
  Deck.prototype.showWhere = function (card, li) {
    var fig = li.querySelector("[data-where]"), svg = fig.querySelector("svg");
    if (!svg) { return; }
    // the deck page's data leaves the transform to the picture it belongs to
    if (!card.image_transform.length) { card.image_transform = fig.dataset.transform.split(" ").map(Number); }
    var old = svg.querySelector("g.study-overlay");
    if (old) { old.remove(); }
    var vb = svg.viewBox.baseVal;
    var t = card.image_transform, xs = card.trigger_points.map(function (p) { return t[0] * p.x + t[2]; });
    var ys = card.trigger_points.map(function (p) { return t[1] * p.y + t[3]; });
    var g = sel("g", { "class": "study-overlay" });
    var marker = sel("circle", { "class": "study-marker", r: Math.max(4, vb.width / 90),
      cx: xs.reduce(function (a, b) { return a + b; }) / xs.length + vb.width * 0.08,
      cy: ys.reduce(function (a, b) { return a + b; }) / ys.length });
    g.appendChild(marker);
    svg.appendChild(g);
    this.current.marker = marker;
    fig.setAttribute("tabindex", "0");
    fig.setAttribute("aria-label", "Where is the trigger point of " + card.muscle_name +
      "? Arrow keys move the marker, Enter answers.");
  };

  Deck.prototype.answerWhere = function (card, x, y) {
    var cur = this.current, svg = cur.li.querySelector("[data-where] svg");
    cur.answered = true;
    var t = card.image_transform;
    var pt = [(x - t[2]) / t[0], (y - t[3]) / t[1]];
    var r = scoreWhere(pt, card.trigger_points.map(function (p) { return [p.x, p.y]; }), card.tolerance[0], card.tolerance[1]);
    var g = svg.querySelector("g.study-overlay"), s = Math.abs(t[0]);
    cur.marker.setAttribute("cx", x);
    cur.marker.setAttribute("cy", y);
    card.trigger_points.forEach(function (p, i) {
      var cx = t[0] * p.x + t[2], cy = t[1] * p.y + t[3], k = Math.max(5, svg.viewBox.baseVal.width / 70);
      if (i === r.nearest) {
        g.appendChild(sel("circle", { "class": "study-zone", cx: cx, cy: cy, r: card.tolerance[0] * s }));
        g.appendChild(sel("line", { "class": "study-miss", x1: x, y1: y, x2: cx, y2: cy }));
      }
      g.appendChild(sel("path", { "class": "study-tp", d: "M" + (cx - k) + " " + (cy - k) + "L" + (cx + k) + " " + (cy + k) +
        "M" + (cx - k) + " " + (cy + k) + "L" + (cx + k) + " " + (cy - k) }));
    });
    var near = card.trigger_points[r.nearest];
    var msg = (r.score >= 0.75 ? "Close: " : r.score > 0 ? "Near: " : "Too far: ") + "score " + Math.round(r.score * 100) +
      "%. The nearest trigger point: " + near.label + " — " + near.location;
    this.grade(r.score, msg, r.score >= 0.75 ? "right" : "wrong");
  };

  function svgPoint(svg, clientX, clientY) {
    var p = svg.createSVGPoint();
    p.x = clientX; p.y = clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }

  // after an answer: the result in words, and the grade that goes to SM-2 (the suggestion focused)
  var GRADES = [[1, "Again"], [3, "Hard"], [4, "Good"], [5, "Easy"]];
  Deck.prototype.grade = function (score, msg, how) {
    var cur = this.current, box = cur.li.querySelector("[data-interact]");
    var q = quality(score), suggested = q < 3 ? 1 : q;
    cur.score = score;
    var fb = el("p", { "class": "feedback " + how, role: "status" }, msg);
    box.appendChild(fb);
    var grades = el("div", { "class": "grades", role: "group", "aria-label": "How well did you know it? Keys A, H, G, E" });
    var focus = null;
    GRADES.forEach(function (g) {
      var b = el("button", { type: "button", "class": "grade" + (g[0] === suggested ? " suggested" : ""), "data-grade": String(g[0]) },
        g[1] + (g[0] === suggested ? " (suggested)" : ""));
      grades.appendChild(b);
      if (g[0] === suggested) { focus = b; }
    });
    box.appendChild(grades);
    if (focus) { focus.focus(); }
    cur.li.classList.add("answered");
  };

  Deck.prototype.commit = function (q) {
    var cur = this.current;
    record(this.progress, cur.card.id, q, cur.score || 0, cur.card.region);
    // SM-2 rule 6: below 4, the card comes back in this session
    if (q < 4 && this.queue.indexOf(cur.card.id) < 0) { this.queue.push(cur.card.id); }
    cur.li.classList.remove("answered");
    this.next();
  };

  Deck.prototype.click = function (ev) {
    var cur = this.current;
    if (!cur || !ev.target.closest) { return; }
    var t = ev.target;
    var g = t.closest("button[data-grade]");
    if (g && cur.li.contains(g)) { this.commit(Number(g.dataset.grade)); return; }
    var ch = t.closest("button.choice");
    if (ch && !cur.answered) { this.answerPattern(cur.card, ch.dataset.choice, "", false); return; }
    var z = t.closest("a.z");
    if (z && cur.li.contains(z)) {
      // zones are links to their pages without this script: here they are marks
      ev.preventDefault();
      ev.stopPropagation();
      if (!cur.answered) { this.toggleZone(z); }
      return;
    }
    var svg = t.closest("[data-where] svg");
    if (svg && cur.card.kind === "where-tp" && !cur.answered && cur.li.contains(svg)) {
      var p = svgPoint(svg, ev.clientX, ev.clientY);
      this.answerWhere(cur.card, p.x, p.y);
    }
  };

  Deck.prototype.key = function (ev) {
    var cur = this.current;
    if (!cur || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var typing = ev.target.matches && ev.target.matches("input, textarea");
    if (cur.answered && !typing) {
      var k = { a: 1, h: 3, g: 4, e: 5 }[ev.key.toLowerCase()];
      if (k) { ev.preventDefault(); this.commit(k); }
      return;
    }
    if (cur.card.kind === "pattern-muscle" && !typing && /^[1-4]$/.test(ev.key)) {
      var b = cur.li.querySelectorAll("button.choice")[Number(ev.key) - 1];
      if (b) { ev.preventDefault(); b.click(); }
      return;
    }
    if (cur.card.kind === "where-tp" && ev.target.matches && ev.target.matches("[data-where]")) {
      var svg = ev.target.querySelector("svg"), m = cur.marker, vb = svg.viewBox.baseVal;
      var step = (ev.shiftKey ? 0.05 : 0.01) * vb.width;
      var d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[ev.key];
      if (d) {
        ev.preventDefault();
        m.setAttribute("cx", Math.min(vb.x + vb.width, Math.max(vb.x, Number(m.getAttribute("cx")) + d[0] * step)));
        m.setAttribute("cy", Math.min(vb.y + vb.height, Math.max(vb.y, Number(m.getAttribute("cy")) + d[1] * step)));
      } else if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        this.answerWhere(cur.card, Number(m.getAttribute("cx")), Number(m.getAttribute("cy")));
      }
    }
  };

  // --- the summary page -------------------------------------------------------------------------
  function summary(root, index) {
    var p = load(), day = today();
    root.hidden = false;
    var totalDue = 0, seenDue = {};
    Object.keys(index).forEach(function (slug) {
      var d = index[slug], due = 0, fresh = 0;
      d.cards.forEach(function (id) {
        var c = p.cards[id];
        if (!c) { fresh++; } else if (isDue(c, day)) { due++; if (!seenDue[id]) { seenDue[id] = 1; totalDue++; } }
      });
      var li = document.querySelector('[data-deck="' + slug + '"] [data-deck-due]');
      if (li) { li.textContent = due + " due · " + fresh + " new"; }
      d.due = due; d.fresh = fresh;
    });
    var s = streak(p), seen = Object.keys(p.cards).length;
    root.querySelector("[data-summary-line]").textContent = totalDue + " card" + (totalDue === 1 ? "" : "s") +
      " due today · " + seen + " studied so far · streak " + s + " day" + (s === 1 ? "" : "s") + ".";
    var body = root.querySelector("[data-mastery]");
    body.textContent = "";
    Object.keys(index).forEach(function (slug) {
      var d = index[slug];
      if (d.kind !== "region") { return; }
      var learned = 0, mature = 0;
      d.cards.forEach(function (id) {
        var c = p.cards[id];
        if (c && c.n >= 1) { learned++; }
        if (c && c.interval >= 21) { mature++; }
      });
      var tr = el("tr");
      var th = el("th", { scope: "row" });
      // the deck's own link on the page: the static export has rewritten it to work from where the page is
      var listed = document.querySelector('[data-deck="' + slug + '"] a');
      th.appendChild(el("a", { href: listed ? listed.getAttribute("href") : d.url }, d.title));
      tr.appendChild(th);
      tr.appendChild(el("td", {}, String(d.due)));
      tr.appendChild(el("td", {}, String(d.fresh)));
      var pct = d.cards.length ? Math.round(100 * learned / d.cards.length) : 0;
      var td = el("td", {}, pct + "% learned · " + mature + " mature");
      var bar = el("meter", { min: "0", max: String(d.cards.length || 1), value: String(learned), "aria-hidden": "true" });
      td.prepend(bar);
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  function exportProgress() {
    var blob = new Blob([JSON.stringify(load(), null, 1)], { type: "application/json" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "atlas-study-progress-" + today() + ".json" });
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  // an imported file is merged: for each card, the record reviewed last wins
  function importProgress(file, done) {
    var reader = new FileReader();
    reader.onload = function () {
      var incoming;
      try { incoming = JSON.parse(reader.result); } catch (e) { incoming = null; }
      if (!valid(incoming)) { done("That file is not a progress export of this atlas."); return; }
      var p = load(), n = 0;
      Object.keys(incoming.cards).forEach(function (id) {
        var c = incoming.cards[id];
        if (!c || typeof c.due !== "string") { return; }
        if (!p.cards[id] || (c.last || "") > (p.cards[id].last || "")) { p.cards[id] = c; n++; }
      });
      incoming.days.forEach(function (d) { if (typeof d === "string" && p.days.indexOf(d) < 0) { p.days.push(d); } });
      p.days.sort();
      save(p);
      done("Imported " + n + " card record" + (n === 1 ? "" : "s") + ".");
    };
    reader.readAsText(file);
  }

  function init() {
    var deckRoot = document.getElementById("study"), deck = readJson("deck-data");
    if (deckRoot && deck && !deckRoot.dataset.ready) {
      deckRoot.dataset.ready = "1";
      window.atlasDeck = new Deck(deckRoot, deck);
    }
    var sumRoot = document.querySelector("[data-study-summary]"), index = readJson("study-index");
    if (sumRoot && index && !sumRoot.dataset.ready) {
      sumRoot.dataset.ready = "1";
      summary(sumRoot, index);
      sumRoot.querySelector("[data-export]").addEventListener("click", exportProgress);
      var status = sumRoot.querySelector("[data-file-status]");
      sumRoot.querySelector("[data-import]").addEventListener("change", function (ev) {
        var f = ev.target.files[0];
        if (!f) { return; }
        importProgress(f, function (msg) { status.textContent = msg; summary(sumRoot, readJson("study-index")); });
        ev.target.value = "";
      });
    }
  }

  window.AtlasStudy.init = init;
  window.AtlasStudy.fragment = fragment;
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
