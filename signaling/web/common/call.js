// The page's one peer connection to the server's media hub (an SFU) during a call.
//
// The hub makes every offer and this page only answers, so offers never cross. On the first
// offer the page puts its camera and microphone on the m-lines named in `publish`; every offer
// lists in `tracks` whose media each other m-line carries, so each remote track is shown with
// its participant's name. ICE candidates are trickled: Chromium on a network with nothing but
// loopback never finishes gathering, and a weak link should not wait for it either.

import { Emitter } from "./emitter.js";
import { ClientMessage } from "./wire.js";

/** The hub's ICE username in an SDP: a new one means a new peer connection on the hub's side. */
export function iceUfrag(sdp) {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp || "")?.[1] || null;
}

/**
 * Events: "remote" (Map participant id → {label, video, audio} tracks) after each offer,
 * "state" (the RTCPeerConnection's connectionState).
 */
export class HubConnection extends Emitter {
  /** send(type, fields) puts a message on the signaling socket for this call. */
  constructor({ iceServers, stream, send }) {
    super();
    this.pc = new RTCPeerConnection({ bundlePolicy: "max-bundle", iceServers: iceServers || [] });
    this.stream = stream;
    this.send = send;
    this.published = false;
    this.remote = new Map();
    this.answering = Promise.resolve();
    this.pc.onicecandidate = ({ candidate }) => this.send(ClientMessage.MEDIA_CANDIDATE, { candidate: candidateFields(candidate) });
    this.pc.onconnectionstatechange = () => this.emit("state", this.pc.connectionState);
  }

  get state() {
    return this.pc.connectionState;
  }

  /** The ICE username of the hub's side, once an offer is in. */
  get hubUfrag() {
    return iceUfrag(this.pc.remoteDescription?.sdp);
  }

  /** Answer a media.offer; offers are answered one after the other, in arrival order. */
  offer(message) {
    this.answering = this.answering.then(() => this.answer(message)).catch((error) => {
      if (this.pc.signalingState !== "closed") throw error;
    });
    return this.answering;
  }

  async answer(message) {
    // handle the offer
    await this.pc.setRemoteDescription({ type: "offer", sdp: message.sdp });
    if (!this.published) {
      this.published = true;
      await this.publish(message.publish);
    }
    // send the answer
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.send(ClientMessage.MEDIA_ANSWER, { sdp: this.pc.localDescription.sdp });
    this.remote = remoteParticipants(this.pc, message.tracks || []);
    this.emit("remote", this.remote);
  }

  /** Our camera and microphone go on the m-lines the hub receives on; a missing device stays silent. */
  async publish(mids) {
    for (const transceiver of this.pc.getTransceivers()) {
      const kind = Object.keys(mids || {}).find((key) => mids[key] === transceiver.mid);
      if (!kind) continue;
      const track = this.stream.getTracks().find((t) => t.kind === kind);
      if (track) {
        await transceiver.sender.replaceTrack(track);
        transceiver.direction = "sendonly";
      } else {
        transceiver.direction = "inactive";
      }
    }
  }

  /** Figures for the connection-quality line (RTCStatsReport). */
  stats() {
    return this.pc.getStats();
  }

  close() {
    this.pc.onicecandidate = this.pc.onconnectionstatechange = null;
    this.pc.close();
  }
}

/** Who sends what on this connection: participant id → {label, video, audio} remote tracks. */
function remoteParticipants(pc, tracks) {
  const byMid = new Map(pc.getTransceivers().map((transceiver) => [transceiver.mid, transceiver]));
  const remote = new Map();
  for (const { mid, kind, participant_id: id, label } of tracks) {
    const transceiver = byMid.get(mid);
    if (!transceiver) continue;
    if (!remote.has(id)) remote.set(id, { label, video: null, audio: null });
    remote.get(id)[kind] = transceiver.receiver.track;
  }
  return remote;
}

/** The three fields the server reads of a candidate; null ends the candidates. */
function candidateFields(candidate) {
  if (!candidate || !candidate.candidate) return null;
  return { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex };
}
