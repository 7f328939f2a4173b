"""`cunneng serve` from a fresh data directory: demo accounts printed, /healthz answers."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
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


async def test_a_second_start_prints_the_demo_accounts_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await (await serve_process(data)).stop()
    again = await serve_process(data)
    output = await again.stop()
    assert "演示账号 Demo accounts (initial password 初始密码: cunneng-demo)" in output and "clerk-yb1" in output


def test_a_busy_port_is_named_in_one_line_with_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "signaling.cli", "serve", "--data-dir", str(tmp_path / "data"),
                               "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert f"端口 {port} 已被其他程序占用" in done.stderr and f"CUNNENG_PORT={port + 1} make serve" in done.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was created


@pytest.mark.parametrize("given", ["0", "70000", "http", "²"])
def test_a_port_that_is_no_port_is_refused(given: str) -> None:
    done = subprocess.run([sys.executable, "-m", "signaling.cli", "serve", "--port", given],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and f"{given!r} is not a port number" in done.stderr


def test_serve_help_shows_the_defaults() -> None:
    shown = subprocess.run([sys.executable, "-m", "signaling.cli", "serve", "--help"],
                           capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"}).stdout
    assert "default 127.0.0.1" in shown and "default 8080" in shown


async def test_units_lists_the_ids_that_user_add_takes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await (await serve_process(data)).stop()
    listed = subprocess.run([sys.executable, "-m", "signaling.cli", "units", "--data-dir", str(data)],
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0
    first_columns = [line.split()[0] for line in listed.stdout.splitlines()]
    assert first_columns[:3] == ["zh", "zh-wj", "zh-yb"] and "zh-yb-01" in first_columns and "zh-civil" in first_columns
    nowhere = subprocess.run([sys.executable, "-m", "signaling.cli", "units", "--data-dir", str(tmp_path / "none")],
                             capture_output=True, text=True, timeout=60)
    assert nowhere.returncode == 2 and "没有数据库" in nowhere.stderr


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


async def test_the_data_directory_is_private_to_the_server_user(tmp_path: Path) -> None:
    """Villagers' ID numbers, phones and chat were readable by any local user (0755/0644) (#17)."""
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)  # as an older version left it
    served = await serve_process(data)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(served.base + "/api/login",
                                    json={"username": "clerk-yb1", "password": "cunneng-demo"}) as reply:
                assert reply.status == 200  # a write, so the database has its -wal and -shm
        paths = [data, *data.rglob("*")]
        assert {p.name for p in paths} >= {"cunneng.db", "cunneng.db-wal", "cunneng.db-shm", "audit-head.json",
                                           "archive.key", "root-ca.pem", "uploads"}
        loose = {str(p.relative_to(tmp_path)): oct(p.stat().st_mode & 0o777) for p in paths
                 if p.stat().st_mode & 0o777 != (0o700 if p.is_dir() else 0o600)}
        assert loose == {}
    finally:
        await served.stop()
