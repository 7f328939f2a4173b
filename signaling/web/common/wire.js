// The wire's words for the pages: generated from protocol/wire.json by `python -m protocol.wire`;
// edit that file (and protocol/words.py), never this one. tests/test_wire.py checks they agree.

export const ClientMessage = Object.freeze({
  HELLO: "hello",
  CALL_REQUEST: "call.request",
  CALL_ACCEPT: "call.accept",
  CALL_JOIN: "call.join",
  CALL_HANGUP: "call.hangup",
  MEDIA_ANSWER: "media.answer",
  MEDIA_CANDIDATE: "media.candidate",
  MEDIA_STATS: "media.stats",
  CHAT_SEND: "chat.send",
  PING: "ping",
});

export const ServerMessage = Object.freeze({
  WELCOME: "welcome",
  CALL_RINGING: "call.ringing",
  CALL_INCOMING: "call.incoming",
  CALL_ACCEPTED: "call.accepted",
  CALL_TAKEN: "call.taken",
  CALL_PARTICIPANTS: "call.participants",
  CALL_ENDED: "call.ended",
  MEDIA_OFFER: "media.offer",
  MEDIA_STATE: "media.state",
  MEDIA_STATS: "media.stats",
  CHAT_MESSAGE: "chat.message",
  CASE_EVENT: "case.event",
  PRESENCE: "presence",
  ERROR: "error",
  PONG: "pong",
});

export const HubMessage = Object.freeze({
  MEDIA_OFFER: "media.offer",
  MEDIA_STATE: "media.state",
  MEDIA_ENDED: "media.ended",
});

export const HubOperation = Object.freeze({
  OPEN_CALL: "open_call",
  JOIN: "join",
  ANSWER: "answer",
  ADD_ICE_CANDIDATE: "add_ice_candidate",
  LEAVE: "leave",
  CLOSE_CALL: "close_call",
  STATS: "stats",
  STILL: "still",
});

export const WorkerControl = Object.freeze({
  CONFIGURE: "configure",
  SHUTDOWN: "shutdown",
});

export const CaseEvent = Object.freeze({
  CASE_UPDATED: "case_updated",
  DOCUMENT_ISSUED: "document_issued",
  SCAN_ADDED: "scan_added",
  SNAPSHOT_TAKEN: "snapshot_taken",
  CALL_ACCEPTED: "call_accepted",
  CALL_ENDED: "call_ended",
  CALL_UNANSWERED: "call_unanswered",
  CALL_CANCELLED: "call_cancelled",
});

export const CallState = Object.freeze({
  RINGING: "ringing",
  ACTIVE: "active",
  ENDED: "ended",
  UNANSWERED: "unanswered",
  CANCELLED: "cancelled",
});

export const CallEndReason = Object.freeze({
  HUNG_UP: "hung_up",
  CANCELLED: "cancelled",
  UNANSWERED: "unanswered",
  LEFT: "left",
  MEDIA_WORKER_LOST: "media_worker_lost",
  SERVER_STOPPED: "server_stopped",
  SERVER_RESTARTED: "server_restarted",
});

export const MediaEndReason = Object.freeze({
  CLOSED: "closed",
  MEDIA_WORKER_LOST: "media_worker_lost",
});

export const MediaState = Object.freeze({
  NEW: "new",
  CONNECTING: "connecting",
  CONNECTED: "connected",
  DISCONNECTED: "disconnected",
  FAILED: "failed",
  CLOSED: "closed",
});

export const ParticipantState = Object.freeze({
  CONNECTED: "connected",
  RECONNECTING: "reconnecting",
});

export const CloseCode = Object.freeze({
  UNAUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  TOO_SLOW: 4408,
});
