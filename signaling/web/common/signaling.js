// The page's one signaling WebSocket: hello with the session token, messages by type,
// and reconnecting with backoff whenever the link drops (see README, Signaling protocol).

import { SIGNED_OUT, token } from "./api.js";
import { Emitter } from "./emitter.js";
import { ClientMessage, CloseCode, ServerMessage } from "./wire.js";

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000]; // then 8 s between tries, for ever
const KEEPALIVE_MS = 5000; // a ping this often shows a dead link (a weak village link may just stop)
const SILENCE_MS = 15000; // nothing heard for this long: the socket is dead even if the browser thinks not

/**
 * Events: every server message by its type (wire.js ServerMessage: "welcome" each time the socket
 * is (re)established, "call.incoming", "media.offer", "case.event" …), and "down" ({code, reason}).
 */
export class Signaling extends Emitter {
  constructor(url = socketUrl()) {
    super();
    this.url = url;
    this.socket = null;
    this.welcome = null;
    this.attempt = 0;
    this.retry = null;
    this.lastHeard = 0;
    this.helloToken = "";
    this.running = false;
    this.keepalive = null;
    window.addEventListener("online", () => this.running && !this.socket && this.connect()); // retry now
    window.addEventListener("offline", () => this.drop());
  }

  /** True once the server has welcomed this socket. */
  get ready() {
    return this.welcome !== null && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connect (again) for the signed-in token; a new login replaces the old socket. */
  start() {
    this.running = true;
    if (this.socket && this.helloToken === token.get()) return;
    this.drop(false);
    this.connect();
    this.keepalive ||= setInterval(() => this.checkAlive(), KEEPALIVE_MS);
  }

  /** Send a message; false when the socket is down (the caller decides what that means). */
  send(message) {
    if (!this.ready) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  connect() {
    clearTimeout(this.retry);
    this.retry = null;
    const socket = new WebSocket(this.url);
    this.socket = socket;
    this.welcome = null;
    this.helloToken = token.get();
    socket.onopen = () => socket.send(JSON.stringify({ type: ClientMessage.HELLO, token: this.helloToken }));
    socket.onmessage = (event) => this.receive(socket, event.data);
    socket.onclose = (event) => this.closed(socket, event.code, event.reason);
    this.lastHeard = Date.now();
  }

  receive(socket, raw) {
    if (socket !== this.socket) return;
    this.lastHeard = Date.now();
    const message = JSON.parse(raw);
    if (message.type === ServerMessage.WELCOME) {
      this.welcome = message;
      this.attempt = 0;
      document.documentElement.dataset.signaling = "ready";
    } else if (message.type === ServerMessage.PRESENCE && this.welcome) {
      this.welcome.presence = message.units;
    }
    this.emit(message.type, message);
  }

  closed(socket, code, reason) {
    if (socket !== this.socket) return;
    this.socket = null;
    this.welcome = null;
    document.documentElement.dataset.signaling = "down"; // the top bar says so (call.css)
    this.emit("down", { code, reason });
    if (code === CloseCode.UNAUTHENTICATED) {
      this.running = false; // the session ended: the login form comes back, and start() after it
      window.dispatchEvent(new CustomEvent(SIGNED_OUT));
      return;
    }
    if (this.running) this.scheduleRetry();
  }

  scheduleRetry() {
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    this.retry = setTimeout(() => this.connect(), base * (0.75 + Math.random() * 0.5));
  }

  /** Give up on the current socket at once (a dead link may take minutes to report itself). */
  drop(reconnect = true) {
    const socket = this.socket;
    if (!socket) return;
    socket.onclose = socket.onmessage = socket.onopen = null;
    socket.close();
    this.closed(socket, 1006, "dropped");
    if (!reconnect) clearTimeout(this.retry);
  }

  checkAlive() {
    if (this.socket && this.helloToken !== token.get()) { // logged out (or in as someone else)
      this.running = false;
      this.drop(false);
      return;
    }
    if (!this.ready) return;
    if (Date.now() - this.lastHeard > SILENCE_MS) {
      this.drop();
      return;
    }
    this.send({ type: ClientMessage.PING });
  }
}

function socketUrl() {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws`;
}

let shared = null;

/** The page's signaling connection (one per page, made on first use). */
export function pageSignaling() {
  shared ||= new Signaling();
  return shared;
}
