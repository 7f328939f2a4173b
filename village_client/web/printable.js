// A case's paper for the villager (受理回执, 资料补充回执清单): 打印 and 返回办件 above it, nothing else printed.

import { get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";

/** Read the case, then show paper(kase) — or, when it returns a note instead, that note and the way back. */
export async function showPrintable(screen, id, paper, printLabel) {
  let kase;
  try {
    kase = await get(`/api/cases/${encodeURIComponent(id)}`);
  } catch (error) {
    replace(screen, errorBox(error));
    return;
  }
  const back = h("a", { class: "button", href: `#/case/${kase.id}` }, bi("返回办件", "Back to the case"));
  const content = paper(kase);
  if (!content.classList.contains("receipt")) {
    replace(screen, content, back);
    return;
  }
  replace(screen,
    h("p", { class: "no-print" },
      h("button", { class: "main", type: "button", onclick: () => window.print() }, printLabel), back),
    content);
}
