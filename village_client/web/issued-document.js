// The document the approver just issued (审批决定书, 资料补充回执清单 …), shown at once on the
// case at the village window, printed with one big button and handed over, which closes the case.

import { get, post } from "/common/api.js";
import { documentUrl, printPages, renderPdf } from "/common/document-viewer.js";
import { h, replace } from "/common/dom.js";
import { bi, named } from "/common/i18n.js";
import { HANDOVERS } from "/common/names.js";
import { busy, errorBox, messageSlot } from "/common/notice.js";

const CLOSING_KINDS = ["approval", "refusal"]; // the case ends once these are in the villager's hands

/** Show the document on top of the case screen; onClosed(case) once the handover closed the case. */
export function showIssuedDocument(layout, kase, document, onClosed) {
  layout.querySelector(".case-document")?.remove();
  const pages = h("div", { class: "document-pages" }, h("p", {}, bi("正在显示文件……", "Loading the document…")));
  const slot = messageSlot();
  const actions = h("div", { class: "document-actions no-print" });
  const panel = h("section", { class: "case-document", "data-document": document.id, "data-kind": document.kind },
    h("h2", {}, document.kind_name, h("small", { class: "en" }, "Issued document")),
    h("p", { class: "note" }, bi("窗口已签发这份文件，请打印后交给群众。", "Print it and hand it to the villager.")),
    actions, slot.element, pages);
  layout.prepend(panel);
  panel.scrollIntoView({ block: "start" });
  renderPdf(documentUrl(document.id), pages).then(
    (canvases) => {
      pages.firstChild.remove();
      replace(actions, documentActions(kase, document, canvases, slot, (closed) => {
        replace(actions, h("p", { class: "done" }, bi("已办结，文件已交给群众。", "Closed: handed over.")));
        onClosed(closed);
      }));
    },
    (error) => replace(pages, errorBox({ message: "文件显示不出来，可以下载后打印。", messageEn: String(error) }),
      h("a", { class: "button main", href: documentUrl(document.id), download: "" }, bi("下载文件", "Download"))));
}

/** 打印, then 已打印 (or straight 已交给群众): the handover closes the case. */
function documentActions(kase, document, canvases, slot, onClosed) {
  const closes = CLOSING_KINDS.includes(document.kind);
  const close = (handover) => {
    const button = h("button", { type: "button", class: handover === "printed" ? "main" : "",
      "data-handover": handover }, named(HANDOVERS, handover));
    button.addEventListener("click", () => busy(button, slot, async () => {
      onClosed(await post(`/api/cases/${kase.id}/actions/close`, { handover }));
    }));
    return button;
  };
  const afterPrint = h("div", { class: "after-print", hidden: true },
    h("p", {}, bi("打印好了吗？打好了请点「已打印给群众」办结。", "Printed? Then close the case.")),
    closes ? close("printed") : null);
  const print = h("button", { type: "button", class: "main print-document" }, bi("打印", "Print"));
  print.addEventListener("click", () => {
    printPages(canvases);
    afterPrint.hidden = !closes;
  });
  return [print, closes ? close("handed_over") : null, afterPrint];
}

/** On a decided case not yet closed: the button that shows its latest issued document again. */
export async function offerIssuedDocument(layout, kase, onClosed) {
  if (!kase.actions.includes("close")) return;
  let documents;
  try {
    documents = await get(`/api/cases/${kase.id}/documents`);
  } catch {
    return; // the case screen itself shows what the link allows; the button waits for the next visit
  }
  const latest = documents.filter((document) => document.kind !== "scan").at(-1);
  if (!latest || !layout.isConnected) return;
  const button = h("button", { type: "button", class: "main show-document" },
    bi(`显示并打印${latest.kind_name}`, "Show and print the document"));
  const offer = h("section", { class: "case-document offer no-print" }, button);
  button.addEventListener("click", () => showIssuedDocument(layout, kase, latest, onClosed));
  layout.querySelector(".case-document")?.remove();
  layout.prepend(offer);
}
