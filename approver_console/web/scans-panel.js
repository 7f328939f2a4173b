// 扫描件: the scans the village sent, as a strip of thumbnails; one opens in the viewer.
// New scans appear within seconds during the call: the strip asks the server every few seconds,
// and takes a `cunneng:scan-added` window event ({detail: {case_id, document}}) at once —
// what the call's WebSocket connection dispatches when the server announces `scan_added`.

import { get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { showScan } from "./scan-viewer.js";

const POLL_MS = 3000;
export const SCAN_ADDED = "cunneng:scan-added";

/** The panel for a case: made once per case screen and put back after each redraw. */
export function scansPanel(kase) {
  const strip = h("ul", { class: "thumbs" });
  const empty = h("p", { class: "note" }, bi("村里还没有发来扫描件。", "No scans yet."));
  const viewer = h("div", { class: "scan-viewer", hidden: true });
  const panel = h("section", { class: "panel scans", "data-case": kase.id },
    h("h2", {}, bi("扫描件", "Scans")), empty, strip, viewer);
  const shown = new Set();
  let closeViewer = null;
  const open = async (scan) => {
    if (closeViewer) closeViewer();
    try {
      closeViewer = await showScan(viewer, scan);
    } catch (error) {
      replace(viewer, errorBox(error));
      viewer.hidden = false;
    }
  };
  const add = (scan, fresh) => {
    if (scan.kind !== "scan" || shown.has(scan.id)) return;
    shown.add(scan.id);
    empty.hidden = true;
    strip.append(thumbnail(scan, fresh, () => open(scan)));
  };
  const refresh = async (fresh) => {
    const documents = await get(`/api/cases/${kase.id}/documents`);
    documents.forEach((scan) => add(scan, fresh));
  };
  const onAnnounced = (event) => {
    if (event.detail && event.detail.case_id === kase.id) add(event.detail.document, true);
  };
  window.addEventListener(SCAN_ADDED, onAnnounced);
  refresh(false).catch(() => {});
  const timer = setInterval(() => {
    if (!panel.isConnected) { // the approver left the case (a redraw puts the panel back at once)
      clearInterval(timer);
      window.removeEventListener(SCAN_ADDED, onAnnounced);
      return;
    }
    refresh(true).catch(() => {}); // a missed round on a bad link is made up by the next one
  }, POLL_MS);
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
