/* Progressive enhancement for surveys (portal/templates/surveys/survey_page.html): hides the
   questions a "skip to" rule skips, as answers change. Without it every question is shown with
   its rule written under it, and the server discards skipped answers either way (the same rule
   is applied by portal.surveys.forms.SurveyForm). Skipped questions are hidden and their inputs
   disabled, so they are neither focusable nor posted; a polite live region says how many. */
(function () {
  "use strict";

  function inputsOf(question) {
    return Array.prototype.slice.call(question.querySelectorAll("input, select, textarea"));
  }

  function answersOf(question) {
    return inputsOf(question)
      .filter(function (input) {
        return !((input.type === "radio" || input.type === "checkbox") && !input.checked);
      })
      .map(function (input) {
        return String(input.value).toLowerCase();
      })
      .filter(Boolean);
  }

  function update(form, status) {
    var until = null;
    var skipped = 0;
    form.querySelectorAll("[data-question]").forEach(function (question) {
      var skip = false;
      if (until !== null) {
        if (question.getAttribute("data-question") === until) {
          until = null;
        } else {
          skip = true;
        }
      }
      question.hidden = skip;
      question.style.display = skip ? "none" : ""; // .field sets display, which beats [hidden]
      inputsOf(question).forEach(function (input) {
        input.disabled = skip;
      });
      if (skip) {
        skipped += 1;
        return;
      }
      var when = question.getAttribute("data-skip-when");
      if (!when) return;
      var answers = JSON.parse(when).map(function (answer) {
        return String(answer).toLowerCase();
      });
      var hit = answersOf(question).some(function (answer) {
        return answers.indexOf(answer) !== -1;
      });
      if (hit) until = question.getAttribute("data-skip-to") || "";
    });
    if (status) {
      var text = skipped ? skipped + (skipped === 1 ? " question" : " questions") + " skipped." : "";
      if (status.textContent !== text) status.textContent = text;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-survey]").forEach(function (form) {
      var status = form.querySelector("[data-skip-status]");
      form.addEventListener("change", function () {
        update(form, status);
      });
      update(form, status);
    });
  });
})();
