// 视频来电: the calls ringing at this window, above every console screen, flashing and beeping
// until someone answers (here or at another desk of the unit) or the village gives up.

import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { go } from "/common/router.js";
import { ServerMessage } from "/common/wire.js";

const BEEP_EVERY_MS = 2500;
const ringing = new Map(); // call id → {callId, kase, caller}
const answers = new Map(); // case id → call id the user pressed 接听 for, until its case screen takes it

/** Whether this window is rung for the call (only then may it answer). */
export function ringsHere(callId) {
  return ringing.has(callId);
}

/** The call to answer on this case screen, once: set by 接听 in the ringing bar. */
export function takeAnswer(caseId) {
  const callId = answers.get(caseId);
  answers.delete(caseId);
  return callId;
}

/** Keep the ringing bar (placed above main) up to date from the signaling messages. */
export function showRinging(bar, signaling) {
  const beeper = new Beeper();
  const draw = () => {
    bar.hidden = ringing.size === 0;
    replace(bar, h("h2", {}, bi(`视频来电（${ringing.size}）`, "Incoming video calls")),
      h("ul", { class: "ringing-calls" }, [...ringing.values()].map(ringingItem)));
    beeper.ring(ringing.size > 0);
    bar.dataset.beeping = String(ringing.size > 0);
  };
  signaling.on(ServerMessage.WELCOME, (welcome) => {
    ringing.clear();
    for (const { call, case: kase } of welcome.queue || []) ringing.set(call.id, { callId: call.id, kase, caller: "" });
    draw();
  });
  signaling.on(ServerMessage.CALL_INCOMING, (message) => {
    ringing.set(message.call_id, { callId: message.call_id, kase: message.case, caller: message.caller });
    draw();
  });
  for (const type of [ServerMessage.CALL_TAKEN, ServerMessage.CALL_ACCEPTED, ServerMessage.CALL_ENDED]) {
    signaling.on(type, (message) => ringing.delete(message.call_id) && draw());
  }
  draw();
}

function ringingItem({ callId, kase, caller }) {
  const answer = h("button", { type: "button", class: "main answer", "data-call": callId },
    bi("接听", "Answer"));
  answer.addEventListener("click", () => answerCall(callId, kase.id));
  return h("li", { "data-call": callId, "data-case": kase.id },
    h("span", { class: "ringing-who" }, `${kase.village_name} · ${kase.villager_name}`),
    h("span", { class: "ringing-what" }, kase.titles.join("、")),
    caller ? h("span", { class: "ringing-caller" }, caller) : null,
    answer);
}

/** Open the case; its screen answers the call (and shows it beside the case). */
function answerCall(callId, caseId) {
  answers.set(caseId, callId);
  if (location.hash === `#/case/${caseId}`) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else go(`/case/${caseId}`);
}

/** A two-tone beep every few seconds while calls ring (WebAudio: no sound file to download). */
class Beeper {
  constructor() {
    this.timer = null;
    this.audio = null;
  }

  ring(on) {
    if (on && !this.timer) {
      this.beep();
      this.timer = setInterval(() => this.beep(), BEEP_EVERY_MS);
    } else if (!on && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  beep() {
    this.audio ||= new AudioContext();
    if (this.audio.state === "suspended") this.audio.resume().catch(() => null); // needs a click on the page first
    const start = this.audio.currentTime;
    [[0, 880], [0.3, 660]].forEach(([offset, frequency]) => {
      const tone = new OscillatorNode(this.audio, { frequency });
      const volume = new GainNode(this.audio, { gain: 0 });
      volume.gain.setValueAtTime(0, start + offset);
      volume.gain.linearRampToValueAtTime(0.3, start + offset + 0.02);
      volume.gain.linearRampToValueAtTime(0, start + offset + 0.25);
      tone.connect(volume).connect(this.audio.destination);
      tone.start(start + offset);
      tone.stop(start + offset + 0.26);
    });
  }
}
