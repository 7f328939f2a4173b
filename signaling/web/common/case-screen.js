// The case screen both windows share: the case is loaded once, then drawn into .case-main.

import { get } from "./api.js";
import { h, replace } from "./dom.js";
import { bi } from "./i18n.js";
import { errorBox } from "./notice.js";

/**
 * Load case id and lay it out: draw(kase, redraw) returns the content of .case-main, and
 * redraw(updated) after an action replaces only that content, so a panel placed beside it in
 * .case-layout (the video call and chat, .case-call) lives on. Resolves to {layout, kase,
 * redraw, reload} — reload() reads the case again and redraws it where the user is (a change
 * pushed by the server) — or to null when the case cannot be read (the error is shown instead).
 */
export async function showCaseScreen(screen, id, draw) {
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
  const redraw = (updated) => {
    replace(main, draw(updated, redraw));
    main.scrollIntoView({ block: "start" }); // the new state is at the top (no-op before it is shown)
  };
  const reload = async () => {
    try {
      replace(main, draw(await get(`/api/cases/${kase.id}`), redraw));
    } catch {
      // a failed refresh keeps what is shown; the next change or visit brings it up to date
    }
  };
  redraw(kase);
  replace(screen, layout);
  return { layout, kase, redraw, reload };
}
