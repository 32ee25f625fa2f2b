/* A filter box above each long list of check boxes (fieldset[data-filter], whose value is the
 * box's label): typing shows the options whose label holds the text, ticked ones always. The
 * server lists every option, so the form works without this script.
 */
(() => {
  "use strict";

  const fold = (text) =>
    text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLocaleLowerCase();

  document.querySelectorAll("fieldset[data-filter]").forEach((list) => {
    const options = Array.from(list.querySelectorAll(".form-check"));
    const search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-2";
    search.setAttribute("aria-label", list.dataset.filter);
    search.placeholder = list.dataset.filter;
    search.setAttribute("aria-controls", list.id);
    // Enter in the filter box narrows the list; it must not submit the form.
    search.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
      }
    });
    search.addEventListener("input", () => {
      const wanted = fold(search.value.trim());
      options.forEach((option) => {
        const box = option.querySelector("input");
        option.hidden = Boolean(wanted) && !box.checked && !fold(option.textContent).includes(wanted);
      });
    });
    list.querySelector("legend").after(search);
  });
})();
