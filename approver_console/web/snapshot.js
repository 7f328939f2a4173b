// 截图 at the console: the server takes the still from the call it forwards, watermarks it for
// this approver and keeps it with the case; the page shows what came back, under the video.

import { post } from "/common/api.js";
import { h } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { messageSlot } from "/common/notice.js";

/** The 截图 button on one participant's video tile. */
export function snapshotButton(participantId, session) {
  const button = h("button", { type: "button", class: "snapshot", title: "截图 Snapshot" }, bi("截图", "Snapshot"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    const strip = stripOf(button);
    try {
      const taken = await post(`/api/calls/${session.callId}/snapshot`, { participant_id: participantId });
      strip.slot.clear();
      strip.list.prepend(shownSnapshot(taken));
    } catch (error) {
      strip.slot.error(error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

const strips = new WeakMap();

/** The snapshots taken in this call and the last error, below the video (made on first use). */
function stripOf(button) {
  const view = button.closest(".call-view");
  if (!strips.has(view)) {
    const strip = { slot: messageSlot(), list: h("div", { class: "snapshot-strip" }) };
    view.querySelector(".call-stage").after(strip.slot.element, strip.list);
    strips.set(view, strip);
  }
  return strips.get(view);
}

function shownSnapshot(taken) {
  const { document: kept, image_url: url } = taken;
  return h("figure", { class: "snapshot-taken", "data-document": kept.id },
    h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: kept.filename })),
    h("figcaption", {}, bi("已截图并存入办件（带水印）", "Saved with the case, watermarked"), " ",
      h("a", { href: url, download: kept.filename }, bi("下载", "Download"))));
}
