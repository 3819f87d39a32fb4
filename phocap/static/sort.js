// Sortable tables: a click (or Enter) on a header of a table.sortable orders its rows by
// that column, again to reverse. Cells may carry data-sort (e.g. a level) to sort by;
// otherwise numbers sort as numbers (Vietnamese "1.234,5" included) and text in
// Vietnamese alphabetical order. Without JavaScript the table stays as the server sent it.
"use strict";
(function () {
  const collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
  function value(cell) {
    const raw = (cell.dataset.sort ?? cell.textContent).trim();
    const number = Number(raw.replace(/\./g, "").replace(",", ".").replace("%", ""));
    return raw !== "" && !Number.isNaN(number) ? number : raw;
  }
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return collator.compare(String(a), String(b));
  }
  function sortBy(table, index, header) {
    const body = table.tBodies[0];
    const descending = header.getAttribute("aria-sort") === "ascending";
    const rows = Array.from(body.rows).filter((row) => row.cells.length > index);
    rows.sort((x, y) => compare(value(x.cells[index]), value(y.cells[index])));
    if (descending) rows.reverse();
    rows.forEach((row) => body.appendChild(row));
    table.querySelectorAll("th").forEach((th) => th.removeAttribute("aria-sort"));
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
  }
  function enable(table) {
    const headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.from(headers).forEach((header, index) => {
      header.tabIndex = 0;
      header.classList.add("sortable-header");
      header.addEventListener("click", () => sortBy(table, index, header));
      header.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, index, header);
        }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("table.sortable").forEach(enable);
  });
})();
