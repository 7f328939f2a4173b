"""The recording tap: what the hub needs from a recorder, and how it finds one.

The hub offers every packet it receives from a participant to that participant's sink.
Recorders are named by an import path plus JSON options (a `RecordingSpec`), never passed
as objects, so the same spec opens the recorder inside whichever process runs the call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .exceptions import InvalidRecordingSpec

if TYPE_CHECKING:
    import av


class PacketSink(Protocol):
    """One party's recording: gets every encoded packet the hub receives from it.

    `write` runs on the hub's event loop for every packet, so it must be quick (buffered
    muxing, no fsync); the packet is the sink's own and may be changed (e.g. by mux).
    """

    def write(self, kind: Literal["audio", "video"], codec: str, packet: av.Packet) -> None:
        """`codec` is "vp8", "h264" or "opus"; pts in RTP clock ticks, time_base 1/clockrate."""


class CallRecording(Protocol):
    """A whole call's recording, with one sink per party."""

    def party(self, party_id: str, label: str) -> PacketSink:
        """The sink for one participant, opened on the event loop when they join."""

    async def close(self) -> list[dict[str, Any]]:
        """Finish the files once the call has ended; what was stored, as JSON-able dicts."""


def open_recording(call_id: str, spec: dict[str, Any] | None) -> CallRecording | None:
    """Open the recorder a spec names: {"factory": "module:callable", "options": {...}}.

    The factory is called as factory(call_id, options) and returns a CallRecording.
    """
    if spec is None:
        return None
    factory_path = spec.get("factory")
    options = spec.get("options", {})
    if not isinstance(factory_path, str) or ":" not in factory_path:
        raise InvalidRecordingSpec(
            f"recording factory must be 'module:callable', not {factory_path!r}"
        )
    if not isinstance(options, dict):
        raise InvalidRecordingSpec(f"recording options must be an object, not {options!r}")
    module_name, _, attribute = factory_path.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise InvalidRecordingSpec(f"cannot load recording factory {factory_path}: {exc}") from exc
    recording: CallRecording = factory(call_id, options)
    return recording
