// Small forms for decisions: a set of choices, each opening its own form with one submit button.

import { h, replace } from "./dom.js";
import { busy, messageSlot } from "./notice.js";

/**
 * A form with fields and one submit button: collect() builds the request body (throw
 * {message} to refuse it), send(body) posts it, done(result) follows a success.
 */
export function actionForm({ name, fields = [], submitLabel, danger = false, collect = () => ({}), send, done }) {
  const slot = messageSlot();
  const submit = h("button", { class: danger ? "main danger" : "main", type: "submit" }, submitLabel);
  const form = h("form", { class: "action-form", "data-form": name, novalidate: true }, fields, slot.element, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await busy(submit, slot, async () => send(collect()));
    if (result) done(result);
  });
  return form;
}

/** Buttons that each open their form below them, one at a time; choices: [{key, label, form()}]. */
export function chooser(choices) {
  const area = h("div", { class: "chosen-form" });
  const buttons = choices.map((choice) => h("button", {
    type: "button", "data-choice": choice.key, class: choice.danger ? "danger" : "",
    onclick: (event) => {
      for (const button of buttons) button.setAttribute("aria-pressed", String(button === event.currentTarget));
      replace(area, choice.form());
    },
  }, choice.label));
  return h("div", { class: "chooser" }, h("div", { class: "choice-buttons" }, buttons), area);
}

/** A refusal for a form's collect(): shown in the form's message slot, nothing is sent. */
export function refuse(message, messageEn) {
  return Object.assign(new Error(message), { messageEn });
}
