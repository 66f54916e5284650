// Progressive enhancement only: every link and form works without this file.
(function () {
  "use strict";

  // With ATLAS_HTMX_CDN on, the CDN copy may fail (offline, blocked): load the local copy installed from npm.
  if (!window.htmx) {
    var s = document.createElement("script");
    s.src = "/vendor/htmx.min.js";
    s.onload = function () { if (window.htmx) { window.htmx.process(document.body); } };
    document.head.appendChild(s);
  }

  function centre(el) {
    var b = el.getBoundingClientRect();
    return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
  }

  // A link is a target when it is drawn and not a faint outline of a layer lifted off (pointer-events: none).
  function shown(a) { return a.getClientRects().length > 0 && getComputedStyle(a).pointerEvents !== "none"; }

  // Links that are only outlines leave the tab order and the accessibility tree.
  function markTargets(svg) {
    svg.querySelectorAll("a.m, a.z").forEach(function (a) {
      if (shown(a) || a.getClientRects().length === 0) {
        if (a.getAttribute("aria-hidden")) { a.removeAttribute("aria-hidden"); }
      } else {
        a.setAttribute("aria-hidden", "true");
        a.setAttribute("tabindex", "-1");
      }
    });
  }

  // The map's one tab stop must be a link that is drawn (a plate hides a layer of muscles).
  function resetStop(svg) {
    markTargets(svg);
    var links = Array.prototype.slice.call(svg.querySelectorAll("a.m, a.z"));
    if (!links.length) { return; }
    var stop = links.filter(function (a) { return a.getAttribute("tabindex") === "0"; })[0];
    if (stop && shown(stop)) { return; }
    var first = links.filter(shown)[0];
    links.forEach(function (a) { a.setAttribute("tabindex", a === first ? "0" : "-1"); });
  }

  // One tab stop per map; the arrow keys move to the nearest link in that direction.
  function initMap(svg) {
    if (svg.dataset.keys) { resetStop(svg); return; }
    var links = Array.prototype.slice.call(svg.querySelectorAll("a.m, a.z"));
    if (!links.length) { return; }
    svg.dataset.keys = "1";
    links.forEach(function (a) { a.setAttribute("tabindex", "-1"); });
    resetStop(svg);
    // whichever link has focus is the map's one tab stop
    svg.addEventListener("focusin", function (ev) {
      if (links.indexOf(ev.target) < 0) { return; }
      links.forEach(function (a) { a.setAttribute("tabindex", a === ev.target ? "0" : "-1"); });
    });
    svg.addEventListener("keydown", function (ev) {
      var dirs = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
      var d = dirs[ev.key];
      var cur = document.activeElement;
      if (!d || links.indexOf(cur) < 0) { return; }
      ev.preventDefault();
      var c = centre(cur), best = null, bestScore = Infinity;
      links.forEach(function (a) {
        if (a === cur || !shown(a)) { return; }
        var p = centre(a), dx = p.x - c.x, dy = p.y - c.y;
        var along = dx * d[0] + dy * d[1];
        if (along <= 0.5) { return; }
        var across = Math.abs(dx * d[1] - dy * d[0]);
        var score = along + 2.5 * across;
        if (score < bestScore) { bestScore = score; best = a; }
      });
      if (best) {
        cur.setAttribute("tabindex", "-1");
        best.setAttribute("tabindex", "0");
        best.focus();
      }
    });
  }

  function selection() {
    var box = document.querySelector(".explorer[data-selected]");
    var v = box ? box.getAttribute("data-selected") : "";
    return v ? v.split(",") : [];
  }

  function toggled(zone) {
    var sel = selection(), i = sel.indexOf(zone);
    if (i >= 0) { sel.splice(i, 1); } else { sel.push(zone); }
    return sel.length ? "/lookup?zones=" + sel.map(encodeURIComponent).join(",") : "/lookup";
  }

  function mark() {
    // the style rule that marks the selected zones on the shared maps, for the page now shown
    var style = document.getElementById("marked");
    if (!style) { return; }
    var rules = selection().map(function (z) {
      return '#lookup-maps a.z[data-zone-link="' + CSS.escape(z) + '"] path';
    });
    style.textContent = rules.length ? rules.join(",") +
      "{fill:#8dafd6;fill-opacity:1;stroke:#2f6db5;stroke-width:1.4;stroke-opacity:1}" : "";
  }

  function initAll(root) {
    if (!root) { mark(); }  // a boosted page swap keeps the old page's <head>: its style rule too
    Array.prototype.forEach.call((root || document).querySelectorAll("svg.atlas-map"), initMap);
  }

  var lastMuscle = null;
  function calm() { return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches; }

  // A click on a muscle of the home page's map shows its summary beside the map.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a.m, a.z");
    if (!a || !window.htmx || ev.ctrlKey || ev.metaKey || ev.shiftKey) { return; }
    var href = a.getAttribute("href");
    var panel = document.getElementById("panel");
    if (a.classList.contains("m") && panel) {
      ev.preventDefault();
      window.htmx.ajax("GET", href, { target: "#panel", swap: "innerHTML" }).then(function () {
        history.pushState({ atlas: true }, "", href);
        document.querySelectorAll("a.m.current").forEach(function (x) { x.classList.remove("current"); });
        document.querySelectorAll('a.m[data-muscle="' + a.dataset.muscle + '"]').forEach(function (x) {
          x.classList.add("current");
        });
        lastMuscle = a;
        var h = panel.querySelector("h2");
        if (h) { h.setAttribute("tabindex", "-1"); }
        // On a phone the panel lies below the maps: bring the summary to where the user is looking.
        var r = panel.getBoundingClientRect();
        if (r.top < 0 || r.top > window.innerHeight - 120) {
          panel.scrollIntoView({ block: "start", behavior: calm() ? "auto" : "smooth" });
          if (h) { h.focus({ preventScroll: true }); }
        }
      });
    } else if (a.classList.contains("z")) {
      ev.preventDefault();
      // the pain maps are shared by every selection: the zone is toggled here, in the page's own
      // selection (as /lookup/toggle does from the Referer without JavaScript)
      href = toggled(a.getAttribute("data-zone-link"));
      window.htmx.ajax("GET", href, { target: "#main", select: "#main", swap: "outerHTML" }).then(function () {
        mark();
        history.pushState({ atlas: true }, "", href);
        var again = document.querySelector('a.z[href="' + CSS.escape(href) + '"]');
        initAll();
        var same = document.querySelectorAll("svg.atlas-map a.z");
        // keep keyboard users where they were: focus the zone they toggled
        for (var i = 0; i < same.length; i++) {
          if (same[i].getAttribute("aria-label").replace(" (selected)", "") === a.getAttribute("aria-label").replace(" (selected)", "")) {
            same[i].setAttribute("tabindex", "0"); same[i].focus(); break;
          }
        }
        return again;
      });
    }
  });

  window.addEventListener("popstate", function (ev) {
    // back or forward between plates and views of the home page: switch in place
    var box = document.querySelector("[data-plates]");
    if (box && location.pathname === "/") {
      var q = new URLSearchParams(location.search);
      var view = q.get("view") || "whole", plate = q.get("plate") || "superficial";
      if (box.querySelector('.mapset[data-view="' + CSS.escape(view) + '"]') && /^(superficial|deep)$/.test(plate)) {
        showMaps(box, view, plate);
        return;
      }
    }
    if (ev.state && ev.state.atlas) { location.reload(); }
  });
  document.addEventListener("htmx:afterSettle", function () { initAll(); });
  // for maps a script puts on the page later (the study mode's marking boards)
  window.AtlasMaps = { init: initAll };

  // "Back to the map" from the summary (phones): return to the muscle that was tapped.
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("a[data-back]");
    if (!b || !lastMuscle || !shown(lastMuscle)) { return; }
    ev.preventDefault();
    lastMuscle.scrollIntoView({ block: "center", behavior: calm() ? "auto" : "smooth" });
    lastMuscle.focus({ preventScroll: true });
  });

  // Home page: the plate (superficial or deep layer) and the view (whole body or a close-up) switch in
  // place; without this script the same links load the page in that state.
  function homeUrl(view, plate) {
    var q = [];
    if (view !== "whole") { q.push("view=" + encodeURIComponent(view)); }
    if (plate !== "superficial") { q.push("plate=" + encodeURIComponent(plate)); }
    return "/" + (q.length ? "?" + q.join("&") : "");
  }

  function showMaps(box, view, plate) {
    ["superficial", "deep"].forEach(function (p) { box.classList.toggle("plate-" + p, p === plate); });
    box.querySelectorAll(".mapset").forEach(function (set) { set.hidden = set.dataset.view !== view; });
    var local = location.protocol === "file:";
    box.querySelectorAll(".mapbar a[data-view]").forEach(function (a) {
      if (a.dataset.view === view) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
      if (!local) { a.setAttribute("href", homeUrl(a.dataset.view, plate)); }
    });
    box.querySelectorAll(".mapbar a[data-plate]").forEach(function (a) {
      if (a.dataset.plate === plate) { a.setAttribute("aria-current", "true"); } else { a.removeAttribute("aria-current"); }
      if (!local) { a.setAttribute("href", homeUrl(view, a.dataset.plate)); }
    });
    box.querySelectorAll("svg.atlas-map").forEach(function (svg) { if (svg.dataset.keys) { resetStop(svg); } });
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest(".mapbar a[data-view], .mapbar a[data-plate]");
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) { return; }
    var box = a.closest("[data-plates]");
    ev.preventDefault();
    var cur = box.querySelector(".mapbar a[data-view][aria-current]");
    var view = a.dataset.view || (cur ? cur.dataset.view : "whole");
    var plate = a.dataset.plate || (box.classList.contains("plate-deep") ? "deep" : "superficial");
    showMaps(box, view, plate);
    if (location.protocol !== "file:") { history.pushState({ atlas: true }, "", homeUrl(view, plate)); }
  });

  // Muscle page: the map enlarged in a dialog, zoomable and scrollable; Esc or the close button closes it.
  var ZOOMS = [1, 1.5, 2, 3, 4];
  function zoomTo(dialog, level) {
    var body = dialog.querySelector(".mapdialog-body");
    var svg = body.querySelector("svg");
    if (!svg) { return; }
    level = Math.max(0, Math.min(ZOOMS.length - 1, level));
    // keep the middle of what is seen in the middle
    var cx = (body.scrollLeft + body.clientWidth / 2) / Math.max(1, body.scrollWidth);
    var cy = (body.scrollTop + body.clientHeight / 2) / Math.max(1, body.scrollHeight);
    dialog.dataset.zoom = String(level);
    if (level === 0) {
      svg.style.width = ""; svg.style.height = "";
    } else {
      svg.style.width = Math.round(ZOOMS[level] * body.clientWidth) + "px"; svg.style.height = "auto";
    }
    dialog.classList.toggle("zoomed", level > 0);
    body.scrollLeft = cx * body.scrollWidth - body.clientWidth / 2;
    body.scrollTop = cy * body.scrollHeight - body.clientHeight / 2;
    dialog.querySelector('[data-zoom="-1"]').disabled = level === 0;
    dialog.querySelector('[data-zoom="1"]').disabled = level === ZOOMS.length - 1;
  }

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-enlarge]");
    var dialog = document.getElementById("map-dialog");
    if (!a || !dialog || !dialog.showModal || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) { return; }
    var src = a.querySelector("svg");
    if (!src) { return; }
    ev.preventDefault();
    var copy = src.cloneNode(true);
    // one document, one id each: the copy refers to the original's patterns and has its own name
    copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    copy.removeAttribute("id");
    copy.removeAttribute("aria-labelledby");
    copy.setAttribute("role", "img");
    var t = src.querySelector("title");
    copy.setAttribute("aria-label", t ? t.textContent : "Referral map");
    var body = dialog.querySelector(".mapdialog-body");
    body.textContent = "";
    body.appendChild(copy);
    dialog.showModal();
    zoomTo(dialog, 0);
    dialog.querySelector("button[data-close]").focus();
    dialog._opener = a;
  });

  document.addEventListener("click", function (ev) {
    var dialog = ev.target.closest && ev.target.closest("dialog.mapdialog");
    if (!dialog) { return; }
    if (ev.target === dialog) { dialog.close(); return; } // a click on the backdrop
    var z = ev.target.closest("button[data-zoom]");
    if (z) {
      var step = Number(z.dataset.zoom);
      zoomTo(dialog, step === 0 ? 0 : Number(dialog.dataset.zoom || 0) + step);
    } else if (ev.target.closest("button[data-close]")) {
      dialog.close();
    }
  });

  document.addEventListener("keydown", function (ev) {
    var dialog = ev.target.closest && ev.target.closest("dialog.mapdialog");
    if (!dialog || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.key === "+" || ev.key === "=") { zoomTo(dialog, Number(dialog.dataset.zoom || 0) + 1); ev.preventDefault(); }
    if (ev.key === "-") { zoomTo(dialog, Number(dialog.dataset.zoom || 0) - 1); ev.preventDefault(); }
    if (ev.key === "0") { zoomTo(dialog, 0); ev.preventDefault(); }
  });

  document.addEventListener("close", function (ev) {
    var dialog = ev.target;
    if (!dialog.classList || !dialog.classList.contains("mapdialog")) { return; }
    dialog.querySelector(".mapdialog-body").textContent = "";
    if (dialog._opener) { dialog._opener.focus(); }
  }, true);

  // "Use this map" copy buttons
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button[data-copy]");
    if (!b) { return; }
    var src = document.getElementById(b.dataset.copy);
    if (src && navigator.clipboard) {
      navigator.clipboard.writeText(src.value || src.textContent).then(function () { b.textContent = "Copied"; });
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(); });
  } else { initAll(); }
})();
