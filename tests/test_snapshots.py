"""截图: a still of a live call, marked for the taker, tied to its audit event, re-marked per viewer."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from PIL import Image

from .call_support import recorded_call
from .mark_support import hidden_id, leaked, registered, taken_snapshot, town_snapshot
from .retention_support import on_disk, purge
from .support import RunningServer, in_pieces, open_demo_case
from .test_calls import connected_call


def database(server: RunningServer) -> sqlite3.Connection:
    connection = sqlite3.connect(server.data_dir / "cunneng.db")
    connection.row_factory = sqlite3.Row
    return connection


async def test_a_snapshot_is_marked_for_its_taker_and_tied_to_its_audit_event(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        town, taken = await town_snapshot(calls_server, village, approver)
        assert taken.status == 201, taken.body
        status, png = await town.get_bytes(taken.body["image_url"])
        assert status == 200
        with Image.open(io.BytesIO(png)) as still:
            assert still.size == (640, 480)  # the 320×240 camera enlarged for legible marks
            centre = still.convert("RGB").crop((240, 180, 400, 300)).resize((1, 1), Image.Resampling.BOX)
            red, green, blue = centre.getpixel((0, 0))  # type: ignore[misc]
            assert red > green + 80 and red > blue + 80  # the village camera's red square, under the marks
        mark_id = hidden_id(png)
        assert mark_id is not None
        with database(calls_server) as db:
            mark = db.execute("select * from marks where id = ?", [mark_id]).fetchone()
            event = db.execute("select * from audit_events where seq = ?", [mark["audit_seq"]]).fetchone()
        assert (mark["username"], mark["what"], mark["document_id"]) == ("town-yb", "live_still",
                                                                         taken.body["document"]["id"])
        assert event["action"] == "snapshot_taken" and str(mark_id) in event["detail"]
        documents = (await town.get(f"/api/cases/{case['id']}/documents")).body
        assert [d["kind"] for d in documents] == ["snapshot"]


async def test_a_snapshot_reaches_the_others_case_views_at_once(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        _, taken = await town_snapshot(calls_server, village, approver)
        pushed = await village.connection.expect("case.event", case_id=case["id"], event="snapshot_taken")
        assert pushed["document"]["id"] == taken.body["document"]["id"]


async def test_someone_else_opening_a_snapshot_gets_their_own_mark(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, _):
        town, taken = await town_snapshot(calls_server, village, approver)
        district = await calls_server.login("district")
        _, theirs = await district.get_bytes(taken.body["image_url"])
        _, again = await district.get_bytes(taken.body["image_url"])
        _, mine = await town.get_bytes(taken.body["image_url"])
        assert hidden_id(theirs) not in (None, hidden_id(mine))
        assert hidden_id(again) == hidden_id(theirs)  # one mark per viewer and day
        assert registered(calls_server, hidden_id(theirs)) == ("district", "snapshot_copy")


async def test_only_approvers_who_see_the_case_take_snapshots_of_people_in_a_live_call(
        calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, _):
        await approver.wait_for_video(village.account_id, frames=2)
        body = {"participant_id": village.account_id}
        clerk = await calls_server.login("clerk-yb1")
        assert (await clerk.post(f"/api/calls/{village.call_id}/snapshot", body)).status == 403
        other_town = await calls_server.login("town-wj")
        assert (await other_town.post(f"/api/calls/{village.call_id}/snapshot", body)).status in (403, 404)
        town = await calls_server.login("town-yb")
        absent = await town.post(f"/api/calls/{village.call_id}/snapshot", {"participant_id": "99999"})
        assert absent.status == 404 and absent.body["message"] == "此人不在通话中。"
        await village.hang_up()
        await approver.wait_ended()
        ended = await town.post(f"/api/calls/{village.call_id}/snapshot", body)
        assert ended.status == 409 and ended.body["error"] == "call_not_live"


async def test_an_auditor_traces_a_leaked_snapshot_to_its_taker(calls_server: RunningServer) -> None:
    picture = leaked(await taken_snapshot(calls_server))
    auditor = await calls_server.login("auditor")
    traced = await auditor.post("/api/trace", data=in_pieces(picture))
    assert traced.status == 200, traced.body
    trace = traced.body["trace"]
    assert (trace["username"], trace["what"]) == ("town-yb", "live_still")
    assert trace["audit_event"]["action"] == "snapshot_taken"
    clean = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 180, 160)).save(clean, "PNG")
    assert (await auditor.post("/api/trace", data=clean.getvalue())).body == {"mark_id": None, "trace": None}
    unreadable = await auditor.post("/api/trace", data=b"not a picture")
    assert unreadable.status == 400 and unreadable.body["error"] == "unreadable_image"
    clerk = await calls_server.login("clerk-yb1")
    assert (await clerk.post("/api/trace", data=picture)).status == 403
    timeline = [e["action"] for e in (await auditor.get(f"/api/cases/{trace['case_id']}/timeline")).body]
    assert "mark_traced" in timeline


async def test_the_extract_command_names_the_viewer_from_the_servers_register(
        calls_server: RunningServer, tmp_path: Path) -> None:
    leak = tmp_path / "leak.jpg"
    leak.write_bytes(leaked(await taken_snapshot(calls_server)))
    command = [sys.executable, "-m", "signaling.cli", "watermark", "extract", str(leak),
               "--data-dir", str(calls_server.data_dir)]
    run = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("id ") and "元坝镇窗口 刘芳 (town-yb)" in run.stdout
    assert "snapshot_taken" in run.stdout


async def test_an_auditor_takes_a_marked_snapshot_of_a_recording(calls_server: RunningServer) -> None:
    case = await open_demo_case(await calls_server.login("clerk-yb1"))
    village, approver, _ = await recorded_call(calls_server.base, case["id"], 4.0)
    await village.close()
    await approver.close()
    auditor = await calls_server.login("auditor")
    recording = (await auditor.get(f"/api/cases/{case['id']}/recordings")).body[0]
    taken = await auditor.post(f"/api/recordings/{recording['id']}/snapshot", {"at": 2.0})
    assert taken.status == 201, taken.body
    _, png = await auditor.get_bytes(taken.body["image_url"])
    mark_id = hidden_id(png)
    assert mark_id is not None
    with database(calls_server) as db:
        mark = db.execute("select username, what, recording_id, audit_seq from marks where id = ?",
                          [mark_id]).fetchone()
        event = db.execute("select detail from audit_events where seq = ?", [mark["audit_seq"]]).fetchone()
    assert tuple(mark)[:3] == ("auditor", "recording_still", recording["id"])
    assert json.loads(event["detail"]) == {  # the audit event names the recording, its call and the second
        "mark": mark_id, "what": "recording_still", "document_id": taken.body["document"]["id"],
        "recording_id": recording["id"], "call_id": recording["call_id"], "seconds": 2.0}
    late = await auditor.post(f"/api/recordings/{recording['id']}/snapshot", {"at": 3600})
    assert late.status == 400 and late.body["error"] == "no_picture"
    other_village = await calls_server.login("clerk-yb2")
    assert (await other_village.post(f"/api/recordings/{recording['id']}/snapshot", {"at": 1})).status in (403, 404)


async def test_a_snapshot_and_its_clean_still_go_when_documents_do(calls_server: RunningServer) -> None:
    await taken_snapshot(calls_server)
    with database(calls_server) as db:
        kept = db.execute("select id, digest, source_digest from documents where kind = 'snapshot'").fetchone()
    assert on_disk(calls_server, kept["digest"]) and on_disk(calls_server, kept["source_digest"])
    calls_server.clock.advance(days=91)
    report = await purge(calls_server)
    assert [e.stored.row_id for e in report.deleted] == [kept["id"]]
    assert not on_disk(calls_server, kept["digest"]) and not on_disk(calls_server, kept["source_digest"])
