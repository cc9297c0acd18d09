// Reports tab: ask before a form marked data-confirm replaces the team's text (no inline script: strict CSP).
(() => {
  "use strict";
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
})();
