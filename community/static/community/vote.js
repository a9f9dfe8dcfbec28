// Votes and accepting answers without reloading the page. The buttons are ordinary forms that
// work without this script (POST, then back to the question with a message); here the same
// form is sent with fetch and JSON comes back: the score and pressed states change in place
// and the outcome is announced in the widget's live region.
(function () {
  "use strict";

  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function send(form) {
    return fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrfToken(form)},
      body: new FormData(form),
    }).then((response) =>
      response.json().then((data) => ({ok: response.ok, data: data}))
    );
  }

  function hint(value) {
    if (value === 1) return "You voted up: press “Vote up” again to withdraw your vote.";
    if (value === -1) return "You voted down: press “Vote down” again to withdraw your vote.";
    return "Press a pressed vote button again to withdraw your vote.";
  }

  function showVote(widget, data) {
    widget.querySelector("[data-vote-score]").textContent = data.score;
    widget.querySelectorAll("[data-vote-button]").forEach((button) => {
      const pressed = Number(button.dataset.voteButton) === data.value;
      button.setAttribute("aria-pressed", String(pressed));
      const base = button.title.replace(/ \(press again to withdraw your vote\)$/, "");
      button.title = pressed ? base + " (press again to withdraw your vote)" : base;
    });
    widget.querySelector("[data-vote-hint]").textContent = hint(data.value);
  }

  function vote(form) {
    const widget = form.closest("[data-vote]");
    const status = widget.querySelector("[data-vote-status]");
    const buttons = widget.querySelectorAll("button");
    buttons.forEach((button) => { button.disabled = true; });
    status.classList.remove("vote__status--error");
    return send(form)
      .then(({ok, data}) => {
        if (ok) {
          showVote(widget, data);
          status.textContent = data.message + " Score: " + data.score + ".";
        } else {
          status.classList.add("vote__status--error");
          status.textContent = data.error || "Your vote was not recorded: please try again.";
        }
      })
      .catch(() => {
        status.classList.add("vote__status--error");
        status.textContent = "Your vote was not recorded (no connection): please try again.";
      })
      .finally(() => buttons.forEach((button) => { button.disabled = false; }));
  }

  function showAccepted(acceptedId) {
    document.querySelectorAll("[data-accept]").forEach((widget) => {
      const accepted = Number(widget.dataset.acceptAnswer) === acceptedId;
      widget.classList.toggle("accept--accepted", accepted);
      widget.querySelector("[data-accept-mark]").hidden = !accepted;
      const button = widget.querySelector("[data-accept-button]");
      if (!button) return;
      button.textContent = accepted ? "Unaccept this answer" : "Accept this answer";
      button.title = accepted
        ? "Withdraw the acceptance of this answer"
        : "Mark this answer as the one that solved the question";
      button.classList.toggle("button--secondary", !accepted);
    });
  }

  function accept(form) {
    const widget = form.closest("[data-accept]");
    const status = widget.querySelector("[data-accept-status]");
    const button = form.querySelector("button");
    button.disabled = true;
    return send(form)
      .then(({ok, data}) => {
        if (ok) showAccepted(data.accepted ? data.answer : null);
        status.textContent = ok ? data.message : data.error || "Not saved: please try again.";
      })
      .catch(() => {
        status.textContent = "Not saved (no connection): please try again.";
      })
      .finally(() => { button.disabled = false; button.focus(); });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!window.fetch || !(form instanceof HTMLFormElement)) return;
    if (form.matches("[data-vote-form]")) {
      event.preventDefault();
      vote(form);
    } else if (form.matches("[data-accept-form]")) {
      event.preventDefault();
      accept(form);
    }
  });
})();
