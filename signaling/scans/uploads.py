"""上传: a scan arriving in chunks, resumable from the last confirmed chunk, idempotent by SHA-256.

An upload belongs to one case; the case's village clerk starts it with the file's name, size,
SHA-256 and the material it shows. Chunks arrive in order (offset = bytes confirmed so far),
each checked by its own SHA-256. The client sizes its chunks to its link (up to the
server's chunk size, at least MIN_CHUNK_SIZE but for the last), so that a cut on a slow
link costs seconds of sending, not megabytes. Nothing is visible on the case until completion stores the
verified scan as a document in one transaction.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from protocol.words import ErrorCode

from ..access.roles import Account
from ..audit.acts import Act
from ..cases.agency import AUTHORIZATION
from ..cases.handling import authorized_case
from ..cases.workflow import State
from ..catalog.items import combined_materials, get_item
from ..exceptions import Conflict, CunnengError, InvalidInput, NotFound, ScanTooLarge, UploadOffsetMismatch
from ..storage.database import first, rows
from .case_scans import scan_json

if TYPE_CHECKING:
    import sqlite_utils

OTHER_MATERIAL = "other"
RECEIVING, COMPLETE, REFUSED, EXPIRED = "receiving", "complete", "refused", "expired"
ENDED = {COMPLETE: ErrorCode.UPLOAD_COMPLETE, REFUSED: ErrorCode.UPLOAD_REFUSED, EXPIRED: ErrorCode.UPLOAD_EXPIRED}
# Chunks a client may send before the first of them is confirmed (chunk_order.py).
CHUNKS_IN_FLIGHT = 4
MIN_CHUNK_SIZE = 16 * 1024  # a chunk's request costs a few hundred bytes and a commit


@dataclass(frozen=True)
class Upload:
    """One upload's row: what is announced, and the chunks confirmed so far."""

    id: str
    case_id: int
    account_id: int
    filename: str
    size: int
    sha256: str
    material: str
    chunk_size: int
    chunks: tuple[str, ...]
    received: int
    state: str
    document_id: int | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Upload:
        fields = {name: row[name] for name in cls.__dataclass_fields__ if name != "chunks"}
        return cls(**fields, chunks=tuple(json.loads(row["chunks"])))

    def public(self) -> dict[str, Any]:
        """The upload as the API shows it."""
        return {
            "id": self.id, "case_id": self.case_id, "filename": self.filename, "size": self.size,
            "sha256": self.sha256, "material": self.material, "chunk_size": self.chunk_size,
            "received": self.received, "state": self.state, "document_id": self.document_id,
            "chunks_in_flight": CHUNKS_IN_FLIGHT, "min_chunk_size": MIN_CHUNK_SIZE,
        }

    def chunk_length(self, offset: int, length: int | None) -> int:
        """The chunk's length (Content-Length) if allowed: up to chunk_size, at least MIN_CHUNK_SIZE
        unless it ends the file, never past the end."""
        rest = self.size - offset
        if length is None or not min(MIN_CHUNK_SIZE, rest) <= length <= min(self.chunk_size, rest):
            raise InvalidInput(
                f"这一段应有 {min(MIN_CHUNK_SIZE, rest)} 到 {min(self.chunk_size, rest)} 字节。",
                f"The chunk at {offset} must have {min(MIN_CHUNK_SIZE, rest)} to {min(self.chunk_size, rest)}"
                " bytes (Content-Length).", code=ErrorCode.WRONG_CHUNK_LENGTH)
        return length


def case_materials(db: sqlite_utils.Database, case: dict[str, Any]) -> list[str]:
    """The material names a scan of this case may be filed under: required, asked-for supplements, other."""
    items = [get_item(db, code) for code in json.loads(case["item_codes"])]
    names = [m["name"] for m in combined_materials(items)]
    supplement = json.loads(case["supplement"]) if case["supplement"] else []
    carried = [AUTHORIZATION] if case["agent"] and not case["villager_present"] else []  # 代办: the signed 委托书
    return names + [m["name"] for m in supplement if m["name"] not in names] + carried + [OTHER_MATERIAL]


