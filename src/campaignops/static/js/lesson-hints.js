// Lessons beside the plan rows (lessons app). The plan page holds a hidden #lesson-hints box that
// htmx fills from /campaigns/<id>/lesson-hints/; each <template data-after="t<row id>"> there is
// a table row placed right after its plan row. When the table is redrawn (filters, a lesson turned
// into a task or a note), the hints are fetched again and placed again.
(function () {
  "use strict";

  function place() {
    const store = document.getElementById("lesson-hints");
    if (!store) return;
    const toolbar = document.querySelector(".plan-toolbar");
    const tool = store.querySelector("template[data-toolbar]");
    if (toolbar && tool && !toolbar.querySelector(".js-lesson-refresh")) {
      const button = tool.content.firstElementChild.cloneNode(true);
      toolbar.prepend(button);
      window.htmx.process(button);
    }
    document.querySelectorAll("tr.lesson-hint-row").forEach((tr) => tr.remove());
    store.querySelectorAll("template[data-after]").forEach((tpl) => {
      const row = document.getElementById(tpl.dataset.after);
      if (!row) return;
      const tr = tpl.content.firstElementChild.cloneNode(true);
      tr.firstElementChild.colSpan = row.cells.length;
      row.after(tr);
      window.htmx.process(tr);
    });
  }

  function reloadHints() {
    const store = document.getElementById("lesson-hints");
    if (store) window.htmx.trigger(store, "lessons-reload");
  }

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (!target) return;
    if (target.id === "lesson-hints") place();
    else if (target.id === "plan-table-wrap") reloadHints();
    else if (target.id && target.id.startsWith("pg-")) reloadHints();   // a phase group was redrawn
  });

  // A lesson turned into a task or a note changes the plan (the server says so with HX-Trigger):
  // redraw the table, its hints follow.
  document.body.addEventListener("lessons-plan-changed", () => {
    const store = document.getElementById("lesson-hints");
    if (!store || !store.dataset.plan) return;
    window.htmx.ajax("GET", store.dataset.plan, {target: "#plan-table-wrap", swap: "outerHTML"});
  });
})();
