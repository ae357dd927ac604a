// Small behaviours htmx does not cover: deadline countdowns, Ctrl+Enter to send. No inline scripts anywhere.
(function () {
  if (window.disputeAppReady) return; // a boosted visit may run this file again
  window.disputeAppReady = true;

  // The server renders the seconds left by its own clock (which tests and demos can move),
  // so the countdown runs from that number, never from the browser's idea of "now".
  // The same words as webapp/core/wording.py: "2 days 3 h 5 min left", "due now", "overdue by 4 h 10 min".
  // The server writes them in the page's language on <body data-countdown-words> (webapp/core/formatting.py);
  // English is the fallback when a page has none.
  var ENGLISH = {
    lang: "en",
    days: { one: "{n} day", other: "{n} days" },
    hours: "{n} h",
    minutes: "{n} min",
    left: "{time} left",
    due: "due now",
    overdue: "overdue by {time}",
  };

  function words() {
    try {
      return JSON.parse(document.body.dataset.countdownWords || "null") || ENGLISH;
    } catch (error) {
      return ENGLISH;
    }
  }

  function dayWord(said, days) {
    var category = window.Intl && Intl.PluralRules ? new Intl.PluralRules(said.lang).select(days) : days === 1 ? "one" : "other";
    return (said.days[category] || said.days.other || said.days.many || "{n}").replace("{n}", days);
  }

  function duration(said, seconds) {
    var days = Math.floor(seconds / 86400);
    var hours = Math.floor((seconds % 86400) / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var text = days ? dayWord(said, days) + " " : "";
    return text + said.hours.replace("{n}", hours) + " " + said.minutes.replace("{n}", minutes);
  }

  function formatLeft(seconds) {
    var said = words();
    if (seconds >= 60) return said.left.replace("{time}", duration(said, seconds));
    if (seconds > -60) return said.due;
    return said.overdue.replace("{time}", duration(said, -seconds));
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

// Evidence uploads: each chosen or dropped file goes up on its own htmx request, so each gets its own
// progress bar (htmx:xhr:progress). Without JavaScript the form posts all files at once.
(function () {
  if (window.evidenceUploadsReady) return;
  window.evidenceUploadsReady = true;
  document.documentElement.classList.add("js");
  var MB = 1024 * 1024;

  function refusal(form, file, queued) {
    var isVideo = (file.type || "").indexOf("video/") === 0;
    var limit = Number(form.dataset[isVideo ? "maxVideoBytes" : "maxPhotoBytes"]);
    if (file.size === 0) return "the file is empty.";
    if (limit && file.size > limit) {
      return "it is larger than " + Math.round(limit / MB) + " MB, the limit for a " + (isVideo ? "video." : "photo.");
    }
    var room = Number(form.dataset.maxItems) - Number(form.dataset.have) - queued;
    if (room <= 0) return "your evidence is limited to " + form.dataset.maxItems + " items.";
    return "";
  }

  function row(queue, file, text, cls) {
    var li = document.createElement("li");
    li.className = "upload-row " + cls;
    var name = document.createElement("strong");
    name.textContent = file.name;
    li.appendChild(name);
    li.appendChild(document.createTextNode(text));
    queue.appendChild(li);
    return li;
  }

  function send(form, queue, file) {
    var li = row(queue, file, " ", "upload-row--sending");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Uploading " + file.name);
    li.appendChild(bar);
    var one = document.createElement("form");
    one.hidden = true;
    one.setAttribute("hx-post", form.action);
    one.setAttribute("hx-encoding", "multipart/form-data");
    one.setAttribute("hx-target", "closest li");
    one.setAttribute("hx-swap", "outerHTML");
    var token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = form.elements.csrf_token.value;
    one.appendChild(token);
    var picker = document.createElement("input");
    picker.type = "file";
    picker.name = "evidence";
    var files = new DataTransfer();
    files.items.add(file);
    picker.files = files.files;
    one.appendChild(picker);
    li.appendChild(one);
    htmx.process(one);
    one.requestSubmit();
  }

  function take(form, fileList) {
    var queue = document.getElementById("upload-queue");
    var queued = 0;
    Array.prototype.forEach.call(fileList, function (file) {
      var why = refusal(form, file, queued);
      if (why) {
        row(queue, file, ": not uploaded, " + why, "upload-row--refused").setAttribute("role", "alert");
        return;
      }
      queued += 1;
      send(form, queue, file);
    });
    form.dataset.have = String(Number(form.dataset.have) + queued);
    form.reset();
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.id === "evidence-files" && input.form && input.files.length) take(input.form, input.files);
  });
  document.addEventListener("dragover", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.add("dropzone--over");
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (zone) zone.classList.remove("dropzone--over");
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("[data-dropzone]");
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("dropzone--over");
    var form = zone.closest("form");
    if (form && event.dataTransfer.files.length) take(form, event.dataTransfer.files);
  });
  // Upload progress for any htmx form sending files: the per-file rows above, and whole forms
  // (the dispute form, an evidence request's answer) that carry a <progress data-upload-progress>.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var detail = event.detail;
    if (!detail.lengthComputable || !detail.total) return;
    var holder = event.target.closest("li.upload-row") || event.target;
    var bar = holder.querySelector("progress[aria-label^='Uploading'], progress[data-upload-progress]");
    if (!bar) return;
    bar.hidden = false;
    bar.value = Math.round((detail.loaded / detail.total) * 100);
  });
})();
