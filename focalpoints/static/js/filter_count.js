/* A filter form's live count: whenever a field of a form with data-count-url changes, ask that
 * address (with the form's values) what the filters give and show its "text" in the element
 * named by data-count-output. The server renders the count of the applied filters, so the page
 * says it without this script; the downloads follow the form's fields either way.
 */
(() => {
  "use strict";

  const follow = (form) => {
    const output = document.getElementById(form.dataset.countOutput);
    if (!output) {
      return;
    }
    let controller = null;
    let timer = null;

    const update = () => {
      if (controller) {
        controller.abort();
      }
      controller = new AbortController();
      const query = new URLSearchParams(new FormData(form)).toString();
      output.setAttribute("aria-busy", "true");
      fetch(`${form.dataset.countUrl}?${query}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then((response) => response.json().then((data) => ({ ok: response.ok, data })))
        .then(({ ok, data }) => {
          output.textContent = data.text;
          const empty = !ok || data.designations === 0 || data.rows === 0;
          output.classList.toggle("text-danger", empty);
          output.classList.toggle("fw-semibold", !empty);
          output.removeAttribute("aria-busy");
        })
        .catch((error) => {
          if (error.name !== "AbortError") {
            output.removeAttribute("aria-busy");
          }
        });
    };

    form.addEventListener("change", () => {
      clearTimeout(timer);
      timer = setTimeout(update, 150);
    });
  };

  document.querySelectorAll("form[data-count-url]").forEach(follow);
})();
