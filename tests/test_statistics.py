"""工作量统计 (#20): the figures against a hand-counted fixture, who sees what, CSV, PDF, bad input."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from signaling.appkeys import DATABASE
from signaling.cases import holidays
from signaling.cases.holidays import work_calendar
from signaling.statistics.rollup import rebuild

from .stats_fixture import BAD_COMMENT, build
from .support import RunningServer, open_demo_case, start_server

NOVEMBER = "period=month&from=2026-11-01&to=2026-11-30"


def group(found: dict[str, Any], key: str) -> dict[str, Any]:
    return next(g for g in found["groups"] if g["key"] == key)


async def test_the_figures_equal_the_hand_count(server: RunningServer) -> None:
    cases = await build(server)
    auditor = await server.login("auditor")
    found = (await auditor.get(f"/api/statistics?{NOVEMBER}&unit=zh")).body
    total = found["total"]
    assert found["by"] == "town" and found["counted_from"] == "2026-11-01"
    assert (total["opened"], total["decided"], total["closed"]) == (4, 2, 1)
    assert total["outcomes"] == {"approved": 1, "refused": 1, "withdrawn": 0, "awaiting_supplement": 1,
                                 "in_progress": 1}
    # A decided the day it was opened (0 working days), B on Thursday (3): median 1.5, p90 2.7
    assert (total["handling_days_median"], total["handling_days_p90"]) == (1.5, 2.7)
    assert (total["overdue"], total["overdue_rate"]) == (1, 0.25)  # B, decided after its limit
    assert (total["supplemented"], total["supplement_rate"]) == (1, 0.25)
    assert (total["calls"], total["calls_held"], total["call_minutes_total"], total["call_minutes_median"]) == (
        2, 1, 2.0, 2)
    assert (total["ratings"], total["rating_mean"], total["bad_ratings"], total["bad_share"]) == (1, 1, 1, 1.0)
    assert found["bad_comments"] == [{"case_id": cases["a"]["id"], "day": "2026-11-23", "rating": 1,
                                      "comment": BAD_COMMENT, "village_id": "zh-yb-01", "village_name": "泉坝村"}]
    assert found["call_hours"][0][10] == 2 and sum(map(sum, found["call_hours"])) == 2  # Monday, 10 o'clock
    assert group(found, "zh-yb")["opened"] == 3 and group(found, "zh-wj")["opened"] == 1
    assert [p["label"] for p in found["periods"]] == ["2026年11月"]
    by_approver = (await auditor.get(f"/api/statistics?{NOVEMBER}&unit=zh-yb&by=approver")).body
    assert [(g["name"], g["decided"]) for g in by_approver["groups"]] == [("元坝镇窗口 刘芳", 2)]
    by_item = (await auditor.get(f"/api/statistics?{NOVEMBER}&by=item")).body
    assert {g["key"]: g["opened"] for g in by_item["groups"]} == {"T-RS-001": 3, "T-MZ-002": 1}
    one_item = (await auditor.get(f"/api/statistics?{NOVEMBER}&item=T-MZ-002")).body
    assert one_item["total"]["opened"] == 1 and one_item["item_name"] == "临时救助（我家遇到急难，要申请临时救助）"
    weeks = (await auditor.get("/api/statistics?period=week&from=2026-11-23&to=2026-11-29")).body
    assert weeks["total"]["opened"] == 4 and weeks["periods"][0]["key"] == "2026-11-23"

    server.clock.advance(days=5)  # Tuesday 1 December: D (5 working days from 23 November) is past due
    auditor = await server.login("auditor")
    later = (await auditor.get(f"/api/statistics?{NOVEMBER}&unit=zh")).body
    assert (later["total"]["overdue"], group(later, "zh-wj")["overdue"]) == (2, 1)
    quarter = (await auditor.get("/api/statistics?period=quarter&from=2026-10-01&to=2026-12-31")).body
    assert quarter["periods"][0]["label"] == "2026年第4季度" and quarter["total"]["opened"] == 4


async def test_a_withdrawn_case_is_counted_withdrawn_not_approved(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk, "T-RS-003")
    assert (await clerk.post(f"/api/cases/{case['id']}/actions/withdraw", {"reason": "群众决定暂不办理"})).status == 200
    total = (await (await server.login("auditor")).get(f"/api/statistics?{NOVEMBER}")).body["total"]
    assert total["outcomes"] == {"approved": 0, "refused": 0, "withdrawn": 1, "awaiting_supplement": 0,
                                 "in_progress": 0}
    assert (total["opened"], total["closed"], total["decided"]) == (1, 1, 0)


async def test_the_sums_kept_by_the_workflow_equal_the_sums_made_afresh(server: RunningServer) -> None:
    await build(server)
    path = server.data_dir / "cunneng.db"

    def kept() -> list[tuple[Any, ...]]:
        with sqlite3.connect(path) as db:
            return sorted(db.execute("select * from stat_rollup where opened + decided + closed + rated + calls"
                                     " + scans != 0 or handling_days != '{}'"))

    before = kept()
    assert len(before) > 20
    await server.app[DATABASE].run(lambda db: rebuild(db, work_calendar(db)))
    assert kept() == before


async def test_each_role_sees_only_its_own_units(server: RunningServer) -> None:
    await build(server)
    town = await server.login("town-yb")
    mine = (await town.get(f"/api/statistics?{NOVEMBER}")).body
    assert mine["units"] == ["zh-yb"] and mine["total"]["opened"] == 3 and mine["by"] == "village"
    assert {g["key"] for g in mine["groups"]} == {"zh-yb-01", "zh-yb-02"}
    refused = await town.get(f"/api/statistics?{NOVEMBER}&unit=zh-wj")
    assert refused.status == 403 and "本单位" in refused.body["message"]
    clerk = await server.login("clerk-yb1")
    assert (await clerk.get(f"/api/statistics?{NOVEMBER}")).body["total"]["opened"] == 2
    assert (await clerk.get(f"/api/statistics?{NOVEMBER}&unit=zh-yb")).status == 403
    reviewer = await server.login("dept-civil")  # D's item is reviewed by 民政, but D was never sent to it
    assert (await reviewer.get(f"/api/statistics?{NOVEMBER}")).body["total"]["opened"] == 0
    admin = await server.login("admin")
    assert (await admin.get(f"/api/statistics?{NOVEMBER}")).body["total"]["opened"] == 4
    assert (await server.anonymous().get(f"/api/statistics?{NOVEMBER}")).status == 401


async def test_the_csv_is_the_pages_table_with_a_bom_and_no_formula(server: RunningServer) -> None:
    await build(server)
    auditor = await server.login("auditor")
    found = (await auditor.get(f"/api/statistics?{NOVEMBER}")).body
    for name, table in found["tables"].items():
        status, body = await auditor.get_bytes(f"/api/statistics.csv?{NOVEMBER}&table={name}")
        assert status == 200 and body.startswith("\ufeff".encode())
        parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert parsed[0] == table["columns"]
        if name != "bad_comments":
            assert parsed[1:] == table["rows"]
    comments = list(csv.reader(io.StringIO((await auditor.get_bytes(
        f"/api/statistics.csv?{NOVEMBER}&table=bad_comments"))[1].decode("utf-8-sig"))))
    assert comments[1][-1] == "'" + BAD_COMMENT  # neutralised as the ledger does
    assert found["tables"]["groups"]["rows"][-1][:2] == ["合计", "4"]


async def test_the_monthly_report_prints(server: RunningServer) -> None:
    await build(server)
    status, pdf = await (await server.login("town-yb")).get_bytes("/api/statistics.pdf?period=month&from=2026-11-23")
    assert status == 200 and pdf.startswith(b"%PDF")
    document = pdfium.PdfDocument(pdf)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "工作量统计报表" in text and "2026年11月" in text and "元坝镇" in text and "态度不好" in text
    assert "王家镇" not in text.replace("\r", "").replace("\n", "")


async def test_bad_filters_are_refused_with_a_reason(server: RunningServer) -> None:
    auditor = await server.login("auditor")
    for query, status, said in [
        ("period=day", 400, "统计周期"), ("from=2026-13-01", 400, "日期"),
        ("from=2026-12-01&to=2026-11-01", 400, "早于"),
        ("unit=nowhere", 404, "找不到单位"), ("item=NOPE", 404, "事项"), ("by=colour", 400, "分组"),
        ("period=week&from=2020-01-01&to=2026-01-01", 400, "三年"), ("unit=zh-yb-01&by=approver", 400, "审批人"),
    ]:
        reply = await auditor.get(f"/api/statistics?{query}")
        assert reply.status == status and said in reply.body["message"], (query, reply.body)
    assert (await auditor.get("/api/statistics.csv?table=nope")).status == 400
    assert (await auditor.get("/api/statistics.pdf?period=year")).status == 400


async def test_sums_made_by_an_older_version_are_made_again_at_start(tmp_path: Path) -> None:
    """A database whose sums an older version made (here: an approval too many everywhere, as
    withdrawn cases were counted before 群众撤回 had its counter) is summed afresh on upgrade."""
    server = await start_server(tmp_path / "data")
    try:
        await build(server)
    finally:
        await server.close()
    with sqlite3.connect(tmp_path / "data" / "cunneng.db") as db:
        made_with = db.execute("select value from stat_meta where key = 'made_with'").fetchone()[0]
        db.execute("update stat_rollup set approved = approved + 1")
        db.execute("delete from stat_meta where key = 'made_with'")
        db.execute("insert into stat_meta (key, value) values ('calendar', ?)",
                   [json.dumps(json.loads(made_with)["calendar"])])
    db.close()
    again = await start_server(tmp_path / "data", server.clock)
    try:
        total = (await (await again.login("auditor")).get(f"/api/statistics?{NOVEMBER}")).body["total"]
    finally:
        await again.close()
    assert total["outcomes"]["approved"] == 1 and total["opened"] == 4
    with sqlite3.connect(tmp_path / "data" / "cunneng.db") as db:
        assert [key for (key,) in db.execute("select key from stat_meta")] == ["made_with"]
    db.close()


async def test_a_new_calendar_recounts_the_handling_days_at_once_and_after_a_load_offline(tmp_path: Path) -> None:
    """B was decided on Thursday after a Monday opening: 3 working days, 2 once Tuesday is a holiday."""
    server = await start_server(tmp_path / "data")
    try:
        await build(server)
        auditor, admin = await server.login("auditor"), await server.login("admin")
        before = (await auditor.get(f"/api/statistics?{NOVEMBER}")).body["total"]
        county_day = {"year": 2026, "source": "县里调整", "holidays": [{"date": "2026-11-24", "name": "县庆"}],
                      "workdays": []}
        assert (await admin.put("/api/calendar/2026", county_day)).status == 200
        after = (await auditor.get(f"/api/statistics?{NOVEMBER}")).body["total"]
    finally:
        await server.close()
    assert (before["handling_days_median"], before["handling_days_p90"]) == (1.5, 2.7)
    assert (after["handling_days_median"], after["handling_days_p90"]) == (1.0, 1.8)
    assert after["opened"] == before["opened"] == 4
    calendar = tmp_path / "2026.json"

    def load_offline() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "signaling.cli", "holidays", "load", str(calendar),
                               "--data-dir", str(tmp_path / "data")], capture_output=True, text=True, timeout=60)

    calendar.write_text(json.dumps({**county_day, "holidays": []}), "utf-8")
    empty = load_offline()
    assert empty.returncode == 1 and "没有列出任何放假日期" in empty.stderr, empty.stderr
    shipped = Path(holidays.__file__).parent / "data" / "holidays" / "2026.json"
    calendar.write_text(shipped.read_text("utf-8"), "utf-8")
    loaded = load_offline()
    assert loaded.returncode == 0, loaded.stderr
    again = await start_server(tmp_path / "data", server.clock)
    try:
        restored = (await (await again.login("auditor")).get(f"/api/statistics?{NOVEMBER}")).body["total"]
    finally:
        await again.close()
    assert (restored["handling_days_median"], restored["handling_days_p90"]) == (1.5, 2.7)
