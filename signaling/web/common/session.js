// A page's frame: the top bar, the login when nobody is signed in, and the way out.

import { SIGNED_OUT, get, logOut, token } from "./api.js";
import { h, replace } from "./dom.js";
import { bi } from "./i18n.js";
import { loginForm } from "./login.js";
import { insecurePageBanner } from "./secure-context.js";

/**
 * Start a page: show the top bar, sign in (or reuse this tab's session), then call
 * onReady({account, main, nav}) with the account (and its unit) and the places to draw in.
 * roles: the roles this page is for; anyone else is told where to go instead.
 */
export function startSession({ title, titleEn, roles, onReady }) {
  const nav = h("nav", { "aria-label": "主菜单" });
  const who = h("span", { class: "who" });
  const main = h("main", { id: "main" });
  const header = h("header", { class: "topbar" },
    h("a", { class: "brand", href: "/" }, bi(`村能办 · ${title}`, titleEn)), nav, who);
  document.body.replaceChildren(...[header, insecurePageBanner(), main].filter(Boolean));

  const signIn = (notice = "") => {
    replace(nav);
    replace(who);
    replace(main, loginForm(() => begin(), notice));
  };
  const begin = async () => {
    let account;
    try {
      account = await get("/api/me");
    } catch (error) {
      if (error.status !== 401) signIn(error.message); // a 401 has already asked for the login (SIGNED_OUT)
      return;
    }
    replace(who, account.display_name, " ",
      h("button", { class: "link", type: "button", onclick: async () => { await logOut(); signIn(); } },
        bi("退出", "Log out")));
    if (!roles.includes(account.role)) {
      replace(main, wrongRole(account));
      return;
    }
    onReady({ account, main, nav });
  };
  window.addEventListener(SIGNED_OUT, () => signIn("登录已过期，请重新登录。"));
  if (token.get()) begin(); else signIn();
}

function wrongRole(account) {
  return h("div", { class: "note" },
    h("p", {}, `您的账号是「${account.role_name}」，不能使用这个窗口。`),
    h("p", {}, h("a", { href: "/" }, bi("返回首页，选择其他窗口", "Back to the start page"))));
}
