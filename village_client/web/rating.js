// 好差评: the villager rates the closed case with one of five big buttons.

import { post } from "/common/api.js";
import { h } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { busy, messageSlot } from "/common/notice.js";

const SCORES = [
  [1, "非常不满意", "Very poor"],
  [2, "不满意", "Poor"],
  [3, "一般", "Fair"],
  [4, "满意", "Good"],
  [5, "非常满意", "Very good"],
];

/** The rating buttons, or the rating given; onRated(case) after the server records it. */
export function ratingPanel(kase, onRated) {
  if (kase.rating) {
    const [, zh, en] = SCORES[kase.rating - 1];
    return h("section", { class: "panel rating" }, h("h2", {}, bi("群众评价", "Rating")),
      h("p", { class: "rated" }, bi(`${kase.rating} 分 · ${zh}`, en), kase.rating_comment ? `：${kase.rating_comment}` : ""));
  }
  const slot = messageSlot();
  const comment = h("textarea", { name: "comment", maxlength: 500 });
  const buttons = SCORES.map(([score, zh, en]) => {
    const button = h("button", { type: "button", "data-score": score },
      h("strong", {}, String(score)), h("span", { class: "score-name" }, zh), h("small", { class: "en", lang: "en" }, en));
    button.addEventListener("click", () => busy(button, slot, async () => {
      onRated(await post(`/api/cases/${kase.id}/rating`, { score, comment: comment.value.trim() }));
    }));
    return button;
  });
  return h("section", { class: "panel rating no-print" },
    h("h2", {}, bi("请群众评价这次办事", "Please rate this service")),
    h("label", { class: "field" }, bi("想说的话（可不填，先写再点分数）", "Comment first, optional"), comment),
    h("div", { class: "stars" }, buttons),
    slot.element);
}
