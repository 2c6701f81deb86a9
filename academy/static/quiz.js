// Quiz attempts: background saves, a queue kept in the browser while the network is down, and
// the countdown. Progressive enhancement: without it, every page change still saves the answers.
(function () {
  "use strict";
  var form = document.getElementById("attempt-form");
  var status = document.getElementById("save-status");
  var strings = (document.getElementById("quiz-strings") || {}).dataset || {};
  var loadedAt = Date.now();

  function say(text, kind) {
    if (!status) { return; }
    status.textContent = text || "";
    status.className = "save-status" + (kind ? " save-" + kind : "");
  }

  // --- The clock: the server's remaining seconds, counted down from when the page arrived. ---
  var timer = document.getElementById("timer");
  if (timer) {
    var remaining = parseInt(timer.getAttribute("data-remaining"), 10);
    var value = document.getElementById("timer-value");
    var alert = document.getElementById("timer-alert");
    var announced = {};
    var tick = function () {
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
        if (form) { sendNow(true); }
        if (alert) { alert.textContent = strings.timeUp || ""; }
        setTimeout(function () { window.location.reload(); }, 4000);
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }

  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-autosave");
  var key = "campus-attempt-" + form.getAttribute("data-attempt") + "-page-" +
    form.querySelector("input[name=page]").value;
  var base = parseInt(form.getAttribute("data-seq"), 10) || 0;
  var dirty = false, sending = false;

  // A save's number: the server's clock when the page was made plus the time spent on it, so a
  // save queued while offline never overwrites an answer given later.
  function seq() { return base + (Date.now() - loadedAt); }

  function snapshot() {
    var data = new FormData(form);
    data.set("seq", String(seq()));
    var entries = [];
    data.forEach(function (v, k) { entries.push([k, v]); });
    return entries;
  }

  function restore() {
    // Answers kept in this browser while offline come back into the page and are sent again.
    var kept;
    try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { kept = null; }
    if (!kept) { return; }
    var keptSeq = parseInt((kept.filter(function (p) { return p[0] === "seq"; })[0] || [])[1], 10) || 0;
    var serverSeq = parseInt(form.getAttribute("data-saved-seq"), 10) || 0;
    if (keptSeq <= serverSeq) { localStorage.removeItem(key); return; }  // the server has newer
    kept.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      if (/^q\d+/.test(name) === false) { return; }
      form.querySelectorAll("[name='" + name + "']").forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = kept.some(function (p) { return p[0] === name && p[1] === field.value; });
        } else { field.value = value; }
      });
    });
    say(strings.restored, "offline");
    send(kept);
  }

  function send(entries, beacon) {
    var data = new FormData();
    entries.forEach(function (pair) { data.append(pair[0], pair[1]); });
    if (beacon && navigator.sendBeacon) { navigator.sendBeacon(url, data); return; }
    sending = true;
    say(strings.saving, "");
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, code: response.status, body: body }; });
      })
      .then(function (result) {
        sending = false;
        if (result.ok) {
          localStorage.removeItem(key);
          say(strings.saved, "ok");
        } else if (result.code === 409 && result.body.review) {
          localStorage.removeItem(key);
          window.location.href = result.body.review;
        } else {
          localStorage.removeItem(key);
          say(result.body.error || strings.failed, "error");
        }
      })
      .catch(function () {
        // Offline: keep the answers in this browser and try again when the network returns.
        sending = false;
        try { localStorage.setItem(key, JSON.stringify(entries)); } catch (e) { /* full */ }
        say(strings.offline, "offline");
      });
  }

  function sendNow(beacon) {
    if (!dirty && !beacon) { return; }
    dirty = false;
    var entries = snapshot();
    try { localStorage.setItem(key, JSON.stringify(entries)); } catch (e) { /* full */ }
    send(entries, beacon);
  }

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function (event) {
    if (navigator.onLine === false) {
      // No network: changing page would show the browser's error page. Keep the answers here.
      event.preventDefault();
      dirty = true;
      sendNow(false);
      return;
    }
    form.querySelector("input[name=seq]").value = String(seq());
    localStorage.removeItem(key);
  });
  setInterval(function () { if (!sending) { sendNow(false); } }, 5000);
  window.addEventListener("online", function () {
    var kept = localStorage.getItem(key);
    if (kept) { send(JSON.parse(kept)); }
  });
  window.addEventListener("pagehide", function () { if (dirty) { sendNow(true); } });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && dirty) { sendNow(true); }
  });
  restore();
})();
