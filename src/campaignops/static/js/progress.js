// One-click progress updates. Any element with data-progress-url (board cards, the daily table,
// the month calendar, "my tasks", the plan table's row menu through CampaignProgress.open) opens
// the update form in a dialog; after a save the server sends "progress-saved" and each page
// refreshes what shows the task. No inline script (strict CSP): everything is delegated.
(() => {
  "use strict";
  document.documentElement.classList.add("js");
  const htmx = window.htmx;
  let modal = null;

  function ensureModal() {
    let el = document.getElementById("progress-modal");
    if (!el) {
      el = document.createElement("div");
      el.id = "progress-modal";
      el.className = "modal fade";
      el.tabIndex = -1;
      el.setAttribute("aria-labelledby", "progress-dialog-title");
      el.setAttribute("aria-hidden", "true");
      const dialog = document.createElement("div");
      dialog.className = "modal-dialog modal-dialog-centered";
      const content = document.createElement("div");
      content.className = "modal-content progress-dialog";
      content.id = "progress-dialog";
      dialog.appendChild(content);
      el.appendChild(dialog);
      document.body.appendChild(el);
      el.addEventListener("shown.bs.modal", () => {
        const first = el.querySelector(".status-picks input:checked, .status-picks input");
        if (first) first.focus();
      });
    }
    modal = window.bootstrap.Modal.getOrCreateInstance(el);
    return el;
  }

  function open(url) {
    if (!htmx || !window.bootstrap) { window.location.href = url; return; }
    ensureModal();
    htmx.ajax("GET", url, { target: "#progress-dialog", swap: "outerHTML" }).then(() => modal.show());
  }
  window.CampaignProgress = { open };

  function showMessage(level, text) {
    const box = document.getElementById("progress-alert") || document.getElementById("plan-alert");
    if (!box || !text) return;
    const div = document.createElement("div");
    div.className = `alert alert-${level} alert-dismissible py-2 small`;
    div.setAttribute("role", "alert");
    div.textContent = text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("data-bs-dismiss", "alert");
    close.setAttribute("aria-label", "×");
    div.appendChild(close);
    box.replaceChildren(div);
  }
  window.CampaignProgress.showMessage = showMessage;

  document.addEventListener("click", (event) => {
    const opener = event.target.closest("[data-progress-url]");
    if (opener && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      open(opener.dataset.progressUrl);
      return;
    }
    const pct = event.target.closest(".progress-dialog [data-pct]");
    if (pct) {
      const input = pct.closest("form").querySelector("input[name=percent_complete]");
      input.value = pct.dataset.pct;
    }
  });

  // Choosing "Done" means 100 %.
  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.name === "status" && el.value === "done" && el.closest(".progress-dialog")) {
      const input = el.closest("form").querySelector("input[name=percent_complete]");
      if (input) input.value = "100";
    }
  });

  // Input errors (422) and a conflict (409) come back as the form, shown in place.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if ((status === 409 || status === 422) && event.detail.target && event.detail.target.id === "progress-dialog") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status === 403) {
      const box = document.getElementById("progress-alert");
      showMessage("danger", box && box.dataset.forbidden);
    }
  });

  document.body.addEventListener("progress-saved", (event) => {
    if (modal) modal.hide();
    // On the plan table: redraw the task's row (its status, and the version it edits with).
    const row = document.querySelector(`tr#t${event.detail.task}.task-row`);
    if (row && row.dataset.u && htmx) htmx.ajax("GET", row.dataset.u, { source: row, target: row, swap: "outerHTML" });
  });
  document.body.addEventListener("progress-message", (event) => showMessage(event.detail.level || "info", event.detail.text));
})();
