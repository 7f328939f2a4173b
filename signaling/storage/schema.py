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
        },
        pk="code",
        not_null={"name", "title", "level"},
    )
    table(
        db,
        "bundles",
        {"code": str, "name": str, "name_en": str, "title": str, "items": str, "guide": str},
        pk="code",
    )
    table(
        db,
        "villagers",
        {
            "id": int,
            "id_number": str,
            "name": str,
            "phone": str,
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
    _create_document_table(db)
    _create_call_tables(db)
    _create_scan_tables(db)
    _create_mark_table(db)
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
            "supplement": str,
            "refusal_reason": str,
            "pending_until": str,
            "decided_by": int,
            "decided_at": str,
            "decision_note": str,
            "closed_at": str,
            "closed_how": str,
            "problem": int,  # 问题件: set for good when a case is put on legal hold
            "held_at": str,  # legal hold (保全): while set, retention deletes nothing of the case
            "held_by": int,
            "hold_reason": str,
            "rating": int,
            "rating_comment": str,
            "rated_at": str,
            "updated_at": str,
        },
        pk="id",
        defaults={"problem": 0},
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
            "deleted_at": str,
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
