// Times on the replay: server timestamps as instants, positions as 01:05, wall-clock times in China.

const WALL = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});

/** Milliseconds since the epoch of a server timestamp (ISO 8601, microseconds cut to milliseconds). */
export function instant(iso) {
  return Date.parse(iso.replace(/(\.\d{3})\d+/, "$1"));
}

/** A position in a recording: 01:05, or 1:02:05 past an hour. */
export function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds));
  const [hours, minutes, secs] = [Math.floor(whole / 3600), Math.floor(whole / 60) % 60, whole % 60];
  const pad = (n) => String(n).padStart(2, "0");
  return hours ? `${hours}:${pad(minutes)}:${pad(secs)}` : `${pad(minutes)}:${pad(secs)}`;
}

/** The time of day in China: 10:03:12. */
export function wallTime(ms) {
  return WALL.format(new Date(ms));
}
