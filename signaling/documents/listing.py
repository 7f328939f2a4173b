"""Documents of a case: the scans received and the documents issued, as the API lists them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..access.roles import Account
from ..audit.acts import Act
from ..cases.handling import authorized_case
from ..exceptions import NotFound
from ..scans.formats import BY_CONTENT_TYPE, download_name
from ..storage.database import first, rows
from .issuing import DOCUMENT_NAMES, public_document

if TYPE_CHECKING:
    import sqlite_utils

SCAN = "scan"


def case_documents(db: sqlite_utils.Database, account: Account, case_id: int) -> list[dict[str, Any]]:
    """Every live document of a case the account may see, oldest first."""
    authorized_case(db, account, case_id, "case.view")
    found = rows(db, "select * from documents where case_id = ? and deleted_at is null order by id", [case_id])
    return [document_json(db, row) for row in found]


def document_json(db: sqlite_utils.Database, row: dict[str, Any]) -> dict[str, Any]:
    """The document; a scan also with who sent it and its pages' thumbnails and zoomable images."""
    shown = public_document(row)
    if row["kind"] != SCAN:
        return shown
    uploader = first(db, "select display_name from accounts where id = ?", [row["created_by"]]) or {}
    base = f"/api/documents/{row['id']}"
    pages = rows(db, "select page, width, height from scan_pages where digest = ? order by page", [row["digest"]])
    return {
        **shown, "uploaded_by": uploader.get("display_name", ""), "file_url": f"{base}/file",
        "download_name": download_name(row["filename"], BY_CONTENT_TYPE[row["content_type"]]),
        "page_images": [{**page, "thumbnail_url": f"{base}/pages/{page['page']}/thumbnail.jpg",
                         "dzi_url": f"{base}/pages/{page['page']}/image.dzi"} for page in pages],
    }


def document_for_download(db: sqlite_utils.Database, account: Account, document_id: int) -> dict[str, Any]:
    """A document the account may fetch (the download is logged once it is known to be readable)."""
    row = first(db, "select * from documents where id = ? and deleted_at is null", [document_id])
    if row is None:
        raise NotFound("找不到该文件,或已过保存期限。", "No such document, or its retention period has ended.")
    authorized_case(db, account, row["case_id"], "case.print")
    return row


def log_download(db: sqlite_utils.Database, act: Act, row: dict[str, Any]) -> None:
    """下载文件: the document goes out (its stored file proved intact)."""
    act.log(db, "document_downloaded", row["case_id"], {"document_id": row["id"], "kind": row["kind"]})


def registered_document(db: sqlite_utils.Database, verify_code: str = "", digest: str = "") -> dict[str, Any] | None:
    """What the server issued under a verification code or with these exact bytes (for 核验)."""
    row = first(
        db, "select documents.*, cases.number from documents join cases on cases.id = documents.case_id"
        " where documents.kind != 'scan' and (documents.verify_code = ? or documents.digest = ?)",
        [verify_code, digest],
    )
    if row is None:
        return None
    return {"case_number": row["number"], "kind": row["kind"], "kind_name": DOCUMENT_NAMES[row["kind"]],
            "issued_at": row["created_at"], "sha256": row["digest"], "verify_code": row["verify_code"],
            "signed_by": json.loads(row["signed_by"] or "[]")}
