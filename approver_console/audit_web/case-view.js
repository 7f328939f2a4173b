// One case for the auditor: its legal hold, its calls replayed beside its timeline, its details and files.

import { caseFacts, decisionBox, itemTitles, reviewList, stateBadge } from "/common/case-parts.js";
import { showCaseScreen } from "/common/case-screen.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { documentsPanel } from "./documents.js";
import { caseFlags } from "./flags.js";
import { holdPanel } from "./hold.js";
import { replayPanel } from "./replay.js";

/** The case; opened at {recording, seconds} (a traced still's moment), its replay starts there. */
export function showAuditedCase(screen, id, at = null) {
  return showCaseScreen(screen, id, (kase) => caseContent(kase, at));
}

function caseContent(kase, at) {
  const flags = h("span", { class: "case-flags" }, caseFlags(kase));
  const replay = replayPanel(kase, at);
  const held = (state) => {
    replace(flags, caseFlags(state));
    replay.refreshTimeline();
  };
  return [
    h("p", {}, h("a", { href: "#/" }, bi("← 返回查找", "Back to the search"))),
    h("h1", {}, itemTitles(kase), h("small", { class: "en" }, kase.number)),
    h("p", { class: "case-state" }, stateBadge(kase.state), " ", flags),
    packageLink(kase),
    replay.element,
    holdPanel(kase, held),
    decisionBox(kase),
    h("section", { class: "panel" }, h("h2", {}, bi("办件信息", "Case details")), caseFacts(kase)),
    reviewList(kase.reviews),
    documentsPanel(kase),
  ];
}

/** 导出证据包: the whole case in one signed file, to check offline (the export is logged and marked for the auditor). */
function packageLink(kase) {
  const link = h("a", { class: "button", href: `/api/cases/${kase.id}/package`, download: "", "data-action": "export" },
    bi("导出证据包", "Export the case package"));
  return h("p", {}, link, " ", h("span", {}, bi("含录像、文件、审计记录与签名清单，可离线核验。",
    "Recordings, files, audit events and a signed manifest, to check offline.")));
}
