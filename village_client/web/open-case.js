// 办新事: open a case for a villager — who, what, and the materials to collect.

import { get, post } from "/common/api.js";
import { materialList } from "/common/case-parts.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { busy, errorBox, messageSlot } from "/common/notice.js";
import { go } from "/common/router.js";
import { itemPicker } from "./item-picker.js";
import { agentFields } from "./agent-fields.js";
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
  const villager = villagerForm();
  const agent = agentFields();
  const materials = h("section", { class: "panel chosen", hidden: true });
  const slot = messageSlot();
  let chosen = null;
  const submit = h("button", { class: "main", type: "submit" }, bi("受理", "Open the case"));

  const show = (entry, parts, list, choices = null) => {
    replace(materials, chosenSummary(entry, parts), choices, materialList(list, { checklist: true }));
    materials.hidden = false;
  };
  const picker = itemPicker(items, bundles, async (choice) => {
    chosen = choice;
    if (choice.item) show(choice.item, [choice.item], choice.item.materials);
    else await showBundle(choice, show, slot);
    materials.scrollIntoView({ block: "start" });
  });
  const form = h("form", { class: "open-case", novalidate: true },
    villager.element, agent.element, picker, materials, slot.element, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!chosen) {
      slot.error({ message: "请先在第2步选择要办的事。", messageEn: "Choose what to do in step 2." });
      return;
    }
    const collected = [...materials.querySelectorAll("input[name=collected]:checked")].map((box) => box.value);
    const body = { villager: villager.value(), collected, ...agent.value() };
    if (chosen.item) body.item_code = chosen.item.code;
    else Object.assign(body, { bundle_code: chosen.bundle.code, items: chosen.items });
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

/**
 * 一件事: the bundle's items — those done only when they apply as boxes to tick — and the one set of
 * materials the server merges for the items chosen (the same document asked once).
 */
async function showBundle(choice, show, slot) {
  const load = async (codes) => {
    const query = codes ? `?items=${encodeURIComponent(codes.join(","))}` : "";
    try {
      return await get(`/api/bundles/${encodeURIComponent(choice.bundle.code)}${query}`);
    } catch (error) {
      slot.error(error);
      return null;
    }
  };
  const draw = (bundle) => {
    choice.items = bundle.chosen;
    const required = bundle.items.filter((item) => !item.optional).map((item) => item.code);
    const optional = bundle.items.filter((item) => item.optional);
    const boxes = optional.map((item) => h("input", {
      type: "checkbox", name: "optional_item", value: item.code, checked: bundle.chosen.includes(item.code),
    }));
    for (const box of boxes) {
      box.addEventListener("change", async () => {
        const again = await load([...required, ...boxes.filter((b) => b.checked).map((b) => b.value)]);
        if (again) draw(again);
      });
    }
    const choices = optional.length ? h("fieldset", { class: "optional-items" },
      h("legend", {}, bi("有这种情况才办（勾选要办的）", "Only when it applies: tick those to do")),
      optional.map((item, index) => h("label", { class: "optional-item" }, boxes[index], item.title,
        h("small", { class: "formal" }, item.name)))) : null;
    show(bundle, bundle.items.filter((item) => bundle.chosen.includes(item.code)), bundle.materials, choices);
  };
  const bundle = await load(null);
  if (bundle) draw(bundle);
}
