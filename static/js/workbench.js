/* The case list, enhanced; without JavaScript everything still works.
   - On a phone the filters start folded when none is set, so the cases come first.
   - A "select all on this page" box in the table head. */
(function () {
  "use strict";
  var filters = document.querySelector("details.filters");
  if (filters && !filters.hasAttribute("data-filtered") && window.matchMedia("(max-width: 40rem)").matches) {
    filters.open = false;
  }

  var table = document.querySelector("table.cases");
  var head = table && table.querySelector("thead th.pick");
  if (!head) { return; }
  var boxes = table.querySelectorAll("tbody input[name='ids']");
  var all = document.createElement("input");
  all.type = "checkbox";
  all.id = "pick-all";
  all.setAttribute("aria-label", head.getAttribute("data-all-label") || "");
  head.insertBefore(all, head.firstChild);

  function sync() {
    var ticked = 0;
    boxes.forEach(function (box) { if (box.checked) { ticked += 1; } });
    all.checked = ticked > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  boxes.forEach(function (box) { box.addEventListener("change", sync); });
  sync();
}());
