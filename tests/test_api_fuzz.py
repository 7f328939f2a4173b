"""Keep it found (#17): Schemathesis fuzzes every route of the OpenAPI description against a real
server, signed in as each role in turn, and no answer may be a 5xx or differ from the description.

`make test` runs a bounded pass (`CUNNENG_FUZZ_EXAMPLES`, default 5 examples per operation and
phase, a fixed seed: together well over 2,000 requests in a few minutes); `make fuzz` runs a
longer one with a fresh seed. Schemathesis runs as its own process (its `st run`), so its
blocking HTTP client never runs on the server's event loop, which the blocking guard watches,
with one worker: Python 3.11's `ast.parse` is not thread-safe (CPython gh-106905), and
Hypothesis parses lambdas with it while describing strategies.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from signaling.api.meta import OPENAPI

from .support import RunningServer, open_demo_case, start_server

EXAMPLES = int(os.environ.get("CUNNENG_FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("CUNNENG_FUZZ_SEED", "17")
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Ending its own session or resetting a password would sign the fuzzing role out half-way:
# those two run last, in a session of their own (test_signing_out_and_password_resets).
SESSION_ENDING = ["/api/logout", "/api/accounts/{account_id}/password"]
ROLES = ["anonymous", "clerk-yb1", "town-yb", "dept-hrss", "auditor", "admin"]
MIN_REQUESTS = 400  # per role: six roles make over 2,000 requests however the examples fall
ST = Path(sys.executable).with_name("st")


async def fuzz(server: RunningServer, token: str, workdir: Path, *filters: str) -> dict[str, Any]:
    """One `st run` over the served description; its JSON report, after failing on any finding."""
    report = workdir / "schemathesis.json"
    header = ["--header", f"Authorization: Bearer {token}"] if token else []
    process = await asyncio.create_subprocess_exec(
        str(ST), "run", f"{server.base}/api/openapi.json", *header, "--checks", CHECKS,
        "--max-examples", str(EXAMPLES), "--seed", SEED, "--workers", "1", "--no-shrink",
        "--request-timeout", "30", "--report", "json", "--report-json-path", str(report), *filters,
        cwd=workdir, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
    )
    output = (await process.communicate())[0].decode(errors="replace")
    summary = json.loads(report.read_text())
    assert process.returncode == 0 and not summary["failures"] and not summary["errors"], output[-20000:]
    return dict(summary)


async def seeded(server: RunningServer) -> None:
    """A case exists (number 1), so ids the fuzzer tries reach real rows, not only 404."""
    await open_demo_case(await server.login("clerk-yb1"))


async def token_of(server: RunningServer, role: str) -> str:
    return "" if role == "anonymous" else (await server.login(role)).token


@pytest.mark.timeout(max(180, EXAMPLES * 60))
@pytest.mark.parametrize("role", ROLES)
async def test_no_route_answers_a_server_error_or_off_its_description(tmp_path: Path, role: str) -> None:
    server = await start_server(tmp_path / "data")
    try:
        await seeded(server)
        excluded = [option for path in SESSION_ENDING for option in ("--exclude-path", path)]
        summary = await fuzz(server, await token_of(server, role), tmp_path, *excluded)
    finally:
        await server.close()
    routes = sum(len(methods) for methods in server.app[OPENAPI]["paths"].values())
    # Every route but the description's own address, which st leaves out, and the two run last.
    assert summary["operations"]["total"] == routes - 1
    assert summary["operations"]["tested"] == routes - 1 - len(SESSION_ENDING)
    assert summary["test_cases"]["generated"] >= MIN_REQUESTS


@pytest.mark.timeout(max(180, EXAMPLES * 30))
async def test_signing_out_and_password_resets(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data")
    try:
        await seeded(server)
        included = [option for path in SESSION_ENDING for option in ("--include-path", path)]
        summary = await fuzz(server, await token_of(server, "admin"), tmp_path, *included)
    finally:
        await server.close()
    assert summary["operations"]["tested"] == len(SESSION_ENDING)

