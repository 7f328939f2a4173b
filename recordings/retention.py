"""保存期限 (retention): which recordings and documents are past their time, and which stored files may go.

The rules alone, without the database: the server gathers what is stored and who else
refers to it; this module says what is due. A recording's time starts when its call
ended, a document's when it was stored. A case on legal hold (保全) keeps everything. The
archive is content-addressed, so several rows may name one stored file: the file goes
only when no row that stays names it any more.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from recordings.exceptions import InvalidRetention

RECORDING = "recording"
DOCUMENT = "document"


@dataclass(frozen=True)
class RetentionPolicy:
    """How many days recordings and documents are kept (both at least one day)."""

    recording_days: int = 30
    document_days: int = 90

    def __post_init__(self) -> None:
        for name in ("recording_days", "document_days"):
            days = getattr(self, name)
            if not isinstance(days, int) or days < 1:
                raise InvalidRetention(f"{name} must be a whole number of days, at least 1 (got {days!r})")

    def days_for(self, kind: str) -> int:
        """The retention period of a recording or a document."""
        return self.recording_days if kind == RECORDING else self.document_days

    def cutoff(self, kind: str, now: datetime) -> datetime:
        """Anything of this kind whose time started before this instant is due."""
        return now - timedelta(days=self.days_for(kind))


@dataclass(frozen=True)
class Stored:
    """A row that names a stored file: a party's recording or a case document."""

    kind: str  # RECORDING or DOCUMENT
    row_id: int
    case_id: int
    digest: str
    since: datetime  # when its retention started: the call's end, or the upload
    held: bool  # its case is on legal hold


def recording_since(call_ended_at: str | None, started_at: float, duration: float) -> datetime:
    """When a recording's time starts: its call's end, or its own end for a call a crash left open."""
    if call_ended_at:
        return datetime.fromisoformat(call_ended_at)
    return datetime.fromtimestamp(started_at + duration, timezone.utc)


def due_for_deletion(stored: Iterable[Stored], policy: RetentionPolicy, now: datetime
                     ) -> tuple[list[Stored], list[Stored]]:
    """(what is due and goes, what is due but kept by a legal hold), oldest first."""
    expired = sorted((s for s in stored if s.since < policy.cutoff(s.kind, now)), key=lambda s: s.since)
    return [s for s in expired if not s.held], [s for s in expired if s.held]


def releasable_files(going: Iterable[Stored], still_named: Collection[str]) -> list[str]:
    """The stored files no remaining row names: the ones retention deletes, in a stable order."""
    return sorted({s.digest for s in going} - set(still_named))
