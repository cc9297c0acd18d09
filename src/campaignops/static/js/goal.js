// Goal Confirmation page: print button (no inline script; the CSP forbids it).
(() => {
  "use strict";
  document.addEventListener("click", (event) => {
    if (event.target.closest(".js-print")) window.print();
  });
})();
