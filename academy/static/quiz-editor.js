// Drag and drop for a quiz's questions (progressive enhancement: the up and down buttons work
// without it). Dropping a row sends the new order with the marks as they are; the server keeps
// the pages' sizes, as the buttons do.
(function () {
  var form = document.getElementById("layout-form");
  var order = document.getElementById("slot-order");
  if (!form || !order || !("draggable" in document.createElement("tr"))) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("tr.slot"));
  var dragged = null;
  var hint = document.getElementById("drag-hint");
  if (hint) { hint.hidden = false; }

  function submitOrder() {
    var ids = Array.prototype.map.call(form.querySelectorAll("tr.slot"), function (row) {
      return row.getAttribute("data-slot");
    });
    order.value = ids.join(",");
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = "order";
    form.appendChild(action);
    form.submit();
  }

  rows.forEach(function (row) {
    row.draggable = true;
    row.classList.add("draggable");
    row.addEventListener("dragstart", function (event) {
      dragged = row;
      row.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.getAttribute("data-slot"));
    });
    row.addEventListener("dragend", function () {
      row.classList.remove("dragging");
      dragged = null;
    });
    row.addEventListener("dragover", function (event) {
      if (!dragged || dragged === row) { return; }
      event.preventDefault();
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
    });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      submitOrder();
    });
  });
})();
