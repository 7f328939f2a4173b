// 办件时间线 for the auditor: every act on the case, to the second; an act during a recorded call
// carries a button that seeks the replay to that moment.

import { h } from "/common/dom.js";
import { formatDate } from "/common/format.js";
import { bi, named } from "/common/i18n.js";
import { EVENTS, QUIET_EVENTS, REVIEW_STATES, fileDetail } from "/common/names.js";
import { clock, instant, wallTime } from "./times.js";

/** The events in order; locate(at) says where an instant lies in a recorded call, seek(at) goes there. */
export function timelineList(events, locate, seek) {
  return h("ol", { class: "timeline audit-timeline" }, events.map((event) => entry(event, locate, seek)));
}

function entry(event, locate, seek) {
  const at = instant(event.at);
  const found = locate(at);
  return h("li", { class: QUIET_EVENTS.has(event.action) ? "quiet" : "", "data-action": event.action, "data-seq": event.seq },
    h("time", { datetime: event.at }, `${formatDate(event.at)} ${wallTime(at)}`),
    named(EVENTS, event.action), ` · ${event.actor}`,
    detailText(event.action, event.detail || {}),
    found ? h("button", { type: "button", class: "seek", onclick: () => seek(at) },
      bi(`▶ 录像 ${clock(found.position)}`, "Seek the replay")) : null);
}

/** What an event adds beyond its name: the words said, the reason, the file and its SHA-256. */
function detailText(action, detail) {
  const parts = fileDetail(detail);
  if (action === "chat_message") parts.push(`“${detail.text}”`);
  if (detail.reason && !action.startsWith("call_")) parts.push(`理由：${detail.reason}`);
  if (detail.refusal_reason) parts.push(`理由：${detail.refusal_reason}`);
  if (detail.pending_until) parts.push(`承诺办结：${detail.pending_until}`);
  if (detail.materials) parts.push(`材料：${detail.materials.map((m) => m.name).join("、")}`);
  if (REVIEW_STATES[detail.decision]) parts.push(REVIEW_STATES[detail.decision][0]);
  if (action === "case_rated") parts.push(`${detail.score} 分`);
  if (detail.party) parts.push(detail.party);
  if (detail.duration && action.startsWith("call_")) parts.push(`时长 ${clock(detail.duration)}`);
  if (detail.sha256) parts.push(`SHA-256 ${detail.sha256.slice(0, 12)}…`);
  return parts.length ? h("div", { class: "detail" }, parts.join("；")) : null;
}
