/* An import batch's page while a worker runs it: the progress bar follows the batch's JSON
   (GET …/progress/) every second; when the run has finished the page reloads to show the
   counts and the row report. Without JavaScript a reload shows the same. */
(function () {
  "use strict";
  var box = document.querySelector(".import-progress[data-url]");
  if (!box) { return; }
  var bar = document.getElementById("batch-progress");
  var text = document.getElementById("batch-percent");
  var state = document.getElementById("batch-state");

  function poll() {
    fetch(box.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        text.textContent = data.percent + "%（" + data.processed + " / " + data.total + "）";
        state.textContent = data.state_label;
        if (data.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());
