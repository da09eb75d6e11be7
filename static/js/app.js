// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }

  // Org chart: expand / collapse every branch.
  all("[data-details]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-details") === "open";
      all("details.dept").forEach(function (d) { d.open = open; });
    });
  });

  // Closed <details> print nothing: open them all for printing, then restore.
  var closedBeforePrint = [];
  window.addEventListener("beforeprint", function () {
    closedBeforePrint = all("details:not([open])");
    closedBeforePrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedBeforePrint.forEach(function (d) { d.open = false; });
    closedBeforePrint = [];
  });

  all("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Links that start a long export: say what is happening until the download begins.
  all("a[data-long-export]").forEach(function (link) {
    link.addEventListener("click", function () {
      var status = document.getElementById("export-status");
      if (!status) {
        status = document.createElement("p");
        status.id = "export-status";
        status.className = "export-status";
        status.setAttribute("role", "status");
        document.getElementById("content").insertBefore(status, document.getElementById("content").firstChild);
      }
      status.textContent = link.getAttribute("data-long-export");
      window.setTimeout(function () { status.remove(); }, 15000);
    });
  });

  // The language chooser submits itself on change (its button is for browsers without JS).
  all("form.language select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
