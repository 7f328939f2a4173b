"""The server's tables, in one place so the data model reads as a whole.

Times are ISO 8601 strings in UTC; JSON columns hold lists or objects.
"""

from __future__ import annotations

import sqlite_utils


def create_tables(db: sqlite_utils.Database) -> None:
    """Create every table and index that does not exist yet."""
    db.table("units").create(
        {"id": str, "name": str, "name_en": str, "kind": str, "parent_id": str,
         "dept_code": str, "seal_digest": str, "created_at": str},
        pk="id", if_not_exists=True, not_null={"name", "kind"},
    )
    db.table("accounts").create(
        {"id": int, "username": str, "display_name": str, "role": str, "unit_id": str,
         "password_hash": str, "failed_logins": int, "locked_until": str, "disabled": int,
         "created_at": str},
        pk="id", if_not_exists=True, foreign_keys=[("unit_id", "units", "id")],
        not_null={"username", "role", "unit_id", "password_hash"},
        defaults={"failed_logins": 0, "disabled": 0},
    )
    db.table("accounts").create_index(["username"], unique=True, if_not_exists=True)
    db.table("sessions").create(
        {"token_hash": str, "account_id": int, "created_at": str, "expires_at": str},
        pk="token_hash", if_not_exists=True, foreign_keys=[("account_id", "accounts", "id")],
    )
    db.table("departments").create(
        {"code": str, "name": str, "name_en": str}, pk="code", if_not_exists=True,
    )
    db.table("items").create(
        {"code": str, "name": str, "name_en": str, "title": str, "level": str,
         "departments": str, "materials": str, "time_limit_days": int, "guide": str,
         "updated_at": str},
        pk="code", if_not_exists=True, not_null={"name", "title", "level"},
    )
    db.table("bundles").create(
        {"code": str, "name": str, "name_en": str, "title": str, "items": str, "guide": str},
        pk="code", if_not_exists=True,
    )
    db.table("villagers").create(
        {"id": int, "id_number": str, "name": str, "phone": str, "village_id": str,
         "created_at": str, "updated_at": str},
        pk="id", if_not_exists=True, foreign_keys=[("village_id", "units", "id")],
    )
    db.table("villagers").create_index(["id_number"], unique=True, if_not_exists=True)
    _create_case_tables(db)
    _create_document_table(db)
    db.table("audit_events").create(
        {"seq": int, "at": str, "actor_id": int, "actor": str, "role": str, "unit_id": str,
         "action": str, "case_id": int, "detail": str, "prev_hash": str, "hash": str},
        pk="seq", if_not_exists=True,
    )
    db.table("audit_events").create_index(["case_id", "seq"], if_not_exists=True)


def _create_case_tables(db: sqlite_utils.Database) -> None:
    db.table("cases").create(
        {"id": int, "number": str, "village_id": str, "town_id": str, "district_id": str,
         "villager_id": int, "item_codes": str, "bundle_code": str, "level": str,
         "handler_unit_id": str, "state": str, "opened_by": int, "opened_at": str,
         "due_at": str, "supplement": str, "refusal_reason": str, "pending_until": str,
         "decided_by": int, "decided_at": str, "closed_at": str, "problem": int,
         "rating": int, "rating_comment": str, "rated_at": str, "updated_at": str},
        pk="id", if_not_exists=True, defaults={"problem": 0},
        foreign_keys=[("villager_id", "villagers", "id"), ("village_id", "units", "id")],
    )
    db.table("cases").create_index(["number"], unique=True, if_not_exists=True)
    db.table("cases").create_index(["village_id", "opened_at"], if_not_exists=True)
    db.table("cases").create_index(["town_id", "opened_at"], if_not_exists=True)
    db.table("case_reviews").create(
        {"id": int, "case_id": int, "unit_id": str, "state": str, "reason": str,
         "materials": str, "sent_by": int, "sent_at": str, "decided_by": int,
         "decided_at": str},
        pk="id", if_not_exists=True,
        foreign_keys=[("case_id", "cases", "id"), ("unit_id", "units", "id")],
    )
    db.table("case_reviews").create_index(["case_id", "unit_id"], unique=True, if_not_exists=True)
    db.table("case_reviews").create_index(["unit_id"], if_not_exists=True)


def _create_document_table(db: sqlite_utils.Database) -> None:
    """Scans received during a call and the documents the server issues, stored in the archive."""
    db.table("documents").create(
        {"id": int, "case_id": int, "kind": str, "material": str, "filename": str,
         "content_type": str, "digest": str, "size": int, "pages": int, "width": int, "height": int,
         "created_by": int, "created_at": str, "verify_code": str, "signed_by": str,
         "deleted_at": str},
        pk="id", if_not_exists=True, foreign_keys=[("case_id", "cases", "id")],
    )
    db.table("documents").create_index(["case_id", "id"], if_not_exists=True)
    db.table("documents").create_index(["verify_code"], unique=True, if_not_exists=True)
