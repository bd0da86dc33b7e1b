/* Evidence upload with a progress bar per file (department portal).

   Enhances <form class="upload" data-endpoint="…">: each chosen file is sent on its own to the
   evidence API (the same service as the plain form), one after the other, and its row shows a
   <progress> and then "uploaded" or the reason it was refused. Without JavaScript the form posts
   all files to the page, which answers with the same per-file results. The words come from the
   form's data-msg-* attributes, translated by the template. */
(function () {
  "use strict";

  function text(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    node.textContent = content;
    return node;
  }

  function send(form, file, row) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.endpoint);
      xhr.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) row.bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body) {
          finish(row, true, form.dataset.msgDone);
          resolve(body);
        } else {
          finish(row, false, (body && body.detail) || form.dataset.msgFailed);
          resolve(null);
        }
      });
      xhr.addEventListener("error", function () {
        finish(row, false, form.dataset.msgFailed);
        resolve(null);
      });
      xhr.send(data);
    });
  }

  function finish(row, ok, message) {
    row.item.className = ok ? "done" : "refused";
    row.bar.value = ok ? 100 : row.bar.value;
    row.bar.hidden = !ok;
    row.status.textContent = message;
  }

  function startRow(form, list, file) {
    var item = document.createElement("li");
    item.className = "sending";
    item.appendChild(text("span", "name", file.name));
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    item.appendChild(bar);
    var status = text("span", "status", form.dataset.msgSending);
    item.appendChild(status);
    list.appendChild(item);
    return { item: item, bar: bar, status: status };
  }

  function size(bytes) {
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + " MB";
    if (bytes >= 1024) return (bytes / 1024).toFixed(1) + " KB";
    return bytes + " B";
  }

  function addFile(form, attachment) {
    var table = document.querySelector("table.files");
    var cells = [
      [attachment.original_name, attachment.download_url],
      [size(attachment.size)],
      [attachment.sha256, null, "code"],
      [form.dataset.uploader],
      [String(attachment.uploaded_at).slice(0, 10) + " " + String(attachment.uploaded_at).slice(11, 16)],
    ];
    var labels = table.querySelectorAll("thead th");
    var tr = document.createElement("tr");
    cells.forEach(function (cell, index) {
      var td = document.createElement("td");
      td.setAttribute("data-label", labels[index].textContent);
      if (cell[2]) {
        td.appendChild(text(cell[2], "hash", cell[0]));
      } else if (cell[1]) {
        var link = text("a", "", cell[0]);
        link.href = cell[1];
        td.appendChild(link);
      } else {
        td.textContent = cell[0];
      }
      tr.appendChild(td);
    });
    table.tBodies[0].appendChild(tr);
    table.hidden = false;
    var empty = document.querySelector(".files-empty");
    if (empty) empty.hidden = true;
  }

  async function upload(form, input, list, button) {
    var files = Array.prototype.slice.call(input.files);
    list.textContent = "";
    if (!files.length) {
      list.appendChild(text("li", "refused", form.dataset.msgNone));
      return;
    }
    button.disabled = true;
    var ok = 0;
    // One at a time: each upload takes the order's lock, and the bars fill in the order shown.
    for (var i = 0; i < files.length; i += 1) {
      var attachment = await send(form, files[i], startRow(form, list, files[i]));
      if (attachment) {
        ok += 1;
        addFile(form, attachment);
      }
    }
    var summary = form.dataset.msgSummary.replace("{ok}", ok).replace("{bad}", files.length - ok);
    list.appendChild(text("li", "summary", summary));
    input.value = "";
    button.disabled = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.upload[data-endpoint]");
    if (!form || !window.FormData || !window.Promise) return;
    var input = form.querySelector("input[type=file]");
    var list = document.querySelector(".upload-results");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      upload(form, input, list, button);
    });
  });
})();
