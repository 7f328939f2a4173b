// One case at the approver console: the villager, the items and materials, opinions, decisions, timeline.

import { caseFacts, decisionBox, itemTitles, materialList, overdueFlag, reviewList, stateBadge } from "/common/case-parts.js";
import { showCaseScreen } from "/common/case-screen.js";
import { h } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { decisionPanel } from "./decisions.js";
import { departmentOpinionPanel, sendToDepartmentsPanel } from "./joint-review.js";
import { scansPanel } from "./scans-panel.js";
import { timelinePanel } from "./timeline.js";

/** The case screen; resolves to {layout, kase} (see showCaseScreen) for panels joining it. */
export function showCase(screen, id, account) {
  let scans; // made once, put back after every redraw so the open scan stays open
  return showCaseScreen(screen, id, (kase, redraw) => {
    scans = scans || scansPanel(kase);
    return caseContent(kase, account, redraw, scans);
  });
}

function caseContent(kase, account, redraw, scans) {
  return [
    h("p", { class: "no-print" }, h("a", { href: "#/" }, bi("← 返回办件队列", "Back to the queue"))),
    h("h1", {}, itemTitles(kase)),
    h("p", { class: "case-state" }, stateBadge(kase.state), " ", overdueFlag(kase)),
    decisionBox(kase),
    scans,
    decisionPanel(kase, redraw),
    departmentOpinionPanel(kase, account, redraw),
    reviewList(kase.reviews),
    sendToDepartmentsPanel(kase, redraw),
    h("section", { class: "panel" }, h("h2", {}, bi("办件信息", "Case details")), caseFacts(kase)),
    h("section", { class: "panel items" }, h("h2", {}, bi("事项与材料", "Items and materials")),
      kase.items.map((item) => h("div", { class: "item", "data-item": item.code },
        h("h3", {}, item.title, h("small", { class: "en" }, item.name)),
        materialList(item.materials)))),
    timelinePanel(kase),
  ];
}
