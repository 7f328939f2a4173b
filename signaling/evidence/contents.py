"""What goes into a case's package, gathered in one transaction: the export is logged and marked first,
so the package holds its own export event and the chain's head is that event."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..access.authz import authorize
from ..audit.acts import Act
from ..audit.chain import chain_head
from ..calls.call_records import case_messages
from ..calls.snapshots import SNAPSHOT_KIND
from ..cases.handling import load_case
from ..documents.listing import SCAN
from ..marks.register import Marked, ViewerMark, issue_mark
from ..scans.case_scans import StoredPage, scan_page
from ..storage.database import first, rows

if TYPE_CHECKING:
    import sqlite_utils

PACKAGE = "package"
EXPORTED = "case_package_exported"


@dataclass
class CaseContents:
    """A case as its package shows it; `mark` is the exporter's, carried by every picture in it."""

    case: dict[str, Any]
    exporter: dict[str, Any]
    exported_at: str
    mark: ViewerMark
    recordings: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    scan_pages: dict[int, list[StoredPage]]
    messages: list[dict[str, Any]]
    events: list[dict[str, Any]]
    head: tuple[int, str]
    titles: list[str] = field(default_factory=list)


def gather_case(db: sqlite_utils.Database, act: Act, case_id: int) -> CaseContents:
    """Authorize, log the export with the exporter's new mark, and read everything the package holds."""
    case, review_units = load_case(db, case_id)
    authorize(act.actor, "case.export", case, review_units)
    mark = issue_mark(db, act, Marked(PACKAGE, "case_package", case_id), EXPORTED, case)
    documents = rows(db, "select * from documents where case_id = ? and deleted_at is null order by id", [case_id])
    unit = first(db, "select name from units where id = ?", [act.actor.unit_id]) or {"name": act.actor.unit_id}
    return CaseContents(
        case=case,
        exporter={"username": act.actor.username, "name": act.actor.display_name, "unit": unit["name"]},
        exported_at=act.when, mark=mark,
        recordings=rows(db, "select * from recordings where case_id = ? and deleted_at is null"
                            " order by call_id, started_at, segment", [case_id]),
        documents=documents,
        scan_pages={row["id"]: [scan_page(db, act.actor, row["id"], number)[1]
                                for number in range(1, (row["pages"] or 1) + 1)]
                    for row in documents if row["kind"] == SCAN},
        messages=case_messages(db, act.actor, case_id),
        events=rows(db, "select * from audit_events where case_id = ? order by seq", [case_id]),
        head=chain_head(db) or (0, ""),
        titles=[r["title"] for r in rows(
            db, "select items.title from json_each(?) join items on items.code = json_each.value",
            [case["item_codes"]])],
    )


def is_snapshot(row: dict[str, Any]) -> bool:
    return bool(row["kind"] == SNAPSHOT_KIND)


def event_json(row: dict[str, Any]) -> dict[str, Any]:
    """An audit event as the package keeps it: every hashed field as stored (detail as its canonical text)."""
    return {name: row[name] for name in ("seq", "at", "actor_id", "actor", "role", "unit_id", "action",
                                         "case_id", "detail", "prev_hash", "hash")}


def shown_event(row: dict[str, Any]) -> dict[str, Any]:
    """An event as the offline page's timeline shows it (detail decoded)."""
    return {**{k: row[k] for k in ("seq", "at", "actor", "role", "action", "hash", "prev_hash")},
            "detail": json.loads(row["detail"])}
