"""Docs cannot drift: every command has --help, every route is in OpenAPI and the README."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from signaling.app import all_apis
from signaling.cli import build_parser

from .support import RunningServer

README = (Path(__file__).parent.parent / "README.md").read_text()


def command_paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(prefix + (name,))
                found.extend(command_paths(sub, prefix + (name,)))
    return found


COMMANDS = command_paths(build_parser())


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = subprocess.run([sys.executable, "-m", "signaling.cli", *command, "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "usage: cunneng" in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme(command: tuple[str, ...]) -> None:
    assert f"cunneng {' '.join(command)}" in README


ENDPOINTS = [(e.method, e.documented_path) for api in all_apis() for e in api.endpoints]


@pytest.mark.parametrize("method,path", ENDPOINTS)
def test_every_route_is_in_the_readme(method: str, path: str) -> None:
    assert re.search(rf"`{method} {re.escape(path)}`", README), f"{method} {path} missing from README"


async def test_every_route_is_in_openapi(server: RunningServer) -> None:
    document = (await server.anonymous().get("/api/openapi.json")).body
    assert document["openapi"].startswith("3.")
    described = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    registered = {(r.method, r.resource.canonical) for r in server.app.router.routes()
                  if r.resource is not None and r.method != "HEAD"}
    assert described == registered, registered ^ described
