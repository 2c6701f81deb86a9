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

    // A save that failed (no network, or a server that did not answer) is tried again, waiting
    // twice as long each time up to a minute, for as long as the page is open.
    var retry = { timer: null, delay: 2000 };
    function retryLater() {
      if (retry.timer) { return; }
      retry.timer = setTimeout(function () {
        retry.timer = null;
        var kept = null;
        try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
        if (kept) { send(kept); }
      }, retry.delay);
      retry.delay = Math.min(retry.delay * 2, 60000);
    }

    function send(entries, beacon) {
      var data = new FormData();
      entries.forEach(function (pair) { data.append(pair[0], pair[1]); });
      if (beacon) {
        // The page is going away: the browser sends this even after it has closed the page.
        if (navigator.sendBeacon && navigator.sendBeacon(url, data)) { return Promise.resolve(); }
        fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true });
        return Promise.resolve();
      }
      state.sending = true;
      say(strings.saving, "");
      return fetch(url, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            return { ok: response.ok, code: response.status, body: body };
          });
        })
        .then(function (result) {
          state.sending = false;
          if (result.code === 409 && result.body.review) {
            localStorage.removeItem(key);
            window.location.href = result.body.review;
          } else if (result.code >= 500 || result.code === 429 || result.code === 0) {
            keep(entries);  // the server did not take them: keep them and try again
            say(strings.retrying, "offline");
            retryLater();
          } else {
            localStorage.removeItem(key);
            retry.delay = 2000;
            var refused = markRefused(result.ok ? result.body.problems || {} : {});
            if (!result.ok) { say(result.body.error || strings.failed, "error"); }
            else if (refused) { say(strings.refused, "error"); }
            else { say(strings.saved, "ok"); }
          }
        })
        .catch(function () {
          // Offline: keep the answers in this browser and try again until the network returns.
          state.sending = false;
          keep(entries);
          say(strings.offline, "offline");
          retryLater();
        });
    }

    // Each answer the server refused ("122 reglas" for a number) is marked at its question, as
    // the page does without JavaScript; the others are saved and lose their marks.
    function markRefused(problems) {
      var count = 0;
      form.querySelectorAll("fieldset.question").forEach(function (question) {
        var position = question.id.replace("question-", "");
        var message = problems[position];
        var error = question.querySelector("p.error");
        var fields = question.querySelectorAll("input[type=text], textarea");
        if (message) {
          count += 1;
          if (!error) {
            error = document.createElement("p");
            error.className = "error";
            error.id = "q" + position + "-error";
            question.appendChild(error);
          }
          error.textContent = message;
          question.classList.add("has-error");
          question.setAttribute("aria-describedby", error.id);
          fields.forEach(function (field) { field.setAttribute("aria-invalid", "true"); });
        } else if (error) {
          error.remove();
          question.classList.remove("has-error");
          question.removeAttribute("aria-describedby");
          fields.forEach(function (field) { field.removeAttribute("aria-invalid"); });
        }
      });
      return count;
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
      if (kept) {
        clearTimeout(retry.timer);
        retry.timer = null;
        send(JSON.parse(kept));
      }
    });
    // Leaving the page (closing the tab, switching away on a phone): answers not yet sent, or
    // kept after a failed save, go with the browser's beacon.
    function unsent() { return state.dirty || !!localStorage.getItem(key); }
    window.addEventListener("pagehide", function () { if (unsent()) { sendNow(true); } });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && unsent()) { sendNow(true); }
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