def clean_filename(raw: str) -> str:
    """Only the last path component, printable, at most 200 characters."""
    name = PurePath(raw.replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "scan"


def material_to_file(db: sqlite_utils.Database, case: dict[str, Any], material: str | None) -> str:
    """The material a scan is filed as on an open case: one of its own, or other."""
    if case["state"] == State.CLOSED:
        raise Conflict("办件已办结，不能再上传材料。", "The case is closed: no more scans.")
    material = material or OTHER_MATERIAL
    if material not in case_materials(db, case):
        raise InvalidInput(f"「{material}」不是本办件的申请材料。", f"{material!r} is not a material of this case.")
    return material


@dataclass(frozen=True)
class UploadLimits:
    """The chunk size, the largest scan, and what one account's unfinished uploads may announce together."""

    chunk_size: int
    max_bytes: int
    account_max_bytes: int


def start_upload(
    db: sqlite_utils.Database, act: Act, case_id: int, body: dict[str, Any], limits: UploadLimits
) -> dict[str, Any]:
    """Begin (or find again) the upload of a file to a case; a file the case has already is done at once."""
    case = authorized_case(db, act.actor, case_id, "document.upload")
    material = material_to_file(db, case, body.get("material"))
    if body["size"] > limits.max_bytes:
        raise ScanTooLarge(f"文件太大，上限为 {limits.max_bytes // (1024 * 1024)} MB。",
                           f"Files may have at most {limits.max_bytes} bytes.")
    stored = first(db, "select id from documents where case_id = ? and digest = ? and deleted_at is null",
                   [case_id, body["sha256"]])
    if stored is not None:
        # The same file again: nothing is sent or stored twice, but the attempt is logged.
        act.log(db, "document_upload_repeated", case_id, {"document_id": stored["id"], "sha256": body["sha256"]})
        return {"state": COMPLETE, "duplicate": True, "received": body["size"], "size": body["size"],
                "document": scan_json(db, stored["id"])}
    found = first(db, "select * from uploads where case_id = ? and sha256 = ? and state = ? order by created_at",
                  [case_id, body["sha256"], RECEIVING])
    if found is not None:
        return Upload.from_row(found).public()
    refuse_beyond_account_limit(db, act.actor, body["size"], limits.account_max_bytes)
    row = {
        "id": secrets.token_urlsafe(16), "case_id": case_id, "account_id": act.actor.id,
        "filename": clean_filename(body["filename"]), "size": body["size"], "sha256": body["sha256"],
        "material": material, "chunk_size": limits.chunk_size, "chunks": "[]", "received": 0,
        "state": RECEIVING, "document_id": None, "created_at": act.when, "updated_at": act.when,
    }
    db.table("uploads").insert(row)
    return Upload.from_row(row).public()


def refuse_beyond_account_limit(db: sqlite_utils.Database, account: Account, size: int, limit: int) -> None:
    """An account's unfinished uploads may not hold more than `limit` bytes on disk between them."""
    pending = first(db, "select coalesce(sum(size), 0) as bytes from uploads where account_id = ? and state = ?",
                    [account.id, RECEIVING])
    if pending is not None and pending["bytes"] + size > limit:
        raise Conflict(
            f"未完成的上传太多(上限共 {limit // (1024 * 1024)} MB),请先传完或等待它们过期后再上传。",
            f"Your unfinished uploads would exceed {limit} bytes: finish them first.",
            code=ErrorCode.TOO_MANY_UNFINISHED_UPLOADS,
        )


def no_such_upload() -> NotFound:
    return NotFound("找不到该上传任务（可能已过期）。", "No such upload (it may have expired).")


def load_upload(db: sqlite_utils.Database, account: Account, upload_id: str) -> Upload:
    """An upload of a case the account may upload to, or NotFound."""
    row = first(db, "select * from uploads where id = ?", [upload_id])
    if row is None:
        raise no_such_upload()
    authorized_case(db, account, row["case_id"], "document.upload")
    return Upload.from_row(row)


def upload_ended(upload: Upload, message: str) -> Conflict:
    """The refusal of anything sent to an upload no longer receiving: upload_complete, _refused or _expired."""
    return Conflict(message, f"The upload is {upload.state}.", code=ENDED[upload.state])


def check_offset(upload: Upload, offset: int) -> None:
    """A chunk may start where the confirmed bytes end, or where one in flight before it ends."""
    if upload.state != RECEIVING:
        raise upload_ended(upload, "该上传已经结束。")
    ahead = offset - upload.received
    if ahead < 0 or ahead >= CHUNKS_IN_FLIGHT * upload.chunk_size or offset >= upload.size:
        raise offset_mismatch(upload.received)


def offset_mismatch(received: int) -> UploadOffsetMismatch:
    """The answer that sends the client to ask where to go on from."""
    return UploadOffsetMismatch(
        f"服务器已收到 {received} 字节，请从该位置继续。",
        f"The server has {received} bytes: continue from there.",
    )


def record_chunk(
    db: sqlite_utils.Database, account: Account, upload_id: str, offset: int, digest: str, length: int,
    at: datetime,
) -> Upload:
    """Confirm a chunk stored on disk: the offset moves forward (chunks are confirmed in order)."""
    upload = load_upload(db, account, upload_id)
    check_offset(upload, offset)
    if offset != upload.received:
        raise offset_mismatch(upload.received)
    confirmed = replace(upload, chunks=(*upload.chunks, digest), received=offset + length)
    # One statement, not sqlite_utils' update: this runs for every chunk, on the one writer thread.
    db.execute("update uploads set chunks = ?, received = ?, updated_at = ? where id = ?",
               [json.dumps(confirmed.chunks), confirmed.received, at.isoformat(), upload_id])
    return confirmed


def confirmed_offset(db: sqlite_utils.Database, upload_id: str) -> int:
    """The bytes of the upload confirmed so far (for a chunk whose request was authorized already)."""
    row = first(db, "select received from uploads where id = ?", [upload_id])
    if row is None:
        raise no_such_upload()
    return int(row["received"])


def refuse_upload(db: sqlite_utils.Database, act: Act, upload: Upload, error: CunnengError) -> None:
    """Mark an upload refused at completion and log why; its bytes are discarded by the caller."""
    db.table("uploads").update(upload.id, {"state": REFUSED, "updated_at": act.when})
    act.log(db, "document_upload_refused", upload.case_id, {
        "upload_id": upload.id, "filename": upload.filename, "sha256": upload.sha256, "reason": error.code,
    })


def complete_upload(db: sqlite_utils.Database, upload_id: str, document_id: int, at: datetime) -> None:
    db.table("uploads").update(upload_id, {
        "state": COMPLETE, "document_id": document_id, "updated_at": at.isoformat(),
    })


def expire_uploads(db: sqlite_utils.Database, before: datetime) -> list[str]:
    """Mark uploads untouched since `before` expired; their ids, for removing their bytes."""
    stale = [r["id"] for r in rows(db, "select id from uploads where state = ? and updated_at < ?",
                                   [RECEIVING, before.isoformat()])]
    for upload_id in stale:
        db.table("uploads").update(upload_id, {"state": EXPIRED})
    return stale


def live_upload_ids(db: sqlite_utils.Database) -> set[str]:
    """Uploads still receiving (their bytes must be kept)."""
    return {r["id"] for r in rows(db, "select id from uploads where state = ?", [RECEIVING])}
