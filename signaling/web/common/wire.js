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

export const ErrorCode = Object.freeze({
  ACCOUNT_LOCKED: "account_locked",
  ALREADY_HELD: "already_held",
  BAD_REQUEST: "bad_request",
  CALL_ALREADY_OPEN: "call_already_open",
  CALL_NOT_ACTIVE: "call_not_active",
  CALL_NOT_FOUND: "call_not_found",
  CALL_NOT_LIVE: "call_not_live",
  CALL_TAKEN: "call_taken",
  CHUNK_CUT: "chunk_cut",
  CHUNK_DIGEST_MISMATCH: "chunk_digest_mismatch",
  CODEC_NOT_SUPPORTED: "codec_not_supported",
  CONFLICT: "conflict",
  CONTROL_CHARACTER: "control_character",
  CORRUPT_SCAN: "corrupt_scan",
  DIGEST_MISMATCH: "digest_mismatch",
  DIGEST_REQUIRED: "digest_required",
  FILE_DAMAGED: "file_damaged",
  FORBIDDEN: "forbidden",
  HTTP_404: "http_404",
  HTTP_405: "http_405",
  HTTP_413: "http_413",
  IMAGE_TOO_LARGE: "image_too_large",
  INTERNAL: "internal",
  INVALID_FIELD: "invalid_field",
  INVALID_ICE_CANDIDATE: "invalid_ice_candidate",
  INVALID_ID_NUMBER: "invalid_id_number",
  INVALID_INPUT: "invalid_input",
  INVALID_MEDIA_CONFIG: "invalid_media_config",
  INVALID_RECORDING_SPEC: "invalid_recording_spec",
  INVALID_SDP: "invalid_sdp",
  INVALID_SEAL: "invalid_seal",
  INVALID_TRANSITION: "invalid_transition",
  ITEM_RETIRED: "item_retired",
  MALFORMED_JSON: "malformed_json",
  MEDIA_ERROR: "media_error",
  MEDIA_WORKER_LOST: "media_worker_lost",
  MEDIA_WORKER_TIMEOUT: "media_worker_timeout",
  NOT_AUTHENTICATED: "not_authenticated",
  NOT_A_FORM: "not_a_form",
  NOT_FOUND: "not_found",
  NOT_HELD: "not_held",
  NOT_IN_CALL: "not_in_call",
  NO_MEDIA: "no_media",
  NO_PICTURE: "no_picture",
  OFFSET_MISMATCH: "offset_mismatch",
  PARTICIPANT_ALREADY_JOINED: "participant_already_joined",
  PARTICIPANT_NOT_FOUND: "participant_not_found",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  SCAN_TOO_LARGE: "scan_too_large",
  STILL_TOO_LARGE: "still_too_large",
  TOO_MANY_TRIES: "too_many_tries",
  TOO_MANY_UNFINISHED_UPLOADS: "too_many_unfinished_uploads",
  UNEXPECTED_ANSWER: "unexpected_answer",
  UNKNOWN_MESSAGE: "unknown_message",
  UNKNOWN_OPERATION: "unknown_operation",
  UNREADABLE_IMAGE: "unreadable_image",
  UNREADABLE_PDF: "unreadable_pdf",
  UNSUPPORTED_TYPE: "unsupported_type",
  UPLOAD_COMPLETE: "upload_complete",
  UPLOAD_EXPIRED: "upload_expired",
  UPLOAD_INCOMPLETE: "upload_incomplete",
  UPLOAD_REFUSED: "upload_refused",
  WRONG_CHUNK_LENGTH: "wrong_chunk_length",
});

export const CloseCode = Object.freeze({
  UNAUTHENTICATED: 4401,
  FORBIDDEN: 4403,
  TOO_SLOW: 4408,
});
