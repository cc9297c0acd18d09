// Stand-up, issue log, risk register and adjustment log: small behaviours, no inline script (strict CSP).
(() => {
  "use strict";
  document.documentElement.classList.add("js");

  // Validation errors (422) and edit conflicts (409) come back as the form to show in place;
  // a refusal (403) is said in words.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status === 403) {
      const box = document.getElementById("risk-alert");
      if (box) {
        const div = document.createElement("div");
        div.className = "alert alert-danger py-2 small";
        div.setAttribute("role", "alert");
        div.textContent = box.dataset.forbidden || event.detail.xhr.statusText;
        box.replaceChildren(div);
      }
    }
  });

  // "Activate contingency": the confirmation (then the result) is loaded into the modal.
  function modal() {
    const el = document.getElementById("risk-modal");
    return el && window.bootstrap ? window.bootstrap.Modal.getOrCreateInstance(el) : null;
  }

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "risk-modal-body") {
      const m = modal();
      if (m) m.show();
      const focus = target.querySelector(".js-activate-confirm:not([disabled]), .btn-primary");
      if (focus) window.setTimeout(() => focus.focus(), 150);
    }
  });

  // Marks the dialog fully open (after its fade-in), for people using the keyboard and for tests.
  document.addEventListener("shown.bs.modal", (event) => {
    if (event.target.id === "risk-modal") event.target.dataset.shown = "1";
  });

  document.addEventListener("hidden.bs.modal", (event) => {
    if (event.target.id !== "risk-modal") return;
    delete event.target.dataset.shown;
    const body = document.getElementById("risk-modal-body");
    // After an activation the register (or the risk) has changed: show it as it is now.
    if (body && body.querySelector("[data-activated]")) window.location.reload();
    else if (body) body.replaceChildren();
  });

  document.addEventListener("click", (event) => {
    const clear = event.target.closest("[data-clear]");
    if (clear) {
      const box = document.querySelector(clear.dataset.clear);
      if (box) box.replaceChildren();
      return;
    }
    const add = event.target.closest(".js-su-add-item");
    if (add) addActionItem();
    const timer = event.target.closest(".js-su-timer");
    if (timer) toggleTimer(timer);
  });

  // Stand-up: one more action-item row (a Django formset: bump TOTAL_FORMS).
  function addActionItem() {
    const tpl = document.getElementById("su-item-tpl");
    const total = document.getElementById("id_ai-TOTAL_FORMS");
    const box = document.getElementById("su-items");
    if (!tpl || !total || !box) return;
    const index = Number(total.value);
    const html = tpl.innerHTML.replace(/__prefix__/g, String(index));
    box.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const first = box.lastElementChild && box.lastElementChild.querySelector("input[type=text]");
    if (first) first.focus();
  }

  // Stand-up: the 15-minute timer.
  let timerId = null;
  function toggleTimer(button) {
    const text = button.querySelector(".js-su-timer-text");
    if (timerId) {
      window.clearInterval(timerId);
      timerId = null;
      button.classList.remove("is-running", "is-over");
      if (text && button.dataset.label) text.textContent = button.dataset.label;
      return;
    }
    if (text && !button.dataset.label) button.dataset.label = text.textContent;
    const end = Date.now() + Number(button.dataset.minutes || 15) * 60000;
    button.classList.add("is-running");
    const tick = () => {
      const left = Math.round((end - Date.now()) / 1000);
      if (left <= 0) {
        button.classList.add("is-over");
        if (text) text.textContent = button.dataset.over || "0:00";
        return;
      }
      const m = Math.floor(left / 60);
      const s = String(left % 60).padStart(2, "0");
      if (text) text.textContent = `${m}:${s}`;
    };
    tick();
    timerId = window.setInterval(tick, 1000);
  }
})();
