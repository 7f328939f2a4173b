"""保存期限: the purge — recordings 30 days after their call, documents 90 days after upload, held cases kept.

One function does the job for the server's hourly task and for `cunneng retention purge`:
it reads what is stored, lets `recordings.due_for_deletion` decide, then in one
transaction forgets each due row, logs it (who: the system; what; its SHA-256) and deletes
the stored files no remaining row names. A recording's row is deleted; a document's row
stays as a tombstone (`deleted_at`), since it is the register that a printed certificate's
QR code (核验) is checked against, while its content is what retention removes. Whatever
was derived from a file goes with it: a scan's page thumbnails and previews (they decrypt
to the page), a snapshot's clean still. Files are deleted before the transaction commits:
should the commit fail, the rows are still due and the next purge finishes the job
(deleting a missing file is harmless).
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from recordings import (
    DOCUMENT,
    RECORDING,
    Archive,
    RetentionPolicy,
    Stored,
    due_for_deletion,
    recording_since,
    releasable_files,
)

from ..access.roles import SYSTEM
from ..audit.acts import Act
from ..audit.chain import AuditLog
from ..config import Clock, Settings
from ..storage.database import Database, rows

if TYPE_CHECKING:
    import sqlite_utils

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Expired:
    """A due row with what its log line and audit event say about it."""

    stored: Stored
    case_number: str
    size: int
    detail: dict[str, Any]  # what the audit event records besides the SHA-256 and the period


@dataclass
class PurgeReport:
    """What one purge deleted (or, in a dry run, would delete) and what a legal hold kept."""

    dry_run: bool
    deleted: list[Expired] = field(default_factory=list)
    held: list[Expired] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # digests of the stored files removed

    def lines(self) -> list[str]:
        """One line per deletion and per held item, then the summary."""
        verb = "would delete" if self.dry_run else "deleted"
        out = [f"{verb} {_describe(e)} file {'removed' if e.stored.digest in self.files else 'kept (shared)'}"
               for e in self.deleted]
        out += [f"held {_describe(e)} (legal hold)" for e in self.held]
        return [*out, self.summary()]

    def summary(self) -> str:
        kinds = [e.stored.kind for e in self.deleted]
        sizes = {e.stored.digest: e.size for e in self.deleted if e.stored.digest in self.files}
        return (f"{'dry run: would purge' if self.dry_run else 'purged'} {kinds.count(RECORDING)} recordings,"
                f" {kinds.count(DOCUMENT)} documents, {len(self.files)} stored files"
                f" ({sum(sizes.values())} bytes); {len(self.held)} kept by a legal hold")


def _describe(expired: Expired) -> str:
    stored = expired.stored
    return (f"{stored.kind} {stored.row_id} of case {expired.case_number}"
            f" since {stored.since.isoformat(timespec='seconds')} sha256 {stored.digest}")


def policy_of(settings: Settings) -> RetentionPolicy:
    """The retention periods the server was started with."""
    return RetentionPolicy(settings.recording_retention_days, settings.document_retention_days)


def purge_expired(
    db: sqlite_utils.Database, act: Act, archive: Archive, policy: RetentionPolicy, dry_run: bool = False
) -> PurgeReport:
    """Delete what is past its retention period (held cases excepted); a dry run changes nothing."""
    candidates = {(e.stored.kind, e.stored.row_id): e for e in _expired_candidates(db, policy, act.at)}
    going, held = due_for_deletion([e.stored for e in candidates.values()], policy, act.at)
    released = releasable_files(going, _still_named(db, going))
    files = released + _clean_stills(db, going) + _page_renditions(db, released)
    report = PurgeReport(dry_run, [candidates[s.kind, s.row_id] for s in going],
                         [candidates[s.kind, s.row_id] for s in held], files)
    if not dry_run:
        for expired in report.deleted:
            _forget(db, act, expired, policy, removed=expired.stored.digest in files)
        db.execute("delete from scan_pages where digest in (select value from json_each(?))", [json.dumps(released)])
        for digest in files:
            archive.delete(digest)
    return report


def _expired_candidates(db: sqlite_utils.Database, policy: RetentionPolicy, now: datetime) -> list[Expired]:
    """Rows that may be due (a cheap filter in SQL; due_for_deletion decides)."""
    recordings = rows(
        db, "select recordings.*, calls.ended_at, cases.number, cases.held_at from recordings"
        " join calls on calls.id = recordings.call_id join cases on cases.id = recordings.case_id"
        " where recordings.deleted_at is null and (calls.ended_at is null or calls.ended_at < ?)",
        [policy.cutoff(RECORDING, now).isoformat()],
    )
    documents = rows(
        db, "select documents.*, cases.number, cases.held_at from documents join cases on cases.id = documents.case_id"
        " where documents.deleted_at is null and documents.created_at < ?",
        [policy.cutoff(DOCUMENT, now).isoformat()],
    )
    return [_recording(row) for row in recordings] + [_document(row) for row in documents]


def _recording(row: dict[str, Any]) -> Expired:
    since = recording_since(row["ended_at"], row["started_at"], row["duration"])
    stored = Stored(RECORDING, row["id"], row["case_id"], row["digest"], since, bool(row["held_at"]))
    return Expired(stored, row["number"], row["size"],
                   {"recording_id": row["id"], "call_id": row["call_id"], "party": row["label"]})


def _document(row: dict[str, Any]) -> Expired:
    since = datetime.fromisoformat(row["created_at"])
    stored = Stored(DOCUMENT, row["id"], row["case_id"], row["digest"], since, bool(row["held_at"]))
    return Expired(stored, row["number"], row["size"], {"document_id": row["id"], "kind": row["kind"]})


def _still_named(db: sqlite_utils.Database, going: list[Stored]) -> set[str]:
    """Digests among those going that a live row which stays still names (shared content, unit seals)."""
    digests = json.dumps(sorted({s.digest for s in going}))
    leaving = {kind: json.dumps([s.row_id for s in going if s.kind == kind]) for kind in (RECORDING, DOCUMENT)}
    found = rows(
        db, "select digest from recordings where deleted_at is null and digest in (select value from json_each(?))"
        " and id not in (select value from json_each(?))"
        " union select digest from documents where deleted_at is null and digest in (select value from json_each(?))"
        " and id not in (select value from json_each(?))"
        " union select seal_digest from units where seal_digest in (select value from json_each(?))",
        [digests, leaving[RECORDING], digests, leaving[DOCUMENT], digests],
    )
    return {row["digest"] for row in found}


def _clean_stills(db: sqlite_utils.Database, going: list[Stored]) -> list[str]:
    """The clean stills kept beside the snapshots going (each snapshot has its own): they go too."""
    leaving = json.dumps([s.row_id for s in going if s.kind == DOCUMENT])
    found = rows(db, "select source_digest from documents where source_digest is not null"
                     " and id in (select value from json_each(?)) order by source_digest", [leaving])
    return [row["source_digest"] for row in found]


def _page_renditions(db: sqlite_utils.Database, released: list[str]) -> list[str]:
    """The thumbnails and previews of the scans whose file goes, unless another scan's page has the same."""
    going = json.dumps(released)
    found = rows(
        db, "select value as digest from scan_pages, json_each(json_array(thumbnail, preview))"
        " where scan_pages.digest in (select value from json_each(?))"
        " except select value from scan_pages, json_each(json_array(thumbnail, preview))"
        " where scan_pages.digest not in (select value from json_each(?)) order by 1", [going, going])
    return [row["digest"] for row in found]


