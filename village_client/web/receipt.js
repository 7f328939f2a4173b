// 资料补充回执清单: the one-time list of missing materials, printed and handed to the villager.

import { get } from "/common/api.js";
import { itemTitles, materialForm } from "/common/case-parts.js";
import { h, replace } from "/common/dom.js";
import { formatDate } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";

export async function showReceipt(screen, id) {
  let kase;
  try {
    kase = await get(`/api/cases/${encodeURIComponent(id)}`);
  } catch (error) {
    replace(screen, errorBox(error));
    return;
  }
  if (!kase.supplement || kase.state !== "supplement_requested") {
    replace(screen, h("p", { class: "note" }, bi("这个办件现在不需要补充材料。", "No materials are requested.")),
      h("a", { href: `#/case/${kase.id}` }, bi("返回办件", "Back to the case")));
    return;
  }
  replace(screen,
    h("p", { class: "no-print" },
      h("button", { class: "main", type: "button", onclick: () => window.print() }, bi("打印", "Print")),
      h("a", { class: "button", href: `#/case/${kase.id}` }, bi("返回办件", "Back to the case"))),
    receipt(kase));
}

function receipt(kase) {
  const cell = (tag, ...content) => h(tag, {}, ...content);
  return h("article", { class: "receipt" },
    h("h1", {}, "资料补充回执清单"),
    h("p", {}, `办件编号：${kase.number}`),
    h("p", {}, `申请人：${kase.villager.name}`),
    h("p", {}, `事项：${itemTitles(kase)}`),
    h("p", { class: "salutation" }, `${kase.villager.name}：`),
    h("p", { class: "notice-opening" }, kase.supplement_notice.opening), // the signed list's own words
    h("table", { class: "grid" },
      h("thead", {}, h("tr", {}, ["序号", "需要补充的材料", "原件/复印件 份数", "说明"].map((t) => cell("th", t)))),
      h("tbody", {}, kase.supplement.map((material, index) => h("tr", {},
        cell("td", String(index + 1)), cell("td", material.name), cell("td", materialForm(material)),
        cell("td", material.note || ""))))),
    h("p", { class: "notice-closing" }, kase.supplement_notice.closing),
    h("p", {}, `审查窗口：${kase.handler_unit_name}`),
    h("p", {}, `告知日期：${formatDate(kase.decided_at)}`),
    h("p", { class: "signatures" }, h("span", {}, "群众签收：________________"), h("span", {}, "村窗口经办人：________________")));
}
