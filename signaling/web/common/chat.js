// 通话留言: the chat of a call — what was said in the case's earlier calls, then live lines — over
// a background the server marks with this viewer's name (a screenshot of it says whose it was).

import { get } from "./api.js";
import { h } from "./dom.js";
import { formatTime } from "./format.js";
import { bi } from "./i18n.js";

/** The chat panel of a call session; me is the display name of this page's account. */
export function chatPanel(session, me) {
  const list = h("ol", { class: "chat-messages", "aria-live": "polite", tabindex: 0, "aria-label": "聊天记录 Chat" });
  list.style.backgroundImage = `url("/api/cases/${session.caseId}/chat-background.png")`;
  const shown = new Set();
  const add = (message) => {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    list.append(chatLine(message, message.author === me));
    list.scrollTop = list.scrollHeight;
  };
  const input = h("input", { name: "chat", maxlength: 2000, autocomplete: "off", "aria-label": "要发送的消息",
    placeholder: "在这里打字，按回车或点「发送」" });
  const form = h("form", { class: "chat-form", novalidate: true }, input,
    h("button", { type: "submit" }, bi("发送", "Send"))); // 挂断 stays the call's one main button
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (text && session.sendChat(text)) input.value = "";
  });
  session.on("chat", add);
  get(`/api/cases/${session.caseId}/messages`).then(
    (messages) => messages.forEach(add),
    () => null); // no history on a failing link: the live lines still come
  const exported = h("a", { class: "chat-export", href: `/api/cases/${session.caseId}/messages.png`, download: "" },
    bi("导出聊天记录（带水印）", "Export (watermarked)"));
  return h("section", { class: "call-chat" }, h("h3", {}, bi("文字交流", "Chat")), list, form, exported);
}

function chatLine(message, mine) {
  return h("li", { class: mine ? "mine" : "", "data-message": message.id },
    h("span", { class: "chat-author" }, message.author),
    h("time", { datetime: message.at }, formatTime(message.at)),
    h("span", { class: "chat-text" }, message.text));
}
