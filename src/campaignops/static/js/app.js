// Small behaviours without inline script (the CSP forbids it).
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.classList && el.classList.contains("js-autosubmit") && el.form) el.form.submit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
});
