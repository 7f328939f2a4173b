// 办件证据包, opened offline from the unpacked folder: each call's recordings side by side on one clock,
// the case's timeline beside them (with each event's chain hashes), the files, the chat, and how to check it all.
// Bundled into page/player.js with the /common/ modules it imports (signaling/evidence/offline_page.py).

import { timelineList } from "/common/audit-timeline.js";
import { CallStage, byCall, callPlayer } from "/common/call-player.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";

const data = window.CASE_PACKAGE;

/** Files played from the folder (the files stay as recorded; the page wears the exporter's mark). */
const fromFolder = {
  src: (file) => file.path,
  icons: "page/icons/",
  extra: (file) => h("small", { class: "sha" }, `SHA-256 ${file.sha256}`),
  below: null,
};

function header() {
  return [
    h("h1", {}, data.case.titles.join("、") || "办件", h("small", { class: "en" }, data.case.number)),
    h("p", { class: "exported" }, bi(
      `证据包：${data.exported_by.name}（${data.exported_by.username}，${data.exported_by.unit}）于 ${formatDateTime(data.exported_at)} 导出；`
      + `图片均带导出人水印（编号 ${data.mark_id}）。`,
      "Case package; every picture in it is watermarked for the exporter.")),
  ];
}

function replaySection() {
  const stage = h("div", { class: "replay-stage" });
  const calls = new CallStage(stage, byCall(data.recordings).map((files) => callPlayer(files, fromFolder, () => {})));
  if (!calls.players.length) replace(stage, h("p", { class: "note" }, bi("本办件没有通话录像。", "No recordings.")));
  const events = timelineList(data.events, (at) => calls.locate(at), (at) => calls.seek(at));
  for (const item of events.querySelectorAll("li")) {
    const event = data.events.find((candidate) => String(candidate.seq) === item.dataset.seq);
    item.append(h("div", { class: "chain" }, `#${event.seq} hash ${event.hash}`, h("br"), `prev ${event.prev_hash}`));
  }
  return h("section", { class: "panel replay" },
    h("h2", {}, bi("通话录像与办件时间线", "Recordings and timeline")),
    h("div", { class: "replay-layout" }, stage,
      h("div", { class: "timeline-side", tabindex: 0, "aria-label": "办件时间线 Timeline" },
        h("h3", {}, bi("办件时间线", "Timeline")), events)));
}

function filesSection() {
  const entry = (file) => h("li", {}, h("a", { href: file.path }, file.name), ` · ${file.kind_name}`,
    h("span", { class: "sha" }, `SHA-256 ${file.sha256}`));
  return h("section", { class: "panel documents" }, h("h2", {}, bi("文件", "Files")),
    data.files.length ? h("ul", {}, data.files.map(entry)) : h("p", {}, bi("没有文件。", "No files.")),
    data.snapshots.length ? h("div", { class: "snapshot-strip" },
      data.snapshots.map((shot) => h("img", { src: shot.path, alt: `截图 ${shot.name}` }))) : null);
}

function chatSection() {
  return h("section", { class: "panel" }, h("h2", {}, bi("通话留言", "Chat")),
    data.messages.length ? h("ol", { class: "chat-log" }, data.messages.map((message) => h("li", {},
      h("time", {}, formatDateTime(message.at)), ` ${message.author}：${message.text}`)))
      : h("p", {}, bi("没有留言。", "No messages.")));
}

function checkSection() {
  return h("section", { class: "panel check" }, h("h2", {}, bi("如何核验", "How to check this package")),
    h("p", {}, bi("用本县村能办的根证书核验整个文件：",
      "Check the whole file with the county's root certificate:")),
    h("pre", {}, `cunneng package verify ${data.case.number}.zip --ca cunneng-ca.pem`),
    h("p", {}, bi(`导出时审计链最后一条：第 ${data.head.seq} 条，hash ${data.head.hash}`,
      "The audit chain's last event at export.")));
}

/** The exporter's screen mark over the whole page, as the server's pages wear their viewer's. */
function exporterMark() {
  return h("div", { class: "screen-mark", "aria-hidden": "true" });
}

replace(document.querySelector("main"), header(), replaySection(), filesSection(), chatSection(), checkSection(),
  exporterMark());
