"""图块: Deep Zoom tiles of stored scans, marked for their viewer, made on demand and kept while looked at.

Every thumbnail and tile carries its viewer's watermark. The mark is tiled over the whole
page, so it is applied to a whole picture before any tile is cut: zoom levels no larger
than the page's preview are cut from the preview made at upload, marked (tens of
milliseconds), so a page opens at once; deeper levels come from the page decoded at full
resolution (decrypted from the archive once, then kept) and marked for the viewer once.
Both marks scale with the picture (letters and hidden chips are a fixed fraction of it), so
the levels cut from either line up. Decoded and marked pages, levels and encoded tiles share
one memory budget, least recently used first out; a marked page is keyed by its mark id.
Work runs on the scan workers, never on the event loop; two requests for the same missing
piece wait for one computation.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, TypeVar

from PIL import Image

from recordings import Archive

from ..marks.pictures import marked, marked_jpeg, marked_pdf
from ..marks.register import ViewerMark
from .case_scans import StoredPage
from .deepzoom import DeepZoom
from .formats import ScanFormat
from .inspection import full_page
from .renditions import THUMBNAIL_QUALITY, jpeg
from .sealed_stream import open_sealed

logger = logging.getLogger(__name__)

T = TypeVar("T")
TILE_QUALITY = 80
A4_LONG_SIDE_INCHES = 11.69  # a scan's PDF pages come out A4 whatever the scanner's resolution


@dataclass(frozen=True)
class PageSource:
    """Which stored page to tile: the content's digest and format, the page index (from 0), its sizes,
    and the viewer's mark."""

    digest: str
    scan_format: ScanFormat
    index: int
    page: StoredPage
    mark: ViewerMark

    @property
    def zoom(self) -> DeepZoom:
        return DeepZoom(self.page.width, self.page.height)


class MemoryBudget:
    """A least-recently-used map whose entries have a cost in bytes; touched on the event loop only."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()

    def get(self, key: Hashable) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: Hashable, value: Any, cost: int) -> None:
        if cost > self.budget or key in self._entries:
            return
        self._entries[key] = (value, cost)
        self.used += cost
        while self.used > self.budget:
            _, (_, dropped) = self._entries.popitem(last=False)
            self.used -= dropped


def image_cost(image: Image.Image) -> int:
    return image.width * image.height * len(image.getbands())


class TileService:
    """Thumbnails and tiles for the viewer."""

    def __init__(self, archive: Archive, workers: Executor, budget_bytes: int) -> None:
        self._archive = archive
        self._workers = workers
        self._memory = MemoryBudget(budget_bytes)
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}

    def remember_full_page(self, digest: str, index: int, image: Image.Image) -> None:
        """Keep a page decoded at upload, so the approver's first zoom needs no second decode."""
        self._memory.put(("full", digest, index), image, image_cost(image))

    async def thumbnail(self, source: PageSource) -> bytes:
        """The page's thumbnail, marked for the viewer."""
        key = ("thumbnail", source.digest, source.index, source.mark.mark_id)
        return await self._cached(
            key, lambda: jpeg(marked(self._decoded(source.page.thumbnail), source.mark), THUMBNAIL_QUALITY), len
        )

    async def tile(self, source: PageSource, level: int, column: int, row: int) -> bytes:
        """One JPEG tile of the viewer's marked page; NotFound outside the pyramid."""
        box = source.zoom.tile_box(level, column, row)
        key = ("tile", source.digest, source.index, source.mark.mark_id, level, column, row)
        if (hit := self._memory.get(key)) is not None:
            return bytes(hit)
        image = await self._level(source, level)
        return await self._cached(key, lambda: jpeg(image.crop(box), TILE_QUALITY), len)

    def marked_copy(self, sources: list[PageSource]) -> tuple[bytes, str]:
        """The scan to take away, marked for its viewer: one page as JPEG, several as a PDF (on a worker).

        Pages are decoded one at a time, so a long 600 dpi scan never sits in memory whole.
        """
        if len(sources) == 1:
            return marked_jpeg(self._full(sources[0]), sources[0].mark), "image/jpeg"
        first_page = sources[0].page
        dpi = max(first_page.width, first_page.height) / A4_LONG_SIDE_INCHES
        return marked_pdf((self._full(source) for source in sources), sources[0].mark, dpi), "application/pdf"

    async def full_page(self, source: PageSource) -> Image.Image:
        """The page decoded at full resolution, unmarked (to be marked before it leaves the server)."""
        return await self._cached(("full", source.digest, source.index), lambda: self._full(source), image_cost)

    async def _level(self, source: PageSource, level: int) -> Image.Image:
        zoom, page, mark_id = source.zoom, source.page, source.mark.mark_id
        width, height = zoom.level_size(level)
        key = ("level", source.digest, source.index, mark_id, level)
        if width <= page.preview_width and height <= page.preview_height:
            preview = await self._cached(("preview", source.digest, source.index),
                                         lambda: self._decoded(page.preview), image_cost)
            shown = await self._cached(("preview", source.digest, source.index, mark_id),
                                       lambda: marked(preview, source.mark), image_cost)
            return await self._cached(key, lambda: shown.resize((width, height), Image.Resampling.LANCZOS),
                                      image_cost)
        full = await self.full_page(source)
        shown = await self._cached(("full", source.digest, source.index, mark_id),
                                   lambda: marked(full, source.mark), image_cost)
        if level == zoom.max_level:
            return shown
        return await self._cached(key, lambda: _reduced(shown, (width, height), 2 ** (zoom.max_level - level)),
                                  image_cost)

    def _decoded(self, digest: str) -> Image.Image:
        with open_sealed([self._archive.reader(digest)]) as stream:
            image = Image.open(stream)
            image.load()
        return image

    def _full(self, source: PageSource) -> Image.Image:
        logger.info("%s page %d: decoding at full resolution", source.digest[:12], source.index + 1)
        with open_sealed([self._archive.reader(source.digest)]) as stream:
            return full_page(stream, source.scan_format, source.index, (source.page.width, source.page.height))

    async def _cached(self, key: Hashable, make: Callable[[], T], cost: Callable[[T], int]) -> T:
        """The value kept under key, computed once on the workers when missing."""
        hit = self._memory.get(key)
        if hit is not None:
            return hit  # type: ignore[no-any-return]
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.get_running_loop().run_in_executor(self._workers, make)
            self._pending[key] = pending
            pending.add_done_callback(lambda done: self._settle(key, done, cost))
        return await asyncio.shield(pending)  # type: ignore[no-any-return]

    def _settle(self, key: Hashable, done: asyncio.Future[Any], cost: Callable[[Any], int]) -> None:
        self._pending.pop(key, None)
        if not done.cancelled() and done.exception() is None:
            self._memory.put(key, done.result(), cost(done.result()))


def _reduced(full: Image.Image, size: tuple[int, int], factor: int) -> Image.Image:
    """A zoom level from the full page: a box reduction, sized exactly as Deep Zoom expects."""
    reduced = full.reduce(factor)
    return reduced if reduced.size == size else reduced.resize(size)
