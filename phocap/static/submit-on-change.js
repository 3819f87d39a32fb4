// A <select data-submit-on-change> sends its form as soon as a choice is made (the year,
// the language, a filter): the page's Content-Security-Policy refuses inline handlers
// such as onchange="…", so the behaviour lives here. Listening on the document also
// covers selects that htmx swaps in later. Without JavaScript, the form's OK button shows.
"use strict";
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select instanceof HTMLSelectElement && select.hasAttribute("data-submit-on-change")
      && select.form) {
    select.form.submit();
  }
});
