// The admin's screens: each lists what there is, and edits one thing at a time in a form under the list.
// Every change goes through the API, which writes it to the audit log.

import { get, request } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { formatDateTime } from "/common/format.js";
import { bi } from "/common/i18n.js";

const ROLES = {
  village_clerk: ["村窗口", "village"], town_approver: ["镇窗口", "town"], district_approver: ["区窗口", "district"],
  department_reviewer: ["部门审核", "department"], auditor: ["审计", "district"], admin: ["管理员", "district"],
};
const KINDS = { district: "区", town: "镇", village: "村", department: "部门" };
const LEVELS = { village: "村级", town: "镇级", district: "区级" };

function field(zh, en, input) {
  return h("label", { class: "field" }, bi(zh, en), input);
}

function options(pairs, chosen) {
  return pairs.map(([value, label]) => h("option", { value, selected: value === chosen }, label));
}

function checkbox(name, zh, checked) {
  return h("label", {}, h("input", { type: "checkbox", name, checked }), zh);
}

/** A form that sends what save() returns, says why the server refused it, and redraws on success. */
function editor(title, parts, save, done) {
  const problem = h("div", { class: "error", role: "alert" });
  const form = h("form", { class: "editor" }, h("h2", {}, title), parts, problem,
    h("button", { class: "main", type: "submit" }, bi("保存", "Save")),
    h("button", { type: "button", onclick: () => form.remove() }, bi("取消", "Cancel")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.textContent = "";
    try {
      await save(form);
      done();
    } catch (error) {
      problem.textContent = error.message;
    }
  });
  return form;
}

function listing(caption, columns, rows) {
  return h("div", { class: "listing", tabindex: "0", role: "region", "aria-label": caption },
    h("table", { class: "grid" }, h("caption", { class: "en" }, caption),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows)));
}

const unitName = (units, id) => (units.find((u) => u.id === id) || { name: id }).name;
const value = (form, name) => form.elements[name].value.trim();

// ---- 账号 ----

export async function showAccounts(screen, me) {
  const [accounts, units] = await Promise.all([get("/api/accounts"), get("/api/units")]);
  const place = h("div");
  const redraw = () => showAccounts(screen, me);
  const unitChoices = (role, chosen) => options(units.filter((u) => u.kind === ROLES[role][1] && !u.retired_at)
    .map((u) => [u.id, `${u.name}（${u.id}）`]), chosen);
  const roleSelect = (chosen, unitSelect) => {
    const select = h("select", { name: "role" }, options(Object.entries(ROLES).map(([k, [zh]]) => [k, zh]), chosen));
    select.addEventListener("change", () => replace(unitSelect, unitChoices(select.value)));
    return select;
  };
  const edit = (account) => {
    const unit = h("select", { name: "unit_id" }, unitChoices(account.role, account.unit_id));
    replace(place, editor(`修改账号：${account.username}`, [
      h("div", { class: "inline-fields" },
        field("姓名", "Name", h("input", { name: "display_name", value: account.display_name })),
        field("角色", "Role", roleSelect(account.role, unit)),
        field("所属单位", "Unit", unit)),
      h("div", { class: "checks" }, checkbox("disabled", "停用此账号（立即退出登录）", Boolean(account.disabled))),
    ], (form) => request("PATCH", `/api/accounts/${account.id}`, {
      display_name: value(form, "display_name"), role: form.elements.role.value, unit_id: form.elements.unit_id.value,
      disabled: form.elements.disabled.checked,
    }), redraw));
  };
  const resetPassword = (account) => replace(place, editor(`重置密码：${account.username}`, [
    field("新密码（至少 8 位）", "New password", h("input", { name: "password", type: "password", autocomplete: "new-password" })),
  ], (form) => request("POST", `/api/accounts/${account.id}/password`, { password: form.elements.password.value }), redraw));
  const add = () => {
    const unit = h("select", { name: "unit_id" }, unitChoices("village_clerk"));
    replace(place, editor("新建账号", [
      h("div", { class: "inline-fields" },
        field("用户名", "Username", h("input", { name: "username", autocomplete: "off" })),
        field("姓名", "Name", h("input", { name: "display_name" })),
        field("初始密码", "Password", h("input", { name: "password", type: "password", autocomplete: "new-password" }))),
      h("div", { class: "inline-fields" },
        field("角色", "Role", roleSelect("village_clerk", unit)), field("所属单位", "Unit", unit)),
    ], (form) => request("POST", "/api/accounts", {
      username: value(form, "username"), display_name: value(form, "display_name"), password: form.elements.password.value,
      role: form.elements.role.value, unit_id: form.elements.unit_id.value,
    }), redraw));
  };
  replace(screen,
    h("h1", {}, bi("账号管理", "Accounts")),
    h("button", { class: "main", type: "button", onclick: add }, bi("新建账号", "New account")),
    place,
    listing("Accounts", ["用户名", "姓名", "角色", "所属单位", "状态", "最近登录", "操作"], accounts.map((a) =>
      h("tr", { class: a.disabled ? "disabled" : "", "data-username": a.username },
        h("th", { scope: "row" }, a.username), h("td", {}, a.display_name), h("td", {}, ROLES[a.role][0]),
        h("td", {}, unitName(units, a.unit_id)), h("td", {}, a.disabled ? "已停用" : "在用"),
        h("td", {}, a.last_login_at ? formatDateTime(a.last_login_at) : "从未登录"),
        h("td", { class: "actions" },
          h("button", { type: "button", onclick: () => edit(a) }, "修改"),
          h("button", { type: "button", onclick: () => resetPassword(a) }, "重置密码"))))));
}

