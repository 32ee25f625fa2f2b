/* A live count under each text area that has a limit: the server states the limit in the element
 * named data-limit-for (its field carries data-limit) and refuses longer text with a message; this
 * script shows "n / limit" as the reader types or pastes, and marks the count when it is over.
 * Nothing is ever cut: there is no maxlength attribute, so pasted text arrives whole.
 */
(() => {
  "use strict";

  const format = new Intl.NumberFormat(document.documentElement.lang || undefined);
  // Characters as the server counts them (code points; a line break is one).
  const length = (text) => Array.from(text.replace(/\r\n/g, "\n").trim()).length;

  const follow = (output) => {
    const field = document.getElementById(output.dataset.limitFor);
    const limit = Number(field && field.dataset.limit);
    if (!field || !limit) {
      return;
    }
    const count = document.createElement("span");
    // The reader hears once that the text went over the limit, not every keystroke.
    const alert = document.createElement("span");
    alert.className = "visually-hidden";
    alert.setAttribute("aria-live", "polite");
    output.replaceChildren(count, " ", alert);
    let over = false;

    const update = () => {
      const n = length(field.value);
      count.textContent = `${format.format(n)} / ${format.format(limit)}`;
      const nowOver = n > limit;
      output.classList.toggle("text-danger", nowOver);
      output.classList.toggle("fw-semibold", nowOver);
      if (nowOver !== over) {
        alert.textContent = nowOver ? output.dataset.over : "";
        over = nowOver;
      }
    };

    field.addEventListener("input", update);
    update();
  };

  document.querySelectorAll("[data-limit-for]").forEach(follow);
})();
