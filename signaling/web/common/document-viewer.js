// Issued documents drawn in the page with PDF.js (vendored, loaded only when a document is shown),
// and printed alone: the pages become images in a print area that the print style shows by itself.

import { h } from "./dom.js";

const PDFJS = "/common/vendor/pdfjs/pdf.min.mjs";
const WORKER = "/common/vendor/pdfjs/pdf.worker.min.mjs";
const SCALE = 2; // 2 × 72 dpi: sharp on screen and good enough on paper (A4 ≈ 1190 × 1684 px)

let library = null;

/** PDF.js, fetched the first time a document is shown (1.7 MB, then revalidated with ETags). */
function pdfjs() {
  library ||= import(PDFJS).then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = WORKER;
    return lib;
  });
  return library;
}

/** The URL the page downloads a stored document from (the session cookie carries the login). */
export function documentUrl(documentId) {
  return `/api/documents/${encodeURIComponent(documentId)}/file`;
}

/** Draw every page of the PDF at url into container as canvases; resolves to the canvases. */
export async function renderPdf(url, container) {
  const lib = await pdfjs();
  // One plain download (one logged download, nothing fetched twice on a weak link); no WebAssembly.
  const loading = lib.getDocument({ url, disableRange: true, disableStream: true, disableAutoFetch: true,
    useWasm: false });
  try {
    const pdf = await loading.promise;
    const canvases = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const page = await pdf.getPage(number);
      const viewport = page.getViewport({ scale: SCALE });
      const canvas = h("canvas", { class: "document-page", "data-page": number,
        width: Math.floor(viewport.width), height: Math.floor(viewport.height) });
      container.append(canvas);
      await page.render({ canvas, viewport }).promise;
      canvases.push(canvas);
    }
    return canvases;
  } finally {
    await loading.destroy(); // the worker's copy of the file goes too
  }
}

/** Print only these pages, each on its own sheet (the print area stays until the printing is over). */
export function printPages(canvases) {
  document.querySelector(".print-area")?.remove();
  const area = h("div", { class: "print-area" },
    canvases.map((canvas) => h("img", { src: canvas.toDataURL("image/png"), alt: "" })));
  document.body.append(area);
  document.body.classList.add("printing-document");
  window.addEventListener("afterprint", () => {
    area.remove();
    document.body.classList.remove("printing-document");
  }, { once: true });
  window.print();
}
