// The record picker as one types. Without this script the picker's search
// button sends the form back with the records found; with it, typing in the
// search box (or changing the kind of record) asks the server for the same
// list and fills the same radio buttons, and a live region says how many
// were found. The chosen record stays chosen while it is still listed.
(function () {
  "use strict";
  var pickers = document.querySelectorAll("[data-picker]");
  Array.prototype.forEach.call(pickers, function (box) {
    var input = box.querySelector('input[type="search"]');
    var list = box.querySelector("[data-picker-list]");
    var count = box.querySelector("[data-picker-count]");
    var kindSelect = document.getElementById(box.getAttribute("data-kind-from"));
    if (!input || !list || !count || !window.fetch) {
      return;
    }
    var timer = null;
    var asked = 0;

    function chosen() {
      var radio = list.querySelector('input[type="radio"]:checked');
      return radio ? radio.value : "";
    }

    function item(it, index, checked) {
      var li = document.createElement("li");
      li.className = "choice";
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "link_id";
      radio.value = it.id;
      radio.id = "f-link_id-" + index;
      radio.checked = checked;
      var label = document.createElement("label");
      label.htmlFor = radio.id;
      var title = document.createElement("span");
      title.className = "picker-title";
      title.textContent = it.title;
      var meta = document.createElement("span");
      meta.className = "picker-meta";
      var ref = document.createElement("span");
      ref.className = "ref";
      ref.textContent = it.ref;
      var status = document.createElement("span");
      status.className = "picker-status";
      status.textContent = it.status;
      meta.appendChild(ref);
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(status);
      label.appendChild(title);
      label.appendChild(document.createTextNode(" "));
      label.appendChild(meta);
      li.appendChild(radio);
      li.appendChild(label);
      return li;
    }

    function fill(items, text) {
      var keep = chosen();
      var kept = null;
      Array.prototype.forEach.call(list.querySelectorAll('input[type="radio"]:checked'), function (radio) {
        kept = radio.closest("li");
      });
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
      var index = 0;
      var keptListed = false;
      items.forEach(function (it) {
        if (it.id === keep) {
          keptListed = true;
        }
      });
      // The record already chosen stays on top while its kind is searched,
      // so that typing never drops a choice the reader made.
      if (keep && kept && !keptListed && kindSelect && kindSelect.getAttribute("data-kind-chosen") === kindSelect.value) {
        kept.querySelector("input").id = "f-link_id-" + index;
        kept.querySelector("label").htmlFor = "f-link_id-" + index;
        list.appendChild(kept);
        index++;
      }
      items.forEach(function (it) {
        list.appendChild(item(it, index, it.id === keep));
        index++;
      });
      count.textContent = text;
    }

    function search() {
      var q = input.value.trim();
      var kind = kindSelect ? kindSelect.value : "";
      var mine = ++asked;
      if (!q || !kind || kind === "none") {
        fill([], q ? "" : box.getAttribute("data-type-more"));
        return;
      }
      var url = box.getAttribute("data-url") + "?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) {
          if (!res.ok) {
            throw new Error(String(res.status));
          }
          return res.json();
        })
        .then(function (body) {
          if (mine === asked) {
            fill(body.items || [], body.count || "");
          }
        })
        .catch(function () {
          // The search button still works: the page falls back on it.
        });
    }

    function later() {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    }

    if (kindSelect) {
      kindSelect.setAttribute("data-kind-chosen", kindSelect.value);
      kindSelect.addEventListener("change", function () {
        search();
      });
      list.addEventListener("change", function () {
        kindSelect.setAttribute("data-kind-chosen", kindSelect.value);
      });
    }
    input.addEventListener("input", later);
    input.addEventListener("keydown", function (event) {
      // Enter searches at once rather than sending the whole form.
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        search();
      }
    });
    var button = box.querySelector('button[name="pick"]');
    if (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        clearTimeout(timer);
        search();
        input.focus();
      });
    }
  });
})();
