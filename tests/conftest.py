"""Fixtures shared by the whole suite."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterator

import pytest
from blockbuster import BlockBuster

from .support import Lifecycle, RunningServer, start_server

# Our programs, not the tests: a blocking call made on an event loop of the server (with its
# media hub when it runs in-process) or of the headless client fails the test that made it
# (aiohttp's own suite does the same with blockbuster). The libraries they call are caught
# through them; a test that calls a library directly is not the server blocking.
OUR_PROGRAMS = ["signaling", "village_client"]
# What the guard is for is what stalls every call and page on the server: reading or writing a
# file's contents, SQLite, a blocking socket, sleeping. File-system metadata (stat, mkdir,
# rename, unlink) and briefly held thread locks cost microseconds and are allowed.
ALLOWED_ON_THE_LOOP = (
    "os.stat", "os.mkdir", "os.access", "os.getcwd", "os.listdir", "os.scandir", "os.readlink", "os.link",
    "os.symlink", "os.remove", "os.unlink", "os.rename", "os.replace", "os.rmdir", "os.path.abspath",
    "os.path.islink", "os.path.ismount", "os.path.sameopenfile", "os.path.samestat", "os.statvfs",
    "threading.Lock.acquire", "threading.Lock.acquire_lock",
)


def or_not_serving(may_block: Callable[..., bool]) -> Callable[..., bool]:
    """May block where blockbuster allows it; on a worker thread (a loop of its own there, as
    pyHanko's sync API runs, never stalls the server's, which runs in the main thread); or while
    a server starts or stops."""
    def check(*args: Any, **kwargs: Any) -> bool:
        off_the_main_thread = threading.current_thread() is not threading.main_thread()
        return off_the_main_thread or Lifecycle.changing > 0 or may_block(*args, **kwargs)
    return check


@pytest.fixture(autouse=True)
def blockbuster() -> Iterator[BlockBuster]:
    """Fail a test when the server or a client blocks the event loop."""
    detector = BlockBuster(scanned_modules=OUR_PROGRAMS)
    for name in ALLOWED_ON_THE_LOOP:
        del detector.functions[name]
    for function in detector.functions.values():
        function.can_block_predicate = or_not_serving(function.can_block_predicate)
    detector.activate()
    try:
        yield detector
    finally:
        detector.deactivate()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A fresh server with the demo jurisdiction, on its own data directory."""
    running = await start_server(tmp_path / "data")
    yield running
    await running.close()


@pytest.fixture
async def calls_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server whose calls ring for 2 s and keep a dropped participant's place for 10 s."""
    running = await start_server(tmp_path / "data", ring_seconds=2.0, rejoin_grace_seconds=10.0)
    yield running
    await running.close()


# The page tests' fixtures (one Chromium per module, a server per test in the same loop).
from .browser import browser, live_server, users  # noqa: E402, F401


def pytest_report_header() -> str:
    """The Chromium the page tests drive: Debian replaces it through security updates."""
    from .browser import CHROMIUM

    try:
        shown = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return f"chromium: not installed at {CHROMIUM}"
    return f"chromium: {shown.strip().splitlines()[-1] if shown.strip() else 'unknown'}"
