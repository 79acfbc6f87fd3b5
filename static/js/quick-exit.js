// Quick exit: leave for a neutral page and replace this history entry so "Back" does not return.
// Pressing Escape twice within a second does the same. Works as a plain link without JavaScript.
(function () {
  "use strict";
  var button = document.getElementById("quick-exit");
  if (!button) { return; }
  var target = button.getAttribute("data-exit-url") || "about:blank";
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.innerHTML = "";
    document.title = "";
    window.location.replace(target);
  }
  button.addEventListener("click", leave);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(event); }
    lastEscape = now;
  });
})();
