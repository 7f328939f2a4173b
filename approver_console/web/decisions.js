// The handling window's decisions: start review, approve, ask for materials, refuse, promise a date.

import { post } from "/common/api.js";
import { h } from "/common/dom.js";
import { todayInChina } from "/common/format.js";
import { bi, named } from "/common/i18n.js";
import { ACTIONS } from "/common/names.js";
import { actionForm, chooser } from "./forms.js";
import { supplementFields } from "./supplement-form.js";

/** The decisions the API allows this account now (`actions`), or null when there are none. */
export function decisionPanel(kase, redraw) {
  if (!kase.actions.length) return null;
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
    : chooser(kase.actions.filter((action) => forms[action]).map((action) => ({
      key: action, label: named(ACTIONS, action), danger: action === "refuse", form: forms[action],
    })));
  return h("section", { class: "panel decisions no-print" }, h("h2", {}, bi("审批决定", "Decision")), content);
}
