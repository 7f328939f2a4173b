// Several <video> elements on one clock: each file starts at its own offset on the call's timeline.
// The first file that is playing leads; the others are put back in step when they stray.

const DRIFT = 0.3; // seconds a file may stray from the shared clock before it is moved back

const clamp = (value, low, high) => Math.min(Math.max(value, low), high);

export class SyncedVideos {
  /** tracks: [{video, src, offset, duration}] (seconds); onTick() after every change of position. */
  constructor(tracks, length, onTick) {
    this.tracks = tracks;
    this.length = length;
    this.onTick = onTick;
    this.position = 0;
    this.playing = false;
    this.lastWall = 0;
  }

  /** Give the videos their files on first use: opening the page is not yet a replay (each replay is logged). */
  load() {
    for (const track of this.tracks) {
      if (track.video.getAttribute("src")) continue;
      track.video.preload = "auto";
      track.video.src = track.src;
    }
  }

  play() {
    this.load();
    if (this.position >= this.length) this.position = 0;
    this.playing = true;
    this.lastWall = performance.now();
    this.apply();
    requestAnimationFrame(() => this.run());
  }

  pause() {
    this.playing = false;
    for (const track of this.tracks) track.video.pause();
    this.onTick();
  }

  /** Jump to a position (seconds from the call's first file); playing goes on from there. */
  seek(position) {
    this.load();
    this.position = clamp(position, 0, this.length);
    for (const track of this.tracks) track.video.currentTime = clamp(this.position - track.offset, 0, track.duration);
    this.lastWall = performance.now();
    this.apply();
    this.onTick();
  }

  run() {
    if (!this.playing) return;
    this.advance();
    if (this.position >= this.length) {
      this.position = this.length;
      this.pause();
      return;
    }
    this.apply();
    this.onTick();
    requestAnimationFrame(() => this.run());
  }

  /** The clock follows the leading file; between files (nobody recorded) it runs on the wall clock. */
  advance() {
    const now = performance.now();
    const leader = this.tracks.find((track) => this.covers(track) && !track.video.paused
      && !track.video.seeking && track.video.readyState >= HTMLMediaElement.HAVE_FUTURE_DATA);
    if (leader) {
      this.position = leader.offset + leader.video.currentTime;
    } else if (!this.tracks.some((track) => this.covers(track))) {
      this.position += (now - this.lastWall) / 1000;
    }
    this.lastWall = now;
  }

  covers(track) {
    return this.position >= track.offset && this.position < track.offset + track.duration;
  }

  /** Files under the clock play in step with it; the others wait, paused. */
  apply() {
    for (const track of this.tracks) {
      const video = track.video;
      if (!this.playing || !this.covers(track)) {
        if (!video.paused) video.pause();
        continue;
      }
      const target = this.position - track.offset;
      if (!video.seeking && Math.abs(video.currentTime - target) > DRIFT) video.currentTime = target;
      if (video.paused) video.play().catch(() => {}); // interrupted by a pause or seek: the next tick retries
    }
  }
}
