"""A stored file that fails its integrity check (文件已损坏): refused with a clear error, and logged.

The archive authenticates every chunk it decrypts, so bytes changed or cut on disk raise
TamperedStoredFile or TruncatedStoredFile wherever they are read: a download, a replay, a
marked copy, a thumbnail or tile, a still. Every such request answers `file_damaged`
(never a half-sent body or a bare "internal error"), and the audit log gets
`stored_file_damaged`, naming the document or recording, the file and the failed chunk,
on the case's timeline — in place of the download or replay that did not happen.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from protocol.words import ErrorCode

from ..appkeys import DATABASE
from ..audit.acts import Act
from ..exceptions import CunnengError
from ..storage.database import first
from .routing import act_of

if TYPE_CHECKING:
    import sqlite_utils

logger = logging.getLogger(__name__)

NAMED_BY = {"document_id": "documents", "recording_id": "recordings"}


class DamagedFile(CunnengError):
    """The stored file failed its integrity check; the audit log names the damage."""

    status = 500
    code = ErrorCode.FILE_DAMAGED

    def __init__(self) -> None:
        super().__init__("文件已损坏，无法读取。请联系管理员从备份恢复。",
                         "The stored file is damaged and cannot be read; ask the administrator to restore it.")


async def report_damage(request: web.Request, error: Exception) -> None:
    """Log the damage (server log and audit event) for the document or recording the URL names."""
    what = {name: int(value) for name, value in request.match_info.items() if name in NAMED_BY and value.isdigit()}
    logger.error("%s %s: stored file damaged: %s", request.method, request.path, error)
    await request.app[DATABASE].run(log_damage, act_of(request), what, str(error))


def log_damage(db: sqlite_utils.Database, act: Act, what: dict[str, Any], problem: str) -> None:
    """The audit event, on the case the damaged document or recording belongs to."""
    case_id = None
    for name, row_id in what.items():
        row = first(db, f"select case_id from {NAMED_BY[name]} where id = ?", [row_id])
        case_id = row["case_id"] if row else case_id
    act.log(db, "stored_file_damaged", case_id, {**what, "problem": problem})
