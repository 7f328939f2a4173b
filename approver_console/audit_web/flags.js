// The two marks an auditor looks for on a case: 问题件 (problem case) and 已保全 (on legal hold).

import { h } from "/common/dom.js";
import { bi } from "/common/i18n.js";

/** The case's problem and hold flags (nothing for an ordinary case). */
export function caseFlags(kase) {
  return [
    kase.problem ? h("span", { class: "flag problem" }, bi("问题件", "Problem case")) : null,
    kase.hold ? h("span", { class: "flag held" }, bi("已保全", "On legal hold")) : null,
  ];
}
