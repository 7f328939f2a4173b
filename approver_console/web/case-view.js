// One case at the approver console: the villager, the items and materials, opinions, decisions,
// scans, snapshots and timeline — redrawn whenever anyone acts on the case.

import { caseFacts, decisionBox, itemTitles, materialList, overdueFlag, reviewList, stateBadge } from "/common/case-parts.js";
import { keep, showCaseScreen } from "/common/case-screen.js";
import { h } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { decisionPanel } from "./decisions.js";
import { departmentOpinionPanel, sendToDepartmentsPanel } from "./joint-review.js";
import { scansPanel } from "./scans-panel.js";
import { caseSnapshots } from "./snapshot.js";
import { timelinePanel } from "./timeline.js";

/** The case screen; resolves to {layout, kase} (see showCaseScreen); onEvent(event) after each pushed change. */
export function showCase(screen, id, account, onEvent) {
  let scans, snapshots; // made once, put back after every redraw: the open scan and the stills stay
  return showCaseScreen(screen, id, (kase, redraw) => {
    scans ||= scansPanel(kase);
    snapshots ||= caseSnapshots(kase);
    return caseContent(kase, account, redraw, scans, snapshots.element);
  }, (event) => {
    if (event.event.startsWith("call_")) snapshots.refresh(); // stills others took in the call
    onEvent(event);
  });
}

function caseContent(kase, account, redraw, scans, snapshots) {
  const own = kase.reviews.find((review) => review.unit_id === account.unit_id);
  return [
    h("p", { class: "no-print" }, h("a", { href: "#/" }, bi("← 返回办件队列", "Back to the queue"))),
    h("h1", {}, itemTitles(kase)),
    h("p", { class: "case-state" }, stateBadge(kase.state), " ", overdueFlag(kase)),
    decisionBox(kase),
    scans,
    snapshots,
    keep(decisionPanel(kase, redraw), `decision ${kase.state} ${kase.actions}`),
    keep(departmentOpinionPanel(kase, account, redraw), `opinion ${kase.state} ${own?.state}`),
    reviewList(kase.reviews),
    keep(sendToDepartmentsPanel(kase, redraw), `send ${kase.state} ${kase.reviews.map((r) => r.unit_id)}`),
    h("section", { class: "panel" }, h("h2", {}, bi("办件信息", "Case details")), caseFacts(kase)),
    h("section", { class: "panel items" }, h("h2", {}, bi("事项与材料", "Items and materials")),
      kase.items.map((item) => h("div", { class: "item", "data-item": item.code },
        h("h3", {}, item.title, h("small", { class: "en" }, item.name)),
        materialList(item.materials)))),
    timelinePanel(kase),
  ];
}
