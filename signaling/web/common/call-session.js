// One video consult as this page takes part in it: placing, answering or joining the call,
// the peer connection to the hub, and rejoining after a drop.
//
// Rejoining: when the signaling socket comes back (after a drop) or the peer connection
// fails (or stays disconnected for a few seconds), the page sends call.join for the same call
// and answers the hub's next offer with a fresh RTCPeerConnection. The server keeps our place
// in the call for 30 s meanwhile and shows us to the others as 重新连接中.

import { HubConnection, iceUfrag } from "./call.js";
import { Emitter } from "./emitter.js";
import { closeLocalMedia } from "./local-media.js";
import { CallEndReason, CallState, ClientMessage, CloseCode, ErrorCode, ServerMessage } from "./wire.js";

const DISCONNECTED_MS = 4000; // a "disconnected" peer connection that has not recovered by then is rejoined
const REJOIN_SPACING_MS = 3000; // never rejoin in a tight loop
const ENDED_WAIT_MS = 3000; // a rejoin refused because the call is gone: its call.ended (saying why) is on its way
export const OFFLINE = { zh: "暂时连不上服务器，请检查网络，稍后再试。", en: "Not connected to the server." };

let sequence = 0;
let active = null;
const over = new Set(); // calls this page has seen end: never offered again, whatever a slower reply says

/** The call this page is in (ringing, live or reconnecting), or null. */
export function activeCall() {
  return active;
}

/** Whether this page knows the call has ended (it hung up, or heard call.ended). */
export function callIsOver(callId) {
  return over.has(callId);
}

/**
 * Events: "state" (calling, ringing, connecting, live, reconnecting, ended), "participants"
 * (the server's list, each connected or reconnecting), "remote" (Map participant id →
 * {label, video, audio}), "chat" (a stored message), "notice" ({zh, en}: a problem that does
 * not end the call), "ended" ({zh, en, state}).
 */
export class CallSession extends Emitter {
  constructor(signaling, { caseId, media, callId = null }) {
    super();
    Object.assign(this, { signaling, caseId, media, callId });
    this.state = "idle";
    this.connection = null;
    this.participants = [];
    this.remote = new Map();
    this.staleUfrags = new Set();
    this.ref = `call-${(sequence += 1)}`;
    this.lastRejoin = 0;
    this.timer = null;
    this.offs = [
      signaling.on(ServerMessage.WELCOME, () => this.reconnected()),
      signaling.on("down", (down) => this.socketDown(down)),
      ...Object.entries(MESSAGES).map(([type, handle]) => signaling.on(type, (message) => {
        if (this.state !== "ended" && this.concerns(type, message)) handle(this, message);
      })),
    ];
    active = this;
  }

  /** 发起视频: the village window places the call on its case. */
  place() {
    this.begin("calling", ClientMessage.CALL_REQUEST, { case_id: this.caseId });
  }

  /** 接听: an approver answers a ringing call. */
  accept() {
    this.begin("connecting", ClientMessage.CALL_ACCEPT);
  }

  /** Enter a live call (a second approver or reviewer, or coming back to it). */
  join() {
    this.begin("connecting", ClientMessage.CALL_JOIN);
  }

  begin(state, type, fields) {
    this.setState(state);
    if (!this.send(type, fields)) {
      this.finish({ ...OFFLINE, state: "offline" });
    }
  }

  /** The caller ends or withdraws the call; anyone else leaves it. */
  hangUp() {
    const ringing = ["calling", "ringing"].includes(this.state);
    if (this.callId) this.send(ClientMessage.CALL_HANGUP);
    else if (this.state === "calling") this.withdrawWhenRinging();
    this.finish(ringing ? { zh: "已取消呼叫。", en: "Call cancelled.", state: "cancelled" }
      : { zh: "您已离开通话。", en: "You left the call.", state: "left" });
  }

