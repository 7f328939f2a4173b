"""The certificate names its evidence (#21): a decision taken in a recorded call names the call, and the
核验 page lists each party's recording by SHA-256 once the call has ended."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from eseal import call_named_by

from .call_support import recorded_call, sealed_recordings
from .support import RunningServer, WallClock, open_demo_case, start_server
from .test_case_package import pdf_text


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """On the wall clock: the decision's time falls inside the call's, as it does in a county."""
    running = await start_server(tmp_path / "data", clock=WallClock())
    yield running
    await running.close()


async def test_a_decision_taken_in_a_call_names_it_and_the_verify_page_its_recordings(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)

    async def approve_in_the_call(village: Any, approver: Any) -> None:
        await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
        assert (await town.post(f"/api/cases/{case['id']}/actions/approve", {})).status == 200

    village, approver, _ = await recorded_call(server.base, case["id"], 3.0, approve_in_the_call)
    await village.close()
    await approver.close()
    issued = (await clerk.get(f"/api/cases/{case['id']}/documents")).body[0]
    status, pdf = await clerk.get_bytes(f"/api/documents/{issued['id']}/file")
    assert status == 200
    recordings = await sealed_recordings(server, case["id"])
    assert call_named_by(pdf) == (recordings[0]["call_id"], ())  # issued before the recordings were sealed
    assert "本文书在通话中签发" in pdf_text(pdf)
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:
        code = db.execute("select verify_code from documents where id = ?", [issued["id"]]).fetchone()[0]
    page = (await server.anonymous().get(f"/verify/{code}")).body
    assert recordings[0]["call_id"] in page and "通话中签发" in page
    assert all(f"data-recording-sha256>{r['sha256']}<" in page for r in recordings)


async def test_a_decision_without_a_call_names_none(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
    assert (await town.post(f"/api/cases/{case['id']}/actions/approve", {})).status == 200
    issued = (await clerk.get(f"/api/cases/{case['id']}/documents")).body[0]
    pdf = (await clerk.get_bytes(f"/api/documents/{issued['id']}/file"))[1]
    assert call_named_by(pdf) is None and "视频连线" not in pdf_text(pdf)
