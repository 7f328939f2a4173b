// 一次性告知: tick the missing materials from the case's list, add any others, with a note each.

import { h } from "/common/dom.js";
import { materialForm } from "/common/case-parts.js";
import { bi } from "/common/i18n.js";
import { refuse } from "./forms.js";

/** The fields; value() is the API's materials list (refused when nothing is ticked or added). */
export function supplementFields(materials) {
  const rows = materials.map(listedRow);
  const extras = h("div", { class: "extra-materials" });
  const extraRows = [];
  const addExtra = h("button", { type: "button", onclick: () => {
    const row = extraRow();
    extraRows.push(row);
    extras.append(row.element);
    row.focus();
  } }, bi("添加其他材料", "Add another material"));
  const element = h("fieldset", { class: "supplement-fields" },
    h("legend", {}, bi("勾选缺少的材料", "Tick the missing materials")),
    rows.map((row) => row.element), extras, addExtra);
  const value = () => {
    const chosen = [...rows, ...extraRows].map((row) => row.value()).filter(Boolean);
    if (!chosen.length) throw refuse("请至少勾选或填写一项需要补充的材料。", "Tick or add at least one material.");
    return chosen;
  };
  return { element, value };
}

function withNote(material, note) {
  const text = note.value.trim();
  return text ? { ...material, note: text } : material;
}

function listedRow(material) {
  const tick = h("input", { type: "checkbox", name: "missing", value: material.name });
  const note = h("input", { name: "note", placeholder: "说明（可不填），例如：需村委会盖章", hidden: true });
  tick.addEventListener("change", () => { note.hidden = !tick.checked; });
  const element = h("div", { class: "missing-material" },
    h("label", {}, tick, material.name, h("span", { class: "form" }, materialForm(material))), note);
  const { name, form, count } = material; // what the API takes of a material (not whether it was collected)
  return { element, value: () => (tick.checked ? withNote({ name, form, count }, note) : null) };
}

function extraRow() {
  const name = h("input", { name: "extra_name", maxlength: 100 });
  const form = h("select", { name: "extra_form" },
    h("option", { value: "original" }, "原件"), h("option", { value: "copy" }, "复印件"));
  const count = h("input", { name: "extra_count", type: "number", min: 1, max: 20, value: "1" });
  const note = h("input", { name: "extra_note", maxlength: 200 });
  const element = h("div", { class: "inline-fields extra-material" },
    h("label", { class: "field" }, bi("材料名称", "Material"), name),
    h("label", { class: "field" }, bi("原件/复印件", "Form"), form),
    h("label", { class: "field" }, bi("份数", "Copies"), count),
    h("label", { class: "field" }, bi("说明", "Note"), note));
  const value = () => {
    if (!name.value.trim()) return null;
    const material = { name: name.value.trim(), form: form.value, count: Math.max(1, Number(count.value) || 1) };
    return withNote(material, note);
  };
  return { element, value, focus: () => name.focus() };
}
