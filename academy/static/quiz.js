// Quiz attempts: background saves, a queue kept in the browser while the network is down, and
// the countdown. Progressive enhancement: without it, every page change still saves the answers,
// and the server submits an attempt whose time is over.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var status = document.getElementById("save-status");
  var strings = (document.getElementById("quiz-strings") || {}).dataset || {};
  var loadedAt = Date.now();
  var saver = form && window.fetch && window.FormData ? makeSaver(form) : null;

  function say(text, kind) {
    if (!status) { return; }
    status.textContent = text || "";
    status.className = "save-status" + (kind ? " save-" + kind : "");
  }

  function makeSaver(form) {
    var url = form.getAttribute("data-autosave");
    var key = "campus-attempt-" + form.getAttribute("data-attempt") + "-page-" +
      form.querySelector("input[name=page]").value;
    var base = parseInt(form.getAttribute("data-seq"), 10) || 0;
    var state = { dirty: false, sending: false };

    // A save's number: the server's clock when the page was made plus the time spent on it, so
    // a save queued while offline never overwrites an answer given later.
    function seq() { return base + (Date.now() - loadedAt); }

    function snapshot() {
      var data = new FormData(form);
      data.set("seq", String(seq()));
      var entries = [];
      data.forEach(function (v, k) { entries.push([k, v]); });
      return entries;
    }

    function keep(entries) {
      try { localStorage.setItem(key, JSON.stringify(entries)); } catch (e) { /* full */ }
    }

    function send(entries, beacon) {
      var data = new FormData();
      entries.forEach(function (pair) { data.append(pair[0], pair[1]); });
      if (beacon && navigator.sendBeacon) { navigator.sendBeacon(url, data); return Promise.resolve(); }
      state.sending = true;
      say(strings.saving, "");
      return fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, code: response.status, body: body }; });
        })
        .then(function (result) {
          state.sending = false;
          localStorage.removeItem(key);
          if (result.ok) {
            say(strings.saved, "ok");
          } else if (result.code === 409 && result.body.review) {
            window.location.href = result.body.review;
          } else {
            say(result.body.error || strings.failed, "error");
          }
        })
        .catch(function () {
          // Offline: keep the answers in this browser and try again when the network returns.
          state.sending = false;
          keep(entries);
          say(strings.offline, "offline");
        });
    }

    function sendNow(beacon) {
      if (!state.dirty && !beacon) { return Promise.resolve(); }
      state.dirty = false;
      var entries = snapshot();
      keep(entries);
      return send(entries, beacon);
    }

    function restore() {
      // Answers kept in this browser while offline come back into the page and are sent again,
      // unless the server already holds newer ones.
      var kept;
      try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
      if (!kept) { return; }
      var keptSeq = parseInt((kept.filter(function (p) { return p[0] === "seq"; })[0] || [])[1], 10) || 0;
      if (keptSeq <= (parseInt(form.getAttribute("data-saved-seq"), 10) || 0)) {
        localStorage.removeItem(key);
        return;
      }
      kept.forEach(function (pair) {
        var name = pair[0], value = pair[1];
        if (!/^q\d+/.test(name)) { return; }
        form.querySelectorAll("[name='" + name + "']").forEach(function (field) {
          if (field.type === "radio" || field.type === "checkbox") {
            field.checked = kept.some(function (p) { return p[0] === name && p[1] === field.value; });
          } else { field.value = value; }
        });
      });
      say(strings.restored, "offline");
      send(kept);
    }

    form.addEventListener("input", function () { state.dirty = true; });
    form.addEventListener("change", function () { state.dirty = true; });
    form.addEventListener("submit", function (event) {
      if (navigator.onLine === false) {
        // No network: changing page would show the browser's error page. Keep the answers here.
        event.preventDefault();
        state.dirty = true;
        sendNow(false);
        return;
      }
      form.querySelector("input[name=seq]").value = String(seq());
      localStorage.removeItem(key);
    });
    setInterval(function () { if (!state.sending) { sendNow(false); } }, 5000);
    window.addEventListener("online", function () {
      var kept = localStorage.getItem(key);
      if (kept) { send(JSON.parse(kept)); }
    });
    window.addEventListener("pagehide", function () { if (state.dirty) { sendNow(true); } });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && state.dirty) { sendNow(true); }
    });
    restore();
    return { finalSave: function () { state.dirty = true; return sendNow(false); } };
  }

  // --- The navigation panel follows the answers and flags given on this page. ---
  var panel = document.querySelector(".quiz-panel");
  function refreshPanel(question) {
    var button = panel && question &&
      panel.querySelector("[data-position='" + question.id.replace("question-", "") + "']");
    if (!button) { return; }
    var answered = false, flag = question.querySelector("input[name=flagged]");
    question.querySelectorAll("input, textarea, select").forEach(function (field) {
      if (field.name === "shown" || field.name === "flagged") { return; }
      if (field.type === "radio" || field.type === "checkbox") { answered = answered || field.checked; }
      else { answered = answered || field.value.trim() !== ""; }
    });
    var flagged = !!(flag && flag.checked);
    button.classList.toggle("answered", answered);
    button.classList.toggle("flagged", flagged);
    button.querySelector(".qnav-state").textContent = (answered ? "\u2713" : "\u2013") + (flagged ? " \u2691" : "");
    button.querySelector(".qnav-words").textContent = button.getAttribute("data-label") + ": " +
      panel.getAttribute(answered ? "data-answered" : "data-not-answered") +
      (flagged ? ", " + panel.getAttribute("data-flagged") : "");
  }
  if (form && panel) {
    ["input", "change"].forEach(function (kind) {
      form.addEventListener(kind, function (event) { refreshPanel(event.target.closest("fieldset.question")); });
    });
  }

  // --- The clock: the server's remaining seconds, counted down from when the page arrived. ---
  var timer = document.getElementById("timer");
  if (!timer) { return; }
  var remaining = parseInt(timer.getAttribute("data-remaining"), 10);
  var value = document.getElementById("timer-value");
  var alert = document.getElementById("timer-alert");
  var announced = {};
  var handle = null;

  function timeUp() {
    // Save what is on the page, then hand the attempt in (the server also closes it itself).
    if (alert) { alert.textContent = strings.timeUp || ""; }
    var submit = document.getElementById("time-up-form");
    var saved = saver ? saver.finalSave() : Promise.resolve();
    saved.then(function () { if (submit) { submit.submit(); } });
  }

  function tick() {
    var left = Math.max(0, remaining - Math.floor((Date.now() - loadedAt) / 1000));
    var minutes = Math.floor(left / 60), seconds = left % 60;
    value.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left <= 300) { timer.classList.add("timer-low"); }
    [300, 60].forEach(function (mark) {
      if (left <= mark && left > mark - 5 && !announced[mark] && alert) {
        announced[mark] = true;
        alert.textContent = mark === 300 ? strings.fiveMinutes : strings.oneMinute;
      }
    });
    if (left === 0) {
      clearInterval(handle);
      timeUp();
    }
  }
  handle = setInterval(tick, 1000);
  tick();
})();
