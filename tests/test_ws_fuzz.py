"""The signaling WebSocket under Hypothesis (#17): whatever a signed-in page sends — each message
type with fields of any JSON shape, unknown types, values that are not objects, text that is not
JSON — the server answers with an `error` a clerk can read (never `internal`), or closes with its
documented code where the protocol says so (a refused `call.accept` / `call.join`), keeps serving
(a `ping` after it gets its `pong`), and changes no row: no case exists for a message to act on.
"""

from __future__ import annotations

import json
import os
from typing import Any

import aiohttp
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from protocol.words import ClientMessage, CloseCode, ServerMessage
from signaling.api.ws import ENTERING, MESSAGES

from .support import RunningServer
from .test_bad_input import counts

EXAMPLES = int(os.environ.get("CUNNENG_FUZZ_EXAMPLES", "5")) * 40  # as tests/test_api_fuzz.py: 200 by default
SEED = int(os.environ.get("CUNNENG_FUZZ_SEED", "17"))  # `make fuzz` gives a fresh one
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-(2**80), max_value=2**80)
           | st.floats(allow_nan=False) | st.text(max_size=40))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=3), max_leaves=6)
FIELDS = sorted({name for schema in MESSAGES.values() for name in schema["properties"]} - {"type"})
TYPED = st.fixed_dictionaries({"type": st.sampled_from([*ClientMessage, "hello", "call.ended", "", "PING"])},
                              optional={name: JSON for name in FIELDS})
TEXT = st.text(max_size=200) | st.binary(max_size=200).map(lambda raw: raw.decode("latin-1"))


class Page:
    """One signed-in signaling connection, opened again when the server closed it as documented."""

    def __init__(self, server: RunningServer, token: str) -> None:
        self.server, self.token = server, token
        self.socket: aiohttp.ClientWebSocketResponse | None = None

    async def open(self) -> aiohttp.ClientWebSocketResponse:
        if self.socket is None or self.socket.closed:
            self.socket = await self.server.session.ws_connect(self.server.base + "/ws")
            await self.socket.send_json({"type": "hello", "token": self.token})
            assert (await self.next())["type"] == ServerMessage.WELCOME
        return self.socket

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def next(self) -> dict[str, Any]:
        """The next message that is not a presence update; a close as {"closed": code}."""
        assert self.socket is not None
        while True:
            received = await self.socket.receive(timeout=10)
            if received.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return {"closed": self.socket.close_code}
            message = received.json()
            if message["type"] != ServerMessage.PRESENCE:
                return dict(message)


async def send_and_check(page: Page, raw: str, sent: Any) -> None:
    socket = await page.open()
    await socket.send_str(raw)
    await socket.send_json({"type": ClientMessage.PING, "ref": "after"})
    answer = await page.next()
    if "closed" in answer:
        assert isinstance(sent, dict) and sent.get("type") in ENTERING, (raw[:200], answer)
        assert answer["closed"] == CloseCode.FORBIDDEN
        return
    if answer["type"] == ServerMessage.ERROR:
        assert answer["error"] != "internal" and answer["message"] and answer["message_en"], (raw[:200], answer)
        answer = await page.next()
    else:  # only a well-formed ping has an answer that is not an error: its pong comes first
        assert isinstance(sent, dict) and sent.get("type") == ClientMessage.PING, (raw[:200], answer)
        assert answer["type"] == ServerMessage.PONG
        answer = await page.next()
    assert answer["type"] == ServerMessage.PONG, (raw[:200], answer)


PAGES: dict[str, tuple[Page, dict[str, int]]] = {}  # per server: one signed-in page, and the rows before


@seed(SEED)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sent=st.one_of(TYPED, JSON).map(lambda value: (json.dumps(value), value)) | TEXT.map(lambda raw: (raw, None)))
async def test_any_message_gets_an_answer_a_page_can_show(server: RunningServer, sent: tuple[str, Any]) -> None:
    if server.base not in PAGES:  # the server fixture is made once for all the examples
        PAGES[server.base] = Page(server, (await server.login("clerk-yb1")).token), counts(server)
    page, before = PAGES[server.base]
    try:
        await send_and_check(page, *sent)
    except BaseException:
        await page.close()  # the next example (Hypothesis shrinking) starts from a fresh connection
        raise
    assert counts(server) == before
