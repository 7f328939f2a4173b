// The scan viewer: a page of a 600 dpi scan, zoomable and pannable (OpenSeadragon over the
// server's Deep Zoom tiles), page by page for multi-page TIFF and PDF, with big buttons, in a
// dialog that takes most of the window.

import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";

const LIBRARY = new URL("./vendor/openseadragon/openseadragon.min.js", import.meta.url);
const ZOOM_STEP = 1.6;
let loading = null;

/** OpenSeadragon, loaded the first time a scan is opened (the console needs it only then). */
function openSeadragon() {
  loading = loading || new Promise((resolve, reject) => {
    // OpenSeadragon adds one inline <style> (a touch-screen focus rule); the pages' CSP blocks
    // it with a console message, and scans.css carries the rule instead.
    const script = h("script", { src: LIBRARY.href });
    script.addEventListener("load", () => resolve(window.OpenSeadragon));
    script.addEventListener("error", () => {
      loading = null;
      reject(new Error("看图组件加载失败，请刷新页面。"));
    });
    document.head.append(script);
  });
  return loading;
}

/**
 * The viewer as a large dialog over the console (most of the window, one row of big buttons);
 * show(scan) opens it on a scan, fail(content) shows why it cannot. Closing it frees the viewer.
 */
export function scanDialog() {
  const body = h("div", { class: "scan-viewer" });
  const element = h("dialog", { class: "scan-dialog", "aria-label": "扫描件 Scan" }, body);
  let close = null;
  element.addEventListener("close", () => {
    close?.();
    close = null;
    replace(body);
  });
  const open = () => {
    if (!element.open) element.showModal();
  };
  return {
    element,
    async show(scan) {
      close?.();
      open();
      close = await showScan(body, scan, () => element.close());
    },
    fail(content) {
      open();
      replace(body, content, h("button", { type: "button", onclick: () => element.close() }, bi("关闭", "Close")));
    },
  };
}

/** Show the scan in container; resolves to a close() that frees the viewer. */
async function showScan(container, scan, onClose) {
  const OpenSeadragon = await openSeadragon();
  const canvas = h("div", { class: "viewer-canvas", role: "img", "aria-label": `${scan.material} ${scan.filename}` });
  const pageLabel = h("span", { class: "page-label" });
  replace(container, canvas);
  const viewer = OpenSeadragon({
    element: canvas,
    tileSources: scan.page_images.map((page) => page.dzi_url),
    sequenceMode: scan.page_images.length > 1,
    showNavigationControl: false,
    showSequenceControl: false,
    maxZoomPixelRatio: 1.5,
    visibilityRatio: 0.5,
    crossOriginPolicy: false,
  });
  const showPage = (index) => {
    pageLabel.textContent = `第 ${index + 1} / ${scan.page_images.length} 页`;
    canvas.dataset.page = String(index + 1);
  };
  viewer.addHandler("page", (event) => showPage(event.page));
  viewer.addHandler("tile-loaded", () => { canvas.dataset.tilesLoaded = String(Number(canvas.dataset.tilesLoaded || 0) + 1); });
  showPage(0);
  container.prepend(toolbar(viewer, scan, pageLabel, onClose));
  return () => viewer.destroy();
}

/** One row: what it is, then 放大 缩小 整页 (上一页 第 n / m 页 下一页) 下载 关闭. */
function toolbar(viewer, scan, pageLabel, onClose) {
  const button = (zh, en, action, name) => h("button", { type: "button", "data-control": name, onclick: action }, bi(zh, en));
  const pages = scan.page_images.length;
  const turn = (step) => viewer.goToPage(Math.min(pages - 1, Math.max(0, viewer.currentPage() + step)));
  return h("div", { class: "viewer-tools" },
    h("strong", { class: "viewer-title" }, scan.material === "other" ? "其他材料" : scan.material, " · ", scan.filename),
    button("放大", "Zoom in", () => viewer.viewport.zoomBy(ZOOM_STEP), "zoom-in"),
    button("缩小", "Zoom out", () => viewer.viewport.zoomBy(1 / ZOOM_STEP), "zoom-out"),
    button("整页", "Whole page", () => viewer.viewport.goHome(), "home"),
    pages > 1 ? [button("上一页", "Previous", () => turn(-1), "previous"), pageLabel,
      button("下一页", "Next", () => turn(1), "next")] : null,
    h("a", { class: "button", href: scan.file_url, download: scan.download_name }, bi("下载（带水印）", "Download (watermarked)")),
    button("关闭", "Close", onClose, "close"));
}
