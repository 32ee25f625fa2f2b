/* The agenda item select lists only the items of the meeting chosen in the select it names
 * (data-meeting-field). The server lists every meeting's items, each option naming its meeting
 * (data-meeting), so the form works without this script; it refuses a mismatched pair either way.
 */
(() => {
  "use strict";

  const follow = (items) => {
    const meeting = document.getElementById(items.dataset.meetingField);
    if (!meeting) {
      return;
    }
    const options = Array.from(items.querySelectorAll("option[data-meeting]"));

    const show = () => {
      const chosen = meeting.value;
      const selected = items.value;
      const offered = options.filter((option) => !chosen || option.dataset.meeting === chosen);
      options.forEach((option) => option.remove());
      offered.forEach((option) => items.append(option));
      // An item of another meeting is no longer chosen: back to none.
      items.value = offered.some((option) => option.value === selected) ? selected : "";
    };

    meeting.addEventListener("change", show);
    show();
  };

  document.querySelectorAll("select[data-meeting-field]").forEach(follow);
})();
