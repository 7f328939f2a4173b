// 录像回放: the case's calls, each replayed across its parties' files, beside the case timeline.

import { get, post } from "/common/api.js";
import { timelineList } from "/common/audit-timeline.js";
import { CallStage, byCall, callPlayer } from "/common/call-player.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { screenMark } from "/common/screen-mark.js";
import { SnapshotStrip } from "/common/snapshots.js";
import { instant } from "/common/times.js";

/** The replay and the timeline, cued at {recording, seconds} when given; refreshTimeline() after an act on
 * the case (a hold, a replay). */
export function replayPanel(kase, at = null) {
  const stage = h("div", { class: "replay-stage" }, h("p", {}, bi("正在读取录像……", "Loading recordings…")));
  const events = h("div", { class: "timeline-events" });
  let calls = new CallStage(stage, []);
  const refreshTimeline = () => get(`/api/cases/${kase.id}/timeline`).then(
    (found) => replace(events, timelineList(found, (at) => calls.locate(at), (at) => calls.seek(at))),
    (error) => replace(events, errorBox(error)));
  get(`/api/cases/${kase.id}/recordings`).then((recordings) => {
    calls = new CallStage(stage, byCall(recordings).map((files) => callPlayer(files, fromServer(), refreshTimeline)));
    const cued = at && recordings.find((recording) => String(recording.id) === at.recording);
    if (cued) calls.seek(instant(cued.started_at) + Number(at.seconds) * 1000);
    if (!calls.players.length) {
      replace(stage, h("p", { class: "note" }, bi("本办件没有通话录像（或已过保存期限）。", "No recordings.")));
    }
  }, (error) => replace(stage, errorBox(error))).finally(refreshTimeline);
  const element = h("section", { class: "panel replay" },
    h("h2", {}, bi("通话录像与办件时间线", "Recordings and timeline")),
    h("div", { class: "replay-layout" }, stage,
      h("div", { class: "timeline-side", tabindex: 0, "aria-label": "办件时间线 Timeline" }, // scrolls by keyboard too
        h("h3", {}, bi("办件时间线", "Timeline")), events)), screenMark(kase.id, "replay"));
  return { element, refreshTimeline };
}

/** Files replayed from the server (each replay logged), with a 截图 button per party. */
function fromServer() {
  const snapshots = new SnapshotStrip();
  return {
    src: (file) => `/api/recordings/${file.id}/media`,
    icons: "/common/icons/",
    extra: (file, video) => snapshots.button(() => post(`/api/recordings/${file.id}/snapshot`, { at: video.currentTime })),
    below: snapshots.element,
  };
}
