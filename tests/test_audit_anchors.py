"""The audit log's end anchored outside the database (#18): the head file, signed checkpoints, issued documents.

Cutting the tail went unnoticed in three of four ways: cut it and delete the head file,
cut it and put back an older head file, or cut it and let the server log on (the head
file then moved past the cut). Each is found now, and a document in a villager's hands
finds a cut even when every file on the server was rewritten.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pypdfium2 as pdfium

from .support import start_server
from .test_audit import busy_server, events, verify


def cut_from(data: Path, seq: int) -> None:
    with events(data) as db:
        db.execute("delete from audit_events where seq >= ?", [seq])


def last_seq(data: Path) -> int:
    with events(data) as db:
        return int(db.execute("select max(seq) from audit_events").fetchone()[0])


async def a_day_of_work(data: Path) -> None:
    server = await start_server(data)
    try:
        await busy_server(server)
    finally:
        await server.close()


async def test_cutting_the_tail_and_deleting_the_head_file_is_found(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await a_day_of_work(data)
    last = last_seq(data)
    cut_from(data, last - 2)
    (data / "audit-head.json").unlink()

    result = verify(data)
    assert result.returncode == 1, result.stdout
    assert f"events #{last - 2}..#{last} were cut off the end (the checkpoint signed at" in result.stdout


async def test_putting_back_an_older_head_file_is_found(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await a_day_of_work(data)
    older = (data / "audit-head.json").read_bytes()
    await a_day_of_work(data)
    cut_from(data, json.loads(older)["seq"] + 1)
    (data / "audit-head.json").write_bytes(older)

    result = verify(data)
    assert result.returncode == 1, result.stdout
    assert "were cut off the end (the checkpoint signed at" in result.stdout


async def test_cutting_the_tail_then_logging_on_is_found(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await a_day_of_work(data)
    last = last_seq(data)
    cut_from(data, last - 2)
    await a_day_of_work(data)  # the server logs on past the cut
    assert last_seq(data) - (last - 3) >= 6

    result = verify(data)
    assert result.returncode == 1, result.stdout
    assert f"event #{last} is not the one" in result.stdout
    assert f"the log was cut at or before #{last} and written again" in result.stdout


async def test_an_issued_document_pins_the_log_even_when_every_file_on_the_server_is_rewritten(
        tmp_path: Path) -> None:
    from eseal import audit_anchor_of  # pyHanko

    data = tmp_path / "data"
    server = await start_server(data)
    try:
        clerk = await server.login("clerk-yb1")
        await busy_server(server)
        [issued] = [d for d in (await clerk.get("/api/cases/1/documents")).body if d["kind"] == "approval"]
        status, pdf = await clerk.get_bytes(f"/api/documents/{issued['id']}/file")
        assert status == 200
    finally:
        await server.close()
    certificate = tmp_path / "审批决定书.pdf"
    certificate.write_bytes(pdf)
    anchor = audit_anchor_of(pdf)
    assert anchor is not None and anchor.seq < last_seq(data)
    printed = "".join(pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range().split())
    assert f"审计链第{anchor.seq}条{anchor.hash}" in printed  # on the paper, not only in the metadata
    held = verify(data, "--document", str(certificate))
    assert held.returncode == 0 and f"document 审批决定书.pdf (#{anchor.seq})" in held.stdout, held.stdout

    cut_from(data, anchor.seq)  # and every record on the server that would show it
    (data / "audit-head.json").unlink()
    shutil.rmtree(data / "audit-checkpoints")
    assert verify(data).returncode == 0  # what no record on the server can show
    result = verify(data, "--document", str(certificate))
    assert result.returncode == 1
    assert f"cut off the end (document 审批决定书.pdf vouches for #{anchor.seq})" in result.stdout

    forged = tmp_path / "forged.pdf"
    forged.write_bytes(pdf.replace(f"cunneng-audit-head:{anchor.seq}:".encode(),
                                   f"cunneng-audit-head:{anchor.seq - 1}:".encode()))
    result = verify(data, "--document", str(forged))
    assert result.returncode == 1 and "forged.pdf: its signatures do not verify" in result.stdout


async def test_an_altered_checkpoint_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await a_day_of_work(data)
    [newest] = sorted((data / "audit-checkpoints").glob("*.json"))[-1:]
    body = json.loads(newest.read_text())
    newest.write_text(json.dumps({**body, "seq": body["seq"] + 5}))

    result = verify(data)
    assert result.returncode == 1
    assert f"checkpoint {newest.name} does not verify" in result.stdout
