// Dates and times as the county reads them: China time, Chinese calendar words.

const ZONE = "Asia/Shanghai";
const DATE = new Intl.DateTimeFormat("zh-CN", { timeZone: ZONE, year: "numeric", month: "long", day: "numeric" });
const TIME = new Intl.DateTimeFormat("zh-CN", { timeZone: ZONE, hour: "2-digit", minute: "2-digit", hour12: false });
const SECONDS = new Intl.DateTimeFormat("zh-CN", { timeZone: ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit",
  hour12: false });

/** 2026年11月23日 */
export function formatDate(value) {
  if (!value) return "";
  return DATE.format(typeof value === "string" && value.length === 10 ? new Date(`${value}T00:00:00+08:00`) : new Date(value));
}

/** 2026年11月23日 10:00 */
export function formatDateTime(value) {
  if (!value) return "";
  const at = new Date(value);
  return `${DATE.format(at)} ${TIME.format(at)}`;
}

/** 2026年11月23日 10:03:12: when to the second (what an auditor compares with the timeline) */
export function formatMoment(value) {
  if (!value) return "";
  const at = new Date(value);
  return `${DATE.format(at)} ${SECONDS.format(at)}`;
}

/** 10:00 (China time) */
export function formatTime(value) {
  return value ? TIME.format(new Date(value)) : "";
}

/** Today in China as YYYY-MM-DD (what date inputs and the API use). */
export function todayInChina() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(new Date());
}
