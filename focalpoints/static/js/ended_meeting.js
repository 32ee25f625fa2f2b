/* A warning (data-ended-warning-for) shown while the select it names has an ended meeting chosen
 * (an option marked data-ended). The server shows it for the meeting chosen when the page loads
 * and warns again after saving, so the form says it without this script too.
 */
(() => {
  "use strict";

  document.querySelectorAll("[data-ended-warning-for]").forEach((warning) => {
    const select = document.getElementById(warning.dataset.endedWarningFor);
    if (!select) {
      return;
    }
    const show = () => {
      const option = select.options[select.selectedIndex];
      warning.hidden = !(option && option.dataset.ended);
    };
    select.addEventListener("change", show);
    show();
  });
})();
