// 截图 at the console: the server takes the still from the call it forwards, watermarks it for
// this approver and keeps it with the case. The case screen's 通话截图 panel shows the case's
// stills — those taken before and those taken now, under the call — and keeps them after the call.

import { get, post } from "/common/api.js";
import { h } from "/common/dom.js";
import { bi } from "/common/i18n.js";
import { SnapshotStrip, snapshotUrl } from "/common/snapshots.js";

const SNAPSHOT = "snapshot";
const panels = new Map(); // case id → {strip, element} of its case screen shown now

/** The case's 通话截图 panel: made once per case screen; refresh() adds stills others took meanwhile. */
export function caseSnapshots(kase) {
  const strip = new SnapshotStrip();
  const element = h("section", { class: "panel case-snapshots", "data-case": kase.id, hidden: true },
    h("h2", {}, bi("通话截图", "Snapshots")), strip.element);
  const add = strip.add.bind(strip);
  strip.add = (taken) => {
    add(taken);
    element.hidden = false;
  };
  panels.set(kase.id, { strip, element });
  const refresh = () => get(`/api/cases/${kase.id}/documents`).then(
    (documents) => documents.filter((document) => document.kind === SNAPSHOT)
      .forEach((document) => strip.add({ document, image_url: snapshotUrl(document) })),
    () => null); // the next change of the case tries again
  refresh();
  return { element, refresh };
}

/** The 截图 button on one participant's video tile (a call view's tileAction). */
export function snapshotButton(participantId, session) {
  const { strip, element } = panels.get(session.caseId) || { strip: new SnapshotStrip(), element: null };
  return strip.button(() => {
    if (element) element.hidden = false; // where the still (or why there is none) appears
    return post(`/api/calls/${session.callId}/snapshot`, { participant_id: participantId });
  });
}
