"""docs/deployment.md runs (#22): every command it shows is one deploy/install-server runs as written,
or a cunneng command line the real CLI accepts; and step 2 — a jurisdiction and accounts of one's
own on a server started without the demo — is run here, the accounts then signing in."""

from __future__ import annotations

import asyncio
import re
import shlex
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from signaling.cli import build_parser

from .support import serve_process

ROOT = Path(__file__).parent.parent
PAGE = (ROOT / "docs" / "deployment.md").read_text()
INSTALL = (ROOT / "deploy" / "install-server").read_text()
# How the page runs cunneng as the server's user; what follows is the command line.
AS_SERVER_USER = re.compile(r"^(?:sudo -u cunneng |runuser -u cunneng -- )/opt/cunneng/\.venv/bin/cunneng (.*)$")


def commands(text: str, fence: str = "```sh\n") -> list[str]:
    """The commands in a text's shell blocks (all of it when fence is ""), continuation lines joined."""
    blocks = re.findall(rf"{re.escape(fence)}(.*?)```", text, flags=re.DOTALL) if fence else [text]
    joined = "\n".join(blocks).replace("\\\n", " ")
    return [" ".join(line.split()) for line in joined.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


SHOWN = commands(PAGE)
SCRIPTED = commands(INSTALL, fence="")


def run_by_install_server(command: str) -> bool:
    """The script runs it as written (alone on its line, or after a check such as `id cunneng ||`)."""
    return any(line == command or line.endswith(f"|| {command}") for line in SCRIPTED)


@pytest.mark.parametrize("command", SHOWN)
def test_each_command_shown_is_run_by_install_server_or_parses_with_the_cli(command: str) -> None:
    if run_by_install_server(command) or command.startswith("deploy/install-server "):
        return
    as_user = AS_SERVER_USER.match(command)
    assert as_user, f"{command!r} is neither run by deploy/install-server nor a cunneng command"
    build_parser().parse_args(shlex.split(as_user.group(1)))  # exits (fails the test) when it does not parse


def test_the_page_shows_what_install_server_does() -> None:
    assert len([command for command in SHOWN if run_by_install_server(command)]) >= 15


async def test_step_2_makes_a_jurisdiction_whose_accounts_sign_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await (await serve_process(data, "--no-demo")).stop()  # the service's first start: no demo
    step_2 = [AS_SERVER_USER.match(command) for command in SHOWN if " unit add " in command or " user add " in command]
    assert len(step_2) == 6
    for shown in step_2:
        assert shown is not None
        line = shlex.split(shown.group(1).replace("/var/lib/cunneng", str(data)))
        if line[0] == "user":
            line += ["--password", "a-county-password"]  # the page's `user add` asks for it
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "signaling.cli", *line],
                                       capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stdout.startswith("ok: "), done.stdout + done.stderr
    served = await serve_process(data, "--no-demo")
    try:
        async with aiohttp.ClientSession() as session:
            for username in ("admin", "town-yb", "clerk-yb1"):
                async with session.post(served.base + "/api/login",
                                        json={"username": username, "password": "a-county-password"}) as reply:
                    assert reply.status == 200, username
    finally:
        await served.stop()