// ---- 单位 ----

export async function showUnits(screen) {
  const units = await get("/api/units");
  const place = h("div");
  const redraw = () => showUnits(screen);
  const edit = (unit) => replace(place, editor(`修改单位：${unit.name}`, [
    h("div", { class: "inline-fields" },
      field("单位名称", "Name", h("input", { name: "name", value: unit.name })),
      field("英文名称", "English name", h("input", { name: "name_en", value: unit.name_en || "" }))),
    h("div", { class: "checks" }, checkbox("retired", "撤销此单位（保留其办件和记录）", Boolean(unit.retired_at))),
  ], (form) => request("PATCH", `/api/units/${unit.id}`, {
    name: value(form, "name"), name_en: value(form, "name_en"), retired: form.elements.retired.checked,
  }), redraw));
  const add = async () => {
    const departments = await get("/api/departments");
    const parents = units.filter((u) => ["district", "town"].includes(u.kind) && !u.retired_at);
    replace(place, editor("新建单位", [
      h("div", { class: "inline-fields" },
        field("单位编号（小写字母、数字、-）", "Id", h("input", { name: "id", autocomplete: "off" })),
        field("单位名称", "Name", h("input", { name: "name" })),
        field("类别", "Kind", h("select", { name: "kind" }, options(Object.entries(KINDS), "village"))),
        field("上级单位", "Parent", h("select", { name: "parent_id" },
          options([["", "（无：区）"], ...parents.map((u) => [u.id, u.name])], ""))),
        field("部门类别（部门才填）", "Department", h("select", { name: "dept_code" },
          options([["", "—"], ...departments.map((d) => [d.code, d.name])], "")))),
    ], (form) => request("POST", "/api/units", Object.fromEntries(
      ["id", "name", "kind", "parent_id", "dept_code"].map((k) => [k, value(form, k)]).filter(([, v]) => v))), redraw));
  };
  replace(screen,
    h("h1", {}, bi("单位管理", "Units")),
    h("button", { class: "main", type: "button", onclick: add }, bi("新建单位", "New unit")),
    place,
    listing("Units", ["编号", "名称", "类别", "上级单位", "状态", "操作"], units.map((u) =>
      h("tr", { class: u.retired_at ? "retired" : "", "data-unit": u.id },
        h("th", { scope: "row" }, u.id), h("td", {}, u.name), h("td", {}, KINDS[u.kind]),
        h("td", {}, u.parent_id ? unitName(units, u.parent_id) : "—"),
        h("td", {}, u.retired_at ? `已撤销（${formatDateTime(u.retired_at)}）` : "在用"),
        h("td", { class: "actions" }, h("button", { type: "button", onclick: () => edit(u) }, "修改"))))));
}

