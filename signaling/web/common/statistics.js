// 工作量统计: cases, outcomes, handling time, calls and ratings of the units the account may see,
// as charts with the same figures in a table under each (and as CSV, and a printed report).
// Shared by the approver console, the auditor console and the administration page.

import { get } from "./api.js";
import { h, replace } from "./dom.js";
import { todayInChina } from "./format.js";
import { bi } from "./i18n.js";
import { drawCallHours, drawHandling, drawOutcomes } from "./statistics-charts.js";

const PERIODS = [["week", "按周"], ["month", "按月"], ["quarter", "按季度"], ["year", "按年"]];
const GROUPS = [["", "下一级（默认）"], ["village", "按村"], ["town", "按镇"], ["district", "按区"],
  ["department", "按部门"], ["item", "按事项"], ["approver", "按审批人"]];
const KINDS = { district: "区", town: "镇", village: "村", department: "部门" };

function select(name, options, value = "") {
  return h("select", { name }, options.map(([key, label]) => h("option", { value: key, selected: key === value }, label)));
}

/** The statistics screen: filters, the key figures, three charts with their tables, the groups, the 差评. */
export async function showStatistics(screen, account) {
  const today = todayInChina();
  const form = h("form", { class: "statistics-filters no-print" });
  const fields = {
    period: select("period", PERIODS, "month"),
    from: h("input", { type: "date", name: "from", value: `${today.slice(0, 4)}-01-01` }),
    to: h("input", { type: "date", name: "to", value: today }),
    unit: select("unit", [["", "我能查看的全部单位"]]),
    item: select("item", [["", "全部事项"]]),
    by: select("by", GROUPS),
  };
  const problem = h("div", { class: "error", role: "alert" });
  const results = h("div", { class: "statistics", "aria-live": "polite" });
  replace(form,
    h("div", { class: "inline-fields" },
      h("label", { class: "field" }, bi("统计周期", "Period"), fields.period),
      h("label", { class: "field" }, bi("开始日期", "From"), fields.from),
      h("label", { class: "field" }, bi("结束日期", "To"), fields.to)),
    h("div", { class: "inline-fields" },
      h("label", { class: "field" }, bi("单位范围", "Units"), fields.unit),
      h("label", { class: "field" }, bi("事项", "Item"), fields.item),
      h("label", { class: "field" }, bi("分组", "Group by"), fields.by)),
    h("button", { class: "main", type: "submit" }, bi("查询", "Show")));
  replace(screen,
    h("h1", {}, bi(`${account.unit ? account.unit.name : ""} · 工作量统计`, "Workload statistics")),
    form, problem, results);

  const query = () => new URLSearchParams(
    Object.entries(fields).filter(([, field]) => field.value).map(([name, field]) => [name, field.value])).toString();
  const show = async () => {
    problem.textContent = "";
    try {
      const found = await get(`/api/statistics?${query()}`);
      if (fields.unit.options.length === 1) fillUnits(fields.unit, found.unit_choices);
      await drawResults(results, found, query());
    } catch (error) {
      problem.textContent = error.message;
    }
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); show(); });
  for (const field of [fields.period, fields.unit, fields.item, fields.by]) field.addEventListener("change", show);
  get("/api/items").then((items) => fields.item.append(
    ...items.map((item) => h("option", { value: item.code }, `${item.name}（${item.code}）`))));
  await show();
}

function fillUnits(unitSelect, units) {
  unitSelect.append(...units.map((unit) => h("option", { value: unit.id }, `${unit.name}（${KINDS[unit.kind]}）`)));
}

function figure(label, value, note = "") {
  return h("div", { class: "figure" }, h("dt", {}, label), h("dd", {}, value, note ? h("small", {}, note) : null));
}

const percent = (share) => (share === null ? "—" : `${(share * 100).toFixed(1)}%`);
const number = (value) => (value === null ? "—" : String(value));

async function drawResults(results, found, query) {
  const total = found.total;
  const charts = {
    outcomes: h("div", { class: "chart", "data-chart": "outcomes" }),
    handling: h("div", { class: "chart", "data-chart": "handling" }),
    call_hours: h("div", { class: "chart tall", "data-chart": "call_hours" }),
  };
  const span = `${found.counted_from} 至 ${found.counted_to}`;
  const printable = ["month", "quarter"].includes(found.period);
  replace(results,
    h("p", { class: "counted" }, `统计期间：${span}（按整${found.period === "week" ? "周" : "月"}计）`,
      found.unit_names.length ? `；范围：${found.unit_names.join("、")}` : "",
      found.item_name ? `；事项：${found.item_name}` : ""),
    h("dl", { class: "figures" },
      figure("受理", number(total.opened), "件"),
      figure("作出决定", number(total.decided), "件"),
      figure("办结", number(total.closed), "件"),
      figure("办理用时中位数", number(total.handling_days_median), "个工作日"),
      figure("超期", number(total.overdue), `件（${percent(total.overdue_rate)}）`),
      figure("补充材料率", percent(total.supplement_rate)),
      figure("视频连线接通", `${total.calls_held}/${total.calls}`, "次"),
      figure("平均评分", number(total.rating_mean), `（${total.ratings} 条评价，差评 ${percent(total.bad_share)}）`)),
    h("p", { class: "no-print actions" },
      h("button", { type: "button", onclick: () => window.print() }, bi("打印本页", "Print")),
      printable ? h("a", { class: "button", href: `/api/statistics.pdf?${reportQuery(query, found)}`, download: "" },
        bi(`下载${found.period === "month" ? "月" : "季度"}报表（PDF）`, "Report (PDF)")) : null),
    section(found, "outcomes", query, charts.outcomes),
    section(found, "handling", query, charts.handling),
    section(found, "call_hours", query, charts.call_hours),
    section(found, "groups", query),
    section(found, "bad_comments", query));
  await Promise.all([drawOutcomes(charts.outcomes, found), drawHandling(charts.handling, found),
    drawCallHours(charts.call_hours, found)]);
}

/** The report covers the month or quarter the range ends in. */
function reportQuery(query, found) {
  const params = new URLSearchParams(query);
  params.set("from", found.to);
  params.delete("to");
  return params.toString();
}

function section(found, name, query, chart = null) {
  const table = found.tables[name];
  return h("section", { class: "statistic", "data-table": name },
    h("h2", {}, table.title),
    chart,
    table.rows.length ? tableOf(table) : h("p", { class: "note" }, "这段时间没有记录。"),
    h("p", { class: "no-print" }, h("a", { class: "button", href: `/api/statistics.csv?${query}&table=${name}`, download: "" },
      bi("下载此表（CSV）", "This table as CSV"))));
}

function tableOf(table) {
  return h("div", { class: "table-scroll", tabindex: "0", role: "region", "aria-label": table.title },
    h("table", { class: "grid" },
      h("thead", {}, h("tr", {}, table.columns.map((column) => h("th", { scope: "col" }, column)))),
      h("tbody", {}, table.rows.map((row) => h("tr", {}, row.map((cell, index) =>
        index === 0 ? h("th", { scope: "row" }, cell) : h("td", {}, cell)))))));
}
