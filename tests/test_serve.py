"""`cunneng serve` from a fresh data directory: demo accounts printed, /healthz answers."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from .support import free_port, wait_healthy


async def test_serve_prints_demo_accounts_and_answers_healthz(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "CUNNENG_PORT": str(port)}  # the port from the environment, the rest as flags
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling.cli", "serve", "--data-dir", str(tmp_path / "data"),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        health = await wait_healthy(f"http://127.0.0.1:{port}/healthz")
        assert health["ok"] is True
    finally:
        process.terminate()
        output = (await process.communicate())[0].decode()
    assert "演示账号 Demo accounts (password 密码: cunneng-demo)" in output
    for username in ("admin", "auditor", "district", "town-yb", "clerk-wj3", "dept-civil"):
        assert username in output
    assert (tmp_path / "data" / "cunneng.db").exists()
    assert (tmp_path / "data" / "keys" / "audit.key").stat().st_mode & 0o777 == 0o600
