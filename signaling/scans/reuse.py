"""材料一次提交，区镇村三级共享: a villager's earlier scans attached to a new case in one click.

A scan stays in the encrypted archive under its SHA-256; attaching it to another case of the
same villager files one more `documents` row pointing at the same content, remembering the
first taking (`source_document_id`), so the approver sees when and for which case it was
scanned. Each row keeps its own retention from the day it was filed: a scan whose every row
has been purged can no longer be attached, and is scanned again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..audit.acts import Act
from ..cases.events import Audience, case_audience
from ..cases.handling import authorized_case, load_case
from ..documents.listing import SCAN, first_taking
from ..exceptions import Conflict, NotFound
from ..storage.database import first, insert, rows
from .case_scans import scan_json
from .uploads import case_materials, material_to_file

if TYPE_CHECKING:
    import sqlite_utils

    from ..access.roles import Account

COPIED = ("kind", "material", "filename", "content_type", "digest", "size", "pages", "width", "height")


def earlier_scans(db: sqlite_utils.Database, account: Account, case_id: int) -> list[dict[str, Any]]:
    """The villager's live scans from their other cases, each content once, with its first taking."""
    case = authorized_case(db, account, case_id, "document.upload")
    found = rows(
        db, "select documents.*, cases.number from documents join cases on cases.id = documents.case_id"
        " where cases.villager_id = ? and documents.kind = ? and documents.deleted_at is null"
        " and documents.case_id != ? order by documents.id", [case["villager_id"], SCAN, case_id],
    )
    here = {r["digest"] for r in rows(db, "select digest from documents where case_id = ? and deleted_at is null",
                                      [case_id])}
    latest: dict[str, dict[str, Any]] = {}
    for row in found:
        latest[row["digest"]] = row  # the newest filing: the longest retention left
    return [{
        "document_id": row["id"], "material": row["material"], "filename": row["filename"],
        "pages": row["pages"], "size": row["size"], "on_this_case": row["digest"] in here,
        "first_taken": first_taking(db, row),
    } for row in latest.values()]


def attach_earlier_scan(
    db: sqlite_utils.Database, act: Act, case_id: int, document_id: int, material: str | None
) -> tuple[dict[str, Any], Audience]:
    """File the villager's earlier scan on this case; the new document and who sees the case."""
    case = authorized_case(db, act.actor, case_id, "document.upload")
    source = first(
        db, "select documents.* from documents join cases on cases.id = documents.case_id where documents.id = ?"
        " and documents.kind = ? and documents.deleted_at is null and cases.villager_id = ?",
        [document_id, SCAN, case["villager_id"]],
    )
    if source is None:
        raise NotFound("找不到这位群众以前交过的这份材料，或已过保存期限，请重新扫描。",
                       "No such earlier scan of this villager, or its retention period has ended.")
    if first(db, "select id from documents where case_id = ? and digest = ? and deleted_at is null",
             [case_id, source["digest"]]):
        raise Conflict("这份材料已经在本办件中了。", "This scan is on the case already.")
    taken = first_taking(db, source)
    material = material_to_file(db, case, material or _same_material(db, case, source["material"]))
    new_id = insert(db, "documents", {
        **{name: source[name] for name in COPIED}, "material": material,
        "case_id": case_id, "created_by": act.actor.id, "created_at": act.when,
        "source_document_id": taken["document_id"],
    })
    act.log(db, "scan_reused", case_id, {
        "document_id": new_id, "from_document_id": source["id"], "first_case": taken["case_number"],
        "first_taken_at": taken["at"], "sha256": source["digest"], "material": material,
    })
    _, review_units = load_case(db, case_id)
    return scan_json(db, new_id), case_audience(case, review_units)


def _same_material(db: sqlite_utils.Database, case: dict[str, Any], material: str) -> str | None:
    """The earlier scan's material when this case asks for it too (else the clerk names it, or other)."""
    return material if material in case_materials(db, case) else None
