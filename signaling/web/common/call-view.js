// The call on screen: the others' video large with their names, our own small, who is in the
// call (重新连接中 while someone's link is down), the link quality in plain words, chat, 挂断.

import { GRADES, qualityText, watchQuality } from "./call-quality.js";
import { chatPanel } from "./chat.js";
import { h, replace } from "./dom.js";
import { bi } from "./i18n.js";
import { screenMark } from "./screen-mark.js";
import { ParticipantState } from "./wire.js";

const PARTICIPANT_STATES = {
  [ParticipantState.CONNECTED]: ["在线", "Connected"],
  [ParticipantState.RECONNECTING]: ["重新连接中", "Reconnecting"],
};

/** What the status line says in each state; words.ringing names who is being called. */
function statusWords(state, words) {
  return {
    calling: [words.ringing, "Calling…"],
    ringing: [words.ringing, "Ringing…"],
    connecting: ["已接通，正在连接视频……", "Connecting…"],
    live: ["通话中", "In the call"],
    reconnecting: ["网络中断，正在重新连接……", "Reconnecting…"],
  }[state];
}

/**
 * The live view of a session. me: this page's account; words: {ringing} status text;
 * tileAction(participantId, session): an element added to each other participant's tile.
 * Everything it started (stats polling) stops when the session ends.
 */
export function callView(session, me, words = {}, tileAction = null) {
  const status = h("p", { class: "call-status", role: "status" });
  const notice = h("div", { class: "call-notice", "aria-live": "polite" });
  const remote = h("div", { class: "remote-videos" });
  const local = h("video", { class: "local-video", autoplay: true, playsinline: true, "aria-label": "我的画面" });
  local.muted = true;
  local.srcObject = session.media.stream;
  const quality = h("p", { class: "call-quality", "data-grade": "" }, bi("正在测量网络……", "Measuring the link…"));
  const people = h("ul", { class: "call-participants" });
  const hangUp = h("button", { type: "button", class: "main danger hang-up", onclick: () => session.hangUp() });
  const chat = chatPanel(session, me.display_name);
  const view = h("div", { class: "call-view" },
    h("div", { class: "call-head" }, status, hangUp),
    session.media.notice ? h("p", { class: "note media-notice" }, session.media.notice) : null,
    notice, h("div", { class: "call-stage" }, remote, local), quality, people, chat, screenMark(session.caseId, "call"));

  const showState = (state) => {
    view.dataset.state = state;
    const [zh, en] = statusWords(state, words) || ["", ""];
    replace(status, bi(zh, en));
    const ringing = ["calling", "ringing"].includes(state);
    replace(hangUp, ringing ? bi("取消呼叫", "Cancel") : bi("挂断", "Hang up"));
    chat.hidden = ringing;
  };
  showState(session.state);
  session.on("state", showState);
  session.on("remote", (tracks) => {
    showRemote(remote, tracks, (id) => tileAction?.(id, session));
    markAway(remote, session.participants);
  });
  session.on("participants", (list) => {
    showParticipants(people, list, me);
    markAway(remote, list);
  });
  session.on("notice", (words) => replace(notice, h("p", { class: "error" }, words.zh, h("small", { class: "en" }, words.en))));
  const stop = watchQuality(session, (figures) => showQuality(quality, remote, figures));
  session.on("ended", stop);
  return view;
}

/** One tile per other participant: video, name, and a note when the picture stops. */
function showRemote(container, tracks, extra) {
  const tiles = new Map([...container.children].map((tile) => [tile.dataset.participant, tile]));
  for (const [id, { label, video, audio }] of tracks) {
    const tile = tiles.get(id) || container.appendChild(remoteTile(id, label, extra(id)));
    tiles.delete(id);
    play(tile.querySelector("video"), video);
    play(tile.querySelector("audio"), audio);
  }
  for (const gone of tiles.values()) gone.remove();
  container.dataset.count = String(container.children.length);
}

function remoteTile(id, label, extra) {
  const video = h("video", { autoplay: true, playsinline: true });
  video.muted = true; // sound comes from the <audio> beside it, so the picture always autoplays
  return h("figure", { class: "remote-video", "data-participant": id },
    video, h("audio", { autoplay: true }),
    h("figcaption", {}, label),
    h("p", { class: "tile-note frozen-note" }, bi("画面停住了，对方网络可能太慢", "Picture frozen: weak link")),
    h("p", { class: "tile-note away-note" }, bi("对方重新连接中……", "Reconnecting…")),
    extra || null);
}

/** Show a track in a media element (a new connection brings new track objects). */
function play(element, track) {
  const current = element.srcObject?.getTracks()[0];
  if (current === track) return;
  element.srcObject = track ? new MediaStream([track]) : null;
  if (track) element.play().catch(() => soundBlocked(element));
}

/** The browser would not start the sound by itself: one big button starts it. */
function soundBlocked(element) {
  if (element.tagName !== "AUDIO") return;
  const tile = element.closest(".remote-video");
  if (!tile || tile.querySelector(".unmute")) return;
  const button = h("button", { type: "button", class: "main unmute" }, bi("点这里听声音", "Tap for sound"));
  button.addEventListener("click", () => element.play().then(() => button.remove(), () => null));
  tile.append(button);
}

function showParticipants(list, participants, me) {
  replace(list, participants.map((person) => {
    const [zh, en] = PARTICIPANT_STATES[person.state] || [person.state, ""];
    const self = person.account_id === me.id;
    return h("li", { "data-participant": person.account_id, "data-state": person.state },
      person.name, self ? "（我）" : "", " ", h("span", { class: "participant-state" }, bi(zh, en)));
  }));
}

/** A tile whose participant is reconnecting says so over the (frozen) picture. */
function markAway(remote, participants) {
  for (const person of participants) {
    const tile = remote.querySelector(`.remote-video[data-participant="${person.account_id}"]`);
    tile?.classList.toggle("away", person.state !== "connected");
  }
}

function showQuality(line, remote, figures) {
  const [zh, en] = GRADES[figures.grade];
  line.dataset.grade = figures.grade;
  replace(line, h("strong", {}, bi(zh, en)), " ", h("span", { class: "figures" }, qualityText(figures)));
  for (const tile of remote.children) tile.classList.toggle("frozen", figures.frozen.has(tile.dataset.participant));
}
