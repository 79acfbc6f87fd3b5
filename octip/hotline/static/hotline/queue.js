// The live 24/7 line queue (issue 17). Progressive enhancement: without this script the page is the
// same, with a Refresh link. With it, the page polls GET /app/hotline/queue/live/ every
// data-live-interval ms, replaces the table with the server's, and adds what the server says is new
// (emergency contacts, contacts past their first-response target) to the aria-live lists. The server
// decides what is shown and what is new; this script only places it. It never moves the focus: while
// the focus is inside the table, the table is left as it is until the next poll. Polling stops while
// the tab is hidden and while the operator has paused it.
(function () {
  "use strict";
  var root = document.getElementById("queue-live");
  if (!root || !window.fetch || !window.URL) { return; }
  var toggle = document.getElementById("queue-live-toggle");
  var status = document.getElementById("queue-live-status");
  var updated = document.getElementById("queue-updated");
  var emergencies = document.querySelector("#queue-new-emergencies ul");
  var breaches = document.querySelector("#queue-new-breaches ul");
  var interval = parseInt(root.getAttribute("data-live-interval"), 10);
  if (!(interval >= 200)) { interval = 15000; }
  var seen = root.getAttribute("data-live-seen") || "";
  var paused = false;
  var stopped = false;
  var timer = null;
  var inFlight = false;
  var MAX_ITEMS = 20;

  function say(text) {
    if (status) { status.textContent = text; status.hidden = false; }
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = null;
    if (paused || stopped || document.hidden) { return; }
    timer = window.setTimeout(poll, interval);
  }

  function stop() {
    stopped = true;
    window.clearTimeout(timer);
    if (toggle) { toggle.hidden = true; }
    say(root.getAttribute("data-text-stopped"));
  }

  function announce(list, items) {
    if (!list || !items || !items.length) { return; }
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = item.url;
      link.textContent = item.text;
      li.appendChild(link);
      list.appendChild(li);
    });
    while (list.children.length > MAX_ITEMS) { list.removeChild(list.firstElementChild); }
  }

  function apply(data) {
    if (typeof data.seen === "string") { seen = data.seen; }
    if (typeof data.table === "string" && !root.contains(document.activeElement)) {
      root.innerHTML = data.table;
    }
    if (updated && typeof data.updated === "string") { updated.textContent = data.updated; }
    announce(emergencies, data.emergencies);
    announce(breaches, data.breaches);
  }

  function poll() {
    timer = null;
    if (paused || stopped || document.hidden || inFlight) { return; }
    var url = new URL(root.getAttribute("data-live-url"), window.location.href);
    if (seen) { url.searchParams.set("seen", seen); }
    inFlight = true;
    window.fetch(url.toString(), {credentials: "same-origin", headers: {"Accept": "application/json"},
                                  cache: "no-store", redirect: "error"})
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) { inFlight = false; apply(data); schedule(); })
      .catch(function () { inFlight = false; stop(); });
  }

  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.setAttribute("aria-pressed", paused ? "true" : "false");
      say(root.getAttribute(paused ? "data-text-paused" : "data-text-on"));
      if (paused) { window.clearTimeout(timer); timer = null; } else { poll(); }
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { window.clearTimeout(timer); timer = null; } else if (!paused && !stopped) { poll(); }
  });
  schedule();
})();
