// 受理回执: printed for the villager when the case is opened — the case number, what was applied for,
// by when it will be done, what happens next, and a QR code to the public status page (办件进度查询).

import { itemTitles } from "/common/case-parts.js";
import { h } from "/common/dom.js";
import { formatDate, formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { showPrintable } from "./printable.js";

export function showAcceptanceReceipt(screen, id) {
  return showPrintable(screen, id, receipt, bi("打印受理回执", "Print"));
}

/** What happens next, in the villager's words. */
function nextSteps(kase) {
  if (kase.handler_unit_id === kase.village_id) return "本事项由村便民服务站直接办理，办好后当场或通知您来领取结果。";
  return `材料由村便民服务站传给${kase.handler_unit_name}窗口审查，您不用去乡镇或区里。`
    + "需要补充材料时会一次性告诉您；办好后结果回传到村，我们会发短信或打电话通知您来领取。";
}

function receipt(kase) {
  return h("article", { class: "receipt acceptance" },
    h("h1", {}, "受理回执"),
    h("img", { class: "status-qr", src: `/api/cases/${kase.id}/status-qr.svg`, alt: "办件进度查询二维码",
      width: 160, height: 160 }),
    h("p", {}, `办件编号：${kase.number}`),
    h("p", {}, `申请人：${kase.villager.name}`),
    h("p", {}, `办理事项：${itemTitles(kase)}`),
    h("p", {}, `受理时间：${formatDateTime(kase.opened_at)}`),
    h("p", { class: "due" }, `办结时限：${formatDate(kase.due_at)} 前办结（等待补充材料期间暂停计时）`),
    h("p", { class: "next" }, `下一步：${nextSteps(kase)}`),
    h("p", { class: "qr-note" }, "扫描二维码，输入身份证号后4位，可随时查询办理进度。"),
    h("p", {}, `受理窗口：${kase.village_name}便民服务站`),
    h("p", { class: "signatures" }, h("span", {}, "群众签收：________________"), h("span", {}, "村窗口经办人：________________")));
}