// ---- 事项清单 ----

const ITEM_FIELDS = ["code", "name", "name_en", "title", "level", "departments", "materials", "time_limit_days", "guide"];

export async function showItems(screen) {
  const [items, departments] = await Promise.all([get("/api/items?retired=1"), get("/api/departments")]);
  const place = h("div");
  const redraw = () => showItems(screen);
  const edit = async (item) => {
    const history = item.code ? await get(`/api/items/${item.code}/history`) : [];
    const form = editor(item.code ? `修改事项：${item.name}` : "新增事项", [
      h("div", { class: "inline-fields" },
        field("事项编码", "Code", h("input", { name: "code", value: item.code || "", readonly: Boolean(item.code) })),
        field("事项名称", "Name", h("input", { name: "name", value: item.name || "" })),
        field("通俗名称（群众看到的）", "Plain title", h("input", { name: "title", value: item.title || "" }))),
      h("div", { class: "inline-fields" },
        field("办理层级", "Level", h("select", { name: "level" }, options(Object.entries(LEVELS), item.level || "town"))),
        field("办理时限（工作日，0 为即办）", "Time limit", h("input", {
          name: "time_limit_days", type: "number", min: "0", max: "365", value: String(item.time_limit_days ?? 0) }))),
      h("fieldset", {}, h("legend", {}, "办理部门"), h("div", { class: "checks" }, departments.map((d) =>
        checkbox(`dept-${d.code}`, d.name, (item.departments || []).includes(d.code))))),
      field("申请材料（每行一项：名称，原件或复印件，份数）", "Materials",
        h("textarea", { name: "materials", value: (item.materials || []).map((m) =>
          `${m.name}，${m.form === "original" ? "原件" : "复印件"}，${m.count}`).join("\n") })),
      field("办事指南", "Guide", h("textarea", { name: "guide", value: item.guide || "" })),
      history.length ? h("section", {}, h("h3", {}, "变更记录"), h("ol", { class: "history" }, history.map((entry) =>
        h("li", {}, `${formatDateTime(entry.changed_at)} ${entry.changed_by_name || ""} ${CHANGES[entry.change]}；此前：`
          + `${entry.before.name}，时限 ${entry.before.time_limit_days} 个工作日`)))) : null,
    ], (sent) => request("PUT", `/api/items/${encodeURIComponent(value(sent, "code"))}`, itemBody(sent, item, departments)),
    redraw);
    replace(place, form);
  };
  const retire = (item, retired) => request("PATCH", `/api/items/${item.code}`, { retired }).then(redraw);
  replace(screen,
    h("h1", {}, bi("事项清单管理", "Item catalog")),
    h("button", { class: "main", type: "button", onclick: () => edit({}) }, bi("新增事项", "New item")),
    place,
    listing("Items", ["编码", "名称", "层级", "时限", "状态", "操作"], items.map((item) =>
      h("tr", { class: item.retired_at ? "retired" : "", "data-item": item.code },
        h("th", { scope: "row" }, item.code), h("td", {}, item.name), h("td", {}, LEVELS[item.level]),
        h("td", {}, `${item.time_limit_days} 个工作日`), h("td", {}, item.retired_at ? "已停办" : "在办"),
        h("td", { class: "actions" },
          h("button", { type: "button", onclick: () => edit(item) }, "修改"),
          h("button", { type: "button", onclick: () => retire(item, !item.retired_at) },
            item.retired_at ? "恢复办理" : "停办"))))));
}

const CHANGES = { updated: "修改", retired: "停办", reinstated: "恢复办理" };

