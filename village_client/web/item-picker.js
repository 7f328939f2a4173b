// Choosing what the villager wants done: search by plain words, 一件事 bundles first, then by level.

import { h } from "/common/dom.js";
import { bi, named } from "/common/i18n.js";
import { LEVELS } from "/common/names.js";

/** The picker; onChoose({bundle} | {item}) when a choice is pressed. */
export function itemPicker(items, bundles, onChoose) {
  const buttons = [];
  const choice = (entry, chosen) => {
    const button = h("button", {
      type: "button", class: "choice", "aria-pressed": "false", "data-code": entry.code,
      "data-search": `${entry.title} ${entry.name} ${entry.code}`.toLowerCase(),
      onclick: () => {
        for (const other of buttons) other.setAttribute("aria-pressed", String(other === button));
        onChoose(chosen);
      },
    }, entry.title, h("small", { class: "formal" }, entry.name));
    buttons.push(button);
    return button;
  };
  const group = (heading, entries) => h("section", { class: "choice-group" },
    h("h3", {}, heading), h("div", { class: "choices" }, entries));

  const search = h("input", { type: "search", name: "search", placeholder: "例如：修房子、养老、医保" });
  const groups = [
    group(bi("一件事（几件事一次办）", "Bundles"), bundles.map((bundle) => choice(bundle, { bundle }))),
    ...Object.keys(LEVELS).map((level) => group(named(LEVELS, level),
      items.filter((item) => item.level === level).map((item) => choice(item, { item })))),
  ];
  search.addEventListener("input", () => filter(search.value, buttons, groups));
  return h("fieldset", { class: "item-picker" },
    h("legend", {}, bi("2. 办什么事", "2. What to do")),
    h("label", { class: "field" }, bi("搜索", "Search"), search),
    groups);
}

function filter(query, buttons, groups) {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const button of buttons) {
    button.hidden = !words.every((word) => button.dataset.search.includes(word));
  }
  for (const group of groups) {
    group.hidden = [...group.querySelectorAll("button.choice")].every((button) => button.hidden);
  }
}
