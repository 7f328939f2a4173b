"""Helpers for retention tests: a purge through the running server, stored files on disk, filed scans."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from signaling.access.roles import SYSTEM
from signaling.appkeys import ARCHIVE, AUDIT_LOG, DATABASE, SETTINGS
from signaling.audit.acts import Act
from signaling.cli import main
from signaling.retention.purge import PurgeReport, policy_of, purge_expired
from signaling.storage.database import insert, rows

from .support import RunningServer


async def purge(server: RunningServer, dry_run: bool = False) -> PurgeReport:
    """One purge by the server's own job, at the server's (test) clock."""
    app = server.app
    act = Act(SYSTEM, server.clock(), app[AUDIT_LOG])
    return await app[DATABASE].run(purge_expired, act, app[ARCHIVE], policy_of(app[SETTINGS]), dry_run)


def on_disk(server: RunningServer, digest: str) -> bool:
    """Whether the archive still holds the encrypted file of this content."""
    return (server.data_dir / "archive" / "objects" / digest[:2] / digest).is_file()


async def query(server: RunningServer, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return await server.app[DATABASE].run(rows, sql, params or [])


async def file_scan(server: RunningServer, case_id: int, content: bytes, at: datetime) -> dict[str, Any]:
    """A scan filed on the case at `at`: content sealed into the archive, a documents row naming it."""
    stored = await asyncio.get_running_loop().run_in_executor(None, server.app[ARCHIVE].put, [content])
    row: dict[str, Any] = {
        "case_id": case_id, "kind": "scan", "material": "身份证", "filename": "scan.png",
        "content_type": "image/png", "digest": stored.digest, "size": stored.size, "pages": 1,
        "created_by": 1, "created_at": at.isoformat(),
    }
    row["id"] = await server.app[DATABASE].run(insert, "documents", row)
    return row


async def cunneng(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """A `cunneng` command through the real parser, off the event loop: exit code and what it printed."""
    capsys.readouterr()
    code = await asyncio.to_thread(main, list(args))
    return code, capsys.readouterr().out
