// The case screen at the village window, kept live: 发起视频 and the call beside the case,
// changes pushed by the server (the approver's decision appears without reloading), and the
// issued document shown at once, in the case's column, for printing.

import { activeCall } from "/common/call-session.js";
import { showCallArea, openCallOf } from "/common/call-area.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { showCase } from "./case-view.js";
import { offerIssuedDocument, showIssuedDocument } from "./issued-document.js";

export async function showLiveCase(screen, id, account) {
  let area = null;
  const shown = await showCase(screen, id, (event, kase) => {
    if (event.event === "document_issued") showIssuedDocument(shown.documentSlot, event.document);
    area.kase = kase;
    if (activeCall()?.area !== area) area.showIdle(); // a call ended, started, or the case closed
  });
  if (!shown) return;
  const { layout, kase } = shown;
  area = showCallArea(layout, kase, account, {
    idle: (idleArea) => callStart(idleArea, idleArea.kase),
    words: { ringing: `正在呼叫${kase.handler_unit_name}窗口，请稍候……` },
  });
  offerIssuedDocument(shown.documentSlot, kase);
}

/** 发起视频, or — after a reload during a call — the way back into it; nothing on a closed case. */
function callStart(area, kase) {
  if (kase.state === "closed") return null;
  const start = h("button", { type: "button", class: "main call-start", onclick: () => area.enter("place") },
    bi("发起视频", "Start a video consult"));
  const idle = h("div", { class: "call-idle" },
    h("p", {}, bi(`有问题？和${kase.handler_unit_name}窗口视频连线，当面说清楚。`, "Talk to the approver face to face.")),
    start);
  openCallOf(kase).then((call) => {
    if (call?.state !== "active") return;
    replace(idle, h("button", { type: "button", class: "main call-rejoin", onclick: () => area.enter("join", call.id) },
      bi("回到正在进行的视频连线", "Back to the call in progress")));
  });
  return idle;
}
