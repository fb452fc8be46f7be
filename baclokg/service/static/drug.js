// The co-medication box of a drug page: the names in the textarea (one a line) go to the service's own
// /api/comedications, and each comes back as one row: its verdict, the effect, the path and the note.
// Text is set with textContent only, so nothing in an answer is read as HTML.
"use strict";

(function () {
  const box = document.getElementById("comedication");
  const form = document.getElementById("comedication-form");
  if (!box || !form) {
    return;
  }
  const names = document.getElementById("comedication-names");
  const status = document.getElementById("comedication-status");
  const table = document.getElementById("comedication-results");
  const body = table.querySelector("tbody");
  const most = Number(box.dataset.maxNames);

  function say(message, failed) {
    status.textContent = message;
    status.className = failed ? "error" : "";
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text || "";
    row.appendChild(td);
    return td;
  }

  function render(answers) {
    body.replaceChildren();
    for (const answer of answers) {
      const row = document.createElement("tr");
      row.className = "verdict-" + answer.verdict;
      cell(row, answer.name);
      cell(row, answer.verdict);
      cell(row, answer.effect ? answer.effect.label : "");
      cell(row, answer.path ? answer.path.text : "");
      cell(row, answer.note);
      body.appendChild(row);
    }
    table.hidden = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const given = names.value.split("\n").map((n) => n.trim()).filter((n) => n);
    if (given.length === 0) {
      say("give at least one name, one a line", true);
      return;
    }
    if (given.length > most) {
      say("at most " + most + " names at a time, got " + given.length, true);
      return;
    }
    const params = new URLSearchParams({ drug: box.dataset.drug });
    for (const name of given) {
      params.append("name", name);
    }
    say("checking " + given.length + " name(s)…", false);
    try {
      const response = await fetch("/api/comedications?" + params, {
        headers: { Accept: "application/json" },
      });
      const answer = await response.json();
      if (!response.ok) {
        say(answer.detail || "the check failed (" + response.status + ")", true);
        return;
      }
      render(answer.comedications);
      say(answer.comedications.length + " verdict(s)", false);
    } catch (error) {
      say("the service did not answer: " + error, true);
    }
  });
})();
