// 系统管理 (the admin): accounts, units, the item catalog, seals, the holiday calendar, and the county's
// workload statistics.

import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { startRouter } from "/common/router.js";
import { startSession } from "/common/session.js";
import { showStatistics } from "/common/statistics.js";
import { showAccounts, showCalendar, showItems, showSeals, showUnits } from "./admin.js";

startSession({
  title: "系统管理",
  titleEn: "Administration",
  roles: ["admin"],
  onReady: ({ account, main, nav }) => {
    replace(nav,
      h("a", { href: "#/" }, bi("账号", "Accounts")),
      h("a", { href: "#/units" }, bi("单位", "Units")),
      h("a", { href: "#/items" }, bi("事项清单", "Items")),
      h("a", { href: "#/seals" }, bi("公章", "Seals")),
      h("a", { href: "#/calendar" }, bi("节假日", "Holidays")),
      h("a", { href: "#/statistics" }, bi("工作量统计", "Statistics")));
    startRouter(main, {
      "/": (screen) => showAccounts(screen, account),
      "/units": (screen) => showUnits(screen),
      "/items": (screen) => showItems(screen),
      "/seals": (screen) => showSeals(screen),
      "/calendar": (screen) => showCalendar(screen),
      "/statistics": (screen) => showStatistics(screen, account),
    });
  },
});
