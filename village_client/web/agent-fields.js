// 代办: a relative or the village's 代办员 carrying the case — and whether the villager is absent,
// in which case their signed 委托书 is scanned before the case is reviewed.

import { h } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { RELATIONS } from "/common/names.js";

/** The fields; value() is what the case body takes ({} when the villager came alone). */
export function agentFields() {
  const carried = h("input", { type: "checkbox", name: "carried" });
  const absent = h("input", { type: "checkbox", name: "villager_absent" });
  const name = h("input", { name: "agent_name", maxlength: 30, autocomplete: "off" });
  const phone = h("input", { name: "agent_phone", type: "tel", maxlength: 20, autocomplete: "off" });
  const relation = h("select", { name: "agent_relation" }, Object.entries(RELATIONS).filter(([key]) => key !== "self")
    .map(([key, [zh]]) => h("option", { value: key }, zh)));
  const details = h("div", { class: "agent-details", hidden: true },
    h("div", { class: "inline-fields" },
      h("label", { class: "field" }, bi("代办人姓名", "Agent's name"), name),
      h("label", { class: "field" }, bi("代办人身份", "Who they are"), relation),
      h("label", { class: "field" }, bi("代办人电话", "Agent's phone"), phone)),
    h("label", {}, absent, bi("群众本人不在场（受理后请上传群众签字的委托书扫描件）",
      "The villager is absent: scan their signed authorization after opening")));
  carried.addEventListener("change", () => { details.hidden = !carried.checked; });
  const element = h("fieldset", { class: "agent" }, h("legend", {}, bi("代办", "Carried by someone else")),
    h("label", {}, carried, bi("由代办人（亲属或代办员）办理", "Carried by a relative or the village agent")), details);
  const value = () => (carried.checked && name.value.trim()
    ? { agent: { name: name.value.trim(), relation: relation.value, phone: phone.value.trim() },
      villager_present: !absent.checked }
    : {});
  return { element, value };
}