/** The item as the API takes it, from the form (materials one a line: 名称，原件|复印件，份数). */
function itemBody(form, item, departments) {
  const materials = value(form, "materials").split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
    const [name, kind = "复印件", count = "1"] = line.split(/[，,]/).map((part) => part.trim());
    return { name, form: kind === "原件" ? "original" : "copy", count: Number.parseInt(count, 10) || 1 };
  });
  const body = {
    ...Object.fromEntries(ITEM_FIELDS.filter((k) => k in item).map((k) => [k, item[k]])),
    code: value(form, "code"), name: value(form, "name"), title: value(form, "title"), level: form.elements.level.value,
    time_limit_days: Number.parseInt(form.elements.time_limit_days.value, 10) || 0,
    departments: departments.filter((d) => form.elements[`dept-${d.code}`].checked).map((d) => d.code),
    materials, guide: value(form, "guide"),
  };
  if (!body.name_en) delete body.name_en;
  return body;
}

// ---- 公章 ----

export async function showSeals(screen) {
  const units = (await get("/api/units")).filter((u) => u.kind !== "village" && !u.retired_at);
  const place = h("div");
  const upload = (unit) => {
    const file = h("input", { type: "file", name: "seal", accept: "image/png" });
    replace(place, editor(`上传公章图片：${unit.name}`, [
      h("p", {}, "请选择透明背景的 PNG 图片（不超过 2 MB，边长不超过 4096 像素）。"),
      h("label", { class: "field" }, bi("公章图片", "Seal image"), file),
    ], async () => {
      if (!file.files.length) throw new Error("请先选择公章图片文件。");
      await request("PUT", `/api/units/${unit.id}/seal`, new Blob([file.files[0]], { type: "image/png" }));
    }, () => showSeals(screen)));
  };
  replace(screen,
    h("h1", {}, bi("公章管理", "Seals")),
    h("p", {}, "未上传图片的单位，文书上使用系统按单位名称生成的公章。"),
    place,
    listing("Seals", ["单位", "类别", "公章", "操作"], units.map((u) =>
      h("tr", { "data-unit": u.id },
        h("th", { scope: "row" }, u.name), h("td", {}, KINDS[u.kind]),
        h("td", {}, u.seal_digest ? `已上传（${u.seal_digest.slice(0, 12)}…）` : "系统生成"),
        h("td", { class: "actions" }, h("button", { type: "button", onclick: () => upload(u) }, "上传图片"))))));
}

// ---- 节假日安排 ----

/** Read a calendar file the admin chose: its JSON, or an Error saying in words why not. */
async function calendarFile(file) {
  if (!file.files.length) throw new Error("请先选择节假日安排文件（.json）。");
  try {
    return JSON.parse(await file.files[0].text());
  } catch {
    throw new Error("这个文件不是节假日安排文件（JSON 格式有误）。");
  }
}

export async function showCalendar(screen) {
  const years = Object.values(await get("/api/calendar")).sort((a, b) => a.year - b.year);
  const place = h("div");
  const load = () => {
    const file = h("input", { type: "file", name: "calendar", accept: ".json,application/json" });
    replace(place, editor("载入一年的节假日安排", [
      h("p", {}, "文件格式与系统自带的 2026.json 相同：年份、来源、放假日期和调休上班日期。载入后替换该年原有的安排，"
        + "办理时限和统计中的工作日随之重新计算。"),
      h("label", { class: "field" }, bi("节假日安排文件", "Calendar file"), file),
    ], async () => {
      const calendar = await calendarFile(file);
      await request("PUT", `/api/calendar/${encodeURIComponent(calendar.year)}`, calendar);
    }, () => showCalendar(screen)));
  };
  const days = (list) => list.map((d) => `${d.date.slice(5)} ${d.name}`).join("、") || "无";
  replace(screen,
    h("h1", {}, bi("节假日安排", "Holiday calendar")),
    h("p", {}, "按国务院办公厅每年的通知：放假日期不计入办理时限，调休上班的周末计入。"),
    h("p", {}, h("button", { type: "button", class: "main", onclick: load }, "载入节假日安排")),
    place,
    listing("Holiday calendar", ["年份", "来源", "放假", "调休上班", "载入时间"], years.map((y) =>
      h("tr", { "data-year": y.year },
        h("th", { scope: "row" }, `${y.year} 年${y.provisional ? "（暂定）" : ""}`), h("td", {}, y.source),
        h("td", {}, days(y.holidays)), h("td", {}, days(y.workdays)), h("td", {}, formatDateTime(y.loaded_at))))));
}
