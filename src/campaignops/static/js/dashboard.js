// The live KPI dashboard: draws the daily/pace chart (ECharts, zh/en locale) from the JSON block of the
// board fragment, polls the "changed since" probe every few seconds and, when the numbers change,
// reloads the board fragment in place. No inline script: everything comes from data- attributes (CSP).
(() => {
  "use strict";
  const root = document.getElementById("dash-board");
  if (!root) return;
  let chart = null;
  let picked = null;

  function data() {
    const el = document.getElementById("dash-chart-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function options(d) {
    const sel = document.getElementById("dash-chart-pick");
    const choices = [];
    d.kpis.forEach((k) => choices.push({ value: "kpi:" + k.id, text: k.label, metric: k.metric, kpi: String(k.id) }));
    Object.keys(d.series).forEach((m) => {
      if (!d.kpis.some((k) => k.metric === m)) choices.push({ value: "metric:" + m, text: d.names[m] || m, metric: m });
    });
    if (sel) {
      sel.replaceChildren(...choices.map((c) => {
        const o = document.createElement("option");
        o.value = c.value;
        o.textContent = c.text;
        return o;
      }));
      if (picked && choices.some((c) => c.value === picked)) sel.value = picked;
      picked = sel.value;
    }
    return choices.find((c) => c.value === picked) || choices[0];
  }

  function draw() {
    const d = data();
    const el = document.getElementById("dash-chart");
    if (!d || !el || !window.echarts) return;
    const choice = options(d);
    if (chart) chart.dispose();
    chart = window.echarts.init(el, null, { locale: root.dataset.locale || "EN", renderer: "canvas" });
    if (!choice) return;
    const s = d.series[choice.metric] || { online: [], offline: [] };
    const series = [
      { name: d.labels.online, type: "bar", stack: "day", data: s.online, itemStyle: { color: "#0d6efd" } },
      { name: d.labels.offline, type: "bar", stack: "day", data: s.offline, itemStyle: { color: "#fd7e14" } },
    ];
    const pace = choice.kpi ? d.pace[choice.kpi] : null;
    if (pace) {
      series.push({ name: d.labels.actual, type: "line", yAxisIndex: 1, data: pace.actual, symbol: "none",
                    lineStyle: { width: 3 }, itemStyle: { color: "#198754" } });
      series.push({ name: d.labels.expected, type: "line", yAxisIndex: 1, data: pace.expected, symbol: "none",
                    lineStyle: { type: "dashed" }, itemStyle: { color: "#6c757d" } });
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 64, top: 36, bottom: 28 },
      xAxis: { type: "category", data: d.days.map((x) => x.slice(5)) },
      yAxis: [{ type: "value", name: d.labels.daily }, { type: "value", splitLine: { show: false } }],
      series,
    });
  }

  function stamp() {
    const el = document.getElementById("dash-updated");
    if (el) el.textContent = (root.dataset.updatedText || "") + " " + new Date().toLocaleTimeString();
  }

  async function refresh() {
    const response = await fetch(root.dataset.fragmentUrl, { credentials: "same-origin",
                                                             headers: { "X-Requested-With": "fetch" } });
    if (!response.ok) return;
    const html = await response.text();
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const fresh = holder.querySelector(".dash-content");
    const current = root.querySelector(".dash-content");
    if (!fresh || !current) return;
    current.replaceWith(fresh);
    root.dataset.token = fresh.dataset.token;
    draw();
    stamp();
  }

  async function poll() {
    try {
      const url = root.dataset.probeUrl + "?since=" + encodeURIComponent(root.dataset.token || "");
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (response.ok) {
        const body = await response.json();
        if (body.changed) await refresh();
      }
    } catch (err) {
      // offline for a moment: try again at the next tick
    }
    window.setTimeout(poll, Number(root.dataset.interval) || 5000);
  }

  document.addEventListener("change", (event) => {
    if (event.target && event.target.id === "dash-chart-pick") {
      picked = event.target.value;
      draw();
    } else if (event.target && event.target.classList.contains("js-submit-on-change")) {
      event.target.form.submit();
    }
  });
  window.addEventListener("resize", () => chart && chart.resize());
  draw();
  window.setTimeout(poll, Number(root.dataset.interval) || 5000);
})();
