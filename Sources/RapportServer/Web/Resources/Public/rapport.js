// Rapport's one script, loaded by every page and doing nothing where its elements are absent. Pages work without
// it; it adds the crowd builder's live count and the rule help's field buttons.
"use strict";

(function () {
  const csrf = document.querySelector("input[name=csrf]");

  // Live count: a rule input with data-preview posts its text (with the form's CSRF token) a moment after typing
  // stops and shows the answer in the output the input names in aria-describedby.
  for (const input of document.querySelectorAll("[data-preview]")) {
    const output = document.getElementById(input.getAttribute("aria-describedby").split(" ")[0]);
    const hint = input.parentElement.querySelector(".live-hint");
    if (hint) hint.hidden = false;
    let timer = null;
    let sent = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(async function () {
        const mine = ++sent;
        const body = new URLSearchParams({ csrf: csrf ? csrf.value : "", rule: input.value });
        try {
          const response = await fetch(input.dataset.preview, { method: "POST", body: body, credentials: "same-origin" });
          const answer = await response.json();
          if (mine !== sent) return;
          output.textContent = answer.error || answer.text;
          output.classList.toggle("error", Boolean(answer.error));
          input.setAttribute("aria-invalid", answer.error ? "true" : "false");
        } catch (failure) {
          if (mine === sent) output.textContent = "";
        }
      }, 350);
    });
  }

  // Field help: a field's button inserts its name at the cursor of the nearest rule input.
  for (const button of document.querySelectorAll(".insert-field")) {
    button.addEventListener("click", function () {
      const form = button.closest("form");
      const input = form && form.querySelector(".rule-input, input[name=filter]");
      if (!input) return;
      const start = input.selectionStart ?? input.value.length;
      const end = input.selectionEnd ?? input.value.length;
      const text = button.dataset.insert;
      input.value = input.value.slice(0, start) + text + input.value.slice(end);
      input.focus();
      input.setSelectionRange(start + text.length, start + text.length);
      input.dispatchEvent(new Event("input"));
    });
  }
})();
