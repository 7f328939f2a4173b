// 截图 on the pages: a button asks the server for a still (it takes it from the call or the
// recording and watermarks it for this viewer); the stills taken appear in a strip, newest first.

import { h } from "./dom.js";
import { bi } from "./i18n.js";
import { busy, messageSlot } from "./notice.js";

/** Where a kept still is shown from: the taker gets their own marked copy, anyone else a copy marked for them. */
export function snapshotUrl(document) {
  return `/api/documents/${encodeURIComponent(document.id)}/file`;
}

export class SnapshotStrip {
  constructor() {
    this.slot = messageSlot();
    this.list = h("div", { class: "snapshot-strip" });
    this.element = h("div", { class: "snapshots" }, this.slot.element, this.list);
    this.shown = new Set();
  }

  /** A 截图 button; take() asks the server and resolves to {document, image_url}. */
  button(take) {
    const button = h("button", { type: "button", class: "snapshot", title: "截图 Snapshot" }, bi("截图", "Snapshot"));
    button.addEventListener("click", async () => {
      const taken = await busy(button, this.slot, take);
      if (taken) this.add(taken);
    });
    return button;
  }

  /** Show a kept still (once), newest first. */
  add({ document: kept, image_url: url }) {
    if (this.shown.has(kept.id)) return;
    this.shown.add(kept.id);
    this.list.prepend(shownSnapshot(kept, url));
  }
}

function shownSnapshot(kept, url) {
  return h("figure", { class: "snapshot-taken", "data-document": kept.id },
    h("a", { href: url, target: "_blank", rel: "noopener" }, h("img", { src: url, alt: `通话截图 ${kept.filename}` })),
    h("figcaption", {}, bi("已截图并存入办件（带水印）", "Saved with the case, watermarked"), " ",
      h("a", { class: "button", href: url, download: kept.filename }, bi("下载", "Download"))));
}
