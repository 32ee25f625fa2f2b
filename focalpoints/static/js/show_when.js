/* A part of a form (data-show-when: the id of a select; data-show-value: the choice) shown only
 * while that choice is made. The server always sends the part, so the form works without this
 * script; a part with an error in it stays shown whatever is chosen.
 */
(() => {
  "use strict";

  document.querySelectorAll("[data-show-when]").forEach((part) => {
    const select = document.getElementById(part.dataset.showWhen);
    if (!select) {
      return;
    }
    const show = () => {
      const wanted = select.value === part.dataset.showValue;
      part.hidden = !wanted && !part.querySelector(".is-invalid");
    };
    select.addEventListener("change", show);
    show();
  });
})();
