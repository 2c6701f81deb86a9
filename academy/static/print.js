// Progressive enhancement: a Print button for pages meant for paper (slips work without it).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
