// 代办: who carried the case, the home visits and errands made for it, and where its papers are (去向),
// each move in order — shown on both windows; the village, town and district windows record them.

import { post } from "./api.js";
import { h } from "./dom.js";
import { formatDateTime } from "./format.js";
import { actionForm, chooser } from "./forms.js";
import { bi, named } from "./i18n.js";
import { ERRANDS, PAPERS, PLACES, RELATIONS } from "./names.js";

const select = (name, table) => h("select", { name }, Object.entries(table).map(([key, [zh]]) => h("option", { value: key }, zh)));

/** The panel; redraw(case) after each record, which only windows that may record (canRecord) offer. */
export function agencyPanel(kase, redraw, canRecord) {
  const agent = kase.agent;
  return h("section", { class: "panel agency" },
    h("h2", {}, bi("代办记录", "Agency record")),
    h("p", { class: "carried-by" }, agent
      ? [named(RELATIONS, agent.relation), `：${agent.name} ${agent.phone || ""}`,
        kase.villager_present ? "" : "（群众本人不在场，凭委托书代办）"]
      : bi("群众本人办理", "The villager in person")),
    kase.errands.length ? h("ul", { class: "errands" }, kase.errands.map((errand) => h("li", {},
      h("strong", {}, named(ERRANDS, errand.kind)), ` ${formatDateTime(errand.at)} ${errand.by_name || ""}`,
      errand.note ? `：${errand.note}` : ""))) : null,
    h("h3", {}, bi("材料和证照去向", "Where the papers are")),
    kase.custody.length ? h("ol", { class: "custody" }, kase.custody.map((move) => h("li", { "data-what": move.what },
      h("strong", {}, named(PAPERS, move.what)), " → ", named(PLACES, move.place),
      ` ${formatDateTime(move.at)} ${move.by_name || ""}`, move.note ? `（${move.note}）` : ""))) : h("p", { class: "note" },
      bi("还没有记录。", "Nothing recorded yet.")),
    kase.state === "closed" && kase.received_by
      ? h("p", { class: "received-by" }, `领取人：${kase.received_by.name}（`, named(RELATIONS, kase.received_by.relation), "）")
      : null,
    canRecord ? recordForms(kase, redraw) : null);
}

function recordForms(kase, redraw) {
  const send = (path) => (body) => post(`/api/cases/${kase.id}/${path}`, body);
  return h("div", { class: "no-print" }, chooser([
    { key: "custody", label: bi("记录去向", "Record a move"), form: () => {
      const what = select("what", PAPERS);
      const place = select("place", PLACES);
      const note = h("input", { name: "note", maxlength: 300 });
      return actionForm({ name: "custody", send: send("custody"), done: redraw, submitLabel: bi("保存去向", "Save"),
        fields: h("div", { class: "inline-fields" }, h("label", { class: "field" }, bi("哪些材料", "Which papers"), what),
          h("label", { class: "field" }, bi("现在在哪里", "Where now"), place), h("label", { class: "field" }, bi("说明", "Note"), note)),
        collect: () => ({ what: what.value, place: place.value, note: note.value.trim() }) });
    } },
    { key: "errand", label: bi("记录上门服务/跑腿", "Record a visit or errand"), form: () => {
      const kind = select("kind", ERRANDS);
      const note = h("input", { name: "note", maxlength: 300 });
      return actionForm({ name: "errand", send: send("errands"), done: redraw, submitLabel: bi("保存记录", "Save"),
        fields: h("div", { class: "inline-fields" }, h("label", { class: "field" }, bi("做了什么", "What"), kind),
          h("label", { class: "field" }, bi("说明", "Note"), note)),
        collect: () => ({ kind: kind.value, note: note.value.trim() }) });
    } },
  ]));
}
