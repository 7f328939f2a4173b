// One call replayed: its parties' files side by side (one <video> each, since Chromium plays only a
// file's first video track), lined up by their wall-clock starts, driven by one play button and one seek bar.
// The auditor console plays them from the server; a case package's offline page from the unpacked folder.

import { h, replace } from "./dom.js";
import { formatDateTime } from "./format.js";
import { bi } from "./i18n.js";
import { SyncedVideos } from "./synced-videos.js";
import { clock, instant, wallTime } from "./times.js";

/**
 * The player of one call's files. source: {src(file), icons (folder of play.svg, pause.svg),
 * extra(file, video) (a node beside a party's name, or null), below (a node under the controls, or null)};
 * onReplay() once the files started loading (the server logs each replay).
 */
export function callPlayer(files, source, onReplay) {
  const origin = Math.min(...files.map((file) => instant(file.started_at)));
  const tracks = files.map((file) => track(file, origin, source));
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
    replace(toggle, synced.playing ? [icon(source, "pause"), bi("暂停", "Pause")] : [icon(source, "play"), bi("播放", "Play")]);
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
    h("div", { class: "player-controls" }, toggle, bar, time), source.below);
  return {
    element, origin, length,
    covers: (at) => at >= origin && at <= origin + length * 1000,
    seekTo: (at) => synced.seek((at - origin) / 1000),
    pause: () => synced.pause(),
  };
}

/** A control's picture, shipped with the pages (no font has ⏸: it would show as an empty box). */
function icon(source, name) {
  return h("img", { class: "icon", src: `${source.icons}${name}.svg`, alt: "", width: 16, height: 16 });
}

function track(file, origin, source) {
  const video = h("video", { playsinline: true, preload: "none", "data-recording": file.id });
  const part = file.segment ? `（第 ${file.segment + 1} 段）` : "";
  const figure = h("figure", { class: "party" }, h("div", { class: "video-frame" }, video), h("figcaption", {}, `${file.label}${part}`,
    file.recovered ? h("small", { class: "en" }, "（故障后恢复 recovered）") : null, " ", source.extra(file, video)));
  return {
    video, figure, src: source.src(file),
    offset: (instant(file.started_at) - origin) / 1000, duration: file.duration,
  };
}

/** Recordings grouped by call, calls in the order they happened. */
export function byCall(recordings) {
  const calls = new Map();
  for (const recording of recordings) {
    if (!calls.has(recording.call_id)) calls.set(recording.call_id, []);
    calls.get(recording.call_id).push(recording);
  }
  return [...calls.values()].sort((a, b) => a[0].started_at.localeCompare(b[0].started_at));
}

/** Several calls' players in one stage, one shown at a time: locate(at) finds an instant, seek(at) goes there. */
export class CallStage {
  constructor(stage, players) {
    this.stage = stage;
    this.players = players;
    this.shown = null;
    if (players.length) this.show(players[0]);
  }

  show(player) {
    if (this.shown && this.shown !== player) this.shown.pause();
    this.shown = player;
    replace(this.stage, callChooser(this.players, player, (chosen) => this.show(chosen)), player.element);
  }

  locate(at) {
    const player = this.players.find((candidate) => candidate.covers(at));
    return player ? { player, position: (at - player.origin) / 1000 } : null;
  }

  seek(at) {
    const found = this.locate(at);
    if (!found) return;
    if (found.player !== this.shown) this.show(found.player);
    found.player.seekTo(at);
  }
}

function callChooser(players, current, show) {
  if (players.length < 2) return null;
  return h("div", { class: "choice-buttons calls" }, players.map((player, index) => h("button", {
    type: "button", "aria-pressed": String(player === current), onclick: () => show(player),
  }, bi(`第 ${index + 1} 次通话 ${formatDateTime(new Date(player.origin))}（${clock(player.length)}）`, `Call ${index + 1}`))));
}
