// The approver console (审批窗口): the town or district window and department reviewers.

import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { startRouter } from "/common/router.js";
import { startSession } from "/common/session.js";
import { pageSignaling } from "/common/signaling.js";
import { showStatistics } from "/common/statistics.js";
import { showLedger } from "./ledger.js";
import { showLiveCase } from "./live-case.js";
import { showQueue } from "./queue.js";
import { showRinging } from "./ringing.js";

let ringingBar = null; // made once: it stays above every screen, across logins

startSession({
  title: "审批窗口",
  titleEn: "Approver console",
  roles: ["town_approver", "district_approver", "department_reviewer"],
  onReady: ({ account, main, nav }) => {
    if (!ringingBar) {
      ringingBar = h("section", { class: "ringing no-print", "aria-live": "assertive", hidden: true });
      main.before(ringingBar);
      showRinging(ringingBar, pageSignaling());
    }
    pageSignaling().start();
    replace(nav,
      h("a", { href: "#/" }, bi("办件队列", "Queue")),
      h("a", { href: "#/ledger" }, bi("台账导出", "Ledger")),
      h("a", { href: "#/statistics" }, bi("工作量统计", "Statistics")));
    startRouter(main, {
      "/": (screen) => showQueue(screen, account),
      "/case/:id": (screen, { id }) => showLiveCase(screen, id, account),
      "/ledger": (screen) => showLedger(screen, account),
      "/statistics": (screen) => showStatistics(screen, account),
    });
  },
});