def _forget(db: sqlite_utils.Database, act: Act, expired: Expired, policy: RetentionPolicy, removed: bool) -> None:
    """Delete (recording) or tombstone (document) one row, and log it in the audit chain."""
    stored = expired.stored
    if stored.kind == RECORDING:
        db.execute("delete from recordings where id = ?", [stored.row_id])
    else:
        db.execute("update documents set deleted_at = ? where id = ?", [act.when, stored.row_id])
    act.log(db, f"{stored.kind}_purged", stored.case_id, {
        **expired.detail, "sha256": stored.digest, "since": stored.since.isoformat(),
        "retention_days": policy.days_for(stored.kind), "file_removed": removed,
    })
    logger.info("case %s: %s %d purged after %d days (sha256 %s, file %s)", expired.case_number, stored.kind,
                stored.row_id, policy.days_for(stored.kind), stored.digest, "removed" if removed else "shared")


async def purge_periodically(
    database: Database, audit: AuditLog, archive: Archive, policy: RetentionPolicy, clock: Clock,
    first_delay: float, interval: float,
) -> None:
    """The server's background task: a purge shortly after start, then one every interval."""
    await asyncio.sleep(first_delay)
    while True:
        try:
            report = await database.run(purge_expired, Act(SYSTEM, clock(), audit), archive, policy)
            if report.deleted or report.held:
                logger.info("retention: %s", report.summary())
        except Exception:
            logger.exception("retention purge failed; trying again at the next run")
        await asyncio.sleep(interval)
