"""A village PC on the county network: Chromium inside the village's own namespace
(tests/village_link.py), trusting the county's root the way a clerk installs it once.

Chromium on Linux trusts the roots in the NSS database of its user's home
($HOME/.pki/nssdb, what its certificate manager's 导入 writes); the test gives the browser a
home of its own with the root imported by `certutil` ("C,,": trusted to identify websites).
The browser is started through `nsenter` into the village's namespace, so everything it sends
crosses the veth pair to the server's side.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, async_playwright

from .browser import CHROMIUM, LAUNCH_ARGS, WAIT_MS
from .village_link import VillageLink

WEBSITE_TRUST = "C,,"


def nss_database(root_pem: bytes, directory: Path, trust: str) -> str:
    """A throwaway NSS database trusting the root for `trust` (certutil's trust flags)."""
    directory.mkdir(parents=True)
    (directory / "root-ca.pem").write_bytes(root_pem)
    database = f"sql:{directory}"
    for command in (["-N", "--empty-password"],
                    ["-A", "-n", "root", "-t", trust, "-i", str(directory / "root-ca.pem")]):
        subprocess.run(["certutil", *command, "-d", database], check=True, capture_output=True,
                       timeout=60)
    return database


def chromium_in_village(link: VillageLink, folder: Path) -> Path:
    """A launcher that runs Debian's Chromium inside the village's namespace."""
    launcher = folder / "chromium-in-village"
    command = " ".join(link.enter(CHROMIUM))
    launcher.write_text(f'#!/bin/sh\nexec {command} "$@"\n')
    launcher.chmod(0o755)
    return launcher


@asynccontextmanager
async def village_chromium(link: VillageLink, root_pem: bytes | None, folder: Path) -> AsyncIterator[Browser]:
    """Chromium on the village PC; with root_pem, the county's root installed in it."""
    home = folder / "home"
    home.mkdir(parents=True)
    if root_pem is not None:
        await asyncio.to_thread(nss_database, root_pem, home / ".pki" / "nssdb", WEBSITE_TRUST)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium_in_village(link, folder)), args=LAUNCH_ARGS, headless=True,
            timeout=WAIT_MS * 3, env={**os.environ, "HOME": str(home)},
        )
        try:
            yield browser
        finally:
            await browser.close()
