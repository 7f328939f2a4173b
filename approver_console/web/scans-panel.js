// 扫描件: the scans the village sent, as a strip of thumbnails; one opens large in the viewer.
// A new scan appears at once during the call: the server pushes `scan_added` (a case.event on the
// signaling socket) the moment it has checked and stored it; after the socket was down, the strip
// asks once for what it missed.

import { get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { whileShown } from "/common/emitter.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { pageSignaling } from "/common/signaling.js";
import { scanDialog } from "./scan-viewer.js";

/** The panel for a case: made once per case screen and put back after each redraw. */
export function scansPanel(kase) {
  const strip = h("ul", { class: "thumbs" });
  const empty = h("p", { class: "note" }, bi("村里还没有发来扫描件。", "No scans yet."));
  const viewer = scanDialog();
  const panel = h("section", { class: "panel scans", "data-case": kase.id },
    h("h2", {}, bi("扫描件", "Scans")), empty, strip, viewer.element);
  const shown = new Set();
  const open = async (scan, thumb) => {
    thumb.classList.remove("fresh"); // seen: no longer new
    thumb.querySelector(".flag.new")?.remove();
    try {
      await viewer.show(scan);
    } catch (error) {
      viewer.fail(errorBox(error));
    }
  };
  const add = (scan, fresh) => {
    if (scan.kind !== "scan" || shown.has(scan.id)) return;
    shown.add(scan.id);
    empty.hidden = true;
    const thumb = thumbnail(scan, fresh, () => open(scan, thumb));
    strip.append(thumb);
  };
  const refresh = (fresh) => get(`/api/cases/${kase.id}/documents`).then(
    (documents) => documents.forEach((scan) => add(scan, fresh)),
    (error) => shown.size || replace(empty, errorBox(error)));
  const signaling = pageSignaling();
  whileShown(panel, signaling, "case.event", (event) => {
    if (event.case_id === kase.id && event.event === "scan_added") add(event.document, true);
  });
  whileShown(panel, signaling, "welcome", () => refresh(true)); // back after a drop: what came meanwhile
  refresh(false);
  return panel;
}

function thumbnail(scan, fresh, open) {
  const first = scan.page_images[0];
  return h("li", { class: `thumb${fresh ? " fresh" : ""}`, "data-document": scan.id },
    h("button", { type: "button", class: "thumb-button", onclick: open },
      h("img", { src: first.thumbnail_url, alt: `${scan.material} ${scan.filename}`, loading: "lazy" }),
      h("span", { class: "thumb-material" }, scan.material === "other" ? "其他材料" : scan.material),
      h("span", { class: "thumb-facts" }, scan.pages > 1 ? `${scan.pages} 页 · ` : "", formatDateTime(scan.created_at)),
      fresh ? h("span", { class: "flag new" }, bi("新", "New")) : null));
}
