// Whether this page may use the camera, and whether this browser trusts the county's certificate.
// Browsers give a page the camera and microphone only in a secure context: https://, or the
// server's own machine (localhost). On the county network that means https://, with the
// county's root installed once on each village PC (/install-root).

import { h } from "./dom.js";

export const INSECURE_PAGE = {
  zh: "摄像头和麦克风用不了：这个网页是用 http:// 打开的，不是安全连接。浏览器只在 https:// 开头的地址上允许网页使用摄像头和麦克风。请用县里给的 https:// 地址打开本系统。",
  en: "No camera or microphone: this page was opened over plain http://; browsers allow them only on https:// pages.",
};

/** The warning a page shows at the top when opened over plain HTTP; null on a secure page. */
export function insecurePageBanner() {
  if (window.isSecureContext) return null;
  return h("p", { class: "insecure-banner", role: "alert" }, INSECURE_PAGE.zh, " ",
    h("a", { href: "/install-root" }, "如何设置这台电脑"),
    h("small", { class: "en", lang: "en" }, INSECURE_PAGE.en));
}

/**
 * "trusted" when the browser trusts this server's certificate, "untrusted" when the page was
 * reached past a certificate warning, "plain" on http://, "unknown" when it cannot tell.
 * Browsers refuse to register a service worker from a server whose certificate they do not
 * trust, even after the warning was clicked through: that refusal is the test.
 */
export async function certificateTrust() {
  if (location.protocol !== "https:") return "plain";
  if (!navigator.serviceWorker) return "unknown";
  try {
    const probe = await navigator.serviceWorker.register("/common/trust-probe-worker.js",
      { scope: "/common/trust-probe/" });
    await probe.unregister();
    return "trusted";
  } catch (error) {
    return error?.name === "SecurityError" ? "untrusted" : "unknown";
  }
}

/** {ok, zh, en}: whether a call here could use the camera, and if not, why. */
export async function cameraReachable() {
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    return { ok: false, zh: "不能使用摄像头：网页不是通过安全连接（https://）打开的。", en: "No camera: not a secure (https://) page." };
  }
  const devices = await navigator.mediaDevices.enumerateDevices();
  if (!devices.some((device) => device.kind === "videoinput")) {
    return { ok: false, zh: "没有找到摄像头：请检查摄像头是否插好。", en: "No camera found: check it is plugged in." };
  }
  return { ok: true, zh: "能使用摄像头和麦克风。", en: "Camera and microphone can be used." };
}
