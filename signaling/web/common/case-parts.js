// Pieces of a case both windows show: state, overdue flag, facts, materials, decision, opinions.

import { h } from "./dom.js";
import { formatDate, formatDateTime } from "./format.js";
import { bi, named } from "./i18n.js";
import { FORMS, REVIEW_STATES, STATES } from "./names.js";

export function stateBadge(state) {
  return h("span", { class: `state state-${state}` }, named(STATES, state));
}

export function overdueFlag(kase) {
  return kase.overdue ? h("span", { class: "flag overdue" }, bi("已超期", "Overdue")) : null;
}

/** The plain titles of the case's items (我要修房子、…). */
export function itemTitles(kase) {
  return kase.items.map((item) => item.title).join("、");
}

/** One case in a list: a big card linking to it, overdue ones framed in red. */
export function caseCard(kase, href) {
  return h("li", {},
    h("a", { class: `card${kase.overdue ? " overdue" : ""}`, href, "data-case": kase.id },
      h("div", { class: "title" }, itemTitles(kase)),
      h("div", {}, stateBadge(kase.state), " ", overdueFlag(kase)),
      h("div", { class: "facts" },
        h("span", {}, kase.villager_name),
        h("span", {}, kase.village_name),
        h("span", {}, kase.number),
        h("span", {}, deadline(kase)))));
}

/** When the case must be done by, or — once closed — when it was done. */
function deadline(kase) {
  return kase.state === "closed" ? `${formatDateTime(kase.closed_at)} 办结` : `限 ${formatDateTime(kase.due_at)} 前办结`;
}

/** The facts of a case: number, villager, items, dates, handling window. */
export function caseFacts(kase) {
  const row = (zh, en, ...value) => [h("dt", {}, bi(zh, en)), h("dd", {}, ...value)];
  return h("dl", { class: "facts" },
    row("办件编号", "Case", kase.number),
    row("群众", "Villager", `${kase.villager.name} ${kase.villager.phone || ""}`),
    row("身份证号", "ID number", kase.villager.id_number),
    row("事项", "Item", itemTitles(kase)),
    row("村", "Village", kase.village_name),
    row("办理窗口", "Handled by", kase.handler_unit_name),
    row("受理时间", "Opened", formatDateTime(kase.opened_at)),
    kase.state === "closed" ? row("办结时间", "Closed", formatDateTime(kase.closed_at))
      : row("办结时限", "Due", formatDateTime(kase.due_at), " ", overdueFlag(kase)));
}

/** How a material is to be brought: 原件 1 份. */
export function materialForm(material) {
  const form = FORMS[material.form];
  return [form ? form[0] : "", material.count ? ` ${material.count} 份` : ""].join("");
}

/** The materials of a case (已收 where the clerk had them), or as a checklist ticked while collecting them. */
export function materialList(materials, { checklist = false } = {}) {
  return h("ul", { class: "materials" }, materials.map((material) => h("li",
    { "data-collected": String(Boolean(material.collected)) },
    h(checklist ? "label" : "span", {},
      checklist ? h("input", { type: "checkbox", name: "collected", value: material.name }) : null,
      material.name,
      h("span", { class: "form" }, materialForm(material)),
      material.collected ? h("span", { class: "collected" }, bi("✓ 已收", "collected")) : null))));
}

/** 资料补充回执清单: the one-time list of missing materials, in large print. */
export function supplementList(materials) {
  return h("ol", { class: "supplement" }, materials.map((material) => h("li", {},
    material.name, " ", h("span", { class: "form" }, materialForm(material)),
    material.note ? h("span", { class: "note-text" }, material.note) : null)));
}

/** The decision taken on the case so far, as the villager needs to hear it. */
export function decisionBox(kase) {
  if (kase.state === "supplement_requested" && kase.supplement) {
    return h("div", { class: "decision supplement_requested" },
      h("h2", {}, bi("需要补充的材料", "Materials to bring")), supplementList(kase.supplement));
  }
  if (kase.state === "refused" || (kase.state === "closed" && kase.refusal_reason)) {
    return h("div", { class: "decision refused" },
      h("h2", {}, bi("不予批准的理由", "Reason for refusal")), h("p", { class: "reason" }, kase.refusal_reason));
  }
  if (kase.state === "pending") {
    return h("div", { class: "decision pending" },
      h("h2", {}, bi("承诺办结日期", "Promised date")), h("p", { class: "promised" }, formatDate(kase.pending_until)));
  }
  if (kase.state === "approved" || kase.state === "closed") { // the state badge above already names it
    return h("div", { class: `decision ${kase.state}` },
      h("h2", {}, bi("审批结果", "Decision")),
      kase.decided_at ? h("p", {}, `批准时间：${formatDateTime(kase.decided_at)}`) : null,
      kase.closed_at ? h("p", {}, `办结时间：${formatDateTime(kase.closed_at)}`) : null);
  }
  return null;
}

/** 联审: every department's opinion, seen by every party of the case. */
export function reviewList(reviews) {
  if (!reviews.length) return null;
  return h("section", { class: "panel reviews" },
    h("h2", {}, bi("部门联审意见", "Department opinions")),
    h("ul", { class: "materials" }, reviews.map((review) => h("li", { "data-unit": review.unit_id },
      h("strong", {}, review.unit_name), "：", h("span", { class: `review review-${review.state}` },
        named(REVIEW_STATES, review.state)),
      review.reason ? h("p", {}, `理由：${review.reason}`) : null,
      review.materials ? supplementList(review.materials) : null))));
}
