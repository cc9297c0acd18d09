// The timeline: frappe-gantt over the data block rendered by the server (#tl-data, json_script).
// Phases are group bars followed by their tasks; dependencies are arrows; the critical path, days
// off, today and the baseline are drawn with classes only (the CSP forbids inline styles, so the
// library's own shading, which uses style attributes, is replaced). Dropping a dragged bar asks the
// server for the knock-on effect; nothing is saved until the preview is confirmed.
(() => {
  "use strict";
  const root = document.getElementById("timeline");
  const mount = document.getElementById("tl-gantt");
  if (!root || !mount || !window.Gantt) return;
  const htmx = window.htmx;
  const SVG = "http://www.w3.org/2000/svg";
  const DAY = 86400000;
  let data = null;
  let gantt = null;
  let mode = "Day";
  let pending = null;      // the last date change of the bar being dragged
  let previewing = false;  // a preview is open: no other drag until it is saved or cancelled

  // ---- dates ------------------------------------------------------------------------------------
  const pad = (n) => String(n).padStart(2, "0");
  const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  function day(text, last) {
    const [y, m, d] = text.split("-").map(Number);
    return last ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  }
  const span = (a, b) => Math.round((day(b) - day(a)) / DAY);

  // frappe-gantt's own date difference, so that what is drawn here lines up with its bars.
  function diff(a, b, unit) {
    const ms = a - b + (b.getTimezoneOffset() - a.getTimezoneOffset()) * 60000;
    const days = ms / DAY;
    let months = (a.getFullYear() - b.getFullYear()) * 12 + a.getMonth() - b.getMonth() + (days % 30) / 30;
    if (a.getDate() < b.getDate()) months -= 1;
    const value = { day: days, month: months, year: months / 12, hour: days * 24 }[unit];
    return Math.round(value * 100) / 100;
  }
  function xOf(g, date) {
    return (diff(date, g.gantt_start, g.config.unit) / g.config.step) * g.config.column_width;
  }
  function dayWidth(g) {
    const perStep = { day: 1, month: 30, year: 365 }[g.config.unit] || 1;
    return g.config.column_width / (g.config.step * perStep);
  }

  // ---- text -------------------------------------------------------------------------------------
  function esc(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  }

  function popup(ctx) {
    const t = ctx.task.row;
    const L = data.labels;
    ctx.set_title(esc(t.name));
    ctx.set_subtitle(esc(t.kind === "phase" ? L.phase : t.phase));
    const lines = [`${esc(L.window)}: ${esc(t.start)} ~ ${esc(t.end)}`];
    if (t.kind === "task") {
      lines.push(`${esc(L.duration)}: ${t.duration} · ${esc(L.slack)}: ${t.slack}`);
      if (t.owner) lines.push(`${esc(L.owner)}: ${esc(t.owner)} · ${esc(L.status)}: ${esc(t.status)}`);
      if (t.critical) lines.push(`<strong>${esc(L.critical)}</strong>`);
      if (t.baseline) lines.push(`${esc(L.baseline)}: ${esc(t.baseline[0])} ~ ${esc(t.baseline[1])} · ${esc(L.variance)}: ${t.variance > 0 ? "+" : ""}${t.variance}`);
      if (t.early) lines.push(`<span class="tl-pop-warn">${esc(L.conflict.replace("{date}", t.early))}</span>`);
    } else {
      lines.push(esc(L.phase_locked));
    }
    ctx.set_details(lines.join("<br>"));
  }

  // ---- the chart --------------------------------------------------------------------------------
  class TimelineGantt extends window.Gantt {
    // The library shades weekends/holidays and marks today with inline styles: draw them here with
    // classes, from the campaign's calendar and the campaign's "today".
    make_grid_highlights() {
      this.config.ignored_positions = [];
      drawDaysOff(this);
      drawToday(this);
    }

    make_bars() {
      super.make_bars();
      for (const bar of this.bars) {
        for (const cls of bar.task.row.classes || []) bar.group.classList.add(cls);
      }
      drawBaselines(this);
    }

    make_arrows() {
      super.make_arrows();
      for (const arrow of this.arrows) {
        const a = arrow.from_task.task.row;
        const b = arrow.to_task.task.row;
        if (a.critical && b.critical) arrow.element.classList.add("tl-arrow-critical");
      }
    }
  }

  function rect(parent, attrs, cls) {
    const el = document.createElementNS(SVG, "rect");
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.setAttribute("class", cls);
    parent.appendChild(el);
    return el;
  }

  function drawDaysOff(g) {
    const top = g.config.header_height;
    const height = g.grid_height - top;
    const width = dayWidth(g);
    for (const text of data.days_off) {
      const d = day(text);
      if (d < g.gantt_start || d > g.gantt_end) continue;
      rect(g.layers.grid, { x: xOf(g, d), y: top, width, height }, "tl-day-off");
    }
  }

  function drawToday(g) {
    if (g.$today_line) g.$today_line.remove();
    g.$today_line = null;
    const today = day(data.today);
    const button = root.querySelector("[data-tl-today]");
    const inside = today >= g.gantt_start && today <= g.gantt_end;
    if (button) {
      button.disabled = !inside;
      button.title = inside ? "" : data.labels.outside;
    }
    if (!inside) return;
    const x = xOf(g, today) + dayWidth(g) / 2;
    const line = document.createElement("div");
    line.className = "tl-today";
    line.style.left = `${x}px`;
    line.style.top = `${g.config.header_height}px`;
    line.style.height = `${g.grid_height - g.config.header_height}px`;
    line.title = `${data.labels.today} ${data.today}`;
    g.$container.appendChild(line);
    g.$today_line = line;
  }

  function drawBaselines(g) {
    const h = g.options.bar_height;
    for (const bar of g.bars) {
      const t = bar.task.row;
      if (!t.baseline) continue;
      const x1 = xOf(g, day(t.baseline[0]));
      const x2 = xOf(g, new Date(day(t.baseline[1]).getTime() + DAY));
      const cls = `tl-baseline${t.variance > 0 ? " is-late" : t.variance < 0 ? " is-early" : ""}`;
      const el = rect(g.layers.progress, { x: x1, y: bar.y + h + 2, width: Math.max(x2 - x1, 2), height: 4, rx: 1 }, cls);
      el.dataset.task = t.id;
    }
  }

  function ganttTasks() {
    let phase = "";
    return data.rows.map((row) => {
      if (row.kind === "phase") phase = row.name;
      else { row.kind = "task"; row.phase = phase; row.pk = row.id.slice(1); }
      return {
        id: row.id, name: esc(row.name), start: day(row.start), end: day(row.end, true),
        progress: row.progress || 0, dependencies: row.dependencies || [],
        custom_class: row.kind === "phase" ? "tl-phase" : "tl-task", row,
      };
    });
  }

  function scrollTarget() {
    const starts = data.rows.map((r) => r.start).sort();
    return starts.length ? starts[0] : data.today;
  }

  function render(keepScroll) {
    const left = gantt ? gantt.$container.scrollLeft : 0;
    mount.replaceChildren();
    if (!data.rows.length) return;
    gantt = new TimelineGantt(mount, ganttTasks(), {
      view_mode: mode, language: data.lang, readonly: !data.editable, readonly_progress: true,
      move_dependencies: false, infinite_padding: false, holidays: null, today_button: false,
      popup_on: "click", popup, scroll_to: scrollTarget(), bar_height: 26, padding: 16,
      lower_header_height: 28, upper_header_height: 36, container_height: "auto",
      on_date_change: (task, start, end) => { pending = { task, start, end }; },
    });
    if (keepScroll) gantt.$container.scrollLeft = left;
  }

  function load() {
    const block = document.getElementById("tl-data");
    if (!block) return;
    data = JSON.parse(block.textContent);
    render(Boolean(gantt));
  }

  // ---- drag → preview → save or cancel -----------------------------------------------------------
  function dropped() {
    if (!pending) return;
    const { task, start, end } = pending;
    pending = null;
    const row = task.row;
    const newStart = iso(start);
    const newEnd = iso(end);
    if (row.kind !== "task" || (newStart === row.start && newEnd === row.end)) { render(true); return; }
    const moved = span(newStart, newEnd) === span(row.start, row.end);
    const values = moved ? { new_start: newStart } : { new_start: newStart, new_end: newEnd };
    previewing = true;
    root.classList.add("is-previewing");
    if (gantt) gantt.hide_popup();
    const box = document.getElementById("tl-confirm");
    box.innerHTML = "";
    const wait = document.createElement("div");
    wait.className = "tl-confirm-wait small text-secondary";
    wait.textContent = data.labels.loading;
    box.appendChild(wait);
    htmx.ajax("POST", `${data.tasks_url}${row.pk}/preview/`, { source: mount, target: "#tl-confirm", swap: "innerHTML", values })
      .catch(() => { wait.textContent = data.labels.failed; });
  }

  function showPreview() {
    const block = document.getElementById("tl-preview-data");
    if (!block || !gantt) return;
    for (const move of JSON.parse(block.textContent)) {
      const id = move.bar;
      const bar = gantt.get_bar(id);
      if (!bar) continue;
      gantt.update_task(id, { start: day(move.start), end: day(move.end, true) });
      for (const cls of bar.task.row.classes || []) bar.group.classList.add(cls);
      bar.group.classList.add("tl-moved");
      bar.update_arrow_position();
    }
    const save = document.querySelector("#tl-confirm [data-tl-save]");
    if (save) save.focus();
  }

  function cancel() {
    previewing = false;
    root.classList.remove("is-previewing");
    document.getElementById("tl-confirm").replaceChildren();
    render(true);
  }

  // Phases follow their tasks and a pending preview must be answered first: no drag then.
  mount.addEventListener("mousedown", (event) => {
    if (previewing || event.target.closest(".bar-wrapper.tl-phase")) event.stopPropagation();
  }, true);
  document.addEventListener("mouseup", () => window.setTimeout(dropped, 0));

  root.addEventListener("click", (event) => {
    const t = event.target;
    if (t.closest("[data-tl-cancel]")) { cancel(); return; }
    const modeButton = t.closest("[data-tl-mode]");
    if (modeButton) {
      mode = modeButton.dataset.tlMode;
      for (const b of root.querySelectorAll("[data-tl-mode]")) {
        b.classList.toggle("active", b === modeButton);
        b.setAttribute("aria-pressed", String(b === modeButton));
      }
      if (gantt) { gantt.options.scroll_to = scrollTarget(); gantt.change_view_mode(mode); }
      return;
    }
    if (t.closest("[data-tl-today]") && gantt && gantt.$today_line) {
      gantt.$container.scrollTo({ left: Math.max(parseFloat(gantt.$today_line.style.left) - 200, 0), behavior: "smooth" });
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && previewing) cancel();
  });

  // Refused moves and dependencies (409/422) come back as fragments to show in place.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail.target;
    if (target && target.id === "tl-confirm") { showPreview(); return; }
    if (document.getElementById("tl-body") && event.detail.elt && (target.id === "tl-body" || !document.body.contains(target))) {
      if (previewing) {
        previewing = false;
        root.classList.remove("is-previewing");
        document.getElementById("tl-confirm").replaceChildren();
      }
      load();
    }
  });

  load();
})();
