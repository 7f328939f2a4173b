// 录像回放: the case's calls, each replayed across its parties' files, beside the case timeline.

import { get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { callPlayer } from "./call-player.js";
import { timelineList } from "./timeline.js";
import { clock } from "./times.js";

/** The replay and the timeline; refreshTimeline() after an act on the case (a hold, a replay). */
export function replayPanel(kase) {
  const stage = h("div", { class: "replay-stage" }, h("p", {}, bi("正在读取录像……", "Loading recordings…")));
  const events = h("div", { class: "timeline-events" });
  let players = [];
  let shown = null;
  const locate = (at) => {
    const player = players.find((candidate) => candidate.covers(at));
    return player ? { player, position: (at - player.origin) / 1000 } : null;
  };
  const show = (player) => {
    if (shown && shown !== player) shown.pause();
    shown = player;
    replace(stage, callChooser(players, player, show), player.element);
  };
  const seek = (at) => {
    const found = locate(at);
    if (!found) return;
    if (found.player !== shown) show(found.player);
    found.player.seekTo(at);
  };
  const refreshTimeline = () => get(`/api/cases/${kase.id}/timeline`).then(
    (found) => replace(events, timelineList(found, locate, seek)),
    (error) => replace(events, errorBox(error)));
  get(`/api/cases/${kase.id}/recordings`).then((recordings) => {
    players = byCall(recordings).map((files) => callPlayer(files, refreshTimeline));
    if (players.length) show(players[0]);
    else replace(stage, h("p", { class: "note" }, bi("本办件没有通话录像（或已过保存期限）。", "No recordings.")));
  }, (error) => replace(stage, errorBox(error))).finally(refreshTimeline);
  const element = h("section", { class: "panel replay" },
    h("h2", {}, bi("通话录像与办件时间线", "Recordings and timeline")),
    h("div", { class: "replay-layout" }, stage,
      h("div", { class: "timeline-side", tabindex: 0, "aria-label": "办件时间线 Timeline" }, // scrolls by keyboard too
        h("h3", {}, bi("办件时间线", "Timeline")), events)));
  return { element, refreshTimeline };
}

/** Recordings grouped by call, calls in the order they happened. */
function byCall(recordings) {
  const calls = new Map();
  for (const recording of recordings) {
    if (!calls.has(recording.call_id)) calls.set(recording.call_id, []);
    calls.get(recording.call_id).push(recording);
  }
  return [...calls.values()].sort((a, b) => a[0].started_at.localeCompare(b[0].started_at));
}

function callChooser(players, current, show) {
  if (players.length < 2) return null;
  return h("div", { class: "choice-buttons calls" }, players.map((player, index) => h("button", {
    type: "button", "aria-pressed": String(player === current), onclick: () => show(player),
  }, bi(`第 ${index + 1} 次通话 ${formatDateTime(new Date(player.origin))}（${clock(player.length)}）`, `Call ${index + 1}`))));
}
