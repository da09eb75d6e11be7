// Grid editing of a responsibility matrix: one click cycles a cell's mark and saves it
// without reloading the page. Without this file each cell button submits the form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-matrix-edit]");
  if (!form || !window.fetch) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function rowWarnings(data) {
    var check = document.querySelector("[data-row-check='" + data.row + "']");
    var row = document.getElementById("row-" + data.row);
    var text = data.problems.join(" ");
    if (check) { check.textContent = text; }
    if (row) { row.classList.toggle("warn", data.problems.length > 0); }
    var list = document.getElementById("row-warnings");
    var item = list.querySelector("[data-row-warning='" + data.row + "']");
    if (data.problems.length) {
      if (!item) {
        item = document.createElement("li");
        item.setAttribute("data-row-warning", data.row);
        var link = document.createElement("a");
        link.href = "#row-" + data.row;
        link.textContent = row
          ? (row.querySelector(".clause-no").textContent + " " + row.querySelector(".row-label").textContent).trim()
          : data.row;
        item.appendChild(link);
        item.appendChild(document.createTextNode(""));
        list.appendChild(item);
      }
      item.lastChild.textContent = ": " + text;
    } else if (item) {
      item.remove();
    }
    var empty = 0;
    document.querySelectorAll("[data-empty-column]").forEach(function (badge) {
      var isEmpty = data.empty_columns.indexOf(parseInt(badge.getAttribute("data-empty-column"), 10)) !== -1;
      badge.hidden = !isEmpty;
      if (isEmpty) { empty += 1; }
    });
    document.getElementById("empty-columns").hidden = empty === 0;
    var count = list.children.length + empty;
    document.getElementById("warning-count").textContent = count;
    document.getElementById("matrix-checks").classList.toggle("has-warnings", count > 0);
    var clean = document.querySelector("[data-when-clean]");
    if (clean) { clean.hidden = count > 0; }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.cell");
    if (!button) { return; }
    event.preventDefault();
    if (button.classList.contains("saving")) { return; }
    button.classList.add("saving");
    button.classList.remove("failed");
    var body = new FormData();
    body.append("cell", button.value);
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      button.classList.remove("saving");
      if (!result.ok) {
        button.classList.add("failed");
        button.title = result.data.error || "";
        return;
      }
      button.textContent = result.data.symbol;
      button.setAttribute("data-value", result.data.value);
      button.title = result.data.label;
      rowWarnings(result.data);
    }).catch(function () {
      button.classList.remove("saving");
      button.classList.add("failed");
    });
  });
})();
