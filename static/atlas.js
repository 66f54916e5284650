// Progressive enhancement only: every link and form works without this file.
(function () {
  "use strict";

  // The CDN copy of htmx failed (offline, blocked): load the local copy installed from npm.
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

  // One tab stop per map; the arrow keys move to the nearest link in that direction.
  function initMap(svg) {
    if (svg.dataset.keys) { return; }
    var links = Array.prototype.slice.call(svg.querySelectorAll("a.m, a.z"));
    if (!links.length) { return; }
    svg.dataset.keys = "1";
    links.forEach(function (a, i) { a.setAttribute("tabindex", i === 0 ? "0" : "-1"); });
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
        if (a === cur) { return; }
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

  function initAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("svg.atlas-map"), initMap);
  }

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
        var h = panel.querySelector("h2");
        if (h) { h.setAttribute("tabindex", "-1"); }
      });
    } else if (a.classList.contains("z")) {
      ev.preventDefault();
      window.htmx.ajax("GET", href, { target: "#main", select: "#main", swap: "outerHTML" }).then(function () {
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

  window.addEventListener("popstate", function (ev) { if (ev.state && ev.state.atlas) { location.reload(); } });
  document.addEventListener("htmx:afterSettle", function () { initAll(); });

  // Deep muscles (dashed outlines) are a layer that can be hidden
  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("button[data-toggle-deep]");
    if (!b) { return; }
    var maps = b.closest(".maps");
    var off = maps.classList.toggle("deep-off");
    b.setAttribute("aria-pressed", off ? "true" : "false");
    b.textContent = off ? "Show deep muscles" : "Hide deep muscles";
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-toggle-deep]"), function (b) { b.hidden = false; });

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
