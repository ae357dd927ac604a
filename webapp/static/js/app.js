// Small behaviours htmx does not cover: deadline countdowns, Ctrl+Enter to send. No inline scripts anywhere.
(function () {
  if (window.disputeAppReady) return; // a boosted visit may run this file again
  window.disputeAppReady = true;

  // The server renders the seconds left by its own clock (which tests and demos can move),
  // so the countdown runs from that number, never from the browser's idea of "now".
  function formatLeft(seconds) {
    if (seconds <= 0) return "due now";
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var text = days ? days + (days === 1 ? " day " : " days ") : "";
    return text + hours + " h " + minutes + " min";
  }

  function startCountdowns(root) {
    var now = Date.now();
    root.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (!el.dataset.countdownFrom) el.dataset.countdownFrom = String(now);
    });
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown][data-countdown-from]").forEach(function (el) {
      var left = Number(el.dataset.countdown) - (now - Number(el.dataset.countdownFrom)) / 1000;
      var text = formatLeft(Math.floor(left));
      if (el.textContent !== text) el.textContent = text;
    });
  }

  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    if (!field.matches || !field.matches("[data-send-on-ctrl-enter]") || !field.form) return;
    event.preventDefault();
    field.form.requestSubmit();
  });

  document.addEventListener("DOMContentLoaded", function () { startCountdowns(document); });
  document.addEventListener("htmx:afterSettle", function (event) { startCountdowns(document); });
  if (document.readyState !== "loading") startCountdowns(document);
  setInterval(tick, 15000);
})();
