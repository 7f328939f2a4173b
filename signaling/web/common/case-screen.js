// The case screen both windows share: the case is loaded once, then drawn into .case-main, and
// drawn again whenever it changes — after the user's own action, and on every change the server
// pushes for it (case.event: decisions, opinions, scans, documents, calls), whoever made it.

import { get } from "./api.js";
import { h, replace } from "./dom.js";
import { whileShown } from "./emitter.js";
import { bi } from "./i18n.js";
import { errorBox } from "./notice.js";
import { pageSignaling } from "./signaling.js";

/**
 * Load case id and lay it out: draw(kase, redraw) returns the content of .case-main, and
 * redraw(updated) after an action replaces only that content, so a panel placed beside it in
 * .case-layout (the video call and chat, .case-call) lives on. A drawn part marked with
 * keep(element, key) stays as it is across redraws while its key is the same (a form being
 * filled in is not wiped by someone else's change). onEvent(event, kase) hears each pushed
 * change after the redraw. Resolves to {layout, kase, redraw, reload}, or to null when the case
 * cannot be read (the error is shown instead).
 */
export async function showCaseScreen(screen, id, draw, onEvent = () => {}) {
  replace(screen, h("p", {}, bi("正在读取……", "Loading…")));
  let kase;
  try {
    kase = await get(`/api/cases/${encodeURIComponent(id)}`);
  } catch (error) {
    replace(screen, errorBox(error), h("a", { href: "#/" }, bi("返回", "Back")));
    return null;
  }
  const main = h("div", { class: "case-main" });
  const layout = h("div", { class: "case-layout", "data-case": kase.id }, main);
  const shown = { layout, kase };
  const show = (updated) => {
    shown.kase = updated;
    replace(main, keptFrom(main, [draw(updated, redraw)]));
  };
  const redraw = (updated) => {
    show(updated);
    main.scrollIntoView({ block: "start" }); // the new state is at the top (no-op before it is shown)
  };
  const reload = async () => {
    try {
      show(await get(`/api/cases/${kase.id}`));
    } catch {
      // a failed refresh keeps what is shown; the next change or visit brings it up to date
    }
  };
  show(kase);
  replace(screen, layout);
  whileShown(layout, pageSignaling(), "case.event", async (event) => {
    if (event.case_id !== kase.id) return;
    await reload();
    onEvent(event, shown.kase);
  });
  return Object.assign(shown, { redraw, reload });
}

/** Mark a drawn part to be kept across redraws while key stays the same. */
export function keep(element, key) {
  if (element) element.dataset.keep = key;
  return element;
}

/** The new content, with each part whose keep key is unchanged swapped for the one on screen. */
function keptFrom(main, drawn) {
  const onScreen = new Map([...main.querySelectorAll("[data-keep]")].map((part) => [part.dataset.keep, part]));
  return drawn.flat(Infinity).map((part) => (part instanceof Element && onScreen.get(part.dataset.keep)) || part);
}
