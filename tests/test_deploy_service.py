"""The service (#22): deploy/cunneng.service and the nightly backup's units pass systemd's own check,
and the unit's command line, with the settings file install-server writes, starts a server that
serves HTTPS on 443, redirects 80, logs one line at start and one at stop, and stops cleanly.
(systemd itself cannot run in the test's container: Restart=always is systemd's to keep.)"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from signaling.cli import build_parser

from .support import trusting_root

ROOT = Path(__file__).parent.parent
DEPLOY = ROOT / "deploy"
COUNTY_ADDRESS = "127.0.0.2"  # the test namespace's own second address stands for the county's
UNITS = ("cunneng.service", "cunneng-backup.service", "cunneng-backup.timer")
PROGRAM = "/opt/cunneng/.venv/bin/cunneng"


def unit_settings(name: str) -> dict[str, list[str]]:
    """Each key of a unit file and its values (a key may repeat)."""
    found: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def this_checkout(text: str) -> str:
    """A unit as it reads when installed from this checkout (its program here, not in /opt)."""
    return text.replace(PROGRAM, str(Path(sys.executable).parent / "cunneng"))


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("needs systemd-analyze (Debian systemd)")
    for name in UNITS:
        (tmp_path / name).write_text(this_checkout((DEPLOY / name).read_text()))
    checked = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / name) for name in UNITS)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0 and checked.stderr.strip() == "", checked.stderr  # not even a warning


def test_the_service_restarts_runs_as_its_own_user_and_is_hardened() -> None:
    service = unit_settings("cunneng.service")
    assert service["Restart"] == ["always"] and service["User"] == ["cunneng"]
    assert service["EnvironmentFile"] == ["/etc/cunneng/cunneng.env"] and service["StateDirectory"] == ["cunneng"]
    for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "RestrictSUIDSGID"):
        assert service[key] == ["yes"], key
    assert service["ProtectSystem"] == ["strict"] and service["CapabilityBoundingSet"] == ["CAP_NET_BIND_SERVICE"]
    backup = unit_settings("cunneng-backup.service")
    assert backup["User"] == ["cunneng"] and " backup " in backup["ExecStart"][0]


def installed_settings(secret: str) -> dict[str, str]:
    """/etc/cunneng/cunneng.env as deploy/install-server writes it (its own sed line), as systemd reads it."""
    script = (DEPLOY / "install-server").read_text()
    assert 'sed -e "s/COUNTY_ADDRESS/$address/g" -e "s/CHANGE-THIS-SECRET/$secret/" /opt/cunneng/deploy/cunneng.env' \
        in script
    filled = ["-e", f"s/COUNTY_ADDRESS/{COUNTY_ADDRESS}/g", "-e", f"s/CHANGE-THIS-SECRET/{secret}/"]
    written = subprocess.run(["sed", *filled, DEPLOY / "cunneng.env"], capture_output=True, text=True, check=True,
                             timeout=30).stdout
    return dict(line.split("=", 1) for line in written.splitlines() if line and not line.startswith("#"))


def test_the_unit_command_line_parses_with_the_real_cli() -> None:
    command = shlex.split(unit_settings("cunneng.service")["ExecStart"][0])
    assert command[0] == PROGRAM
    settings = installed_settings("s3cret")
    assert settings["CUNNENG_TURN_SECRET"] == "s3cret" and "COUNTY_ADDRESS" not in "".join(settings.values())
    args = build_parser().parse_args(command[1:])
    assert args.func.__name__ == "run_serve" and args.no_demo and str(args.data_dir) == "/var/lib/cunneng"


async def test_the_units_command_with_its_settings_serves_https_and_stops_with_one_line_each(tmp_path: Path) -> None:
    command = shlex.split(this_checkout(unit_settings("cunneng.service")["ExecStart"][0]))
    command[command.index("/var/lib/cunneng")] = str(tmp_path / "data")
    environment = {**os.environ, **installed_settings("s3cret")}
    server = await asyncio.create_subprocess_exec(*command, env=environment, stdout=asyncio.subprocess.PIPE,
                                                  stderr=asyncio.subprocess.STDOUT)
    try:
        await until_answering(f"https://{COUNTY_ADDRESS}/healthz", tmp_path / "data")
        async with aiohttp.ClientSession() as plain:
            async with plain.get(f"http://{COUNTY_ADDRESS}/village/", allow_redirects=False) as reply:
                assert reply.status == 308 and reply.headers["Location"] == f"https://{COUNTY_ADDRESS}/village/"
    finally:
        server.send_signal(signal.SIGTERM)  # what systemctl stop sends
        output = (await server.communicate())[0].decode()
    assert server.returncode == 0, output
    started = re.findall(r"cunneng 村能办 \S+ started: .*", output)
    stopped = re.findall(r"cunneng 村能办 stopped: .*", output)
    assert len(started) == 1 and "https://0.0.0.0:443/" in started[0] and "2 media worker(s)" in started[0]
    assert len(stopped) == 1
    assert "演示账号" not in output  # --no-demo


async def until_answering(url: str, data_dir: Path) -> None:
    for _ in range(300):
        if (data_dir / "pki" / "root-ca.pem").exists():
            try:
                async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trusting_root(data_dir))) as s:
                    async with s.get(url) as reply:
                        assert reply.status == 200
                        return
            except aiohttp.ClientConnectionError:
                pass
        await asyncio.sleep(0.1)
    raise AssertionError(f"{url} did not answer")


def test_install_server_is_valid_bash() -> None:
    checked = subprocess.run(["bash", "-n", str(DEPLOY / "install-server")], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert os.access(DEPLOY / "install-server", os.X_OK)
