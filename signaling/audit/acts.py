"""An act: who does something, when, and where it is logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..access.roles import Account
from .chain import AuditLog

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class Act:
    """Passed to every state-changing operation, so each one logs itself the same way."""

    actor: Account
    at: datetime
    audit: AuditLog

    @property
    def when(self) -> str:
        """The time as stored in rows."""
        return self.at.isoformat()

    def log(
        self, db: sqlite_utils.Database, action: str,
        case_id: int | None = None, detail: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Append this act to the audit chain, inside the current transaction; the event."""
        return self.audit.append(db, self.actor, action, self.at, case_id, detail)
