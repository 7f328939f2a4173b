// 网络质量: how the call's link is doing, in plain words (良好 / 一般 / 差) with the figures
// behind them, measured by the browser (getStats) every two seconds; and which remote
// pictures have stopped moving (a weak village link freezes video long before audio).

const POLL_MS = 2000;
const FROZEN_POLLS = 2; // no new frame for this many polls (≈ 4 s): the picture is frozen

export const GRADES = {
  good: ["网络良好", "Good"],
  fair: ["网络一般", "Fair"],
  poor: ["网络差", "Poor"],
};

/** The grade a clerk can act on: loss and delay as a phone call would feel them, frozen video is poor. */
export function grade({ lossPercent, roundTripMs, frozen }) {
  if (frozen || lossPercent >= 8 || roundTripMs >= 800) return "poor";
  if (lossPercent >= 2 || roundTripMs >= 300) return "fair";
  return "good";
}

/**
 * Poll the session's peer connection; onReport({grade, receiveKbps, sendKbps, lossPercent,
 * roundTripMs, frozen: Set of participant ids}) after each poll. Returns stop().
 */
export function watchQuality(session, onReport) {
  let previous = null;
  const stillFor = new Map(); // remote video track id → polls without a new frame
  const poll = async () => {
    const connection = session.connection;
    if (!connection || session.state !== "live") {
      previous = null;
      return;
    }
    const now = summarize(await connection.stats());
    if (previous && connection === previous.connection) {
      onReport(report(now, previous.figures, stillFor, session.remote));
    }
    previous = { connection, figures: now };
  };
  const timer = setInterval(() => poll().catch((error) => console.error("call stats", error)), POLL_MS);
  return () => clearInterval(timer);
}

/** Totals of one getStats report, and frames decoded per remote video track. */
function summarize(stats) {
  const figures = { received: 0, sent: 0, packets: 0, lost: 0, uplinkLoss: 0, roundTrip: null, frames: new Map(),
    at: performance.now() };
  stats.forEach((entry) => {
    if (entry.type === "inbound-rtp") {
      figures.received += entry.bytesReceived || 0;
      figures.packets += entry.packetsReceived || 0;
      figures.lost += Math.max(0, entry.packetsLost || 0);
      if (entry.kind === "video") figures.frames.set(entry.trackIdentifier, entry.framesDecoded || 0);
    } else if (entry.type === "outbound-rtp") {
      figures.sent += entry.bytesSent || 0;
    } else if (entry.type === "remote-inbound-rtp") {
      figures.uplinkLoss = Math.max(figures.uplinkLoss, entry.fractionLost || 0);
    } else if (entry.type === "candidate-pair" && entry.nominated && entry.currentRoundTripTime !== undefined) {
      figures.roundTrip = entry.currentRoundTripTime;
    }
  });
  return figures;
}

function report(now, before, stillFor, remote) {
  const seconds = Math.max(0.001, (now.at - before.at) / 1000);
  const packets = now.packets - before.packets;
  const lost = now.lost - before.lost;
  const downlinkLoss = packets + lost > 0 ? lost / (packets + lost) : 0;
  const frozen = frozenParticipants(now, before, stillFor, remote);
  const figures = {
    receiveKbps: Math.round(((now.received - before.received) * 8) / seconds / 1000),
    sendKbps: Math.round(((now.sent - before.sent) * 8) / seconds / 1000),
    lossPercent: Math.round(Math.max(downlinkLoss, now.uplinkLoss) * 1000) / 10,
    roundTripMs: now.roundTrip === null ? null : Math.round(now.roundTrip * 1000),
    frozen,
  };
  return { ...figures, grade: grade({ ...figures, frozen: frozen.size > 0 }) };
}

/** Participants whose picture has not changed for a few polls. */
function frozenParticipants(now, before, stillFor, remote) {
  const frozen = new Set();
  for (const [id, { video }] of remote) {
    if (!video || !now.frames.get(video.id)) continue; // no picture yet (or none at all): not frozen
    const moved = now.frames.get(video.id) !== before.frames.get(video.id);
    const polls = moved ? 0 : (stillFor.get(video.id) || 0) + 1;
    stillFor.set(video.id, polls);
    if (polls >= FROZEN_POLLS) frozen.add(id);
  }
  return frozen;
}

/** The quality line: 网络良好 · 收 850 kbps · 发 900 kbps · 丢包 0.3% · 延迟 40 ms. */
export function qualityText(figures) {
  const parts = [`收 ${figures.receiveKbps} kbps`, `发 ${figures.sendKbps} kbps`, `丢包 ${figures.lossPercent}%`];
  if (figures.roundTripMs !== null) parts.push(`延迟 ${figures.roundTripMs} ms`);
  return parts.join(" · ");
}
