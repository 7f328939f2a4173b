"""Helpers for the watermark integration tests: the id a served picture carries, and the register's row."""

from __future__ import annotations

import io
import sqlite3
from typing import Any

from PIL import Image

from village_client.consult import Party
from watermark import find_mark

from .support import ApiClient, Reply, RunningServer
from .test_calls import connected_call


def hidden_id(picture: bytes | Image.Image) -> int | None:
    """The id hidden in a picture (encoded bytes or decoded), or None."""
    if isinstance(picture, Image.Image):
        found = find_mark(picture.convert("RGB"))
    else:
        with Image.open(io.BytesIO(picture)) as image:
            found = find_mark(image.convert("RGB"))
    return found.mark_id if found else None


def registered(server: RunningServer, mark_id: int | None, columns: str = "username, what") -> tuple[Any, ...]:
    """The mark register's row for an id, the columns asked for."""
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:
        row = db.execute(f"select {columns} from marks where id = ?", [mark_id]).fetchone()
    return tuple(row) if row else ()


def leaked(png: bytes) -> bytes:
    """The picture as it leaks: a JPEG at quality 60, scaled to 80 %."""
    with Image.open(io.BytesIO(png)) as image:
        smaller = image.convert("RGB").resize((image.width * 4 // 5, image.height * 4 // 5))
    out = io.BytesIO()
    smaller.save(out, "JPEG", quality=60)
    return out.getvalue()


async def town_snapshot(server: RunningServer, village: Party, approver: Party) -> tuple[ApiClient, Reply]:
    """The town window takes a snapshot of the village once its video arrives: the window's client, the reply."""
    await approver.wait_for_video(village.account_id, frames=5)
    town = await server.login("town-yb")
    return town, await town.post(f"/api/calls/{village.call_id}/snapshot", {"participant_id": village.account_id})


async def taken_snapshot(server: RunningServer) -> bytes:
    """A snapshot the town window takes of the village during a call, as the town window gets it."""
    async with connected_call(server) as (village, approver, _):
        town, taken = await town_snapshot(server, village, approver)
        return (await town.get_bytes(taken.body["image_url"]))[1]
