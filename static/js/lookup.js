/* Search boxes that choose a person or an organisation (portal/cases/_field.html, widget
   "lookup"): typing asks the scoped API endpoint (GET /api/lookup/…?q=) and lists the
   matches under the box, as an ARIA 1.2 combobox (arrow keys, Enter to choose, Escape to
   close). The chosen id goes into the hidden field the form posts.
   Without JavaScript the box and its 查找 button still work: the page comes back with the
   matches to pick from. The texts come from the page (data-text-*), translated there. */
(function () {
  "use strict";
  var DELAY_MS = 250;

  function text(box, name) {
    return box.getAttribute("data-text-" + name) || "";
  }

  function detailOf(item, box) {
    var parts = [];
    if (item.unit_name) { parts.push(item.unit_name); }
    if (item.post) { parts.push(item.post); }
    if (item.id_number_tail) { parts.push(text(box, "tail") + item.id_number_tail); }
    if (!item.unit_name && item.parent_name) { parts.push(item.parent_name); }
    if (!item.unit_name && !item.parent_name && item.type_display) { parts.push(item.type_display); }
    if (item.is_active === false) { parts.push(text(box, "inactive")); }
    return parts.join(" · ");
  }

  function enhance(box) {
    var url = box.getAttribute("data-lookup-url");
    var input = box.querySelector("input[type='search']");
    var value = box.querySelector("input[data-lookup-value]");
    var wrap = box.querySelector(".lookup-box");
    if (!url || !input || !value || !wrap) { return; }  // the page lists matches already
    var chosen = box.querySelector(".lookup-chosen");
    var button = box.querySelector(".lookup-go");
    // The button becomes unnecessary, and must not stay a submit button: Enter in another
    // field of the form would press it (the first submit button is the form's default).
    if (button) { button.type = "button"; button.hidden = true; }

    var list = document.createElement("ul");
    list.id = input.id + "-list";
    list.className = "lookup-list";
    list.setAttribute("role", "listbox");
    var label = box.querySelector("label[for='" + input.id + "']");
    if (label) { list.setAttribute("aria-label", label.textContent.replace("*", "").trim()); }
    list.hidden = true;
    wrap.appendChild(list);
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    box.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var options = [];
    var active = -1;
    var timer = null;
    var request = null;
    var chosenLabel = value.value ? input.value : "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (list.children.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    }

    function highlight(index) {
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      var current = list.children[active];
      input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var item = options[index];
      if (!item) { return; }
      value.value = String(item.id);
      input.value = item.label;
      chosenLabel = item.label;
      if (chosen) {
        chosen.querySelector("strong").textContent = item.label;
        chosen.hidden = false;
      }
      status.textContent = text(box, "chosen") + item.label;
      close();
      value.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(items, count) {
      options = items;
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.index = String(i);
        li.appendChild(document.createTextNode(item.name));
        var detail = detailOf(item, box);
        if (detail) {
          var small = document.createElement("small");
          small.textContent = detail;
          li.appendChild(small);
        }
        list.appendChild(li);
      });
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "none";
        none.textContent = count < 0 ? text(box, "error") : text(box, "none");
        list.appendChild(none);
      }
      var message = count < 0 ? text(box, "error") : items.length ? text(box, "count").replace("%s", String(count)) : text(box, "none");
      if (count > items.length) { message += " " + text(box, "more"); }
      status.textContent = message;
      open();
    }

    function search() {
      var q = input.value.trim();
      if (request) { request.abort(); }
      if (!q) {
        options = [];
        list.textContent = "";
        close();
        return;
      }
      request = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: request.signal
      })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
        .then(function (data) { show(data.results || [], data.count || 0); })
        .catch(function (error) { if (!error || error.name !== "AbortError") { show([], -1); } });
    }

    input.addEventListener("input", function () {
      if (input.value !== chosenLabel) {
        value.value = "";
        if (chosen) { chosen.hidden = true; }
      }
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { open(); }
        if (!list.hidden) { highlight(active + (event.key === "ArrowDown" ? 1 : -1)); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        } else if (!value.value && input.value.trim()) {
          event.preventDefault();  // search now rather than send a form with no choice
          clearTimeout(timer);
          search();
        }
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    // Keep the focus in the box when an option is clicked (no blur before the click).
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("li[role='option']");
      if (li) { choose(Number(li.dataset.index)); }
    });
    input.addEventListener("blur", close);
    input.addEventListener("focus", function () { if (!value.value && options.length) { open(); } });
  }

  document.querySelectorAll(".field.lookup[data-lookup-url]").forEach(enhance);
}());
