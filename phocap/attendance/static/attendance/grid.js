// The keyboard-first attendance grid. Without this script the page still works
// (radio buttons and a save button); with it: ↑/↓ move between pupils, C/P/K or
// 1/2/3 set the focused pupil's status and move down, Enter saves the whole day.
(function () {
  "use strict";
  const form = document.getElementById("attendance-grid");
  if (!form) { return; }
  const rows = Array.from(form.querySelectorAll("tbody tr[data-pupil]"));
  const keys = { c: "present", "1": "present", p: "excused", "2": "excused",
                 k: "unexcused", "3": "unexcused" };
  const summary = document.getElementById("grid-summary");

  function focusRow(index) {
    if (!rows.length) { return; }
    const row = rows[Math.max(0, Math.min(rows.length - 1, index))];
    (row.querySelector("input:checked") || row.querySelector("input")).focus();
  }
  function paint(row) {
    const checked = row.querySelector("input:checked");
    row.classList.remove("present", "excused", "unexcused");
    if (checked) { row.classList.add(checked.value); }
  }
  function count() {
    if (!summary) { return; }
    const n = { present: 0, excused: 0, unexcused: 0 };
    rows.forEach(function (row) {
      const checked = row.querySelector("input:checked");
      if (checked) { n[checked.value] += 1; }
    });
    summary.textContent = summary.dataset.template
      .replace("{present}", n.present).replace("{excused}", n.excused)
      .replace("{unexcused}", n.unexcused);
  }
  form.addEventListener("change", function (event) {
    const row = event.target.closest("tr[data-pupil]");
    if (row) { paint(row); count(); }
  });
  form.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    const row = event.target.closest("tr[data-pupil]");
    if (!row) { return; }
    const index = rows.indexOf(row);
    const key = event.key.toLowerCase();
    if (event.key === "ArrowDown") {
      event.preventDefault(); focusRow(index + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault(); focusRow(index - 1);
    } else if (Object.prototype.hasOwnProperty.call(keys, key)) {
      event.preventDefault();
      row.querySelector('input[value="' + keys[key] + '"]').checked = true;
      paint(row); count(); focusRow(index + 1);
    } else if (event.key === "Enter") {
      event.preventDefault(); form.requestSubmit();
    }
  });
  rows.forEach(paint);
  count();
  if (!document.querySelector(".message.error")) { focusRow(0); }
}());
