"""`cunneng serve` from a fresh data directory: demo accounts printed, /healthz answers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from signaling.cli import build_parser
from signaling.commands import settings_from

from .support import free_port, serve_process, wait_healthy


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


async def test_make_serve_prints_demo_accounts_and_answers_healthz(tmp_path: Path) -> None:
    """The README's first command, as a new user runs it (the suite's own install is reused)."""
    port = free_port()
    env = {**os.environ, "CUNNENG_PORT": str(port), "CUNNENG_DATA_DIR": str(tmp_path / "data")}
    process = await asyncio.create_subprocess_exec(
        "make", "--no-print-directory", "serve", cwd=Path(__file__).parent.parent, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, start_new_session=True,
    )
    try:
        assert (await wait_healthy(f"http://127.0.0.1:{port}/healthz", timeout=120))["ok"] is True
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = (await process.communicate())[0].decode()
    assert "演示账号 Demo accounts" in output and "clerk-yb1" in output


async def test_user_add_makes_an_account_that_logs_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    served = await serve_process(data)
    await served.stop()
    add = [sys.executable, "-m", "signaling.cli", "user", "add", "--data-dir", str(data)]
    ok = subprocess.run([*add, "clerk-new", "--name", "泉坝村窗口 黄丽", "--role", "village_clerk",
                         "--unit", "zh-yb-01", "--password", "a-long-password"], capture_output=True, text=True)
    assert ok.returncode == 0 and "clerk-new" in ok.stdout
    wrong_unit = subprocess.run([*add, "clerk-x", "--name", "x", "--role", "village_clerk", "--unit", "zh-yb",
                                 "--password", "a-long-password"], capture_output=True, text=True)
    assert wrong_unit.returncode == 1 and "错误" in wrong_unit.stderr
    again = await serve_process(data)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(again.base + "/api/login",
                                    json={"username": "clerk-new", "password": "a-long-password"}) as reply:
                assert reply.status == 200
    finally:
        await again.stop()


@pytest.mark.parametrize("given, seconds", [(None, 600.0), ("0", 0.0), ("90", 90.0), ("2.5", 2.5)])
def test_media_idle_stop_reaches_the_settings(given: str | None, seconds: float) -> None:
    flags = [] if given is None else ["--media-idle-stop", given]
    args = build_parser().parse_args(["serve", *flags])
    assert settings_from(args).media_idle_stop_seconds == seconds


@pytest.mark.parametrize("given", ["soon", "-5", "0.5", "inf", "nan"])
def test_a_media_idle_stop_that_is_no_number_of_seconds_is_refused(given: str) -> None:
    done = subprocess.run([sys.executable, "-m", "signaling.cli", "serve", "--media-idle-stop", given],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"{given!r} is not a number of seconds" in done.stderr
