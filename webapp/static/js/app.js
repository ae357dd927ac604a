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

  // The first tick at once: the server's words may be in another language than the page's until then.
  function start() { startCountdowns(document); tick(); }
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
  if (document.readyState !== "loading") start();
  setInterval(tick, 15000);
})();

// Evidence uploads: each chosen or dropped file goes up on its own htmx request, so each gets its own
// progress bar (htmx:xhr:progress). Without JavaScript the form posts all files at once.
(function () {
  if (window.evidenceUploadsReady) return;
  window.evidenceUploadsReady = true;
  document.documentElement.classList.add("js");
  var MB = 1024 * 1024;

  // What the queue says, in the page's language: the form carries the words (data-say-*), English otherwise.
  function say(form, key, english, values) {
    var text = form.dataset[key] || english;
    Object.keys(values || {}).forEach(function (name) { text = text.replace("{" + name + "}", values[name]); });
    return text;
  }

  function refusal(form, file, queued) {
    var isVideo = (file.type || "").indexOf("video/") === 0;
    var limit = Number(form.dataset[isVideo ? "maxVideoBytes" : "maxPhotoBytes"]);
    if (file.size === 0) return say(form, "sayEmpty", "the file is empty.");
    if (limit && file.size > limit) {
      var mb = { mb: Math.round(limit / MB) };
      return isVideo
        ? say(form, "sayVideoTooBig", "it is larger than {mb} MB, the limit for a video.", mb)
        : say(form, "sayPhotoTooBig", "it is larger than {mb} MB, the limit for a photo.", mb);
    }
    var room = Number(form.dataset.maxItems) - Number(form.dataset.have) - queued;
    if (room <= 0) return say(form, "sayTooMany", "your evidence is limited to {count} items.", { count: form.dataset.maxItems });
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
    bar.setAttribute("aria-label", say(form, "sayUploading", "Uploading {name}", { name: file.name }));
    bar.setAttribute("data-uploading", "");
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
        row(queue, file, say(form, "sayRefused", ": not uploaded, {why}", { why: why }), "upload-row--refused").setAttribute("role", "alert");
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
    var bar = holder.querySelector("progress[data-uploading], progress[data-upload-progress]");
    if (!bar) return;
    bar.hidden = false;
    bar.value = Math.round((detail.loaded / detail.total) * 100);
  });
})();
