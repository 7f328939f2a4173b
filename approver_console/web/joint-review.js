// 联审: the handling window sends a case to departments; a department reviewer gives its opinion.

import { get, post } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { deciding } from "./decisions.js";
import { actionForm, chooser, refuse } from "./forms.js";
import { supplementFields } from "./supplement-form.js";

/** Sending to departments, for the handling window while it is deciding. */
export function sendToDepartmentsPanel(kase, redraw) {
  if (!deciding(kase)) return null;
  const panel = h("section", { class: "panel send-review no-print" },
    h("h2", {}, bi("发起联审", "Send to departments")), h("p", {}, bi("正在读取部门……", "Loading…")));
  get("/api/units").then(
    (units) => replace(panel, panel.firstChild, departmentForm(kase, caseDepartments(kase, units), redraw)),
    (error) => replace(panel, panel.firstChild, errorBox(error)));
  return panel;
}

/** The departments of the case's town and district. */
function caseDepartments(kase, units) {
  const byId = new Map(units.map((unit) => [unit.id, unit]));
  const town = byId.get(byId.get(kase.village_id)?.parent_id);
  const owners = new Set([town?.id, town?.parent_id]);
  return units.filter((unit) => unit.kind === "department" && owners.has(unit.parent_id));
}

function departmentForm(kase, departments, redraw) {
  const sent = new Set(kase.reviews.map((review) => review.unit_id));
  const wanted = new Set(kase.items.flatMap((item) => item.departments));
  const boxes = departments.map((unit) => h("input", {
    type: "checkbox", name: "department", value: unit.id,
    checked: sent.has(unit.id) || wanted.has(unit.dept_code), disabled: sent.has(unit.id),
  }));
  const fields = h("fieldset", {}, h("legend", {}, bi("选择参加联审的部门", "Departments")),
    departments.map((unit, index) => h("label", { class: "field" }, boxes[index], unit.name,
      sent.has(unit.id) ? h("small", { class: "en" }, "（已发送 sent）") : null)));
  return actionForm({
    name: "send_review", fields, submitLabel: bi("发给所选部门", "Send"), done: redraw,
    collect: () => {
      const chosen = boxes.filter((box) => box.checked && !box.disabled).map((box) => box.value);
      if (!chosen.length) throw refuse("请至少选择一个还没发送过的部门。", "Choose a department.");
      return { departments: chosen };
    },
    send: (body) => post(`/api/cases/${kase.id}/reviews`, body),
  });
}

/** A department reviewer's opinion, while its department's review is open. */
export function departmentOpinionPanel(kase, account, redraw) {
  const own = kase.reviews.find((review) => review.unit_id === account.unit_id);
  const open = ["under_review", "pending"].includes(kase.state);
  if (!own || own.state !== "reviewing" || !open) return null;
  const send = (body) => post(`/api/cases/${kase.id}/review`, body);
  const opinion = (decision, submitLabel, extra = {}) => () =>
    actionForm({ name: `review_${decision}`, send, done: redraw, submitLabel, collect: () => ({ decision }), ...extra });
  const reason = () => {
    const text = h("textarea", { name: "reason", maxlength: 1000 });
    return opinion("refuse", bi("提交不同意意见", "Send"), {
      danger: true, fields: h("label", { class: "field" }, bi("不同意的理由", "Reason"), text),
      collect: () => ({ decision: "refuse", reason: text.value.trim() }),
    })();
  };
  const materials = () => {
    const fields = supplementFields(kase.materials);
    return opinion("request_supplement", bi("提交补充材料意见", "Send"), {
      fields: fields.element, collect: () => ({ decision: "request_supplement", materials: fields.value() }),
    })();
  };
  return h("section", { class: "panel opinion no-print" },
    h("h2", {}, bi(`${own.unit_name}的审核意见`, "Your department's opinion")),
    chooser([
      { key: "approve", label: bi("同意", "Agree"), form: opinion("approve", bi("确认同意", "Confirm")) },
      { key: "refuse", label: bi("不同意", "Disagree"), danger: true, form: reason },
      { key: "request_supplement", label: bi("需补充材料", "Needs materials"), form: materials },
    ]));
}
