// 查找办件: every case, narrowed by unit, item, opening dates, state, problem flag and hold.

import { get } from "/common/api.js";
import { caseCard } from "/common/case-parts.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { STATES } from "/common/names.js";
import { errorBox } from "/common/notice.js";
import { caseFlags } from "./flags.js";

const KINDS = [["district", "区"], ["town", "镇"], ["village", "村"], ["department", "部门"]];
const LEVELS = [["village", "村级事项"], ["town", "镇级事项"], ["district", "区级事项"]];
let chosen = new URLSearchParams(); // kept while the tab lives: back from a case, the same search shows

export function showSearch(screen) {
  const fields = searchFields();
  const results = h("div", { class: "results", "aria-live": "polite" });
  const form = h("form", { class: "case-search", role: "search" }, fields.element,
    h("button", { class: "main", type: "submit" }, bi("查找", "Search")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    chosen = fields.query();
    showResults(results, chosen);
  });
  replace(screen, h("h1", {}, bi("查找办件", "Find cases")), form, results);
  fields.fill(chosen);
  showResults(results, chosen);
}

/** The search form's fields; query() reads them as the API's parameters, fill() puts them back. */
function searchFields() {
  const unit = h("select", { name: "unit" }, h("option", { value: "" }, "全部单位 · All units"));
  const item = h("select", { name: "item" }, h("option", { value: "" }, "全部事项 · All items"));
  const state = h("select", { name: "state" }, h("option", { value: "" }, "全部状态 · All states"),
    Object.entries(STATES).map(([key, [zh, en]]) => h("option", { value: key }, `${zh} · ${en}`)));
  const inputs = {
    unit, item, state,
    from: h("input", { type: "date", name: "from" }),
    to: h("input", { type: "date", name: "to" }),
    number: h("input", { name: "number", placeholder: "例如 0007", autocomplete: "off" }),
  };
  const flags = { problem: h("input", { type: "checkbox", name: "problem" }), held: h("input", { type: "checkbox", name: "held" }) };
  const field = (zh, en, input) => h("label", { class: "field" }, bi(zh, en), input);
  const element = h("div", {},
    h("div", { class: "inline-fields" }, field("单位", "Unit", unit), field("事项", "Item", item)),
    h("div", { class: "inline-fields" }, field("受理日期从", "Opened from", inputs.from), field("到", "to", inputs.to),
      field("状态", "State", state), field("办件编号", "Case number", inputs.number)),
    h("div", { class: "inline-fields" },
      h("label", { class: "big" }, flags.problem, bi("只看问题件", "Problem cases only")),
      h("label", { class: "big" }, flags.held, bi("只看已保全的", "On legal hold only"))));
  const filled = loadChoices(unit, item);
  const query = () => {
    const params = new URLSearchParams();
    for (const [name, input] of Object.entries(inputs)) if (input.value.trim()) params.set(name, input.value.trim());
    for (const [name, box] of Object.entries(flags)) if (box.checked) params.set(name, "1");
    return params;
  };
  const fill = async (params) => {
    await filled; // the unit and item choices arrive from the server
    for (const [name, input] of Object.entries(inputs)) input.value = params.get(name) || "";
    for (const [name, box] of Object.entries(flags)) box.checked = params.get(name) === "1";
  };
  return { element, query, fill };
}

/** Fill the unit and item choices (grouped by kind and level, bundles last). */
async function loadChoices(unit, item) {
  try {
    const [units, items, bundles] = await Promise.all([get("/api/units"), get("/api/items"), get("/api/bundles")]);
    unit.append(...KINDS.map(([kind, label]) => h("optgroup", { label },
      units.filter((u) => u.kind === kind).map((u) => h("option", { value: u.id }, u.name)))));
    item.append(...LEVELS.map(([level, label]) => h("optgroup", { label },
      items.filter((i) => i.level === level).map((i) => h("option", { value: i.code }, `${i.title}（${i.name}）`)))),
    h("optgroup", { label: "一件事" }, bundles.map((b) => h("option", { value: b.code }, b.title || b.name))));
  } catch (error) {
    unit.after(errorBox(error));
  }
}

async function showResults(results, params) {
  replace(results, h("p", {}, bi("正在查找……", "Searching…")));
  let cases;
  try {
    cases = await get(`/api/search/cases?${params}`);
  } catch (error) {
    replace(results, errorBox(error));
    return;
  }
  if (!cases.length) {
    replace(results, h("p", { class: "note" }, bi("没有符合条件的办件。", "No cases match.")));
    return;
  }
  replace(results, h("p", {}, bi(`找到 ${cases.length} 件（最新的在前，最多显示 200 件）`, "Newest first")),
    h("ul", { class: "cards" }, cases.map(flaggedCard)));
}

function flaggedCard(kase) {
  const card = caseCard(kase, `#/case/${kase.id}`);
  card.querySelector(".card > div:nth-child(2)").append(" ", ...caseFlags(kase).filter(Boolean));
  return card;
}
