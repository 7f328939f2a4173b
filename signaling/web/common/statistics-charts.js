// The statistics charts, drawn by Apache ECharts (vendored in vendor/echarts/, loaded only here).
// Canvas rendering and a canvas tooltip: nothing inline that the pages' CSP would refuse.
// Large type for older readers; ECharts' aria description says in words what each chart shows.

const OUTCOMES = [
  ["approved", "批准", "#17622d"],
  ["refused", "不予批准", "#a4161a"],
  ["withdrawn", "群众撤回", "#595959"],
  ["awaiting_supplement", "待补充材料", "#b36b00"],
  ["in_progress", "办理中", "#0b4f9c"],
];
export const WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const TEXT = { fontSize: 18, color: "#111", fontFamily: "sans-serif" };

let loading = null;
const echarts = () => (loading ||= import("./vendor/echarts/echarts.esm.min.mjs"));

/** Draw (or redraw) a chart into element; the chart follows the element's width. */
async function draw(element, option) {
  const lib = await echarts();
  const chart = lib.getInstanceByDom(element) || lib.init(element, null, { renderer: "canvas", locale: "ZH" });
  chart.setOption({
    aria: { enabled: true },
    animation: false, // a printed page and a slow PC show the final chart at once
    textStyle: TEXT,
    tooltip: { renderMode: "richText", textStyle: TEXT },
    legend: { top: 0, textStyle: TEXT, itemWidth: 28, itemHeight: 18 },
    grid: { left: 24, right: 24, top: 56, bottom: 24, containLabel: true },
    ...option,
  }, true);
  if (!element.resizing) {
    element.resizing = new ResizeObserver(() => chart.resize());
    element.resizing.observe(element);
  }
  return chart;
}

const axisLabel = { fontSize: 18, color: "#111" };

/** 各期受理办件及结果: a stacked bar per period, one colour per outcome. */
export function drawOutcomes(element, found) {
  return draw(element, {
    xAxis: { type: "category", data: found.periods.map((p) => p.label), axisLabel },
    yAxis: { type: "value", name: "件", minInterval: 1, axisLabel, nameTextStyle: TEXT },
    series: OUTCOMES.map(([key, name, color]) => ({
      name, type: "bar", stack: "outcome", itemStyle: { color },
      data: found.periods.map((p) => p.outcomes[key]),
    })),
  });
}

/** 各期办理用时: the median and the 90th percentile in working days. */
export function drawHandling(element, found) {
  const line = (name, key, color, dashed) => ({
    name, type: "line", symbolSize: 10, connectNulls: false, itemStyle: { color },
    lineStyle: { width: 3, type: dashed ? "dashed" : "solid" },
    data: found.periods.map((p) => p[key]),
  });
  return draw(element, {
    xAxis: { type: "category", data: found.periods.map((p) => p.label), axisLabel },
    yAxis: { type: "value", name: "工作日", minInterval: 1, axisLabel, nameTextStyle: TEXT },
    series: [line("中位数", "handling_days_median", "#0b4f9c", false),
      line("90%分位", "handling_days_p90", "#a4161a", true)],
  });
}

/** 视频连线时段: calls rung per weekday and hour, darker where the window is busiest. */
export function drawCallHours(element, found) {
  const cells = [];
  found.call_hours.forEach((hours, day) => hours.forEach((count, hour) => cells.push([hour, day, count])));
  const most = Math.max(1, ...cells.map((cell) => cell[2]));
  return draw(element, {
    legend: { show: false },
    grid: { left: 24, right: 24, top: 24, bottom: 80, containLabel: true },
    xAxis: { type: "category", data: [...Array(24).keys()].map((hour) => `${hour}时`), axisLabel, splitArea: { show: true } },
    yAxis: { type: "category", data: WEEKDAYS, inverse: true, axisLabel, splitArea: { show: true } },
    visualMap: {
      min: 0, max: most, calculable: false, orient: "horizontal", left: "center", bottom: 0,
      textStyle: TEXT, inRange: { color: ["#f2f4f7", "#9ec3ea", "#0b4f9c", "#083a73"] },
      text: ["多", "少"],
    },
    series: [{ name: "视频连线", type: "heatmap", data: cells, label: { show: false } }],
  });
}
