// 办新事: open a case for a villager — who, what, and the materials to collect.

import { get, post } from "/common/api.js";
import { materialList } from "/common/case-parts.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { busy, errorBox, messageSlot } from "/common/notice.js";
import { go } from "/common/router.js";
import { itemPicker } from "./item-picker.js";
import { villagerForm } from "./villager-form.js";

export async function showOpenCase(screen) {
  replace(screen, h("h1", {}, bi("办新事", "Open a case")), h("p", {}, bi("正在读取事项清单……", "Loading…")));
  let items, bundles;
  try {
    [items, bundles] = await Promise.all([get("/api/items"), get("/api/bundles")]);
  } catch (error) {
    replace(screen, errorBox(error));
    return;
  }
  const byCode = new Map(items.map((item) => [item.code, item]));
  const villager = villagerForm();
  const materials = h("section", { class: "panel chosen", hidden: true });
  const slot = messageSlot();
  let chosen = null;
  const submit = h("button", { class: "main", type: "submit" }, bi("受理", "Open the case"));

  const picker = itemPicker(items, bundles, (choice) => {
    chosen = choice;
    const entry = choice.item || choice.bundle;
    const parts = choice.item ? [choice.item] : choice.bundle.items.map((code) => byCode.get(code));
    replace(materials, chosenSummary(entry, parts), materialList(combinedMaterials(parts), { checklist: true }));
    materials.hidden = false;
    materials.scrollIntoView({ block: "start" });
  });
  const form = h("form", { class: "open-case", novalidate: true },
    villager.element, picker, materials, slot.element, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!chosen) {
      slot.error({ message: "请先在第2步选择要办的事。", messageEn: "Choose what to do in step 2." });
      return;
    }
    const collected = [...materials.querySelectorAll("input[name=collected]:checked")].map((box) => box.value);
    const body = { villager: villager.value(), collected };
    if (chosen.item) body.item_code = chosen.item.code; else body.bundle_code = chosen.bundle.code;
    const kase = await busy(submit, slot, () => post("/api/cases", body));
    if (kase) go(`/case/${kase.id}`);
  });
  replace(screen, h("h1", {}, bi("办新事", "Open a case")), form);
}

function chosenSummary(entry, items) {
  const days = Math.max(...items.map((item) => item.time_limit_days));
  return [
    h("h2", {}, bi("3. 请收齐这些材料", "3. Materials to collect")),
    h("p", { class: "chosen-title" }, h("strong", {}, entry.title), `（${entry.name}）`),
    h("p", {}, days === 0 ? bi("当场办结", "Done on the spot") : bi(`${days} 个工作日内办结`, `Within ${days} working days`),
      " · ", h("a", { href: `/guide/${encodeURIComponent(entry.code)}`, target: "_blank" }, bi("打印办事指南", "Print the guide"))),
  ];
}

/** 一件事: one set of materials for several items (same name once, the larger count, originals win). */
function combinedMaterials(items) {
  const merged = new Map();
  for (const material of items.flatMap((item) => item.materials)) {
    const known = merged.get(material.name);
    if (!known) {
      merged.set(material.name, { ...material });
    } else {
      known.count = Math.max(known.count, material.count);
      if (material.form === "original") known.form = "original";
    }
  }
  return [...merged.values()];
}
