// The document the approver just issued (审批决定书, 资料补充回执清单 …), shown at once in the
// case's column at the village window — beside the call, never pushing it away — and printed
// with one big button; the case's own 已打印给群众 / 已交给群众 then close the case.

import { get } from "/common/api.js";
import { activeCall } from "/common/call-session.js";
import { documentUrl, printPages, renderPdf } from "/common/document-viewer.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";

const ISSUED_KINDS = ["approval", "refusal", "supplement_receipt", "pending_promise"]; // not scans, not stills
const CLOSING_KINDS = ["approval", "refusal"]; // the case ends once these are in the villager's hands

/** Show the document in the case's document slot, drawn in the page, with 打印. */
export function showIssuedDocument(slot, document) {
  const pages = h("div", { class: "document-pages" }, h("p", {}, bi("正在显示文件……", "Loading the document…")));
  const actions = h("div", { class: "document-actions no-print" });
  const panel = h("section", { class: "case-document", "data-document": document.id, "data-kind": document.kind },
    h("h2", {}, document.kind_name, h("small", { class: "en" }, "Issued document")),
    h("p", { class: "note" }, bi("窗口已签发这份文件，请打印后交给群众。", "Print it and hand it to the villager.")),
    actions, pages);
  replace(slot, panel);
  if (!activeCall()) panel.scrollIntoView({ block: "start" }); // mid-call the video stays where it is
  renderPdf(documentUrl(document.id), pages).then(
    (canvases) => {
      pages.firstChild.remove();
      replace(actions, printButton(document, canvases));
    },
    (error) => replace(pages, errorBox({ message: "文件显示不出来，可以下载后打印。", messageEn: String(error) }),
      h("a", { class: "button main", href: documentUrl(document.id), download: "" }, bi("下载文件", "Download"))));
}

/** 打印: the document's pages alone; then where to say it was handed over. */
function printButton(document, canvases) {
  const afterPrint = h("p", { class: "after-print", hidden: true },
    bi("打印好了吗？交给群众后，请点下面的「已打印给群众」办结。", "Printed? Hand it over, then close the case below."));
  const print = h("button", { type: "button", class: "main print-document" }, bi("打印", "Print"));
  print.addEventListener("click", () => {
    printPages(canvases);
    afterPrint.hidden = !CLOSING_KINDS.includes(document.kind);
  });
  return [print, afterPrint];
}

/** On a decided case not yet closed: the button that shows its latest issued document again. */
export async function offerIssuedDocument(slot, kase) {
  if (!kase.actions.includes("close")) return;
  let documents;
  try {
    documents = await get(`/api/cases/${kase.id}/documents`);
  } catch {
    return; // the case screen itself shows what the link allows; the button waits for the next visit
  }
  const latest = documents.filter((document) => ISSUED_KINDS.includes(document.kind)).at(-1);
  if (!latest || !slot.isConnected || slot.firstChild) return; // nothing issued, gone, or already shown
  const button = h("button", { type: "button", class: "main show-document" },
    bi(`显示并打印${latest.kind_name}`, "Show and print the document"));
  button.addEventListener("click", () => showIssuedDocument(slot, latest));
  replace(slot, h("section", { class: "case-document offer no-print" }, button));
}
