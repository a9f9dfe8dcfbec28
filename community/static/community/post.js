/* Community posting: live Markdown preview and similar questions while the title is typed.
   Progressive enhancement: every form works without this script. */
(function () {
  "use strict";

  function debounce(fn, wait) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, wait);
    };
  }

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setupPreview(editor) {
    var textarea = editor.querySelector("textarea");
    var section = editor.querySelector(".qa-preview");
    var output = editor.querySelector(".qa-preview__body");
    var url = editor.getAttribute("data-preview-url");
    if (!textarea || !section || !output || !url || !window.fetch) return;
    var mode = editor.getAttribute("data-preview-mode") || "block";
    var last = null;
    var update = debounce(function () {
      var text = textarea.value;
      if (text === last) return;
      last = text;
      if (!text.trim()) { section.hidden = true; output.innerHTML = ""; return; }
      var body = new FormData();
      body.append("body", text);
      body.append("mode", mode);
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea.form) }
      }).then(function (response) {
        return response.text().then(function (html) { return { ok: response.ok, html: html }; });
      }).then(function (result) {
        section.hidden = false;
        if (result.ok) {
          /* The server's sanitiser made this HTML: the same function that runs on save. */
          output.innerHTML = result.html;
        } else {
          output.textContent = result.html;
        }
      }).catch(function () { /* the preview is a convenience; posting still works */ });
    }, 400);
    textarea.addEventListener("input", update);
    if (textarea.value.trim()) update();
  }

  function setupSimilar(wrapper) {
    var input = wrapper.querySelector("input[data-similar]");
    var region = wrapper.querySelector(".qa-similar");
    var url = wrapper.getAttribute("data-similar-url");
    if (!input || !region || !url || !window.fetch) return;
    var last = "";
    input.addEventListener("input", debounce(function () {
      var title = input.value.trim();
      if (title === last) return;
      last = title;
      if (title.length < 10) { region.innerHTML = ""; return; }
      fetch(url + "?fragment=1&title=" + encodeURIComponent(title), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (input.value.trim() === title) region.innerHTML = html; })
        .catch(function () {});
    }, 500));
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".qa-editor"), setupPreview);
    Array.prototype.forEach.call(document.querySelectorAll("[data-similar-url]"), setupSimilar);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
