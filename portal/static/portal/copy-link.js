/* "Copy link" buttons: <button data-copy-button="input-id" hidden> copies that input's value and
   says so in the nearby [data-copy-status] live region. Without JavaScript (or the Clipboard
   API) the button stays hidden and the read-only input can be selected and copied by hand. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy-button]").forEach(function (button) {
      var input = document.getElementById(button.getAttribute("data-copy-button"));
      var field = button.closest(".field");
      var status = field && field.querySelector("[data-copy-status]");
      if (!input || !navigator.clipboard) return;
      button.hidden = false;
      input.addEventListener("focus", function () { input.select(); });
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(
          function () { if (status) status.textContent = "Link copied."; },
          function () {
            input.select();
            if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected link.";
          }
        );
      });
    });
  });
})();
