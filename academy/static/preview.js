// Live preview for the lesson editor (progressive enhancement: the Preview button works without it).
(function () {
  var form = document.querySelector("form[data-preview-url]");
  var target = document.getElementById("live-preview");
  if (!form || !target || !window.fetch) { return; }
  var body = form.querySelector("textarea[name=body]");
  var token = form.querySelector("input[name=csrf_token]");
  var hint = document.getElementById("preview-hint");
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("body", body.value);
    data.append("csrf_token", token.value);
    data.append("course_id", form.querySelector("input[name=course_id]").value);
    fetch(form.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html !== null) { target.innerHTML = html; if (hint) { hint.hidden = true; } }
      })
      .catch(function () { /* offline: the Preview button still works */ });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 600);
  });
})();
