"""The scan service's lifetime on the app: workers, upload store, tiles and intake; expiry in the background."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import AsyncIterator

from aiohttp import web

from recordings import load_or_create_key

from ..access.roles import SYSTEM
from ..appkeys import (
    ARCHIVE,
    AUDIT_LOG,
    CLOCK,
    DATABASE,
    EVENTS,
    SCAN_INTAKE,
    SCAN_WORKERS,
    SETTINGS,
    TILES,
    UPLOAD_STORE,
)
from ..audit.acts import Act
from .intake import ScanIntake
from .tiles import TileService
from .upload_store import UploadStore

logger = logging.getLogger(__name__)


async def scans_ctx(app: web.Application) -> AsyncIterator[None]:
    """Scan intake and tiles on two worker threads; unfinished uploads expire in the background."""
    settings = app[SETTINGS]
    workers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="scan")
    store = UploadStore(settings.uploads_dir, load_or_create_key(settings.keys_dir / "archive.key"))
    tiles = TileService(app[ARCHIVE], workers, settings.tile_cache_mb * 1024 * 1024)
    intake = ScanIntake(app[DATABASE], app[ARCHIVE], store, workers, app[EVENTS], tiles, settings.scan_max_pages)
    app[SCAN_WORKERS], app[UPLOAD_STORE], app[TILES], app[SCAN_INTAKE] = workers, store, tiles, intake
    expiry = asyncio.create_task(expire_uploads_periodically(app))
    yield
    expiry.cancel()
    workers.shutdown(wait=True, cancel_futures=True)
    store.close()


async def interrupt_uploads(app: web.Application) -> None:
    """On shutdown, chunks still arriving are dropped at once rather than holding the server for a minute."""
    if UPLOAD_STORE in app:
        app[UPLOAD_STORE].interrupt()


async def expire_uploads_periodically(app: web.Application, every: float = 600.0) -> None:
    """Drop uploads nobody touched for upload_expiry_hours (at start, then every ten minutes)."""
    max_age = timedelta(hours=app[SETTINGS].upload_expiry_hours)
    while True:
        try:
            await app[SCAN_INTAKE].expire(Act(SYSTEM, app[CLOCK](), app[AUDIT_LOG]), max_age)
        except Exception:
            logger.exception("expiring unfinished uploads failed")
        await asyncio.sleep(every)
