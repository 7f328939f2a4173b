"""The server's tables, in one place so the data model reads as a whole.

Times are ISO 8601 strings in UTC; JSON columns hold lists or objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils


def table(db: sqlite_utils.Database, name: str, columns: dict[str, type], **options: Any) -> None:
    """Create the table, or add the columns a newer version of the server introduced."""
    existing = db.table(name)
    if not existing.exists():
        existing.create(columns, **options)
        return
    for column, kind in columns.items():
        if column not in existing.columns_dict:
            existing.add_column(column, kind)


def create_tables(db: sqlite_utils.Database) -> None:
    """Create every table and index that does not exist yet."""
    table(
        db,
        "units",
        {
            "id": str,
            "name": str,
            "name_en": str,
            "kind": str,
            "parent_id": str,
            "dept_code": str,
            "seal_digest": str,
            "created_at": str,
            "retired_at": str,  # 撤销: kept for the cases and accounts it had; no new account is bound to it
        },
        pk="id",
        not_null={"name", "kind"},
    )
    table(
        db,
        "accounts",
        {
            "id": int,
            "username": str,
            "display_name": str,
            "role": str,
            "unit_id": str,
            "password_hash": str,
            "disabled": int,
            "created_at": str,
            "last_login_at": str,
        },
        pk="id",
        foreign_keys=[("unit_id", "units", "id")],
        not_null={"username", "role", "unit_id", "password_hash"},
        defaults={"disabled": 0},
    )
    db.table("accounts").create_index(["username"], unique=True, if_not_exists=True)
    # Failed logins per typed name and source address (access/login_throttle.py); unknown names too.
    table(
        db,
        "login_failures",
        {"username": str, "address": str, "failures": int, "locks": int, "locked_until": str,
         "last_failed_at": str},
        pk=("username", "address"),
    )
    db.table("login_failures").create_index(["last_failed_at"], if_not_exists=True)
    table(
        db,
        "sessions",
        {"token_hash": str, "account_id": int, "created_at": str, "expires_at": str},
        pk="token_hash",
        foreign_keys=[("account_id", "accounts", "id")],
    )
    table(
        db,
        "departments",
        {"code": str, "name": str, "name_en": str},
        pk="code",
    )
    table(
        db,
        "items",
        {
            "code": str,
            "name": str,
            "name_en": str,
            "title": str,
            "level": str,
            "departments": str,
            "materials": str,
            "time_limit_days": int,
            "guide": str,
            "updated_at": str,
            "retired_at": str,  # 停办: no new case may ask for it; the cases that did keep it
        },
        pk="code",
        not_null={"name", "title", "level"},
    )
    # 事项变更记录: each version an admin replaced or retired, whole, with who and when (catalog/items.py)
    table(
        db, "item_history",
        {"id": int, "code": str, "change": str, "before": str, "changed_by": int, "changed_at": str},
        pk="id",
    )
    db.table("item_history").create_index(["code", "id"], if_not_exists=True)
    table(
        db,
        "bundles",
        {"code": str, "name": str, "name_en": str, "title": str, "items": str, "optional": str, "guide": str},
        pk="code",
    )
    table(
        db,
        "villagers",
        {
            "id": int,
            "id_number": str,
            "name": str,
            "gender": str,  # 性别, read from the ID number
            "phone": str,
            "ethnicity": str,  # 民族
            "hukou_place": str,  # 户籍地
            "residence": str,  # 现居地
            "hukou_type": str,  # 户口类别
            "village_id": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("village_id", "units", "id")],
    )
    db.table("villagers").create_index(["id_number"], unique=True, if_not_exists=True)
    # What a villager's data was before a clerk changed it (cases/villagers.py): nothing is overwritten unseen.
    table(
        db,
        "villager_history",
        {"id": int, "villager_id": int, "field": str, "old_value": str, "new_value": str, "changed_by": int,
         "changed_at": str},
        pk="id",
        foreign_keys=[("villager_id", "villagers", "id"), ("changed_by", "accounts", "id")],
    )
    _create_case_tables(db)
    # 节假日安排 (cases/holidays.py): each loaded year's holidays and 调休 working days
    table(
        db, "calendar_days",
        {"day": str, "year": int, "kind": str, "name": str, "source": str, "provisional": int, "loaded_at": str},
        pk="day",
    )
    # 通知发件箱 (notices/outbox.py): written with the case change it announces, sent by the courier
    table(
        db, "notices",
        {"id": int, "case_id": int, "kind": str, "phone": str, "text": str, "state": str, "attempts": int,
         "next_attempt_at": str, "last_error": str, "created_at": str, "sent_at": str, "called_by": int},
        pk="id", foreign_keys=[("case_id", "cases", "id")], defaults={"attempts": 0},
    )
    db.table("notices").create_index(["state", "next_attempt_at"], if_not_exists=True)
    db.table("notices").create_index(["case_id"], if_not_exists=True)
    _create_document_table(db)
    _create_call_tables(db)
    _create_scan_tables(db)
    _create_mark_table(db)
    _create_statistics_tables(db)
    table(
        db,
        "audit_events",
        {
            "seq": int,
            "at": str,
            "actor_id": int,
            "actor": str,
            "role": str,
            "unit_id": str,
            "action": str,
            "case_id": int,
            "detail": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="seq",
    )
    db.table("audit_events").create_index(["case_id", "seq"], if_not_exists=True)


def _create_case_tables(db: sqlite_utils.Database) -> None:
    table(
        db,
        "cases",
        {
            "id": int,
            "number": str,
            "village_id": str,
            "town_id": str,
            "district_id": str,
            "villager_id": int,
            "item_codes": str,
            "bundle_code": str,
            "collected": str,  # JSON: the materials the village window ticked as collected when opening
            "level": str,
            "handler_unit_id": str,
            "state": str,
            "opened_by": int,
            "opened_at": str,
            "due_at": str,
            "clock_stopped_at": str,  # 限时办结: when the case began waiting for the villager's materials
            "waited_days": int,  # working days the clock stood still, all waits together
            "supplement": str,
            "refusal_reason": str,
            "item_outcomes": str,  # JSON: each item's outcome once decided (一件事: one refusal blocks no other)
            "pending_until": str,
            "decided_by": int,
            "decided_at": str,
            "decision_note": str,
            "closed_at": str,
            "closed_how": str,
            "received_by": str,  # JSON: who took the result at closing (name, relation)
            "withdrawal_reason": str,  # the villager withdrew the application (closed_how = withdrawn)
            "agent": str,  # JSON: the 代办人 who carried the case for the villager (name, relation, phone)
            "villager_present": int,  # 0: carried for an absent villager, who signed a 委托书
            "problem": int,  # 问题件: set for good when a case is put on legal hold
            "held_at": str,  # legal hold (保全): while set, retention deletes nothing of the case
            "held_by": int,
            "hold_reason": str,
            "rating": int,
            "rating_comment": str,
            "rated_at": str,
            "rated_via": str,  # window (the clerk entered it) or villager (on the status page)
            "updated_at": str,
        },
        pk="id",
        defaults={"problem": 0, "villager_present": 1},
        foreign_keys=[("villager_id", "villagers", "id"), ("village_id", "units", "id")],
    )
    db.table("cases").create_index(["number"], unique=True, if_not_exists=True)
    db.table("cases").create_index(["village_id", "opened_at"], if_not_exists=True)
    db.table("cases").create_index(["town_id", "opened_at"], if_not_exists=True)
    table(
        db,
        "case_reviews",
        {
            "id": int,
            "case_id": int,
            "unit_id": str,
            "state": str,
            "reason": str,
            "materials": str,
            "sent_by": int,
            "sent_at": str,
            "decided_by": int,
            "decided_at": str,
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id"), ("unit_id", "units", "id")],
    )
    db.table("case_reviews").create_index(["case_id", "unit_id"], unique=True, if_not_exists=True)
    db.table("case_reviews").create_index(["unit_id"], if_not_exists=True)
    # 代办 (cases/agency.py): home visits and errands, and every move of the originals and the result (去向)
    table(
        db, "case_errands", {"id": int, "case_id": int, "kind": str, "note": str, "by": int, "at": str},
        pk="id", foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("case_errands").create_index(["case_id"], if_not_exists=True)
    table(
        db, "custody_moves",
        {"id": int, "case_id": int, "what": str, "place": str, "note": str, "by": int, "at": str},
        pk="id", foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("custody_moves").create_index(["case_id"], if_not_exists=True)


def _create_document_table(db: sqlite_utils.Database) -> None:
    """Scans received during a call and the documents the server issues, stored in the archive."""
    table(
        db,
        "documents",
        {
            "id": int,
            "case_id": int,
            "kind": str,
            "material": str,
            "filename": str,
            "content_type": str,
            "digest": str,
            "size": int,
            "pages": int,
            "width": int,
            "height": int,
            "created_by": int,
            "created_at": str,
            "verify_code": str,
            "signed_by": str,
            "source_digest": str,  # a snapshot's clean still, re-marked for each other viewer; never served
            "source_document_id": int,  # 材料一次提交: attached from the villager's earlier case, first taken there
            "deleted_at": str,
            "call_id": str,  # an issued document: the recorded call its decision was taken in or after
        },
        pk="id",
        foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("documents").create_index(["case_id", "id"], if_not_exists=True)
    db.table("documents").create_index(["verify_code"], unique=True, if_not_exists=True)


def _create_call_tables(db: sqlite_utils.Database) -> None:
    """Video consults of a case, who took part, and the chat messages."""
    table(
        db, "calls",
        {"id": str, "case_id": int, "state": str, "requested_by": int, "requested_at": str,
         "accepted_by": int, "accepted_at": str, "ended_at": str, "end_reason": str,
         "duration": float},
        pk="id", foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("calls").create_index(["case_id", "requested_at"], if_not_exists=True)
    # Before #24 the end reason of a call whose media worker died was spelt "media-worker-lost".
    db.execute("update calls set end_reason = 'media_worker_lost' where end_reason = 'media-worker-lost'")
    table(
        db, "call_participants",
        {"id": int, "call_id": str, "account_id": int, "joined_at": str, "left_at": str},
        pk="id", foreign_keys=[("call_id", "calls", "id"), ("account_id", "accounts", "id")],
    )
    db.table("call_participants").create_index(["call_id"], if_not_exists=True)
    table(
        db, "messages",
        {"id": int, "case_id": int, "call_id": str, "account_id": int, "author": str,
         "role": str, "text": str, "at": str},
        pk="id", foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("messages").create_index(["case_id", "id"], if_not_exists=True)
    table(
        db, "recordings",
        {"id": int, "call_id": str, "case_id": int, "party_id": str, "label": str, "segment": int,
         "digest": str, "size": int, "media_type": str, "codecs": str, "started_at": float,
         "duration": float, "recovered": int, "created_at": str, "deleted_at": str},
        pk="id", foreign_keys=[("call_id", "calls", "id"), ("case_id", "cases", "id")],
    )
    db.table("recordings").create_index(["case_id", "call_id"], if_not_exists=True)


def _create_scan_tables(db: sqlite_utils.Database) -> None:
    """Uploads in progress, and the pages of stored scans (shared by every case holding that content)."""
    table(
        db,
        "uploads",
        {"id": str, "case_id": int, "account_id": int, "filename": str, "size": int, "sha256": str,
         "material": str, "chunk_size": int, "chunks": str, "received": int, "state": str,
         "document_id": int, "created_at": str, "updated_at": str},
        pk="id",
        defaults={"received": 0},
        foreign_keys=[("case_id", "cases", "id"), ("document_id", "documents", "id")],
    )
    db.table("uploads").create_index(["case_id", "sha256"], if_not_exists=True)
    table(
        db,
        "scan_pages",
        {"digest": str, "page": int, "width": int, "height": int, "thumbnail": str,
         "preview": str, "preview_width": int, "preview_height": int},
        pk=("digest", "page"),
    )
    db.table("documents").create_index(["case_id", "digest"], if_not_exists=True)


def _create_mark_table(db: sqlite_utils.Database) -> None:
    """水印登记: each watermark applied, under its random id, with who saw what and when."""
    table(
        db, "marks",
        {"id": int, "kind": str, "what": str, "case_id": int, "document_id": int, "page": int,
         "recording_id": int, "call_id": str, "account_id": int, "username": str, "viewer": str,
         "unit_id": str, "unit_name": str, "at": str, "day": str, "lines": str, "detail": str,
         "audit_seq": int},
        pk="id", not_null={"kind", "what", "account_id", "at"},
    )
    db.table("marks").create_index(["account_id", "what", "document_id", "page", "day"], if_not_exists=True)
    db.table("marks").create_index(["case_id"], if_not_exists=True)


# Which rows mark a case's statistics stale: the case, its reviews, its calls and its scans.
STATISTICS_TRIGGERS = {
    "cases": ("insert", "new.id"), "case_reviews": ("insert", "new.case_id"),
    "calls": ("insert", "new.case_id"), "documents": ("insert", "new.case_id"),
}


def _create_statistics_tables(db: sqlite_utils.Database) -> None:
    """工作量统计 (statistics/): each case's facts, and the figures summed per period, unit, item and approver.

    Triggers list the cases a transaction touched in stat_dirty; the statistics hook turns
    them into facts and sums before the same transaction commits (statistics/rollup.py).
    """
    table(db, "stat_dirty", {"case_id": int}, pk="case_id")
    table(db, "stat_meta", {"key": str, "value": str}, pk="key")  # what the sums were made with (the holidays)
    table(
        db, "stat_cases",
        {"case_id": int, "facts": str, "running": int, "due_at": str, "bad": int, "rated_day": str,
         "village_id": str},
        pk="case_id",
    )
    db.table("stat_cases").create_index(["running", "due_at"], if_not_exists=True)
    db.table("stat_cases").create_index(["bad", "rated_day"], if_not_exists=True)
    db.table("stat_cases").create_index(["village_id"], if_not_exists=True)
    counters = {name: int for name in STAT_COUNTERS}
    table(
        db, "stat_rollup",
        {"kind": str, "unit_id": str, "item_code": str, "approver_id": int, "period": str, **counters,
         **{name: str for name in STAT_HISTOGRAMS}},
        pk=("kind", "unit_id", "item_code", "approver_id", "period"),
    )
    for name, (event, case_id) in STATISTICS_TRIGGERS.items():
        for when in (event, "update"):
            db.execute(
                f"create trigger if not exists stat_{name}_{when} after {when} on {name}"
                f" begin insert or ignore into stat_dirty (case_id) values ({case_id}); end"
            )


# The counters and histograms (JSON objects) of stat_rollup; statistics/rollup.py fills them.
STAT_COUNTERS = (
    "opened", "approved", "refused", "withdrawn", "awaiting_supplement", "in_progress", "late", "supplemented",
    "decided", "closed", "rated", "rating_sum", "bad", "calls", "calls_held", "call_seconds", "scans",
)
STAT_HISTOGRAMS = ("handling_days", "call_minutes", "call_hours")
