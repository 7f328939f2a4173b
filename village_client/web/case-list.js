// 我村的办件: the village's cases, grouped by who acts next, overdue ones flagged in red.

import { get } from "/common/api.js";
import { caseCard } from "/common/case-parts.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";

const GROUPS = [
  { key: "yours", zh: "等您处理", en: "Waiting for you", states: ["supplement_requested", "approved", "refused"] },
  { key: "running", zh: "正在审批", en: "Being reviewed", states: ["received", "under_review", "pending"] },
  { key: "closed", zh: "已办结", en: "Closed", states: ["closed"] },
];

export async function showCaseList(screen, account) {
  const list = h("div", {}, h("p", {}, bi("正在读取……", "Loading…")));
  replace(screen,
    h("h1", {}, bi(`${account.unit.name}的办件`, "Cases of this village")),
    h("a", { class: "button main", href: "#/new" }, bi("办新事", "Open a new case")),
    list);
  let cases;
  try {
    cases = await get("/api/cases");
  } catch (error) {
    replace(list, errorBox(error));
    return;
  }
  if (!cases.length) {
    replace(list, h("p", { class: "note" }, bi("还没有办件。点「办新事」为群众受理第一件事。", "No cases yet.")));
    return;
  }
  replace(list, GROUPS.map((group) => caseGroup(group, cases.filter((c) => group.states.includes(c.state)))));
}

function caseGroup(group, cases) {
  if (!cases.length) return null;
  const ordered = [...cases].sort((a, b) => Number(b.overdue) - Number(a.overdue) || Number(b.due_soon) - Number(a.due_soon));
  return h("section", { class: `panel group-${group.key}` },
    h("h2", {}, bi(`${group.zh}（${cases.length}）`, group.en)),
    h("ul", { class: "cards" }, ordered.map((kase) => caseCard(kase, `#/case/${kase.id}`))));
}
