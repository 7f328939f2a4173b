// The handling window's decisions: start review, approve, ask for materials, refuse, promise a date.

import { post } from "/common/api.js";
import { h } from "/common/dom.js";
import { todayInChina } from "/common/format.js";
import { bi, named } from "/common/i18n.js";
import { ACTIONS, REVIEW_STATES } from "/common/names.js";
import { actionForm, chooser } from "./forms.js";
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
    approve: form("approve", { submitLabel: bi("确认批准", "Confirm approval") }),
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

/** 联审: approval is offered once every department agreed; until then the panel says who is awaited. */
function waitingForDepartments(kase) {
  const waiting = kase.reviews.filter((review) => review.state !== "approved");
  if (!waiting.length || !deciding(kase)) return null;
  const names = waiting.map((review) => `${review.unit_name}（${REVIEW_STATES[review.state]?.[0] || review.state}）`);
  return h("p", { class: "note waiting-departments" },
    bi(`联审部门全部同意后才能批准。还在等：${names.join("、")}。`, "Approval waits for every department to agree."));
}
