// The villager of a new case: type the ID number; a known villager's name and phone fill in.

import { ApiError, get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";

const ID_LENGTH = 18;

/** The form part; value() is the API's villager object. */
export function villagerForm() {
  const idNumber = h("input", { name: "id_number", maxlength: ID_LENGTH, autocomplete: "off", spellcheck: "false" });
  const name = h("input", { name: "name", autocomplete: "off" });
  const phone = h("input", { name: "phone", type: "tel", autocomplete: "off" });
  const status = h("div", { class: "villager-status", "aria-live": "polite" });
  let asked = "";

  const lookUp = async () => {
    const wanted = idNumber.value.trim().toUpperCase();
    if (wanted.length !== ID_LENGTH || wanted === asked) return;
    asked = wanted;
    replace(status, h("p", {}, bi("正在查找……", "Looking up…")));
    try {
      const known = await get(`/api/villagers/${encodeURIComponent(wanted)}`);
      if (asked !== wanted) return;
      fill(known.name, known.phone, true);
      replace(status, h("div", { class: "done", role: "status" },
        bi(`已登记过：${known.name}，不用再填写姓名。`, "Known villager: details filled in.")));
    } catch (error) {
      if (asked !== wanted) return;
      fill("", "", false);
      replace(status, error instanceof ApiError && error.code === "not_found"
        ? h("p", { class: "note" }, bi("第一次来办事，请填写姓名和联系电话。", "New villager: enter name and phone."))
        : errorBox(error));
    }
  };
  const fill = (nameValue, phoneValue, known) => {
    name.value = nameValue;
    phone.value = phoneValue;
    name.readOnly = known;
  };
  idNumber.addEventListener("input", lookUp);
  idNumber.addEventListener("change", lookUp);

  const element = h("fieldset", { class: "villager" },
    h("legend", {}, bi("1. 群众信息", "1. Villager")),
    h("label", { class: "field" }, bi("身份证号码（18位）", "ID number"), idNumber),
    status,
    h("div", { class: "inline-fields" },
      h("label", { class: "field" }, bi("姓名", "Name"), name),
      h("label", { class: "field" }, bi("联系电话", "Phone"), phone)));
  const value = () => {
    const villager = { id_number: idNumber.value.trim().toUpperCase(), phone: phone.value.trim() };
    if (name.value.trim()) villager.name = name.value.trim();
    return villager;
  };
  return { element, value };
}
