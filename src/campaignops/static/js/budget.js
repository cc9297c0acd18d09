// Budget page charts (ECharts, zh/en locale) and the approval form's print button. No inline script:
// the data comes from the JSON block rendered by the template (#budget-chart-data).
(function () {
  "use strict";

  const printButton = document.querySelector(".js-print");
  if (printButton) printButton.addEventListener("click", () => window.print());

  const dataEl = document.getElementById("budget-chart-data");
  if (!dataEl || typeof echarts === "undefined") return;
  const data = JSON.parse(dataEl.textContent);
  const num = (v) => Number(v);
  const fmt = (v) => Number(v).toLocaleString(undefined, { minimumFractionDigits: 0, maximumFractionDigits: 2 });
  // Tooltips drawn on the canvas (richText): HTML tooltips would need inline style attributes, which
  // the strict CSP refuses.
  const tooltip = { trigger: "axis", renderMode: "richText", valueFormatter: (v) => data.currency + " " + fmt(v) };

  function init(el) {
    const locale = (el.dataset.locale || "en").toLowerCase().startsWith("zh") ? "ZH" : "EN";
    const chart = echarts.init(el, null, { locale: locale, renderer: "canvas" });
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }

  const barEl = document.getElementById("budget-chart");
  if (barEl) {
    const chart = init(barEl);
    chart.setOption({
      animation: false,
      color: ["#9bb0cc", "#f59f00", "#2f9e44"],
      tooltip: tooltip,
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 4, top: 36, containLabel: true },
      xAxis: { type: "category", data: data.categories,
               axisLabel: { interval: 0, width: 72, overflow: "break", lineHeight: 14 } },
      yAxis: { type: "value", axisLabel: { formatter: (v) => fmt(v) } },
      series: data.series.map((s) => ({ name: s.name, type: "bar", data: s.data.map(num), barMaxWidth: 28 })),
    });
    barEl.dataset.ready = "1";
  }

  const burnEl = document.getElementById("burn-chart");
  if (burnEl) {
    const chart = init(burnEl);
    chart.setOption({
      animation: false,
      color: ["#2f9e44", "#adb5bd"],
      tooltip: tooltip,
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "time", axisLabel: { formatter: "{MM}-{dd}", hideOverlap: true } },
      yAxis: { type: "value", axisLabel: { formatter: (v) => fmt(v) } },
      series: [
        { name: data.burn.name, type: "line", step: "end", symbolSize: 6,
          data: data.burn.points.map((p) => [p[0], num(p[1])]) },
        { name: data.plan_label, type: "line", symbol: "none", lineStyle: { type: "dashed" },
          data: data.burn.points.length ? [[data.burn.points[0][0], num(data.plan_total)],
            [data.burn.points[data.burn.points.length - 1][0], num(data.plan_total)]] : [] },
      ],
    });
    burnEl.dataset.ready = "1";
  }
})();
