"""限时办结 through the API: the clock stops while the villager owes materials, the State Council's
calendar counts, 即将超期 is flagged, and the admin loads a year's calendar (API and CLI)."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from .support import FakeClock, RunningServer, open_demo_case, start_server

MATERIALS = {"materials": [{"name": "户口簿", "form": "original", "count": 1}]}


async def test_a_supplement_wait_moves_the_due_date_by_exactly_the_working_days_waited(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk, "T-MZ-002")  # 5 working days, opened Monday 2026-11-23
    assert case["due_at"] == "2026-11-30T15:59:59+00:00"
    path = f"/api/cases/{case['id']}"
    await town.post(f"{path}/actions/start_review", {})
    asked = await town.post(f"{path}/actions/request_supplement", MATERIALS)
    assert asked.body["clock_stopped"] is True and asked.body["due_at"] == case["due_at"]
    server.clock.advance(days=9)  # Wednesday 2 December: 7 working days later (24–27, 30, 1, 2)
    clerk = await server.login("clerk-yb1")
    assert (await clerk.get("/api/cases")).body[0]["overdue"] is False  # its clock stood still
    back = await clerk.post(f"{path}/actions/submit_supplement", {})
    assert back.status == 200, back.body
    assert back.body["due_at"] == "2026-12-09T15:59:59+00:00"  # Monday 30 Nov + 7 working days
    assert back.body["waited_days"] == 7 and back.body["clock_stopped"] is False
    timeline = (await clerk.get(f"{path}/timeline")).body
    resubmitted = [e for e in timeline if e["action"] == "case_submit_supplement"][0]
    assert resubmitted["detail"]["due_at"] == "2026-12-09T15:59:59+00:00"


async def test_national_day_and_its_working_saturday_count_as_the_state_council_says(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc))  # Wednesday before National Day
    server = await start_server(tmp_path / "data", clock)
    try:
        clerk = await server.login("clerk-yb1")
        one_day = await open_demo_case(clerk, "T-RS-001")
        assert one_day["due_at"] == "2026-10-08T15:59:59+00:00"  # 1–7 October are holidays
        five_days = await open_demo_case(clerk, "T-MZ-002")
        assert five_days["due_at"] == "2026-10-13T15:59:59+00:00"  # 8, 9, 10 (the Saturday worked), 12, 13
    finally:
        await server.close()


async def test_a_case_due_within_one_working_day_is_flagged_in_every_list(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk, "T-MZ-002")  # due Monday 30 November
    assert case["due_soon"] is False
    server.clock.advance(days=4)  # Friday: due by the end of the next working day
    for user in ("clerk-yb1", "town-yb", "auditor"):
        listed = (await (await server.login(user)).get("/api/cases")).body
        assert [c["due_soon"] for c in listed if c["id"] == case["id"]] == [True], user
    town = await server.login("town-yb")
    assert (await town.get(f"/api/cases/{case['id']}")).body["due_soon"] is True
    server.clock.advance(days=3, hours=14)  # Tuesday 1 December: late, no longer "soon"
    late = (await (await server.login("town-yb")).get(f"/api/cases/{case['id']}")).body
    assert (late["overdue"], late["due_soon"]) == (True, False)


async def test_the_admin_loads_a_years_calendar_and_it_counts_at_once(server: RunningServer) -> None:
    admin, clerk = await server.login("admin"), await server.login("clerk-yb1")
    shipped = (await admin.get("/api/calendar")).body
    assert set(shipped) >= {"2026", "2027"} and shipped["2027"]["provisional"] is True
    year = {"year": 2026, "source": "县里调整", "holidays": [{"date": "2026-11-24", "name": "县庆"}],
            "workdays": []}
    assert (await clerk.put("/api/calendar/2026", year)).status == 403
    wrong = await admin.put("/api/calendar/2026", {**year, "workdays": [{"date": "2026-11-25", "name": "x"}]})
    assert wrong.status == 400 and "不是周末" in wrong.body["message"]
    assert (await admin.put("/api/calendar/2027", year)).status == 400  # the path names another year
    loaded = await admin.put("/api/calendar/2026", year)
    assert loaded.status == 200 and loaded.body["holidays"] == [{"date": "2026-11-24", "name": "县庆"}]
    case = await open_demo_case(clerk, "T-RS-001")  # Monday; Tuesday is now off
    assert case["due_at"] == "2026-11-25T15:59:59+00:00"


async def test_cunneng_holidays_load_replaces_a_year(tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = await start_server(data)
    await server.close()
    calendar = tmp_path / "2027.json"
    calendar.write_text(json.dumps({"year": 2027, "source": "国务院办公厅 2027 通知",
                                    "holidays": [{"date": "2027-01-01", "name": "元旦"}],
                                    "workdays": [{"date": "2027-01-02", "name": "调休上班"}]}), "utf-8")
    loaded = await run_cli("holidays", "load", str(calendar), "--data-dir", str(data))
    assert loaded == (0, "ok: 2027 — 1 holidays 放假， 1 working weekend days 调休上班\n")
    calendar.write_text('{"year": 2027, "holidays": [', "utf-8")
    code, _ = await run_cli("holidays", "load", str(calendar), "--data-dir", str(data))
    assert code == 2
    server = await start_server(data)
    try:
        years = (await (await server.login("admin")).get("/api/calendar")).body
        assert years["2027"]["workdays"] == [{"date": "2027-01-02", "name": "调休上班"}]
        assert years["2027"]["provisional"] is False
    finally:
        await server.close()


async def run_cli(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling.cli", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()
