"""痕迹管理: the append-only audit log whose events chain by keyed hash.

Each event's hash is HMAC-SHA256(key, previous hash + event content), the key kept in a
file outside the database. Editing a row breaks its own hash, removing one breaks the
next event's link, and nobody without the key can forge a replacement. The chain's end
is anchored outside the database: a head file remembers the last event (it never moves
past a chain that no longer holds the event it names), signed checkpoints are kept apart
(checkpoints.py), and every issued document prints the head it was issued at. An anchor
is an event number and hash some record vouches for: the chain must still hold exactly
that event. `verify_chain` names the first event that was altered, inserted or removed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..access.roles import Account
from ..storage.database import first, rows

if TYPE_CHECKING:
    import sqlite_utils

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
CONTENT_FIELDS = ("at", "actor_id", "actor", "role", "unit_id", "action", "case_id", "detail")


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same event always hashes the same."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class ChainProblem:
    """The first break in the chain: which event, and what happened to it."""

    seq: int
    kind: str  # "altered" | "inserted" | "missing"
    detail: str

    def __str__(self) -> str:
        return f"event #{self.seq} {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Anchor:
    """An event some record outside the database vouches for: the chain must still hold it."""

    seq: int
    hash: str
    source: str  # what vouches for it, as `audit verify` names it


def chain_head(db: sqlite_utils.Database) -> tuple[int, str] | None:
    """The last event's number and hash (None for an empty log)."""
    last = first(db, "select seq, hash from audit_events order by seq desc limit 1")
    return (int(last["seq"]), str(last["hash"])) if last else None


