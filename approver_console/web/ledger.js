// 台账导出: the unit's cases over a date range, as a CSV file for a spreadsheet.

import { h, replace } from "/common/dom.js";
import { todayInChina } from "/common/format.js";
import { bi } from "/common/i18n.js";

export function showLedger(screen, account) {
  const today = todayInChina();
  const from = h("input", { type: "date", name: "from", value: `${today.slice(0, 8)}01` });
  const to = h("input", { type: "date", name: "to", value: today });
  const problem = h("div", { class: "error", role: "alert" });
  const download = h("a", { class: "button main", download: "" }, bi("下载台账（CSV）", "Download the ledger"));
  // A plain link: the session cookie carries the login, the browser saves the file.
  const update = () => {
    const valid = Boolean(from.value && to.value && from.value <= to.value);
    problem.textContent = valid ? "" : "请选择开始和结束日期，结束日期不能早于开始日期。";
    download.setAttribute("aria-disabled", String(!valid));
    if (valid) {
      download.href = `/api/ledger.csv?from=${from.value}&to=${to.value}`;
    } else {
      download.removeAttribute("href");
    }
  };
  from.addEventListener("input", update);
  to.addEventListener("input", update);
  update();
  replace(screen,
    h("h1", {}, bi(`${account.unit.name} · 台账导出`, "Ledger export")),
    h("p", {}, bi("导出这段时间内受理的办件，可用表格软件打开。", "Cases opened in the range, as CSV.")),
    h("div", { class: "inline-fields" },
      h("label", { class: "field" }, bi("开始日期", "From"), from),
      h("label", { class: "field" }, bi("结束日期", "To"), to)),
    problem, download);
}
