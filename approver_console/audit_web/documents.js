// The case's files: scans received and documents issued, each downloadable (every download is logged).

import { get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";

export function documentsPanel(kase) {
  const list = h("ul", { class: "materials documents" }, h("li", {}, bi("正在读取……", "Loading…")));
  get(`/api/cases/${kase.id}/documents`).then(
    (documents) => replace(list, documents.length ? documents.map(documentItem)
      : h("li", {}, bi("没有文件（或已过保存期限）。", "No documents."))),
    (error) => replace(list, errorBox(error)));
  return h("section", { class: "panel documents-panel" }, h("h2", {}, bi("文件", "Documents")), list);
}

function documentItem(document) {
  return h("li", { "data-document": document.id },
    h("strong", {}, document.kind_name), document.material ? `（${document.material}）` : "",
    ` ${formatDateTime(document.created_at)} `,
    h("a", { href: `/api/documents/${document.id}/file`, download: document.filename }, bi("下载", "Download")),
    h("small", { class: "sha" }, `SHA-256 ${document.sha256.slice(0, 16)}…`));
}
