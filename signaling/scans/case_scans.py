"""扫描件材料: scans filed on a case, their pages for the viewer, and who viewed them.

A scan is a `documents` row of kind "scan" pointing at archived content by its SHA-256;
its pages (size, thumbnail, preview) belong to the content, so the same file on two
cases is stored and described once. Downloads go through `documents.document_for_download`
like every other document of the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..access.roles import Account
from ..audit.acts import Act
from ..cases.events import Audience, case_audience
from ..cases.handling import authorized_case, load_case
from ..documents.listing import SCAN, document_json
from ..exceptions import NotFound
from ..marks.register import DOCUMENT, Marked, ViewerMark, document_copy_mark, viewer_mark
from ..storage.database import first, insert

if TYPE_CHECKING:
    import sqlite_utils


@dataclass(frozen=True)
class StoredPage:
    """A page of stored content: full-resolution size and the archived thumbnail and preview."""

    width: int
    height: int
    thumbnail: str
    preview: str
    preview_width: int
    preview_height: int


@dataclass(frozen=True)
class StoredScan:
    """Verified content, now in the archive."""

    digest: str
    size: int
    content_type: str
    pages: tuple[StoredPage, ...]


def add_scan_document(
    db: sqlite_utils.Database, act: Act, case_id: int, filename: str, material: str, scan: StoredScan
) -> tuple[dict[str, Any], Audience]:
    """File a stored scan on the case (upload time kept for retention); the document and who sees it."""
    case, review_units = load_case(db, case_id)
    first_page = scan.pages[0]
    document_id = insert(db, "documents", {
        "case_id": case_id, "kind": SCAN, "material": material, "filename": filename,
        "content_type": scan.content_type, "digest": scan.digest, "size": scan.size,
        "pages": len(scan.pages), "width": first_page.width, "height": first_page.height,
        "created_by": act.actor.id, "created_at": act.when,
    })
    db.table("scan_pages").insert_all(
        ({"digest": scan.digest, "page": number, **vars(page)} for number, page in enumerate(scan.pages, 1)),
        ignore=True,
    )
    act.log(db, "document_uploaded", case_id, {
        "document_id": document_id, "filename": filename, "material": material, "sha256": scan.digest,
        "size": scan.size, "content_type": scan.content_type, "pages": len(scan.pages),
    })
    return scan_json(db, document_id), case_audience(case, review_units)


def scan_json(db: sqlite_utils.Database, document_id: int) -> dict[str, Any]:
    """A scan as the API shows it."""
    row = first(db, "select * from documents where id = ? and kind = ?", [document_id, SCAN])
    if row is None:
        raise NotFound("找不到该扫描件。", "No such scan.")
    return document_json(db, row)


def scan_row(db: sqlite_utils.Database, account: Account, document_id: int) -> dict[str, Any]:
    """A scan of a case the account may see, or NotFound."""
    row = first(db, "select * from documents where id = ? and kind = ? and deleted_at is null", [document_id, SCAN])
    if row is None:
        raise NotFound("找不到该扫描件,或您无权查看。", "No such scan, or it is not visible to you.")
    authorized_case(db, account, row["case_id"], "document.view")
    return row


def scan_page(
    db: sqlite_utils.Database, account: Account, document_id: int, page: int
) -> tuple[dict[str, Any], StoredPage]:
    """A viewable scan and one of its pages (numbered from 1)."""
    row = scan_row(db, account, document_id)
    found = first(db, "select * from scan_pages where digest = ? and page = ?", [row["digest"], page])
    if found is None:
        raise NotFound(f"该扫描件没有第 {page} 页。", f"The scan has no page {page}.")
    return row, StoredPage(**{name: found[name] for name in StoredPage.__dataclass_fields__})


def viewer_page(
    db: sqlite_utils.Database, act: Act, document_id: int, page: int, viewing: bool = False
) -> tuple[dict[str, Any], StoredPage, ViewerMark]:
    """A page as this viewer sees it: with their mark for it today; opening it in the viewer is logged."""
    row, stored = scan_page(db, act.actor, document_id, page)
    case = first(db, "select id, number from cases where id = ?", [row["case_id"]])
    marked = Marked(DOCUMENT, "scan_page", row["case_id"], document_id, page)
    mark = viewer_mark(db, act, marked, "document_watermarked", case)
    if viewing:
        act.log(db, "document_viewed", row["case_id"], {"document_id": document_id, "page": page,
                                                        "mark": mark.mark_id})
    return row, stored, mark


def downloaded_scan(
    db: sqlite_utils.Database, act: Act, row: dict[str, Any]
) -> tuple[list[StoredPage], ViewerMark]:
    """A scan's pages and the downloader's mark for the copy they take away."""
    pages = [scan_page(db, act.actor, row["id"], number)[1] for number in range(1, (row["pages"] or 1) + 1)]
    return pages, document_copy_mark(db, act, row, DOCUMENT, "scan_download", "document_watermarked")

