// The login form: user name and password, errors shown as the server words them.

import { logIn } from "./api.js";
import { h } from "./dom.js";
import { bi } from "./i18n.js";
import { busy, messageSlot } from "./notice.js";

/** A login form; calls onAccount(account) once the server accepts the password. */
export function loginForm(onAccount, notice = "") {
  const slot = messageSlot();
  const username = h("input", { name: "username", autocomplete: "username", required: true, autofocus: true });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
  const submit = h("button", { class: "main", type: "submit" }, bi("登录", "Log in"));
  const form = h("form", { class: "login", novalidate: true },
    h("h1", {}, bi("请登录", "Log in")),
    notice ? h("p", { class: "note" }, notice) : null,
    h("label", { class: "field" }, bi("用户名", "User name"), username),
    h("label", { class: "field" }, bi("密码", "Password"), password),
    slot.element,
    submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const account = await busy(submit, slot, () => logIn(username.value.trim(), password.value));
    if (account) onAccount(account);
  });
  return form;
}
