// Telling the user what happened: errors in plain Chinese from the API, busy buttons on a slow link.

import { h, replace } from "./dom.js";

/** The error as the user reads it: the API's Chinese message, its English one small below. */
export function errorBox(error) {
  return h("div", { class: "error", role: "alert" }, error.message || "出错了，请重试。",
    error.messageEn ? h("small", { class: "en", lang: "en" }, error.messageEn) : null);
}

/** A place on the page for the error of the last action: error(e) shows it, clear() empties it. */
export function messageSlot() {
  const slot = h("div", { class: "message-slot", "aria-live": "polite" });
  return {
    element: slot,
    error: (error) => replace(slot, errorBox(error)),
    clear: () => replace(slot),
  };
}

/**
 * Run work() for a button: the button is disabled meanwhile (no double submit on a slow link),
 * errors land in the slot; resolves to work's result, or undefined after an error.
 */
export async function busy(button, slot, work) {
  button.disabled = true;
  slot.clear();
  try {
    return await work();
  } catch (error) {
    slot.error(error);
    return undefined;
  } finally {
    button.disabled = false;
  }
}
