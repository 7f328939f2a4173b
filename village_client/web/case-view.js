// One case at the village window: where it stands, what was decided, and what to do next.

import { post } from "/common/api.js";
import { caseFacts, decisionBox, itemTitles, materialList, overdueFlag, reviewList, stateBadge } from "/common/case-parts.js";
import { keep, showCaseScreen } from "/common/case-screen.js";
import { h, replace } from "/common/dom.js";
import { bi, named } from "/common/i18n.js";
import { ACTIONS, HANDOVERS } from "/common/names.js";
import { busy, messageSlot } from "/common/notice.js";
import { ratingPanel } from "./rating.js";
import { uploadPanel } from "./upload-panel.js";

/**
 * The case screen; resolves to {layout, kase, documentSlot, …} (see showCaseScreen) for panels
 * joining it; onEvent(event, kase) after each change the server pushes.
 */
export async function showCase(screen, id, onEvent) {
  let scans; // made once, put back after every redraw so uploads in progress keep going
  const documentSlot = h("div", { class: "document-slot" }); // the issued document to print, kept likewise
  const shown = await showCaseScreen(screen, id, (kase, redraw) => {
    scans = scans === undefined || kase.state === "closed" ? uploadPanel(kase) : scans;
    if (kase.state === "closed") replace(documentSlot); // handed over: nothing left to print
    return caseContent(kase, redraw, scans, documentSlot);
  }, onEvent);
  return shown && Object.assign(shown, { documentSlot });
}

function caseContent(kase, redraw, scans, documentSlot) {
  return [
    h("p", { class: "no-print" }, h("a", { href: "#/" }, bi("← 返回办件列表", "Back to the list"))),
    h("h1", {}, itemTitles(kase)),
    h("p", { class: "case-state" }, stateBadge(kase.state), " ", overdueFlag(kase)),
    decisionBox(kase),
    documentSlot,
    keep(villageActions(kase, redraw), `actions ${kase.state} ${kase.actions}`),
    waitingNote(kase),
    kase.state === "supplement_requested"
      ? h("a", { class: "button", href: `#/case/${kase.id}/receipt` }, bi("打印资料补充回执清单", "Print the list"))
      : null,
    scans,
    kase.state === "closed" ? keep(ratingPanel(kase, redraw), `rating ${kase.rating}`) : null,
    reviewList(kase.reviews),
    h("section", { class: "panel" }, h("h2", {}, bi("办件信息", "Case details")), caseFacts(kase)),
    h("section", { class: "panel" }, h("h2", {}, bi("申请材料", "Materials")), materialList(kase.materials)),
  ];
}

/** While the window decides: whose turn it is. */
function waitingNote(kase) {
  if (!["received", "under_review"].includes(kase.state)) return null;
  return h("p", { class: "note" }, bi(`正在等待${kase.handler_unit_name}窗口审查。`, "Waiting for the approver."));
}

/** The buttons for what the village window may do now (the API lists them in `actions`). */
function villageActions(kase, redraw) {
  const slot = messageSlot();
  const act = (button, action, body) => busy(button, slot, async () => {
    redraw(await post(`/api/cases/${kase.id}/actions/${action}`, body));
  });
  const buttons = [];
  if (kase.actions.includes("submit_supplement")) {
    const button = h("button", { class: "main", type: "button", "data-action": "submit_supplement" },
      named(ACTIONS, "submit_supplement"));
    button.addEventListener("click", () => act(button, "submit_supplement", {}));
    buttons.push(button);
  }
  if (kase.actions.includes("close")) {
    for (const handover of Object.keys(HANDOVERS)) { // the result printed above is the main action
      const button = h("button", { type: "button", "data-action": "close", "data-handover": handover },
        named(HANDOVERS, handover));
      button.addEventListener("click", () => act(button, "close", { handover }));
      buttons.push(button);
    }
  }
  if (!buttons.length) return slot.element;
  return h("section", { class: "panel actions no-print" },
    h("h2", {}, bi("下一步", "Next step")),
    kase.actions.includes("close") ? h("p", {}, bi("结果已打印或交给群众后，点下面的按钮办结：", "Close once the result is handed over:")) : null,
    buttons, slot.element);
}
