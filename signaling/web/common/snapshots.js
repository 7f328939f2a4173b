// 截图 on the pages: a button asks the server for a still (it takes it from the call or the
// recording and watermarks it for this viewer); the stills taken appear in a strip, newest first.

import { h } from "./dom.js";
import { bi } from "./i18n.js";
import { busy, messageSlot } from "./notice.js";

export class SnapshotStrip {
  constructor() {
    this.slot = messageSlot();
    this.list = h("div", { class: "snapshot-strip" });
    this.element = h("div", { class: "snapshots" }, this.slot.element, this.list);
  }

  /** A 截图 button; take() asks the server and resolves to {document, image_url}. */
  button(take) {
    const button = h("button", { type: "button", class: "snapshot", title: "截图 Snapshot" }, bi("截图", "Snapshot"));
    button.addEventListener("click", async () => {
      const taken = await busy(button, this.slot, take);
      if (taken) this.list.prepend(shownSnapshot(taken));
    });
    return button;
  }
}

function shownSnapshot({ document: kept, image_url: url }) {
  return h("figure", { class: "snapshot-taken", "data-document": kept.id },
    h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: kept.filename })),
    h("figcaption", {}, bi("已截图并存入办件（带水印）", "Saved with the case, watermarked"), " ",
      h("a", { href: url, download: kept.filename }, bi("下载", "Download"))));
}
