// 办件时间线: every recorded act on the case, in order, in Chinese.

import { get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi, named } from "/common/i18n.js";
import { EVENTS, QUIET_EVENTS, REVIEW_STATES, fileDetail } from "/common/names.js";
import { errorBox } from "/common/notice.js";

/** The timeline panel; it fills in once the events arrive. */
export function timelinePanel(kase) {
  const list = h("ol", { class: "timeline" });
  const panel = h("section", { class: "panel timeline-panel" }, h("h2", {}, bi("办件时间线", "Timeline")), list);
  get(`/api/cases/${kase.id}/timeline`).then(
    (events) => replace(list, events.map(eventItem)),
    (error) => replace(list, errorBox(error)));
  return panel;
}

function eventItem(event) {
  return h("li", { class: QUIET_EVENTS.has(event.action) ? "quiet" : "", "data-action": event.action },
    h("time", { datetime: event.at }, formatDateTime(event.at)),
    named(EVENTS, event.action), ` · ${event.actor}`,
    eventDetail(event.action, event.detail || {}));
}

/** What an event adds beyond its name: the reason, the date, the materials, the score. */
function eventDetail(action, detail) {
  const parts = fileDetail(detail);
  if (detail.reason) parts.push(`理由：${detail.reason}`);
  if (detail.refusal_reason) parts.push(`理由：${detail.refusal_reason}`);
  if (detail.pending_until) parts.push(`承诺办结：${detail.pending_until}`);
  if (detail.materials) parts.push(`材料：${detail.materials.map((m) => m.name).join("、")}`);
  if (REVIEW_STATES[detail.decision]) parts.push(REVIEW_STATES[detail.decision][0]);
  if (action === "case_rated") parts.push(`${detail.score} 分`);
  if (action === "chat_message") parts.push(detail.text);
  if (detail.duration) parts.push(`时长 ${Math.round(detail.duration)} 秒`);
  return parts.length ? h("div", { class: "detail" }, parts.join("；")) : null;
}
