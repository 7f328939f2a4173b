// The case screen at the approver console with its video consult: the village's video beside
// the case and its materials; 接听 a ringing call, or 加入 a live one (another window or a
// department in a joint review); whether the village window is online right now.

import { activeCall } from "/common/call-session.js";
import { openCallOf, showCallArea } from "/common/call-area.js";
import { h, replace } from "/common/dom.js";
import { whileShown } from "/common/emitter.js";
import { bi } from "/common/i18n.js";
import { pageSignaling } from "/common/signaling.js";
import { showCase } from "./case-view.js";
import { ringsHere, takeAnswer } from "./ringing.js";
import { snapshotButton } from "./snapshot.js";

export async function showLiveCase(screen, id, account) {
  let area = null;
  const refresh = () => {
    if (area && activeCall()?.area !== area) area.showIdle();
  };
  const shown = await showCase(screen, id, account, (event) => event.event.startsWith("call_") && refresh());
  if (!shown) return;
  const { layout, kase } = shown;
  area = showCallArea(layout, kase, account, {
    idle: (idleArea) => callOffer(idleArea, kase), tileAction: snapshotButton,
  });
  const answering = takeAnswer(kase.id);
  if (answering) area.enter("accept", answering);
  whileShown(layout, pageSignaling(), "call.incoming", (message) => message.case.id === kase.id && refresh());
}

/** While no call is on this screen: the village's presence, and 接听 or 加入 when there is a call. */
function callOffer(area, kase) {
  const offer = h("div", { class: "call-offer" });
  openCallOf(kase).then((call) => {
    if (call?.state === "active") {
      replace(offer, h("button", { type: "button", class: "main call-join", onclick: () => area.enter("join", call.id) },
        bi("加入正在进行的视频连线", "Join the call in progress")));
    } else if (call?.state === "ringing" && ringsHere(call.id)) {
      replace(offer, h("button", { type: "button", class: "main answer", onclick: () => area.enter("accept", call.id) },
        bi("接听视频来电", "Answer the call")));
    } else {
      replace(offer, h("p", {}, bi("现在没有视频连线。村窗口发起后，这里和页面顶部会响铃。",
        "No call now; a call from the village rings here.")));
    }
  });
  return h("div", { class: "call-idle" }, villagePresence(kase), offer);
}

/** 村窗口在线 / 不在线, kept up to date from the presence messages. */
function villagePresence(kase) {
  const line = h("p", { class: "village-presence" });
  const signaling = pageSignaling();
  const draw = () => {
    const online = (signaling.welcome?.presence?.[kase.village_id] || []).length > 0;
    line.dataset.online = String(online);
    replace(line, h("span", { class: "presence-dot", "aria-hidden": "true" }),
      online ? bi(`村窗口（${kase.village_name}）在线`, "Village window online")
        : bi(`村窗口（${kase.village_name}）不在线`, "Village window offline"));
  };
  draw();
  whileShown(line, signaling, "presence", draw);
  whileShown(line, signaling, "welcome", draw);
  return line;
}
