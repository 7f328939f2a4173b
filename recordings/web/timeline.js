// 办件时间线 for the auditor: every act on the case, to the second; an act during a recorded call
// carries a button that seeks the replay to that moment.

import { h } from "/common/dom.js";
import { formatDate } from "/common/format.js";
import { bi, named } from "/common/i18n.js";
import { EVENTS, REVIEW_STATES } from "/common/names.js";
import { clock, instant, wallTime } from "./times.js";

// Acts the shared names do not cover yet: calls, documents, recordings, holds and retention.
const AUDIT_EVENTS = {
  call_requested: ["发起视频", "Call requested"],
  call_accepted: ["接听视频", "Call answered"],
  call_joined: ["进入视频", "Joined the call"],
  call_left: ["离开视频", "Left the call"],
  call_ended: ["视频结束", "Call ended"],
  call_unanswered: ["无人接听", "Unanswered"],
  call_cancelled: ["取消视频", "Call cancelled"],
  chat_message: ["聊天消息", "Chat message"],
  document_uploaded: ["收到扫描件", "Scan received"],
  document_viewed: ["查看扫描件", "Scan viewed"],
  document_issued: ["签发文件", "Document issued"],
  document_downloaded: ["下载文件", "Document downloaded"],
  recording_sealed: ["录像归档", "Recording archived"],
  recording_replayed: ["回放录像", "Recording replayed"],
  recording_purged: ["录像到期删除", "Recording deleted (retention)"],
  document_purged: ["文件到期删除", "Document deleted (retention)"],
  case_held: ["保全（设为问题件）", "Legal hold"],
  case_released: ["解除保全", "Hold released"],
};
const NAMES = { ...AUDIT_EVENTS, ...EVENTS };
const QUIET = new Set(["case_viewed", "document_downloaded", "document_viewed"]);

/** The events in order; locate(at) says where an instant lies in a recorded call, seek(at) goes there. */
export function timelineList(events, locate, seek) {
  return h("ol", { class: "timeline audit-timeline" }, events.map((event) => entry(event, locate, seek)));
}

function entry(event, locate, seek) {
  const at = instant(event.at);
  const found = locate(at);
  return h("li", { class: QUIET.has(event.action) ? "quiet" : "", "data-action": event.action, "data-seq": event.seq },
    h("time", { datetime: event.at }, `${formatDate(event.at)} ${wallTime(at)}`),
    named(NAMES, event.action), ` · ${event.actor}`,
    detailText(event.action, event.detail || {}),
    found ? h("button", { type: "button", class: "seek", onclick: () => seek(at) },
      bi(`▶ 录像 ${clock(found.position)}`, "Seek the replay")) : null);
}

/** What an event adds beyond its name: the words said, the reason, the file and its SHA-256. */
function detailText(action, detail) {
  const parts = [];
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
