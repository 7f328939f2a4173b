"""Fixtures shared by the whole suite."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import AsyncIterator

import pytest

from .support import RunningServer, start_server


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
