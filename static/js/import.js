// The import page: say that the upload is working, and keep the button from being pressed twice.
(function () {
  "use strict";
  document.querySelectorAll("form[data-working]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var status = document.createElement("p");
      status.className = "export-status";
      status.setAttribute("role", "status");
      status.textContent = form.getAttribute("data-working");
      form.insertBefore(status, form.firstChild);
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    });
  });
})();
