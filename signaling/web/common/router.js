// Hash routes (#/case/12): each screen is a view drawing into a fresh container.

import { h, replace } from "./dom.js";

let listening = null; // the hashchange listener of the current session's routes

/** Show the view whose pattern ("/case/:id") matches the hash; redraw on every change. */
export function startRouter(main, routes) {
  const show = () => {
    const path = location.hash.replace(/^#/, "") || "/";
    for (const [pattern, view] of Object.entries(routes)) {
      const params = match(pattern, path);
      if (params) {
        // A fresh container per visit: a slow, stale view then draws into a detached node.
        const screen = h("div", { class: "screen" });
        replace(main, screen);
        window.scrollTo(0, 0);
        view(screen, params);
        return;
      }
    }
    go("/");
  };
  // Signing in again (after a session expired) starts the routes anew, never twice over.
  if (listening) window.removeEventListener("hashchange", listening);
  listening = show;
  window.addEventListener("hashchange", show);
  show();
}

function match(pattern, path) {
  const want = pattern.split("/");
  const have = path.split("/");
  if (want.length !== have.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i += 1) {
    if (want[i].startsWith(":")) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** Go to a route: go("/case/12"). */
export function go(path) {
  location.hash = `#${path}`;
}
