"""The media hub (SFU): forwards encoded call media between participants and to recorders.

The signaling layer uses MediaWorkerPool (workers=0 runs the hub in-process):

    pool = MediaWorkerPool(MediaConfig(ice_servers=[...]), send, workers=2, on_call_ended=cb)
    await pool.start()
    await pool.open_call(call_id, recording={"factory": "pkg.mod:open", "options": {...}})
    await pool.join(call_id, participant_id, label)          # hub sends a "media.offer"
    await pool.answer(call_id, participant_id, sdp)           # the client's answer
    await pool.add_ice_candidate(call_id, participant_id, {"candidate", "sdpMid", ...})
    await pool.stats(call_id) / pool.leave(...) / pool.close_call(call_id) / pool.close()

The hub always offers; clients only answer. Messages to a client, through
`send(call_id, participant_id, message)`, in order per participant (protocol/messages.py
types them; the server passes offers and states on to the client's WebSocket as they are):

    {"type": "media.offer", "sdp": str, "publish": {"audio": mid, "video": mid},
     "tracks": [{"mid", "kind", "participant_id", "label"}, ...]}
    {"type": "media.state", "state": "connecting" | "connected" | "failed" | "closed" ...}
    {"type": "media.ended", "reason": "closed" | "media_worker_lost", "message", "message_en"}

On the first offer a client puts its microphone and camera on the "publish" m-lines
(direction sendonly) and answers; "tracks" says whose media every other m-line carries.
Errors are MediaError subclasses with .as_json() == {"error", "message", "message_en"}.
Recorders implement CallRecording / PacketSink (recording.py).

MediaHub loads aiortc, so it is imported on first use: the server process that only
relays to worker processes never loads it (idle memory, #9).
"""

from typing import TYPE_CHECKING

import lazy_loader

from .config import MediaConfig
from .exceptions import MediaError
from .pool import MediaWorkerPool
from .recording import CallRecording, PacketSink

if TYPE_CHECKING:
    from .hub import MediaHub

__all__ = [
    "CallRecording",
    "MediaConfig",
    "MediaError",
    "MediaHub",
    "MediaWorkerPool",
    "PacketSink",
]

# MediaHub, imported when first asked for (PEP 562)
__getattr__, _, _ = lazy_loader.attach(__name__, submod_attrs={"hub": ["MediaHub"]})
