// One call replayed: its parties' files side by side (one <video> each, since Chromium plays only a
// file's first video track), lined up by their wall-clock starts, driven by one play button and one seek bar.

import { post } from "/common/api.js";
import { h, replace } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { SnapshotStrip } from "/common/snapshots.js";
import { SyncedVideos } from "./synced-videos.js";
import { clock, instant, wallTime } from "./times.js";

/** The player of one call's files; onReplay() once the server has started sending them (it logs the replay). */
export function callPlayer(files, onReplay) {
  const origin = Math.min(...files.map((file) => instant(file.started_at)));
  const snapshots = new SnapshotStrip();
  const tracks = files.map((file) => track(file, origin, snapshots));
  const length = Math.max(...tracks.map((t) => t.offset + t.duration));
  const bar = h("input", { type: "range", name: "position", min: 0, max: length.toFixed(1), step: 0.1, value: 0,
    "aria-label": "播放位置 Position" });
  const time = h("output", { class: "clock" });
  const toggle = h("button", { class: "main", type: "button", "data-control": "play" });
  const synced = new SyncedVideos(tracks, length, () => show());
  const show = () => {
    bar.value = synced.position.toFixed(1);
    replace(time, `${clock(synced.position)} / ${clock(length)}`,
      h("small", { class: "wall" }, ` 当时 ${wallTime(origin + synced.position * 1000)}`));
    replace(toggle, synced.playing ? [icon("pause"), bi("暂停", "Pause")] : [icon("play"), bi("播放", "Play")]);
  };
  toggle.addEventListener("click", () => (synced.playing ? synced.pause() : synced.play()));
  bar.addEventListener("input", () => synced.seek(Number(bar.value)));
  let told = false;
  for (const t of tracks) {
    t.video.addEventListener("loadeddata", () => {
      if (!told) onReplay();
      told = true;
    });
  }
  show();
  const element = h("div", { class: "call-player" },
    h("div", { class: "parties" }, tracks.map((t) => t.figure)),
    h("div", { class: "player-controls" }, toggle, bar, time), snapshots.element);
  return {
    element, origin, length,
    covers: (at) => at >= origin && at <= origin + length * 1000,
    seekTo: (at) => synced.seek((at - origin) / 1000),
    pause: () => synced.pause(),
  };
}

/** A control's picture, shipped with the pages (no font has ⏸: it would show as an empty box). */
function icon(name) {
  return h("img", { class: "icon", src: `/common/icons/${name}.svg`, alt: "", width: 16, height: 16 });
}

function track(file, origin, snapshots) {
  const video = h("video", { playsinline: true, preload: "none", "data-recording": file.id });
  const part = file.segment ? `（第 ${file.segment + 1} 段）` : "";
  const snapshot = snapshots.button(() => post(`/api/recordings/${file.id}/snapshot`, { at: video.currentTime }));
  const figure = h("figure", { class: "party" }, video, h("figcaption", {}, `${file.label}${part}`,
    file.recovered ? h("small", { class: "en" }, "（故障后恢复 recovered）") : null, " ", snapshot));
  return {
    video, figure, src: `/api/recordings/${file.id}/media`,
    offset: (instant(file.started_at) - origin) / 1000, duration: file.duration,
  };
}
