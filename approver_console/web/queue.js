// 办件队列: the cases this account may see, overdue first, then by due time; filter by state.

import { get } from "/common/api.js";
import { caseCard } from "/common/case-parts.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { STATES } from "/common/names.js";
import { errorBox } from "/common/notice.js";

const OPEN = "open"; // every state but closed: what is still to be done
const ALL = "all";
let chosenFilter = OPEN; // kept while the tab lives, so going back to the queue keeps the filter

export async function showQueue(screen, account) {
  const list = h("div", { class: "queue" });
  const filter = h("select", { name: "state" },
    h("option", { value: OPEN }, "未办结 · Open"),
    h("option", { value: ALL }, "全部 · All"),
    Object.entries(STATES).map(([state, [zh, en]]) => h("option", { value: state }, `${zh} · ${en}`)));
  filter.value = chosenFilter;
  filter.addEventListener("change", () => {
    chosenFilter = filter.value;
    load(list, chosenFilter);
  });
  replace(screen,
    h("h1", {}, bi(`${account.unit.name} · 办件队列`, "Case queue")),
    h("label", { class: "field" }, bi("按状态筛选", "Filter by state"), filter),
    list);
  await load(list, chosenFilter);
}

async function load(list, wanted) {
  replace(list, h("p", {}, bi("正在读取……", "Loading…")));
  const query = wanted === OPEN || wanted === ALL ? "" : `?state=${encodeURIComponent(wanted)}`;
  let cases;
  try {
    cases = await get(`/api/cases${query}`);
  } catch (error) {
    replace(list, errorBox(error));
    return;
  }
  const shown = wanted === OPEN ? cases.filter((kase) => kase.state !== "closed") : cases;
  if (!shown.length) {
    replace(list, h("p", { class: "note" }, bi("没有符合条件的办件。", "No cases.")));
    return;
  }
  replace(list, h("ul", { class: "cards" }, urgentFirst(shown).map((kase) => caseCard(kase, `#/case/${kase.id}`))));
}

/** Overdue cases first, then the earliest due. */
function urgentFirst(cases) {
  return [...cases].sort((a, b) => Number(b.overdue) - Number(a.overdue) || Number(b.due_soon) - Number(a.due_soon)
    || a.due_at.localeCompare(b.due_at));
}
