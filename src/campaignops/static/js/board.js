// The board: drag a card to another column to change the task's status (SortableJS). The move is
// posted with the version the card showed; a conflict (409) or an error puts the card back where
// it was, with a message. The board redraws itself after a progress update (progress-saved).
(() => {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function counts(wrap) {
    wrap.querySelectorAll(".board-list").forEach((list) => {
      const badge = wrap.querySelector(`[data-count-for="${list.dataset.status}"]`);
      if (badge) badge.textContent = String(list.querySelectorAll(":scope > .board-card").length);
      const empty = list.querySelector(":scope > .board-empty");
      if (empty) empty.hidden = list.querySelector(":scope > .board-card") !== null;
    });
  }

  function replaceCard(card, html) {
    const tpl = document.createElement("template");
    tpl.innerHTML = html.trim();
    const fresh = tpl.content.firstElementChild;
    if (fresh && fresh.classList.contains("board-card")) {
      card.replaceWith(fresh);
      if (window.htmx) window.htmx.process(fresh);
    }
  }

  function putBack(evt) {
    const cards = evt.from.querySelectorAll(":scope > .board-card");
    evt.from.insertBefore(evt.item, cards[evt.oldDraggableIndex] || null);
  }

  function triggered(response, name) {
    try { return JSON.parse(response.headers.get("HX-Trigger") || "{}")[name]; } catch (e) { return null; }
  }

  function say(level, text) {
    if (window.CampaignProgress) window.CampaignProgress.showMessage(level, text);
  }

  async function moved(evt) {
    if (evt.from === evt.to) return;
    const card = evt.item;
    const wrap = card.closest("#board-wrap");
    const alertBox = document.getElementById("progress-alert");
    card.classList.add("is-saving");
    counts(wrap);
    try {
      const response = await fetch(card.dataset.moveUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
        body: new URLSearchParams({ status: evt.to.dataset.status, version: card.dataset.version }),
      });
      const html = await response.text();
      if (response.ok) {
        replaceCard(card, html);
      } else {
        putBack(evt);
        if (response.status === 409) {
          replaceCard(card, html);
          const message = triggered(response, "progress-message");
          say("warning", message && message.text);
        } else {
          say("danger", response.status === 403 ? alertBox.dataset.forbidden : alertBox.dataset.failed);
        }
      }
    } catch (e) {
      putBack(evt);
      say("danger", alertBox.dataset.failed);
    }
    card.classList.remove("is-saving");
    counts(wrap);
  }

  function init(root) {
    const wrap = root.id === "board-wrap" ? root : root.querySelector && root.querySelector("#board-wrap");
    if (!wrap || !wrap.dataset.editable || !window.Sortable) return;
    wrap.classList.add("is-draggable");
    wrap.querySelectorAll(".board-list").forEach((list) => {
      if (list.dataset.sortable) return;
      list.dataset.sortable = "1";
      window.Sortable.create(list, {
        group: "board", animation: 120, draggable: ".board-card", filter: "a, button", preventOnFilter: false,
        ghostClass: "is-ghost", chosenClass: "is-chosen", onEnd: moved,
      });
    });
  }

  init(document);
  document.addEventListener("htmx:load", (event) => init(event.detail.elt));
})();
