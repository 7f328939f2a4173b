"""The web pages: each package contributes a directory of static files, served under a prefix.

Packages describe their pages through the ``cunneng.pages`` entry-point group (see
pyproject.toml), e.g. ``village = "village_client:WEB"`` with
``WEB = {"prefix": "/village/", "directory": ".../village_client/web", "title": "村窗口",
"title_en": "Village window", "order": 10}``, so signaling serves them without importing the
packages above it. Shared assets (CSS, the API client, i18n, the login form) live in
``signaling/web/common`` at ``/common/``; ``/`` is a landing page choosing between them.

Every file is sent with ``Cache-Control: no-cache`` plus ETag and Last-Modified: the browser
keeps its copy but asks each time, and a 304 costs a few hundred bytes on a weak link, so an
updated module is never run stale next to new ones (there is no build step to version URLs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from html import escape
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Mapping

from aiohttp import web

from .api.routing import Api, Handler
from .exceptions import InvalidPageSet, NotFound

logger = logging.getLogger(__name__)

PAGES_GROUP = "cunneng.pages"
WEB_DIR = Path(__file__).parent / "web"
RESERVED_PREFIXES = ("/api/", "/common/", "/guide/")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",  # vendored ES modules (PDF.js)
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
FAVICON = WEB_DIR / "common" / "favicon.ico"  # browsers ask for /favicon.ico on every page


@dataclass(frozen=True)
class PageSet:
    """One package's pages: a URL prefix served from a directory (/village/ → village_client/web/)."""

    name: str
    prefix: str
    directory: Path
    title: str
    title_en: str
    order: int = 100

    @classmethod
    def from_entry(cls, name: str, described: Any) -> PageSet:
        """The page set an entry point describes, or InvalidPageSet saying what is wrong."""
        if not isinstance(described, Mapping):
            raise InvalidPageSet(f"{PAGES_GROUP} entry {name!r} must be a mapping, not {type(described).__name__}")
        missing = [key for key in ("prefix", "directory", "title", "title_en") if key not in described]
        if missing:
            raise InvalidPageSet(f"{PAGES_GROUP} entry {name!r} lacks {', '.join(missing)}")
        page_set = cls(name, str(described["prefix"]), Path(described["directory"]), str(described["title"]),
                       str(described["title_en"]), int(described.get("order", 100)))
        page_set.check()
        return page_set

    def check(self) -> None:
        """A prefix like /name/ clear of the server's own, and a directory with an index.html."""
        if not (self.prefix.startswith("/") and self.prefix.endswith("/") and len(self.prefix) > 2):
            raise InvalidPageSet(f"page set {self.name!r}: prefix {self.prefix!r} must look like /name/")
        if self.prefix in RESERVED_PREFIXES:
            raise InvalidPageSet(f"page set {self.name!r}: prefix {self.prefix} belongs to the server")
        if not (self.directory / "index.html").is_file():
            raise InvalidPageSet(f"page set {self.name!r}: {self.directory} has no index.html")


COMMON = PageSet("common", "/common/", WEB_DIR / "common", "公共文件", "Shared assets")


def registered_page_sets() -> list[PageSet]:
    """The page sets the installed packages contribute, in landing-page order."""
    found = [PageSet.from_entry(entry.name, entry.load()) for entry in entry_points(group=PAGES_GROUP)]
    prefixes = [page_set.prefix for page_set in found]
    repeated = sorted({prefix for prefix in prefixes if prefixes.count(prefix) > 1})
    if repeated:
        raise InvalidPageSet(f"two page sets share the prefix {', '.join(repeated)}")
    for page_set in found:
        logger.debug("pages %s: %s from %s", page_set.name, page_set.prefix, page_set.directory)
    return sorted(found, key=lambda page_set: (page_set.order, page_set.name))


