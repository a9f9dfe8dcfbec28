// The exam attempt page: save each answer as it is given, and count down the time left.
// The server enforces the time limit and keeps the answers; this only saves clicks and shows
// the clock. Without JavaScript the form still works (save midway, or submit at the end).
(function () {
  "use strict";

  const ANNOUNCE_AT = [600, 300, 60];

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function format(seconds) {
    const minutes = Math.floor(seconds / 60);
    const rest = String(seconds % 60).padStart(2, "0");
    return minutes + ":" + rest;
  }

  function saveAnswer(form, fieldset) {
    const question = fieldset.dataset.question;
    const status = fieldset.querySelector("[data-question-status]");
    const choices = Array.from(fieldset.querySelectorAll("input:checked")).map((i) => i.value);
    status.textContent = "Saving…";
    return fetch(form.dataset.answerUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(form)},
      body: JSON.stringify({question: question, choices: choices}),
    })
      .then((response) => response.json().then((data) => ({ok: response.ok, data: data})))
      .then(({ok, data}) => {
        if (data.result_url) {
          window.location.assign(data.result_url);
          return;
        }
        status.textContent = ok ? "Answer saved." : data.error || "Not saved: please try again.";
      })
      .catch(() => {
        status.textContent = "Not saved (no connection): it will be sent when you submit.";
      });
  }

  function startTimer(form) {
    const clock = document.querySelector("[data-exam-timer]");
    const announce = document.querySelector("[data-exam-timer-announce]");
    if (!clock) return;
    const endsAt = performance.now() + Number(clock.dataset.remaining) * 1000;
    const announced = new Set();
    let submitted = false;
    function tick() {
      const left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
      clock.textContent = format(left);
      if (ANNOUNCE_AT.includes(left) && !announced.has(left)) {
        announced.add(left);
        announce.textContent = Math.round(left / 60) + " minute" + (left === 60 ? "" : "s") + " left.";
      }
      if (left === 0 && !submitted) {
        submitted = true;
        announce.textContent = "Time is up: submitting your answers.";
        form.submit();
        return;
      }
      window.setTimeout(tick, 250);
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.querySelector("[data-exam-form]");
    if (!form) return;
    form.addEventListener("change", (event) => {
      const fieldset = event.target.closest("fieldset[data-question]");
      if (fieldset) saveAnswer(form, fieldset);
    });
    startTimer(form);
  });
})();
