// The auditor console (审计回放): find any case, replay its calls beside its timeline, hold problem cases.
// Auditors read everything and change nothing but a case's legal hold: the page offers nothing else.

import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { startRouter } from "/common/router.js";
import { startSession } from "/common/session.js";
import { showStatistics } from "/common/statistics.js";
import { showAuditedCase } from "./case-view.js";
import { showSearch } from "./search.js";
import { showTrace } from "./trace.js";

startSession({
  title: "审计回放",
  titleEn: "Audit console",
  roles: ["auditor"],
  onReady: ({ account, main, nav }) => {
    replace(nav, h("a", { href: "#/" }, bi("查找办件", "Find cases")),
      h("a", { href: "#/trace" }, bi("泄露溯源", "Trace a leak")),
      h("a", { href: "#/statistics" }, bi("工作量统计", "Statistics")));
    startRouter(main, {
      "/": (screen) => showSearch(screen),
      "/case/:id": (screen, { id }) => showAuditedCase(screen, id),
      "/case/:id/replay/:recording/:seconds": (screen, { id, ...at }) => showAuditedCase(screen, id, at),
      "/trace": (screen) => showTrace(screen),
      "/statistics": (screen) => showStatistics(screen, account),
    });
  },
});