def page_file(directory: Path, relative: str) -> Path:
    """The file under directory that a request names ('' is index.html), or NotFound.

    Hidden files, names with a NUL (no file has one; the OS refuses it) and anything outside the
    directory (.., symlinks out) are not served.
    """
    parts = [part for part in relative.split("/") if part]
    if any(part.startswith(".") or "\x00" in part for part in parts):
        raise _not_found(relative)
    root = directory.resolve()
    path = root.joinpath(*parts).resolve()
    if path.is_dir():
        path = path / "index.html"
    if not path.is_relative_to(root) or not path.is_file():
        raise _not_found(relative)
    return path


def _not_found(relative: str) -> NotFound:
    shown = relative.replace("\x00", "")[:200]
    return NotFound(f"找不到页面文件「{shown}」。", f"No page file {shown}.")


def file_response(path: Path) -> web.FileResponse:
    """The file with revalidation headers (ETag and Last-Modified come from FileResponse).

    Its security headers (the page policy, nosniff) are added to every response in one place (api/headers.py).
    """
    headers = {"Cache-Control": "no-cache"}
    if path.suffix in CONTENT_TYPES:
        headers["Content-Type"] = CONTENT_TYPES[path.suffix]
    return web.FileResponse(path, headers=headers)


def directory_handler(page_set: PageSet) -> Handler:
    """The handler serving one page set's files."""
    async def serve(request: web.Request) -> web.StreamResponse:
        return file_response(page_file(page_set.directory, request.match_info["path"]))
    return serve


# The village PC's readiness for calls, filled in by landing-check.js: a trusted secure connection, a camera.
TRUST_CHECK = (
    '<section class="trust-check" aria-labelledby="trust-check-title"><h2 id="trust-check-title">这台电脑能视频通话吗'
    '<small class="en" lang="en">Is this PC ready for calls?</small></h2>'
    '<ul aria-live="polite"><li>正在检查…… <small class="en" lang="en">Checking…</small></li></ul>'
    '<p><a href="/install-root">在村里的电脑上安装根证书（一台电脑装一次）'
    '<small class="en" lang="en">Install the county\'s root certificate</small></a></p></section>'
)


def landing_html(page_sets: list[PageSet]) -> str:
    """The start page: one big button per page set."""
    choices = "".join(
        f'<a class="choice" href="{escape(p.prefix)}"><span lang="zh-CN">{escape(p.title)}</span>'
        f'<small class="en" lang="en">{escape(p.title_en)}</small></a>'
        for p in page_sets
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>村能办 cunneng</title><link rel="stylesheet" href="/common/base.css">'
        '<script type="module" src="/common/landing-check.js"></script></head>'
        '<body><main class="landing"><h1>村能办<small class="en" lang="en">cunneng</small></h1>'
        f'<p>请选择 <small class="en" lang="en">Please choose</small></p><nav class="choices">{choices}</nav>'
        f"{TRUST_CHECK}</main></body></html>"
    )


def pages_api(page_sets: list[PageSet]) -> Api:
    """The page routes, declared like the API's so docs/api.md and OpenAPI list them too."""
    api = Api()
    landing = landing_html(page_sets)

    async def start_page(request: web.Request) -> web.StreamResponse:
        return web.Response(text=landing, content_type="text/html", headers={"Cache-Control": "no-cache"})

    async def favicon(request: web.Request) -> web.StreamResponse:
        return file_response(FAVICON)

    api.route("GET", "/", "首页 Landing page: choose a window", tag="pages", public=True,
              produces="text/html")(start_page)
    api.route("GET", "/favicon.ico", "网站图标 The pages' icon (村)", tag="pages", public=True,
              produces="image/x-icon")(favicon)
    for page_set in [COMMON, *page_sets]:
        api.route("GET", f"{page_set.prefix}{{path:.*}}", f"{page_set.title} {page_set.title_en}: static files",
                  tag="pages", public=True, produces="*/*")(directory_handler(page_set))
    return api
