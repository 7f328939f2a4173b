// 电话通知: the notices no text message carried (no SMS gateway, or it never took them) — the clerk
// phones the villager and marks each one done.

import { get, post } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { busy, errorBox, messageSlot } from "/common/notice.js";

export async function showCallList(screen) {
  replace(screen, h("h1", {}, bi("电话通知", "Calls to make")), h("p", {}, bi("正在读取……", "Loading…")));
  let calls;
  try {
    calls = await get("/api/notices");
  } catch (error) {
    replace(screen, h("h1", {}, bi("电话通知", "Calls to make")), errorBox(error));
    return;
  }
  replace(screen, h("h1", {}, bi("电话通知", "Calls to make")),
    calls.length ? h("ul", { class: "cards calls" }, calls.map(callCard))
      : h("p", { class: "note" }, bi("没有要打的电话。", "No calls to make.")));
}

function callCard(call) {
  const slot = messageSlot();
  const done = h("button", { type: "button", class: "main", "data-notice": call.id }, bi("已打电话告知", "Phoned"));
  done.addEventListener("click", () => busy(done, slot, async () => {
    await post(`/api/notices/${call.id}/called`, {});
    done.closest("li").remove();
  }));
  return h("li", { class: "card" },
    h("div", { class: "title" }, `${call.villager_name} ${call.phone}`),
    h("div", {}, h("strong", {}, call.kind_name), ` · 办件 ${call.case_number} · ${formatDateTime(call.created_at)}`),
    h("p", {}, call.text),
    h("a", { href: `#/case/${call.case_id}` }, bi("查看办件", "Open the case")), " ", done, slot.element);
}
