"""The scan benchmark's baseline server: one plain aiohttp POST streamed into a file, nothing else.

Runs as its own process, as the real server does, so both are measured the same way:

    python -m bench.plain_upload PORT FILE
"""

from __future__ import annotations

import sys
from pathlib import Path

from aiohttp import web

BLOCK = 1024 * 1024


def plain_app(target: Path) -> web.Application:
    """POST /upload writes the body to `target`; GET /upload answers when the server is up."""
    async def receive(request: web.Request) -> web.Response:
        with target.open("wb") as sink:
            async for block in request.content.iter_chunked(BLOCK):
                sink.write(block)
        return web.json_response({"ok": True})

    async def ready(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/upload", receive)
    app.router.add_get("/upload", ready)
    return app


def main() -> None:
    port, target = int(sys.argv[1]), Path(sys.argv[2])
    web.run_app(plain_app(target), host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
