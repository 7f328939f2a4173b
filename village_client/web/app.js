// The village window (村窗口): my village's cases, opening a case, and following it to the end.

import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { startRouter } from "/common/router.js";
import { startSession } from "/common/session.js";
import { pageSignaling } from "/common/signaling.js";
import { showCaseList } from "./case-list.js";
import { showLiveCase } from "./live-case.js";
import { showOpenCase } from "./open-case.js";
import { showReceipt } from "./receipt.js";
import { showAcceptanceReceipt } from "./acceptance-receipt.js";
import { showCallList } from "./call-list.js";

startSession({
  title: "村窗口",
  titleEn: "Village window",
  roles: ["village_clerk"],
  onReady: ({ account, main, nav }) => {
    pageSignaling().start(); // calls and pushed case changes
    replace(nav,
      h("a", { href: "#/" }, bi("我村的办件", "Cases")),
      h("a", { href: "#/new" }, bi("办新事", "New case")),
      h("a", { href: "#/calls" }, bi("电话通知", "Calls to make")),
      h("a", { href: "/guide/booklet", target: "_blank" }, bi("办事指南汇编", "Guide booklet")));
    startRouter(main, {
      "/": (screen) => showCaseList(screen, account),
      "/new": (screen) => showOpenCase(screen),
      "/case/:id": (screen, { id }) => showLiveCase(screen, id, account),
      "/case/:id/receipt": (screen, { id }) => showReceipt(screen, id),
      "/case/:id/accepted": (screen, { id }) => showAcceptanceReceipt(screen, id),
      "/calls": (screen) => showCallList(screen),
    });
  },
});