class AuditLog:
    """Appends events to the chain and keeps the head file in step with it."""

    def __init__(self, key: bytes, head_path: Path) -> None:
        self.key = key
        self.head_path = head_path
        self._head_written: tuple[int, str] | None = None

    def event_hash(self, prev_hash: str, row: dict[str, Any]) -> str:
        content = canonical([prev_hash] + [row[name] for name in CONTENT_FIELDS])
        return hmac.new(self.key, content.encode(), hashlib.sha256).hexdigest()

    def append(
        self,
        db: sqlite_utils.Database,
        actor: Account,
        action: str,
        at: datetime,
        case_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Add one event inside the caller's transaction and return it."""
        last = first(db, "select seq, hash from audit_events order by seq desc limit 1")
        prev_hash = last["hash"] if last else GENESIS
        row: dict[str, Any] = {
            "seq": (last["seq"] + 1) if last else 1,
            "at": at.isoformat(),
            "actor_id": actor.id,
            "actor": actor.display_name or actor.username,
            "role": str(actor.role),
            "unit_id": actor.unit_id,
            "action": action,
            "case_id": case_id,
            "detail": canonical(detail or {}),
            "prev_hash": prev_hash,
        }
        row["hash"] = self.event_hash(prev_hash, row)
        db.table("audit_events").insert(row)
        return row

    def head_mac(self, seq: int, hash_: str) -> str:
        return hmac.new(self.key, f"head:{seq}:{hash_}".encode(), hashlib.sha256).hexdigest()

    def write_head(self, db: sqlite_utils.Database) -> None:
        """Commit hook: record the chain's last event outside the database.

        The head only moves forward, and only along the chain it names: after a cut, the
        new events written after it never overwrite the evidence (verify reports it).
        """
        if self._head_written is None:
            self._head_written = self.read_head() or (0, GENESIS)
        last = first(db, "select seq, hash from audit_events order by seq desc limit 1")
        if last is None or last["seq"] <= self._head_written[0]:
            return
        seq, hash_ = self._head_written
        if seq and (first(db, "select hash from audit_events where seq = ?", [seq]) or {}).get("hash") != hash_:
            logger.error("audit log: event #%d is no longer the one the head file recorded: the log was cut;"
                         " the head file is kept as evidence (cunneng audit verify)", seq)
            return
        head = {"seq": last["seq"], "hash": last["hash"]}
        head["mac"] = self.head_mac(last["seq"], last["hash"])
        temp = self.head_path.with_suffix(".tmp")
        temp.write_text(json.dumps(head))
        os.replace(temp, self.head_path)
        self._head_written = (last["seq"], last["hash"])

    def read_head(self) -> tuple[int, str] | None:
        """The last event the head file vouches for, or None when there is no head yet."""
        if not self.head_path.exists():
            return None
        head = json.loads(self.head_path.read_text())
        if not hmac.compare_digest(head["mac"], self.head_mac(head["seq"], head["hash"])):
            raise ValueError(f"audit head file {self.head_path} has a wrong MAC: it was edited")
        return int(head["seq"]), str(head["hash"])

    def verify_chain(self, db: sqlite_utils.Database, anchors: Sequence[Anchor] = ()) -> ChainProblem | None:
        """Walk every event in order, then check the anchors; the first problem found, or None."""
        events = rows(db, "select * from audit_events order by seq")
        expected_prev, previous_seq = GENESIS, 0
        for index, row in enumerate(events):
            following = events[index + 1] if index + 1 < len(events) else None
            problem = self._check_event(row, following, expected_prev, previous_seq)
            if problem:
                return problem
            expected_prev, previous_seq = row["hash"], row["seq"]
        head = self.read_head()
        held = [*anchors, *([Anchor(*head, "the head file")] if head else [])]
        return _check_anchors({row["seq"]: row["hash"] for row in events}, previous_seq, held)

    def _check_event(
        self, row: dict[str, Any], following: dict[str, Any] | None,
        expected_prev: str, previous_seq: int,
    ) -> ChainProblem | None:
        seq = row["seq"]
        if not hmac.compare_digest(self.event_hash(row["prev_hash"], row), row["hash"]):
            return self._classify_bad_event(row, following, expected_prev)
        if row["prev_hash"] != expected_prev or seq != previous_seq + 1:
            return ChainProblem(
                previous_seq + 1, "missing",
                f"the event before #{seq} (after #{previous_seq}) was removed",
            )
        return None

    def _classify_bad_event(
        self, row: dict[str, Any], following: dict[str, Any] | None, expected_prev: str
    ) -> ChainProblem:
        what = f"{row['action']} by {row['actor']} at {row['at']}"
        if following is not None:
            inserted = following["prev_hash"] == expected_prev
        else:
            head = self.read_head()
            inserted = head is not None and head[0] < row["seq"]
        if inserted:
            return ChainProblem(row["seq"], "inserted", f"{what} was not written by the server")
        return ChainProblem(row["seq"], "altered", f"{what} does not match its hash")

def _check_anchors(hashes: dict[int, str], last_seq: int, anchors: Sequence[Anchor]) -> ChainProblem | None:
    """The earliest anchor the chain no longer holds: events cut off the end, or cut and rewritten."""
    for anchor in sorted(anchors, key=lambda a: a.seq):
        if anchor.seq > last_seq:
            return ChainProblem(last_seq + 1, "missing", f"events #{last_seq + 1}..#{anchor.seq} were cut off"
                                f" the end ({anchor.source} vouches for #{anchor.seq})")
        if anchor.seq and hashes.get(anchor.seq) != anchor.hash:
            return ChainProblem(anchor.seq, "altered", f"event #{anchor.seq} is not the one {anchor.source}"
                                f" vouches for: the log was cut at or before #{anchor.seq} and written again")
    return None


def case_timeline(db: sqlite_utils.Database, case_id: int) -> list[dict[str, Any]]:
    """A case's events in order, as the timeline API shows them."""
    events = rows(
        db,
        "select seq, at, actor, role, unit_id, action, detail from audit_events"
        " where case_id = ? order by seq",
        [case_id],
    )
    for event in events:
        event["detail"] = json.loads(event["detail"])
    return events
