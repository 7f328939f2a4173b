// Chinese first, English second: every label is the Chinese text with a small English caption.
// (One style everywhere, no language toggle: the clerk reads Chinese, a visitor still finds the way.)

import { h } from "./dom.js";

/** A bilingual label: 中文 with a small English caption. */
export function bi(zh, en) {
  return h("span", { class: "bi" }, h("span", { lang: "zh-CN" }, zh), en ? h("small", { class: "en", lang: "en" }, en) : null);
}

/** A bilingual label from a [中文, English] pair of a names table, or the raw key when unknown. */
export function named(table, key) {
  const pair = table[key];
  return pair ? bi(pair[0], pair[1]) : bi(String(key), "");
}
