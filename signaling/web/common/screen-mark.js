// 屏幕水印: a faint mark over the whole screen while it shows a call, a replay or a document — the viewer's
// name, account and time, and an id a photo or grab of the screen is traced by. The server draws it for
// the signed-in viewer; this element repeats it over the window, above everything, catching no clicks.

/** The overlay for a case's screen ("call", "replay" or "document"); it goes when the element is removed. */
export function screenMark(caseId, screen) {
  const overlay = document.createElement("div");
  overlay.className = "screen-mark no-print";
  overlay.setAttribute("aria-hidden", "true");
  overlay.dataset.screen = screen;
  overlay.style.backgroundImage = `url("/api/cases/${encodeURIComponent(caseId)}/screen-mark/${screen}.png")`;
  return overlay;
}
