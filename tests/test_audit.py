"""痕迹管理: the audit chain, and `cunneng audit verify` naming the first tampered event."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from recordings.keys import load_or_create_key
from signaling.audit.chain import AuditLog
from signaling.config import Settings

from .support import RunningServer, open_demo_case, start_server


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
        seq, at = db.execute("select seq, at from audit_events where action = 'case_start_review'").fetchone()
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"FAIL event #{seq} altered: case_start_review by 某人 at {at} does not match its hash" in result.stdout


async def test_deleting_an_event_is_named(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        seq = db.execute("select seq from audit_events where action = 'case_viewed'").fetchone()[0]
        db.execute("delete from audit_events where seq = ?", [seq])
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{seq} missing: the event before #{seq + 1} (after #{seq - 1}) was removed" in result.stdout


async def test_deleting_and_renumbering_is_still_found(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        seq = db.execute("select seq from audit_events where action = 'case_viewed'").fetchone()[0]
        db.execute("delete from audit_events where seq = ?", [seq])
        db.execute("update audit_events set seq = seq - 1 where seq > ?", [seq])
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{seq} missing" in result.stdout


@pytest.mark.parametrize("before", ["case_viewed", "the last event"])
async def test_inserting_an_event_is_named(server: RunningServer, before: str) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        seq = db.execute("select seq from audit_events where action = 'case_viewed'").fetchone()[0] \
            if before == "case_viewed" else db.execute("select max(seq) from audit_events").fetchone()[0]
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
    assert f"event #{last - 1} missing: events #{last - 1}..#{last} were cut off the end" in result.stdout


async def test_appending_a_forged_event_is_named(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        row = list(db.execute("select * from audit_events order by seq desc limit 1").fetchone())
        row[0], row[9], row[10] = row[0] + 1, row[10], "f" * 64
        db.execute(f"insert into audit_events values ({','.join('?' * len(row))})", row)
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"event #{row[0]} inserted: {row[6]} by {row[3]} at {row[1]} was not written by the server" in result.stdout


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
    assert actions[:5] == ["case_opened", "notice_queued", "case_start_review", "case_viewed", "case_approve"]
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


async def test_editing_the_last_event_is_named_altered_not_inserted(server: RunningServer) -> None:
    await busy_server(server)
    with events(server.data_dir) as db:
        last = db.execute("select max(seq) from audit_events").fetchone()[0]
        db.execute("update audit_events set detail = '{}' where seq = ?", [last])
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"FAIL event #{last} altered" in result.stdout


async def test_events_cut_off_stay_missing_after_the_server_runs_again(tmp_path: Path) -> None:
    """The head only moves forward: a restart on a cut database does not forget the events cut off."""
    server = await start_server(tmp_path / "data")
    await busy_server(server)
    await server.close()
    with events(server.data_dir) as db:
        last = db.execute("select max(seq) from audit_events").fetchone()[0]
        db.execute("delete from audit_events where seq >= ?", [last - 2])
    again = await start_server(server.data_dir)
    await again.login("auditor")  # one new event, #{last - 2}, chained onto the cut database
    await again.close()
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert f"FAIL event #{last - 1} missing: events #{last - 1}..#{last} were cut off the end" in result.stdout


async def test_a_last_event_rewritten_with_the_key_differs_from_the_head(server: RunningServer) -> None:
    """Even someone holding the audit key cannot rewrite the last event unseen: the head file remembers its hash."""
    await busy_server(server)
    audit = AuditLog(load_or_create_key(Settings(data_dir=server.data_dir).keys_dir / "audit.key"), Path("unused"))
    with events(server.data_dir) as db:
        db.row_factory = sqlite3.Row
        row = dict(db.execute("select * from audit_events order by seq desc limit 1").fetchone())
        row["detail"] = '{"note":"改过"}'
        db.execute("update audit_events set detail = ?, hash = ? where seq = ?",
                   [row["detail"], audit.event_hash(row["prev_hash"], row), row["seq"]])
    result = verify(server.data_dir)
    assert result.returncode == 1
    seq = row["seq"]
    assert f"FAIL event #{seq} altered: event #{seq} is not the one the head file vouches for" in result.stdout


async def test_an_edited_head_file_is_named(server: RunningServer) -> None:
    await busy_server(server)
    head = server.data_dir / "audit-head.json"
    head.write_text(head.read_text().replace('"seq": ', '"seq": 1'))
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert result.stdout == f"FAIL audit head file {head} has a wrong MAC: it was edited\n", result.stderr


async def test_cutting_the_very_first_event_is_named(tmp_path: Path) -> None:
    """The head vouches for the chain from its first event on (here the catalog loaded on a first start)."""
    server = await start_server(tmp_path / "data", load_demo=False)
    await server.close()
    with events(server.data_dir) as db:
        first_start = [row[0] for row in db.execute("select action from audit_events")]
        assert first_start == ["catalog_loaded", "calendar_loaded", "calendar_loaded"]  # this and next year's
        db.execute("delete from audit_events")
    result = verify(server.data_dir)
    assert result.returncode == 1
    assert "FAIL event #1 missing: events #1..#3 were cut off the end" in result.stdout
