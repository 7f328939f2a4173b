"""痕迹管理: the audit chain, and `cunneng audit verify` naming the first tampered event."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from .support import RunningServer, open_demo_case


def verify(data_dir: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "signaling.cli", "audit", "verify", "--data-dir", str(data_dir), *options],
        capture_output=True, text=True, timeout=60,
    )


async def busy_server(server: RunningServer) -> None:
    """Some real history: logins, a case opened, reviewed, approved and viewed."""
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await approver.post(f"/api/cases/{case['id']}/actions/start_review", {})
    await approver.get(f"/api/cases/{case['id']}")
    await approver.post(f"/api/cases/{case['id']}/actions/approve", {})


def events(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "cunneng.db")


async def test_an_untouched_chain_verifies(server: RunningServer) -> None:
    await busy_server(server)
    result = verify(server.data_dir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "chain intact" in result.stdout


async def test_editing_an_event_is_named(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        db.execute("update audit_events set actor = '某人' where action = 'case_start_review'")
        seq = db.execute("select seq from audit_events where action = 'case_start_review'").fetchone()[0]
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{seq} altered" in result.stdout


async def test_deleting_an_event_is_named(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        seq = db.execute("select seq from audit_events where action = 'case_viewed'").fetchone()[0]
        db.execute("delete from audit_events where seq = ?", [seq])
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{seq} missing" in result.stdout


async def test_deleting_and_renumbering_is_still_found(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        seq = db.execute("select seq from audit_events where action = 'case_viewed'").fetchone()[0]
        db.execute("delete from audit_events where seq = ?", [seq])
        db.execute("update audit_events set seq = seq - 1 where seq > ?", [seq])
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{seq} missing" in result.stdout


async def test_inserting_an_event_is_named(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        seq = db.execute("select seq from audit_events where action = 'case_viewed'").fetchone()[0]
        db.execute("update audit_events set seq = -seq - 1 where seq >= ?", [seq])
        db.execute("update audit_events set seq = -seq where seq < 0")
        row = db.execute("select * from audit_events where seq = ?", [seq - 1]).fetchone()
        forged = list(row)
        forged[0], forged[6] = seq, "case_refuse"
        db.execute(f"insert into audit_events values ({','.join('?' * len(forged))})", forged)
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{seq} inserted" in result.stdout


async def test_cutting_events_off_the_end_is_named(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        last = db.execute("select max(seq) from audit_events").fetchone()[0]
        db.execute("delete from audit_events where seq >= ?", [last - 1])
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{last - 1} missing" in result.stdout


async def test_appending_a_forged_event_is_named(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        row = list(db.execute("select * from audit_events order by seq desc limit 1").fetchone())
        row[0], row[9], row[10] = row[0] + 1, row[10], "f" * 64
        db.execute(f"insert into audit_events values ({','.join('?' * len(row))})", row)
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{row[0]} inserted" in result.stdout


@pytest.mark.parametrize("column,value", [("detail", '{"from":"received"}'), ("at", "2020-01-01T00:00:00+00:00")])
async def test_any_field_counts(server: RunningServer, column: str, value: str) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        db.execute(f"update audit_events set {column} = ? where seq = 3", [value])
    result = verify(server.data_dir)
    assert "event #3 altered" in result.stdout


async def test_the_case_timeline_lists_its_events_in_order(server: RunningServer) -> None:
    await busy_server(server)
    approver = await server.login("town-yb")
    case_id = (await approver.get("/api/cases")).body[0]["id"]
    timeline = (await approver.get(f"/api/cases/{case_id}/timeline")).body
    actions = [event["action"] for event in timeline]
    assert actions[:4] == ["case_opened", "case_start_review", "case_viewed", "case_approve"]
    assert [e["seq"] for e in timeline] == sorted(e["seq"] for e in timeline)
    assert timeline[0]["actor"] == "泉坝村窗口 赵兰" and timeline[0]["role"] == "village_clerk"


async def test_a_case_redrawn_again_and_again_is_logged_viewed_once_per_ten_minutes(server: RunningServer) -> None:
    """The pages redraw a case on every live event: the log keeps who looked and when, not every redraw."""
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)

    def views() -> list[str]:
        with events(server.data_dir) as db:
            return [row[0] for row in db.execute(
                "select actor from audit_events where action = 'case_viewed' and case_id = ? order by seq",
                [case["id"]])]

    for _ in range(3):
        assert (await approver.get(f"/api/cases/{case['id']}")).status == 200
    server.clock.advance(minutes=9, seconds=59)
    await approver.get(f"/api/cases/{case['id']}")
    await clerk.get(f"/api/cases/{case['id']}")
    assert len(views()) == 2 and views()[0] != views()[1]
    server.clock.advance(seconds=1)
    await approver.get(f"/api/cases/{case['id']}")
    assert len(views()) == 3 and views()[2] == views()[0]
