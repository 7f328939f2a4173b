// The start page's check: is this a secure connection the browser trusts, and can a call use the camera?

import { h, replace } from "./dom.js";
import { cameraReachable, certificateTrust } from "./secure-context.js";

const CONNECTION = {
  trusted: { ok: true, zh: "安全连接：浏览器信任本系统的证书。", en: "Secure: this browser trusts the server's certificate." },
  untrusted: { ok: false, zh: "浏览器还不信任本系统的证书（地址栏显示“不安全”）：请按下面的说明在这台电脑上安装一次根证书。",
    en: "This browser does not trust the server's certificate yet: install the county's root." },
  plain: { ok: false, zh: "不是安全连接：网页是用 http:// 打开的。请用 https:// 开头的地址打开。", en: "Not secure: opened over http://." },
  unknown: { ok: false, zh: "无法确认浏览器是否信任本系统的证书。", en: "Cannot tell whether this browser trusts the certificate." },
  local: { ok: true, zh: "在服务器本机上打开，不需要证书。", en: "Opened on the server itself: no certificate needed." },
};

function line(check, { ok, zh, en }) {
  return h("li", { class: ok ? "ok" : "bad", "data-check": check, "data-ok": String(ok) },
    h("span", { "aria-hidden": "true" }, ok ? "✓ " : "✗ "), zh, h("small", { class: "en", lang: "en" }, en));
}

async function check() {
  const list = document.querySelector(".trust-check ul");
  if (!list) return;
  const local = location.protocol === "http:" && window.isSecureContext; // the server's own machine
  const connection = CONNECTION[local ? "local" : await certificateTrust()];
  replace(list, line("connection", connection), line("camera", await cameraReachable()));
  list.closest(".trust-check").dataset.checked = "true";
}

check();
