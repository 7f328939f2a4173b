"""The hand-counted fixture of the statistics tests: four cases, two calls, one 差评, through the real server.

Monday 2026-11-23 10:00 (China) the clerks of 泉坝村 and 长坪村 (元坝镇) and of 白果村 (王家镇) open
four cases; 元坝镇's window approves A the same day and asks C for a supplement; A is closed
and rated 1 with a comment written as a spreadsheet formula; B is refused on Thursday, two
days past its one-working-day limit. A's call is answered and lasts two minutes, B's rings
out. D (王家镇, 5 working days) is still running.
"""

from __future__ import annotations

from typing import Any

from signaling.access.accounts import account_from_row
from signaling.appkeys import AUDIT_LOG, DATABASE
from signaling.audit.acts import Act
from signaling.calls.call_records import answer_call, end_call, request_call
from signaling.storage.database import first

from .support import RunningServer, open_demo_case

BAD_COMMENT = '=HYPERLINK("http://x","态度不好")'
OTHER_ID = "51080219800512003X"


async def act_as(server: RunningServer, username: str) -> Act:
    row = await server.app[DATABASE].read(lambda db: first(db, "select * from accounts where username = ?",
                                                           [username]))
    return Act(account_from_row(row), server.clock(), server.app[AUDIT_LOG])


async def call(server: RunningServer, case_id: int, answered_for: float | None) -> None:
    """The village rings (the real call records); the town answers and hangs up after so many seconds."""
    database = server.app[DATABASE]
    rung = await database.run(request_call, await act_as(server, "clerk-yb1"), case_id)
    call_id = rung["call"]["id"]
    if answered_for is None:
        await database.run(end_call, await act_as(server, "clerk-yb1"), call_id, "unanswered")
        return
    await database.run(answer_call, await act_as(server, "town-yb"), call_id)
    server.clock.advance(seconds=answered_for)
    await database.run(end_call, await act_as(server, "town-yb"), call_id, "ended")


async def build(server: RunningServer) -> dict[str, Any]:
    """The four cases, by letter."""
    yb1, yb2, wj1 = [await server.login(n) for n in ("clerk-yb1", "clerk-yb2", "clerk-wj1")]
    town = await server.login("town-yb")
    a = await open_demo_case(yb1)
    b = await open_demo_case(yb1, id_number=OTHER_ID)
    c = await open_demo_case(yb2)
    d = await open_demo_case(wj1, item_code="T-MZ-002")

    async def do(case: dict[str, Any], action: str, body: dict[str, Any], who: Any = town) -> None:
        reply = await who.post(f"/api/cases/{case['id']}/actions/{action}", body)
        assert reply.status == 200, reply.body

    await do(a, "start_review", {})
    await call(server, a["id"], answered_for=120)
    await call(server, b["id"], answered_for=None)
    await do(a, "approve", {})
    await do(a, "close", {"handover": "printed"}, yb1)
    assert (await yb1.post(f"/api/cases/{a['id']}/rating", {"score": 1, "comment": BAD_COMMENT})).status == 200
    await do(c, "start_review", {})
    await do(c, "request_supplement", {"materials": [{"name": "户口簿"}]})
    server.clock.advance(days=3)  # Thursday (signed in again: a session lasts a working day)
    town = await server.login("town-yb")
    await do(b, "start_review", {}, town)
    await do(b, "refuse", {"reason": "不符合参保条件"}, town)
    return {"a": a, "b": b, "c": c, "d": d}

