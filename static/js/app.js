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

  // The language chooser submits itself on change (its button is for browsers without JS).
  all("form.language select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
