// The call's place on a case screen: the page's own idle content (发起视频, 加入) until a call,
// then the call beside the case (.case-call); after it, how it ended and the idle content again.
// A call outlives the screen: coming back to its case shows the same call area.

import { CallSession, OFFLINE, activeCall, callIsOver } from "./call-session.js";
import { callView } from "./call-view.js";
import { get } from "./api.js";
import { h, replace } from "./dom.js";
import { bi } from "./i18n.js";
import { openLocalMedia } from "./local-media.js";
import { pageSignaling } from "./signaling.js";

/**
 * The call area of a case, first in its layout. idle(area) draws (from area.kase, the case as
 * last shown) what the page offers while no
 * call runs; words.ringing is the caller's status text while it rings; tileAction(participantId,
 * session), if given, adds a control to each other participant's video (the console's 截图).
 */
export function showCallArea(layout, kase, account, { idle, words = {}, tileAction = null }) {
  const current = activeCall();
  const area = current?.caseId === kase.id && current.area ? current.area
    : new CallArea(kase, account, idle, words, tileAction);
  area.kase = kase;
  layout.prepend(area.element);
  if (!current || current.area !== area) area.showIdle();
  return area;
}

export class CallArea {
  constructor(kase, account, idle, words, tileAction) {
    Object.assign(this, { kase, account, idle, words, tileAction });
    this.element = h("section", { class: "call-area no-print", "data-case": kase.id });
    this.ended = h("div", { class: "call-ended" });
  }

  get signaling() {
    return pageSignaling();
  }

  showIdle() {
    this.element.classList.remove("case-call");
    replace(this.element, this.ended, this.idle(this));
  }

  /** Show a session that has just been placed, accepted or joined. */
  showSession(session) {
    session.area = this;
    replace(this.ended);
    this.element.classList.add("case-call");
    replace(this.element,
      h("h2", {}, bi("视频连线", "Video consult")),
      callView(session, this.account, this.words, this.tileAction));
    session.on("ended", (end) => {
      replace(this.ended, h("div", { class: `call-end end-${end.state}`, role: "alert" },
        end.zh, end.en ? h("small", { class: "en", lang: "en" }, end.en) : null));
      this.showIdle();
    });
  }

  /** Open the camera and microphone, then "place", "accept" or "join" the call (callId for the last two). */
  async enter(how, callId = null) {
    if (this.entering) return null;
    if (activeCall()) {
      this.say("您已经在另一个视频连线中，请先挂断那个。", "Already in another call.");
      return null;
    }
    if (!this.signaling.ready) {
      this.say(OFFLINE.zh, OFFLINE.en);
      return null;
    }
    this.entering = true;
    try {
      const session = new CallSession(this.signaling, { caseId: this.kase.id, callId, media: await openLocalMedia() });
      this.showSession(session);
      session[how]();
      return session;
    } finally {
      this.entering = false;
    }
  }

  /** A message in the area while no call runs (a refused start, no network). */
  say(zh, en) {
    replace(this.ended, h("div", { class: "call-end", role: "alert" }, zh, h("small", { class: "en", lang: "en" }, en)));
  }
}

/** The case's call still ringing or live, if any (to answer or join it); null on any doubt. */
export async function openCallOf(kase) {
  try {
    const calls = await get(`/api/cases/${kase.id}/calls`);
    return calls.find((call) => ["ringing", "active"].includes(call.state) && !callIsOver(call.id)) || null;
  } catch {
    return null;
  }
}
