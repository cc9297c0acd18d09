// Campaign and profile pages: small behaviours without inline script (the CSP forbids it).
(() => {
  "use strict";

  // KPI editor: a metric suggests its usual unit and direction, until the user picks them.
  const METRIC_UNITS = { ctr: "percent", engagement_rate: "percent", cvr: "percent", complaint_rate: "percent",
    favourability: "percent", gmv: "money", spend: "money", cpa: "money", roas: "ratio", roi: "percent" };
  const LOWER_IS_BETTER = new Set(["complaint_rate", "cpa", "spend"]);

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.matches && el.matches(".js-kpi-metric")) {
      const form = el.form;
      const unit = form && form.querySelector(".js-kpi-unit");
      const direction = form && form.querySelector(".js-kpi-direction");
      if (unit && !unit.dataset.touched) unit.value = METRIC_UNITS[el.value] || "count";
      if (direction && !direction.dataset.touched) direction.value = LOWER_IS_BETTER.has(el.value) ? "lower" : "higher";
    } else if (el.matches && el.matches(".js-kpi-unit, .js-kpi-direction")) {
      el.dataset.touched = "1";
    } else if (el.matches && el.matches("#id_template")) {
      toggleBlankFields(el);
    }
  });

  // New campaign: the end date and type only matter for a blank campaign.
  function toggleBlankFields(select) {
    const box = document.querySelector(".js-blank-only");
    if (box) box.hidden = Boolean(select.value);
  }

  // Enter in an inline "add" field clicks its button instead of submitting the surrounding form.
  document.addEventListener("keydown", (event) => {
    const el = event.target;
    if (event.key !== "Enter" || !el.dataset || !el.dataset.enterClick) return;
    event.preventDefault();
    const button = document.getElementById(el.dataset.enterClick);
    if (button) button.click();
  });

  // SMART check: "use this wording" puts the suggested goal into the goal field (and re-checks it).
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".js-use-wording");
    if (!button) return;
    const field = document.getElementById(button.dataset.target);
    if (!field) return;
    field.value = button.dataset.text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });

  // Copy a value (the new API token) to the clipboard.
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".js-copy");
    if (!button) return;
    const input = document.getElementById(button.dataset.copyTarget);
    if (!input) return;
    input.select();
    const done = () => {
      const label = button.querySelector("span");
      if (label && button.dataset.copied) label.textContent = button.dataset.copied;
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, done);
    else { document.execCommand("copy"); done(); }
  });

  // After an in-place swap, put the focus on the first field with an error, else on the form's first field.
  document.addEventListener("htmx:afterSwap", (event) => {
    const root = event.detail.target && event.detail.target.isConnected ? event.detail.target : document;
    const swapped = document.getElementById(event.detail.target.id) || root;
    const invalid = swapped.querySelector(".is-invalid");
    const first = invalid || swapped.querySelector(".kpi-form select, .kpi-form input:not([type=hidden])");
    if (first) first.focus();
  });

  document.addEventListener("DOMContentLoaded", () => {
    const select = document.getElementById("id_template");
    if (select) toggleBlankFields(select);
  });
})();
