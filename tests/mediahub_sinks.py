"""Recording sinks for the hub tests: they count what the hub offers, nothing more."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import av

# In-process recordings by call id, so a test can look at what its sinks received.
OPENED: dict[str, CountingRecording] = {}


class CountingSink:
    """One party's sink: keeps (kind, codec, pts, time_base, size) of every packet."""

    def __init__(self) -> None:
        self.packets: list[tuple[str, str, int, Any, int]] = []

    def write(self, kind: str, codec: str, packet: av.Packet) -> None:
        assert packet.pts is not None
        self.packets.append((kind, codec, packet.pts, packet.time_base, packet.size))


class CountingRecording:
    """A call's recording made of counting sinks; with a `path`, written there on close."""

    def __init__(self, call_id: str, options: dict[str, Any]) -> None:
        self.call_id = call_id
        self.parties: dict[str, CountingSink] = {}
        self.closed = False
        self._path = options.get("path")
        OPENED[call_id] = self

    def party(self, party_id: str, label: str) -> CountingSink:
        return self.parties.setdefault(party_id, CountingSink())

    async def close(self) -> list[dict[str, Any]]:
        self.closed = True
        if self._path is not None:
            summary = {
                party: [[k, c, pts, str(tb), size] for k, c, pts, tb, size in sink.packets]
                for party, sink in self.parties.items()
            }
            await asyncio.to_thread(Path(self._path).write_text, json.dumps(summary))  # off the hub's loop
        return []
