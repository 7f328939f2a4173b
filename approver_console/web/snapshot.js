// 截图 at the console: the server takes the still from the call it forwards, watermarks it for
// this approver and keeps it with the case; the stills appear under the video.

import { post } from "/common/api.js";
import { SnapshotStrip } from "/common/snapshots.js";

const strips = new WeakMap();

/** The 截图 button on one participant's video tile (a call view's tileAction). */
export function snapshotButton(participantId, session) {
  if (!strips.has(session)) strips.set(session, new SnapshotStrip());
  const strip = strips.get(session);
  const button = strip.button(() => {
    if (!strip.element.isConnected) button.closest(".call-view").querySelector(".call-stage").after(strip.element);
    return post(`/api/calls/${session.callId}/snapshot`, { participant_id: participantId });
  });
  return button;
}
