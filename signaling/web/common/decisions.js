// The handling window's decisions: start review, approve, ask for materials, refuse, promise a date —
// at the town or district console, and at the village window for village-level items (村级直接办).

import { post } from "./api.js";
import { h } from "./dom.js";
import { todayInChina } from "./format.js";
import { bi, named } from "./i18n.js";
import { ACTIONS, REVIEW_STATES } from "./names.js";
import { actionForm, chooser, refuse } from "./forms.js";
import { supplementFields } from "./supplement-form.js";

const DECISIONS = ["approve", "request_supplement", "refuse", "set_pending"];

/** Whether the handling window is deciding the case now (it may send it to departments meanwhile). */
export function deciding(kase) {
  return kase.actions.includes("refuse");
}

/** The decisions the API allows this account now (`actions`), or null when there are none. */
export function decisionPanel(kase, redraw) {
  const offered = kase.actions.filter((action) => action === "start_review" || DECISIONS.includes(action));
  if (!offered.length) return null; // a department reviewer gives an opinion instead (joint-review.js)
  const send = (action) => (body) => post(`/api/cases/${kase.id}/actions/${action}`, body);
  const form = (action, options) => () => actionForm({ name: action, send: send(action), done: redraw, ...options });
  const forms = {
    approve: () => {
      const items = itemRefusals(kase.items);
      return form("approve", { fields: items.element, collect: items.value, submitLabel: bi("确认批准", "Confirm approval") })();
    },
    request_supplement: () => {
      const fields = supplementFields(kase.materials);
      return form("request_supplement", {
        fields: fields.element, collect: () => ({ materials: fields.value() }),
        submitLabel: bi("发出补充材料告知", "Send the list"),
      })();
    },
    refuse: () => {
      const reason = h("textarea", { name: "reason", maxlength: 1000 });
      return form("refuse", {
        danger: true, fields: h("label", { class: "field" }, bi("不予批准的理由（必填）", "Reason (required)"), reason),
        collect: () => ({ reason: reason.value.trim() }), submitLabel: bi("确认不予批准", "Confirm refusal"),
      })();
    },
    set_pending: () => {
      const until = h("input", { type: "date", name: "until", min: todayInChina() });
      return form("set_pending", {
        fields: h("label", { class: "field" }, bi("承诺在这一天前办结", "Promised date"), until),
        collect: () => ({ until: until.value }), submitLabel: bi("确认承诺日期", "Confirm the date"),
      })();
    },
  };
  const content = kase.actions.includes("start_review")
    ? form("start_review", { submitLabel: named(ACTIONS, "start_review") })()
    : chooser(offered.map((action) => ({
      key: action, label: named(ACTIONS, action), danger: action === "refuse", form: forms[action],
    })));
  return h("section", { class: "panel decisions no-print" }, h("h2", {}, bi("审批决定", "Decision")),
    waitingForDepartments(kase), content);
}

/** 一件事: approving while refusing single items, each with its reason (nothing to tick for one item). */
function itemRefusals(items) {
  if (items.length < 2) return { element: null, value: () => ({}) };
  const rows = items.map((item) => {
    const box = h("input", { type: "checkbox", name: "refuse_item", value: item.code });
    const reason = h("input", { name: "item_reason", maxlength: 500, hidden: true, placeholder: "不予办理的理由（必填）" });
    box.addEventListener("change", () => { reason.hidden = !box.checked; });
    return { item, box, reason, element: h("div", { class: "missing-material" }, h("label", {}, box, item.title), reason) };
  });
  const element = h("fieldset", { class: "item-refusals" },
    h("legend", {}, bi("其中有事项不予办理时，勾选并写明理由", "Tick any item refused, with the reason")),
    rows.map((row) => row.element));
  const value = () => {
    const refused = rows.filter((row) => row.box.checked)
      .map((row) => ({ code: row.item.code, reason: row.reason.value.trim() }));
    if (refused.some((row) => !row.reason)) throw refuse("请写明每个不予办理事项的理由。", "Give each refused item's reason.");
    return refused.length ? { refused_items: refused } : {};
  };
  return { element, value };
}

/** 联审: approval is offered once every department agreed; until then the panel says who is awaited. */
function waitingForDepartments(kase) {
  const waiting = kase.reviews.filter((review) => ["reviewing", "supplement_requested"].includes(review.state));
  if (!waiting.length || !deciding(kase)) return null;
  const names = waiting.map((review) => `${review.unit_name}（${REVIEW_STATES[review.state]?.[0] || review.state}）`);
  return h("p", { class: "note waiting-departments" },
    bi(`联审部门全部答复后才能批准。还在等：${names.join("、")}。`, "Approval waits for every department's answer."));
}