  /** Send a chat line; false (and a notice) when the link is down. */
  sendChat(text) {
    const sent = this.send(ClientMessage.CHAT_SEND, { text });
    if (!sent) this.emit("notice", { zh: "网络中断，消息没有发出，请稍后再发。", en: "Offline: not sent." });
    return sent;
  }

  send(type, fields = {}) {
    const message = { type, ref: `${this.ref}:${type}`, ...fields };
    if (this.callId && type !== ClientMessage.CALL_REQUEST) message.call_id = this.callId;
    return this.signaling.send(message);
  }

  /** Whether a server message is about this call. */
  concerns(type, message) {
    if (type === ServerMessage.CALL_RINGING) return this.state === "calling" && message.case?.id === this.caseId;
    if (type === ServerMessage.ERROR) return String(message.ref || "").startsWith(`${this.ref}:`);
    return Boolean(this.callId) && message.call_id === this.callId;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit("state", state);
  }

  // --- the peer connection ----------------------------------------------------------------

  offered(message) {
    if (this.staleUfrags.has(iceUfrag(message.sdp))) return; // for the connection we already left
    if (!this.connection) this.connection = this.connect();
    const connection = this.connection;
    connection.offer(message).catch((error) => {
      if (connection !== this.connection) return;
      console.error("answering the hub's offer failed", error);
      this.rejoin();
    });
  }

  connect() {
    const connection = new HubConnection({
      iceServers: this.signaling.welcome?.ice_servers,
      stream: this.media.stream,
      send: (type, fields) => this.send(type, fields),
    });
    connection.on("remote", (remote) => {
      this.remote = remote;
      this.emit("remote", remote);
    });
    connection.on("state", (state) => this.connectionState(connection, state));
    return connection;
  }

  connectionState(connection, state) {
    if (connection !== this.connection) return;
    clearTimeout(this.timer);
    if (state === "connected" && this.signaling.ready) this.setState("live");
    else if (state === "failed") this.rejoin();
    else if (state === "disconnected") this.timer = setTimeout(() => this.rejoin(), DISCONNECTED_MS);
  }

  /** Leave the current peer connection and ask to enter the call again with a fresh one. */
  rejoin() {
    if (this.state === "ended" || this.callGone) return;
    clearTimeout(this.timer);
    const wait = this.lastRejoin + REJOIN_SPACING_MS - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.rejoin(), wait);
      return;
    }
    this.lastRejoin = Date.now();
    this.dropConnection();
    this.setState("reconnecting");
    if (this.signaling.ready) this.send(ClientMessage.CALL_JOIN); // else the next welcome does it
  }

  dropConnection() {
    if (!this.connection) return;
    const ufrag = this.connection.hubUfrag;
    if (ufrag) this.staleUfrags.add(ufrag);
    this.connection.close();
    this.connection = null;
  }

  // --- the signaling socket -----------------------------------------------------------------

  socketDown({ code, reason }) {
    if (this.state === "ended") return;
    if (code === CloseCode.FORBIDDEN) {
      this.finish({ zh: "您没有权限进入这个视频连线。", en: reason || "Not allowed in this call.", state: "refused" });
    } else if (["calling", "ringing"].includes(this.state)) {
      // The server withdraws a call whose caller went away while it rang.
      this.finish({ zh: "网络中断，呼叫已取消，请网络恢复后重新发起。", en: "The link dropped: call cancelled.",
        state: "cancelled" });
    } else {
      this.setState("reconnecting"); // the media may still flow until the socket is back
    }
  }

  reconnected() {
    if (!["connecting", "live", "reconnecting"].includes(this.state) || !this.callId) return;
    this.lastRejoin = 0;
    this.rejoin();
  }

  /** The call.request sent before the call rang was withdrawn: withdraw it once it rings. */
  withdrawWhenRinging() {
    const off = this.signaling.on(ServerMessage.CALL_RINGING, (message) => {
      if (message.case?.id !== this.caseId) return;
      off();
      this.signaling.send({ type: ClientMessage.CALL_HANGUP, call_id: message.call_id });
    });
  }

  /**
   * The server says the call is gone (a rejoin refused: the media closed before the call.ended
   * came): stop rejoining and wait a moment for the call.ended, which says why, to end with it.
   */
  gone() {
    this.callGone = true;
    clearTimeout(this.timer);
    this.dropConnection();
    this.timer = setTimeout(() => this.finish({ zh: "通话已结束。", en: "The call has ended.", state: "ended" }),
      ENDED_WAIT_MS);
  }

  /** The end of the call for this page: the connection and the devices are closed. */
  finish(end) {
    if (this.state === "ended") return;
    if (this.callId) over.add(this.callId);
    clearTimeout(this.timer);
    for (const off of this.offs) off();
    this.dropConnection();
    closeLocalMedia(this.media);
    this.ending = end;
    if (active === this) active = null;
    this.setState("ended");
    this.emit("ended", end);
  }
}

