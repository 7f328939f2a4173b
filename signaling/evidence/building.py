"""Writing a case's package: a ZIP of its members, each hashed as it is written, then the signed manifest.

Blocking (decrypting recordings, marking pictures, signing): the server runs it on a worker thread.
Recordings and issued documents go in exactly as stored, so their SHA-256 equals what the audit log,
the certificates and the 核验 page name; every picture (snapshots, scan pages, the chat transcript,
the mark over the offline page) is marked for the exporter with the export's mark id.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eseal import CertificateAuthority
from recordings import Archive
from recordings.exceptions import TamperedStoredFile

from ..audit.checkpoints import newest_checkpoint
from ..calls.stored_recordings import public_recording
from ..calls.transcript import transcript_png
from ..documents.issuing import public_document
from ..documents.listing import SCAN
from ..marks.pictures import marked_still, screen_mark
from ..scans.formats import BY_CONTENT_TYPE
from ..scans.tiles import PageSource, TileService
from .contents import CaseContents, event_json, is_snapshot, shown_event
from .manifest import EVENTS, MANIFEST, SIGNATURE, SIGNER, Member, manifest_bytes
from .offline_page import STATIC, data_script, player_script

STORED_ALREADY_COMPRESSED = (".webm", ".png", ".jpg", ".pdf")


class PackageWriter:
    """The ZIP being written, and the manifest entry of each member added."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", allowZip64=True)
        self.members: list[Member] = []

    def add(self, name: str, pieces: Iterable[bytes]) -> Member:
        """Write one member from its pieces, hashing as it goes."""
        compression = zipfile.ZIP_STORED if name.endswith(STORED_ALREADY_COMPRESSED) else zipfile.ZIP_DEFLATED
        info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = compression
        hasher, size = hashlib.sha256(), 0
        with self.zip.open(info, "w", force_zip64=True) as out:
            for piece in pieces:
                hasher.update(piece)
                size += len(piece)
                out.write(piece)
        member = Member(name, hasher.hexdigest(), size)
        self.members.append(member)
        return member

    def add_bytes(self, name: str, data: bytes) -> Member:
        return self.add(name, [data])

    def sign(self, manifest: bytes, authority: CertificateAuthority) -> None:
        """Add the manifest and its detached signature, and close the file."""
        from eseal import sign_detached  # pyHanko, loaded by the first package (idle memory, #9)

        self.zip.writestr(MANIFEST, manifest, zipfile.ZIP_DEFLATED)
        self.zip.writestr(SIGNATURE, sign_detached(manifest, authority.credentials_for(SIGNER)))
        self.zip.close()


def build_package(contents: CaseContents, out: Path, archive: Archive, tiles: TileService,
                  authority: CertificateAuthority, checkpoints_dir: Path) -> None:
    """Write the case's package to out (blocking)."""
    writer = PackageWriter(out)
    try:
        page: dict[str, Any] = {"recordings": _recordings(writer, contents, archive)}
        page |= _documents(writer, contents, archive, tiles)
        page["messages"] = _chat(writer, contents)
        events = [event_json(row) for row in contents.events]
        writer.add_bytes(EVENTS, json.dumps(events, ensure_ascii=False, indent=1).encode())
        checkpoint = newest_checkpoint(checkpoints_dir)
        if checkpoint is not None:
            writer.add_bytes("audit/checkpoint.json", checkpoint.read_bytes())
        _offline_page(writer, contents, page)
        writer.sign(manifest_bytes(_about(contents), writer.members, events, contents.head), authority)
    except BaseException:
        writer.zip.close()
        out.unlink(missing_ok=True)
        raise


def drop_unfinished_packages(folder: Path) -> int:
    """A package lives in folder only while its request builds it: at start, what is there a crash left."""
    left = list(folder.glob("*.zip")) if folder.is_dir() else []
    for path in left:
        path.unlink(missing_ok=True)
    return len(left)


def _about(contents: CaseContents) -> dict[str, Any]:
    case = contents.case
    return {"case": {"id": case["id"], "number": case["number"], "titles": contents.titles, "state": case["state"]},
            "exported_at": contents.exported_at, "exported_by": contents.exporter, "mark_id": contents.mark.mark_id}


def _stored(archive: Archive, digest: str) -> Iterable[bytes]:
    """A stored file's plaintext in chunks; TamperedStoredFile if it no longer has its SHA-256."""
    hasher = hashlib.sha256()
    with archive.reader(digest) as reader:
        for piece in reader.iter_range(0, reader.size):
            hasher.update(piece)
            yield piece
    if hasher.hexdigest() != digest:
        raise TamperedStoredFile(f"{digest}: plaintext has SHA-256 {hasher.hexdigest()}")


def _recordings(writer: PackageWriter, contents: CaseContents, archive: Archive) -> list[dict[str, Any]]:
    listed = []
    for row in contents.recordings:
        path = f"recordings/{row['call_id']}-{row['party_id']}-{row['segment']}.webm"
        writer.add(path, _stored(archive, row["digest"]))
        listed.append({**public_recording(row), "path": path})
    return listed


def _documents(writer: PackageWriter, contents: CaseContents, archive: Archive,
               tiles: TileService) -> dict[str, list[dict[str, Any]]]:
    files, snapshots = [], []
    for row in contents.documents:
        shown = public_document(row)
        if is_snapshot(row):
            member = writer.add_bytes(f"snapshots/{row['id']}.png",
                                      marked_still(archive.read(row["source_digest"]), contents.mark))
            snapshots.append({"path": member.path, "name": row["filename"], "sha256": member.sha256})
            continue
        if row["kind"] == SCAN:
            member = _marked_scan(writer, contents, row, tiles)
        else:
            member = writer.add(f"documents/{row['id']}.pdf", _stored(archive, row["digest"]))
        files.append({"path": member.path, "name": row["filename"], "kind_name": shown["kind_name"],
                      "sha256": member.sha256})
    return {"files": files, "snapshots": snapshots}


def _marked_scan(writer: PackageWriter, contents: CaseContents, row: dict[str, Any], tiles: TileService) -> Member:
    scan_format = BY_CONTENT_TYPE[row["content_type"]]
    sources = [PageSource(row["digest"], scan_format, index, page, contents.mark)
               for index, page in enumerate(contents.scan_pages[row["id"]])]
    body, content_type = tiles.marked_copy(sources)
    return writer.add_bytes(f"scans/{row['id']}" + (".jpg" if content_type == "image/jpeg" else ".pdf"), body)


def _chat(writer: PackageWriter, contents: CaseContents) -> list[dict[str, Any]]:
    messages = contents.messages
    writer.add_bytes("chat/messages.json", json.dumps(messages, ensure_ascii=False, indent=1).encode())
    writer.add_bytes("chat/transcript.png", transcript_png(contents.case["number"], messages, contents.mark))
    return messages


def _offline_page(writer: PackageWriter, contents: CaseContents, page: dict[str, Any]) -> None:
    for name, source in STATIC.items():
        writer.add_bytes(name, source.read_bytes())
    writer.add_bytes("page/mark.png", screen_mark(contents.mark))
    writer.add_bytes("page/player.js", player_script().encode())
    data = {**_about(contents), "head": {"seq": contents.head[0], "hash": contents.head[1]},
            "events": [shown_event(row) for row in contents.events], **page}
    writer.add_bytes("page/data.js", data_script(data).encode())
