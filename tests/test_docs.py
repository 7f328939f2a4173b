"""Docs cannot drift: every command has --help and is in the README, every route is in OpenAPI and
docs/api.md, every page of docs/ is linked from the README, and the README stays short."""

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

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
API_DOC = (ROOT / "docs" / "api.md").read_text()
README_LIMIT = 12 * 1024  # what a newcomer reads first; the manual is in docs/


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
def test_every_route_is_in_the_api_doc(method: str, path: str) -> None:
    assert re.search(rf"`{method} {re.escape(path)}`", API_DOC), f"{method} {path} missing from docs/api.md"


def test_the_readme_is_short_and_links_every_doc() -> None:
    assert len(README.encode()) <= README_LIMIT
    assert README.startswith("# cunneng")
    assert "make serve" in README.split("\n```", 2)[1] and "make test" in README.split("\n```", 2)[1]
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"](docs/{doc.name})" in README, f"docs/{doc.name} is not linked from the README"


@pytest.mark.parametrize("doc", sorted((ROOT / "docs").glob("*.md")), ids=lambda path: path.name)
def test_every_link_between_docs_leads_somewhere(doc: Path) -> None:
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text()):
        assert (doc.parent / target).exists(), f"{doc.name} links to {target}, which does not exist"


async def test_every_route_is_in_openapi(server: RunningServer) -> None:
    document = (await server.anonymous().get("/api/openapi.json")).body
    assert document["openapi"].startswith("3.")
    described = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    registered = {(r.method, r.resource.canonical) for r in server.app.router.routes()
                  if r.resource is not None and r.method != "HEAD"}
    assert described == registered, registered ^ described