/** What the server's messages about this call do. */
const MESSAGES = {
  [ServerMessage.CALL_RINGING]: (session, message) => {
    session.callId = message.call_id;
    session.setState("ringing");
  },
  [ServerMessage.CALL_ACCEPTED]: (session) => {
    if (session.state === "ringing") session.setState("connecting"); // (our media may be up already)
  },
  [ServerMessage.MEDIA_OFFER]: (session, message) => session.offered(message),
  [ServerMessage.CALL_PARTICIPANTS]: (session, message) => {
    session.participants = message.participants;
    session.emit("participants", message.participants);
  },
  [ServerMessage.CHAT_MESSAGE]: (session, message) => session.emit("chat", message),
  [ServerMessage.CALL_ENDED]: (session, message) => session.finish(endedWords(message)),
  [ServerMessage.ERROR]: (session, message) => refused(session, message),
};

/** A message of ours the server refused: the call cannot go on, or only a chat line failed. */
function refused(session, error) {
  const failed = String(error.ref).split(":")[1];
  const words = { zh: error.message || "出错了。", en: error.message_en || "" };
  if (failed === ClientMessage.CALL_JOIN && error.error === ErrorCode.CALL_NOT_FOUND) {
    session.gone(); // the call has just ended: say so as the end of a call, not as an error
  } else if ([ClientMessage.CALL_REQUEST, ClientMessage.CALL_ACCEPT, ClientMessage.CALL_JOIN].includes(failed)) {
    session.finish({ ...words, state: "refused", code: error.error });
  } else if (failed === ClientMessage.CHAT_SEND) {
    session.emit("notice", words);
  } else if (failed === ClientMessage.MEDIA_ANSWER) {
    session.rejoin();
  }
}

/** How the end of a call reads on the screen. */
function endedWords(message) {
  if (message.state === CallState.UNANSWERED) {
    return { zh: "无人接听，请稍后再试。", en: "No one answered. Please try again later.", state: "unanswered" };
  }
  if (message.state === CallState.CANCELLED) return { zh: "呼叫已取消。", en: "The call was cancelled.", state: "cancelled" };
  if (message.reason === CallEndReason.MEDIA_WORKER_LOST) {
    return { zh: "服务器的视频处理出了故障，通话中断了，请重新发起。", en: "A media worker failed.", state: "ended" };
  }
  if (message.reason === CallEndReason.SERVER_RESTARTED) {
    return { zh: "服务器重新启动过，这次视频连线已结束，请重新发起。", en: "The server restarted: the call has ended.",
      state: "ended" };
  }
  const length = message.duration ? `（时长${duration(message.duration)}）` : "";
  if ([CallEndReason.HUNG_UP, CallEndReason.LEFT].includes(message.reason)) {
    return { zh: `对方已挂断，通话结束${length}。`, en: "The other side hung up.", state: "ended" };
  }
  return { zh: `通话已结束${length}。`, en: "The call has ended.", state: "ended" };
}

function duration(seconds) {
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return minutes ? `${minutes}分${rest}秒` : `${rest}秒`;
}
