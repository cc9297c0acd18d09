// The plan table: edit rows in place, one-click status menu, row menu (move, delete).
// No inline script (strict CSP): everything is delegated from the document.
(() => {
  "use strict";
  document.documentElement.classList.add("js");
  const htmx = window.htmx;
  let openMenu = null;

  function closeMenu() {
    if (openMenu) { openMenu.remove(); openMenu = null; }
  }

  function showMenu(templateId, anchor, onPick) {
    closeMenu();
    const tpl = document.getElementById(templateId);
    if (!tpl) return;
    const menu = tpl.content.firstElementChild.cloneNode(true);
    document.body.appendChild(menu);
    const r = anchor.getBoundingClientRect();
    const left = Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - menu.offsetWidth - 8);
    menu.style.left = `${Math.max(left, 4)}px`;
    menu.style.top = `${r.bottom + window.scrollY + 2}px`;
    menu.addEventListener("click", (event) => {
      const item = event.target.closest(".dropdown-item");
      if (!item) return;
      closeMenu();
      onPick(item);
    });
    openMenu = menu;
    const first = menu.querySelector(".dropdown-item");
    if (first) first.focus();
  }

  function rowOf(el) { return el.closest("tr.task-row"); }

  function request(verb, url, row, values) {
    return htmx.ajax(verb, url, { source: row, target: row, swap: "outerHTML", values: values || {} });
  }

  function editRow(row, field) {
    const url = `${row.dataset.u}edit/${field ? `?focus=${encodeURIComponent(field)}` : ""}`;
    return request("GET", url, row);
  }

  function rowAction(row, item) {
    const act = item.dataset.act;
    if (act === "edit") return editRow(row, "");
    if (act === "progress" && window.CampaignProgress) return window.CampaignProgress.open(`${row.dataset.u}progress/`);
    if (act === "up" || act === "down") return request("POST", `${row.dataset.u}move/`, row, { direction: act });
    if (act === "delete" && window.confirm(item.dataset.confirmText)) return request("POST", `${row.dataset.u}delete/`, row);
    return null;
  }

  document.addEventListener("click", (event) => {
    const t = event.target;
    if (openMenu && !openMenu.contains(t)) closeMenu();
    if (!htmx) return;
    const badge = t.closest(".js-st");
    if (badge) {
      const row = rowOf(badge);
      showMenu("status-menu-tpl", badge, (item) =>
        request("POST", `${row.dataset.u}status/`, row, { status: item.dataset.status, version: row.dataset.v }));
      event.stopPropagation();
      return;
    }
    const more = t.closest(".js-more");
    if (more) {
      const row = rowOf(more);
      showMenu("row-menu-tpl", more, (item) => rowAction(row, item));
      event.stopPropagation();
      return;
    }
    const edit = t.closest(".js-edit");
    if (edit && rowOf(edit)) {
      event.preventDefault();
      editRow(rowOf(edit), "");
      return;
    }
    const cell = t.closest(".plan-table.is-editable tr.task-row td[data-f]");
    if (cell && !t.closest("a, button") && !String(window.getSelection() || "")) {
      editRow(rowOf(cell), cell.dataset.f);
      return;
    }
    const remove = t.closest("[data-remove-row]");
    if (remove) { remove.closest("tr").remove(); return; }
    const link = t.closest("[data-link-owner]");
    if (link) {
      const select = document.getElementById(link.dataset.for);
      if (select) { select.value = link.dataset.linkOwner; select.focus(); }
    }
  });

  document.addEventListener("scroll", closeMenu, true);
  window.addEventListener("resize", closeMenu);

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      if (openMenu) { closeMenu(); return; }
      const form = event.target.closest && event.target.closest("tr.task-edit, tr.phase-edit");
      const cancel = form && form.querySelector("[hx-get], [data-remove-row]");
      if (cancel) cancel.click();
    }
  });

  // "+ Task" / "Add phase" twice: focus the form already open instead of opening a second one.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const id = event.detail.elt.dataset && event.detail.elt.dataset.newRow;
    const open = id && document.getElementById(id);
    if (open) {
      event.preventDefault();
      const first = open.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    }
  });

  // Validation errors (422) and edit conflicts (409) come back as the form to show in place.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (status === 403) {
      const box = document.getElementById("plan-alert");
      showMessage("danger", (box && box.dataset.forbidden) || event.detail.xhr.statusText);
    }
  });

  function showMessage(level, text) {
    const box = document.getElementById("plan-alert");
    if (!box) return;
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

  document.body.addEventListener("plan-message", (event) => showMessage(event.detail.level || "info", event.detail.text));

  // The row that just came back flashes briefly so the eye finds it.
  document.addEventListener("htmx:afterSwap", (event) => {
    const old = event.detail.target;
    const el = old && old.id ? document.getElementById(old.id) : null;
    if (el && el.classList.contains("task-row")) {
      el.classList.add("is-flash");
      window.setTimeout(() => el.classList.remove("is-flash"), 900);
    }
  });
})();
