// 保全: the auditor puts a problem case on legal hold, or releases it, always with a reason.

import { post } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { busy, messageSlot } from "/common/notice.js";

/** The hold panel; changed({problem, hold}) after a hold or a release. */
export function holdPanel(kase, changed) {
  const panel = h("section", { class: "panel hold-panel" });
  const draw = (state) => replace(panel, ...holdContent(kase.id, state, (next) => {
    draw(next);
    changed(next);
  }));
  draw({ problem: kase.problem, hold: kase.hold });
  return panel;
}

function holdContent(caseId, state, done) {
  const held = Boolean(state.hold);
  const reason = h("textarea", { name: "reason", maxlength: 500 });
  const slot = messageSlot();
  const submit = h("button", { type: "submit", class: held ? "" : "danger" },
    held ? bi("解除保全", "Release the hold") : bi("保全此办件（设为问题件）", "Put on legal hold"));
  const form = h("form", { class: "hold-form", "data-form": held ? "release" : "hold", novalidate: true },
    h("label", { class: "field" },
      held ? bi("解除保全的理由（必填）", "Why release it (required)") : bi("保全理由（必填）", "Why hold it (required)"),
      reason),
    slot.element, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const path = `/api/cases/${caseId}/${held ? "release" : "hold"}`;
    const next = await busy(submit, slot, () => post(path, { reason: reason.value.trim() }));
    if (next) done(next);
  });
  const status = held
    ? h("div", { class: "hold-box" },
      h("p", {}, h("strong", {}, "本办件已保全，录像和文件不会按保存期限删除。"),
        h("small", { class: "en" }, "On legal hold: retention deletes nothing of it.")),
      h("p", { class: "hold-reason" }, `理由：${state.hold.reason}`),
      h("p", {}, `保全时间：${formatDateTime(state.hold.at)}`))
    : h("p", {}, bi("保全后，本办件的录像和文件不会按保存期限删除，直到解除保全。",
      "While a case is held, retention deletes nothing of it."));
  return [h("h2", {}, bi("保全", "Legal hold")), status, form];
}
