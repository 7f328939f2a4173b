// The villager of a new case: type the ID number; a known villager's name, phone and basic data
// (民族, 户籍地, 现居地, 户口类别 — the 一门式 form's shared fields) fill in. A change the clerk makes
// is kept by the server beside the old value (修改记录), never overwriting it unseen.

import { ApiError, get } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { errorBox } from "/common/notice.js";
import { ErrorCode } from "/common/wire.js";

const ID_LENGTH = 18;
const HUKOU_TYPES = ["农业家庭户口", "非农业家庭户口", "居民家庭户口", "集体户口"];

/** The form part; value() is the API's villager object. */
export function villagerForm() {
  const idNumber = h("input", { name: "id_number", maxlength: ID_LENGTH, autocomplete: "off", spellcheck: "false" });
  const name = h("input", { name: "name", autocomplete: "off" });
  const phone = h("input", { name: "phone", type: "tel", autocomplete: "off" });
  const status = h("div", { class: "villager-status", "aria-live": "polite" });
  const basic = {
    ethnicity: h("input", { name: "ethnicity", maxlength: 10, placeholder: "例如：汉族", autocomplete: "off" }),
    hukou_place: h("input", { name: "hukou_place", maxlength: 100, autocomplete: "off" }),
    residence: h("input", { name: "residence", maxlength: 100, autocomplete: "off" }),
    hukou_type: h("select", { name: "hukou_type" }, h("option", { value: "" }, "（未填）"),
      HUKOU_TYPES.map((type) => h("option", { value: type }, type))),
  };
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
      for (const [field, input] of Object.entries(basic)) input.value = known[field] || "";
      replace(status, h("div", { class: "done", role: "status" },
        bi(`已登记过：${known.name}，不用再填写姓名。`, "Known villager: details filled in.")));
    } catch (error) {
      if (asked !== wanted) return;
      if (name.readOnly) { // what an earlier known villager filled in goes; what the clerk typed meanwhile stays
        fill("", "", false);
        for (const input of Object.values(basic)) input.value = "";
      }
      replace(status, error instanceof ApiError && error.code === ErrorCode.NOT_FOUND
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
      h("label", { class: "field" }, bi("联系电话", "Phone"), phone)),
    h("div", { class: "inline-fields basic-data" },
      h("label", { class: "field" }, bi("民族", "Ethnicity"), basic.ethnicity),
      h("label", { class: "field" }, bi("户口类别", "Household type"), basic.hukou_type),
      h("label", { class: "field" }, bi("户籍地", "Registered at"), basic.hukou_place),
      h("label", { class: "field" }, bi("现居地", "Lives at"), basic.residence)),
    h("p", { class: "hint" }, bi("改过的信息会留下修改记录。", "Every change is kept with the old value.")));
  const value = () => {
    const villager = { id_number: idNumber.value.trim().toUpperCase(), phone: phone.value.trim() };
    if (name.value.trim()) villager.name = name.value.trim();
    for (const [field, input] of Object.entries(basic)) if (input.value.trim()) villager[field] = input.value.trim();
    return villager;
  };
  return { element, value };
}
