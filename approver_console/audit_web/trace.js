// 泄露溯源: an auditor uploads a picture found outside (a photo of a screen, a forwarded screenshot)
// and the server reads its hidden id and says whom it was shown to, what it was and when.

import { post } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatMoment } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { EVENTS } from "/common/names.js";
import { busy, messageSlot } from "/common/notice.js";

export function showTrace(screen) {
  const file = h("input", { type: "file", name: "picture", accept: "image/*", required: true });
  const slot = messageSlot();
  const result = h("div", { class: "trace-result", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "main" }, bi("查出处", "Trace it"));
  const form = h("form", { class: "trace-form", novalidate: true },
    h("label", { class: "field" }, bi("外泄的图片（截图、翻拍照片）", "The leaked picture"), file), slot.element, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) return slot.error({ message: "请先选择图片。", messageEn: "Choose a picture first." });
    const found = await busy(submit, slot, () => post("/api/trace", file.files[0]));
    if (found) replace(result, traceAnswer(found));
  });
  replace(screen, h("h1", {}, bi("泄露溯源", "Trace a leaked picture")),
    h("p", {}, bi("系统给每个人看到的截图、扫描件和文书都加了水印。上传外泄的图片，查出它是给谁看的。",
      "Everything shown is watermarked for its viewer; upload a leaked picture to see whose it was.")),
    form, result);
}

function traceAnswer({ mark_id: markId, trace }) {
  if (markId === null) {
    return h("p", { class: "trace-none" }, bi("这张图片里没有找到水印。", "No watermark found in this picture."));
  }
  if (!trace) {
    return h("p", { class: "trace-unknown" }, bi(`水印编号 ${markId}，但本服务器没有登记。`,
      `Mark ${markId}, not in this server's register.`));
  }
  const rows = [
    [["水印编号", "Mark"], String(markId)],
    [["查看人", "Viewer"], `${trace.viewer}（${trace.username}）`],
    [["单位", "Unit"], trace.unit_name],
    [["内容", "What"], plainWords(trace.what_name)],
    [["办件", "Case"], trace.case_id ? h("a", { href: `#/case/${trace.case_id}` }, trace.case_number) : "—"],
    [["时间", "When"], formatMoment(trace.at)],
    [["审计事件", "Audit event"], trace.audit_event ? auditEvent(trace.audit_event) : "—"],
  ];
  return h("dl", { class: "facts trace-facts" },
    rows.map(([[zh, en], value]) => [h("dt", {}, bi(zh, en)), h("dd", {}, value)]));
}

/** "通话截图 a still of a live call": the Chinese words, the English small after them. */
function plainWords(named) {
  const [zh, ...en] = named.split(" ");
  return bi(zh, en.join(" "));
}

/** The audit log entry that recorded the showing: what it was, and its number in the log. */
function auditEvent({ seq, action }) {
  const [zh, en] = EVENTS[action] || [action, ""];
  return bi(`${zh}（审计记录第 ${seq} 条）`, `${en}, audit entry ${seq}`);
}
