"""Serving the pages: the landing page, revalidated static files, and nothing outside their folders."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from yarl import URL

from signaling.api.errors import error_middleware
from signaling.exceptions import InvalidPageSet, NotFound
from signaling.pages import COMMON, PageSet, page_file, pages_api, registered_page_sets

from .support import RunningServer

IMPORT = re.compile(r"""^import .* from "([^"]+)";$""", re.MULTILINE)


async def test_the_landing_page_offers_every_registered_window(server: RunningServer) -> None:
    page = await server.anonymous().get("/")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    for prefix, title in (("/village/", "村窗口"), ("/console/", "审批窗口")):
        assert f'href="{prefix}"' in page.body and title in page.body


async def test_a_window_address_without_its_slash_is_redirected(server: RunningServer) -> None:
    async with server.session.get(server.base + "/console", allow_redirects=False) as reply:
        assert reply.status in (301, 308) and reply.headers["Location"] == "/console/"


async def test_page_files_are_revalidated_so_an_update_is_never_run_stale(server: RunningServer) -> None:
    async with server.session.get(server.base + "/village/app.js") as script:
        assert script.status == 200 and script.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert script.headers["Cache-Control"] == "no-cache" and script.headers["Last-Modified"]
        etag = script.headers["ETag"]
    async with server.session.get(server.base + "/village/app.js", headers={"If-None-Match": etag}) as again:
        assert again.status == 304  # a few hundred bytes instead of the file, on a weak link
    index = await server.anonymous().get("/console/")
    assert "<title>审批窗口" in index.body and "default-src 'self'" in index.headers["Content-Security-Policy"]


async def test_an_edited_file_gets_a_new_etag(tmp_path: Path, aiohttp_client: Any) -> None:
    (tmp_path / "index.html").write_text("<p>one</p>")
    app = web.Application(middlewares=[error_middleware])
    pages_api([PageSet("demo", "/demo/", tmp_path, "演示", "Demo")]).add_to(app)
    client = await aiohttp_client(app)
    first = await client.get("/demo/")
    etag = first.headers["ETag"]
    (tmp_path / "index.html").write_text("<p>two, longer</p>")
    os.utime(tmp_path / "index.html", ns=(1, 1))  # even with an older time stamp
    second = await client.get("/demo/", headers={"If-None-Match": etag})
    assert second.status == 200 and await second.text() == "<p>two, longer</p>"
    assert second.headers["ETag"] != etag


@pytest.mark.parametrize("relative", ["../pages.py", "../../app.py", ".hidden", "nothing-here.js", "dom.js/x",
                                      "dom.js\x00.png"])
def test_only_files_inside_a_page_directory_are_served(relative: str) -> None:
    with pytest.raises(NotFound):
        page_file(COMMON.directory, relative)


@pytest.mark.parametrize("path", ["/common/..%2F..%2Fapp.py", "/common/%00", "/village/dom.js%00"])
async def test_an_encoded_climb_out_of_a_page_directory_is_not_found(server: RunningServer, path: str) -> None:
    """A NUL in the name once answered 500 (#17: the OS refuses such a path)."""
    async with server.session.get(URL(server.base + path, encoded=True)) as reply:
        assert reply.status == 404 and (await reply.json())["error"] == "not_found"


@pytest.mark.parametrize("described,problem", [
    ("/village/", "must be a mapping"),
    ({"prefix": "/x/", "directory": "."}, "lacks title, title_en"),
    ({"prefix": "x", "directory": ".", "title": "x", "title_en": "x"}, "must look like /name/"),
    ({"prefix": "/api/", "directory": ".", "title": "x", "title_en": "x"}, "belongs to the server"),
    ({"prefix": "/x/", "directory": "/nonexistent", "title": "x", "title_en": "x"}, "has no index.html"),
])
def test_a_package_describing_its_pages_wrongly_is_refused(described: Any, problem: str) -> None:
    with pytest.raises(InvalidPageSet, match=problem):
        PageSet.from_entry("broken", described)


async def test_every_module_a_page_imports_is_served(server: RunningServer) -> None:
    client = server.anonymous()
    for page_set in [COMMON, *await asyncio.to_thread(registered_page_sets)]:
        for script in page_set.directory.rglob("*.js"):
            base = page_set.prefix + str(script.parent.relative_to(page_set.directory)) + "/"
            for target in IMPORT.findall(script.read_text("utf-8")):
                path = target if target.startswith("/") else str(URL(base.replace("/./", "/")).join(URL(target)))
                assert (await client.get(path)).status == 200, f"{script}: import {target}"
