// One case at the approver console: the villager, the items and materials, opinions, decisions, timeline.

import { get } from "/common/api.js";
import { caseFacts, decisionBox, itemTitles, materialList, overdueFlag, reviewList, stateBadge } from "/common/case-parts.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { decisionPanel } from "./decisions.js";
import { departmentOpinionPanel, sendToDepartmentsPanel } from "./joint-review.js";
import { timelinePanel } from "./timeline.js";

export async function showCase(screen, id, account) {
  replace(screen, h("p", {}, bi("正在读取……", "Loading…")));
  try {
    drawCase(screen, await get(`/api/cases/${encodeURIComponent(id)}`), account);
  } catch (error) {
    replace(screen, errorBox(error), h("a", { href: "#/" }, bi("返回办件队列", "Back to the queue")));
  }
}

/** The case laid out; the call panel (.case-call) may later join .case-layout beside .case-main. */
function drawCase(screen, kase, account) {
  const redraw = (updated) => drawCase(screen, updated, account);
  const main = h("div", { class: "case-main" },
    h("p", { class: "no-print" }, h("a", { href: "#/" }, bi("← 返回办件队列", "Back to the queue"))),
    h("h1", {}, itemTitles(kase)),
    h("p", { class: "case-state" }, stateBadge(kase.state), " ", overdueFlag(kase)),
    decisionBox(kase),
    decisionPanel(kase, redraw),
    departmentOpinionPanel(kase, account, redraw),
    reviewList(kase.reviews),
    sendToDepartmentsPanel(kase, redraw),
    h("section", { class: "panel" }, h("h2", {}, bi("办件信息", "Case details")), caseFacts(kase)),
    h("section", { class: "panel items" }, h("h2", {}, bi("事项与材料", "Items and materials")),
      kase.items.map((item) => h("div", { class: "item", "data-item": item.code },
        h("h3", {}, item.title, h("small", { class: "en" }, item.name)),
        materialList(item.materials)))),
    timelinePanel(kase));
  replace(screen, h("div", { class: "case-layout", "data-case": kase.id }, main));
}
