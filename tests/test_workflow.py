"""Every allowed and every refused transition of the case workflow, through the real API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .support import ApiClient, RunningServer, open_demo_case

ACTIONS = ["start_review", "approve", "request_supplement", "refuse", "set_pending",
           "submit_supplement", "close", "withdraw"]

# Written out by hand from the workflow, not imported from the code under test.
ALLOWED = {
    "received": {"start_review": "under_review", "withdraw": "closed"},
    "under_review": {"approve": "approved", "request_supplement": "supplement_requested",
                     "refuse": "refused", "set_pending": "pending", "withdraw": "closed"},
    "pending": {"approve": "approved", "request_supplement": "supplement_requested", "refuse": "refused",
                "withdraw": "closed"},
    "supplement_requested": {"submit_supplement": "under_review", "withdraw": "closed"},
    "approved": {"close": "closed"},
    "refused": {"close": "closed"},
    "closed": {},
}

# How to bring a fresh case into each state.
PATHS = {
    "received": [],
    "under_review": ["start_review"],
    "approved": ["start_review", "approve"],
    "supplement_requested": ["start_review", "request_supplement"],
    "refused": ["start_review", "refuse"],
    "pending": ["start_review", "set_pending"],
    "closed": ["start_review", "approve", "close"],
}

BODIES: dict[str, dict[str, Any]] = {
    "start_review": {},
    "approve": {"note": "材料齐全"},
    "request_supplement": {"materials": [{"name": "户口簿", "form": "copy", "count": 1, "note": "首页及本人页"}]},
    "refuse": {"reason": "不符合参保条件：已参加职工养老保险。"},
    "set_pending": {"until": "2026-12-04"},
    "submit_supplement": {"note": "已补充户口簿复印件"},
    "close": {"handover": "printed"},
    "withdraw": {"reason": "群众决定暂不办理"},
}

VILLAGE_ACTIONS = {"submit_supplement", "close", "withdraw"}  # the villager withdraws at the village window

# The names a clerk reads on the page and in a refusal, also written out by hand.
STATE_NAMES = {"received": "已受理", "under_review": "审查中", "approved": "已批准",
               "supplement_requested": "待补充材料", "refused": "不予批准", "pending": "承诺办结", "closed": "已办结"}
ACTION_NAMES = {"start_review": "开始审查", "approve": "批准", "request_supplement": "一次性告知补充材料",
                "refuse": "不予批准", "set_pending": "承诺限时办结", "submit_supplement": "补充材料后重新提交",
                "close": "办结（已打印或交付）", "withdraw": "群众撤回申请"}


async def do(clerk: ApiClient, approver: ApiClient, case_id: int, action: str) -> Any:
    actor = clerk if action in VILLAGE_ACTIONS else approver
    return await actor.post(f"/api/cases/{case_id}/actions/{action}", BODIES[action])


@pytest.mark.parametrize("state", list(ALLOWED))
async def test_each_action_from_each_state(server: RunningServer, state: str) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    for action in ACTIONS:
        case = await open_demo_case(clerk)
        for step in PATHS[state]:
            reply = await do(clerk, approver, case["id"], step)
            assert reply.status == 200, (step, reply.body)
        reply = await do(clerk, approver, case["id"], action)
        target = ALLOWED[state].get(action)
        if target is None:
            assert reply.status == 409, (state, action, reply.body)
            assert reply.body["error"] == "invalid_transition"
            named = f"办件当前状态为「{STATE_NAMES[state]}」，不能执行「{ACTION_NAMES[action]}」。"
            assert reply.body["message"] == named
            assert reply.body["message_en"] == f"A case in state {state} does not allow {action}."
            after = await approver.get(f"/api/cases/{case['id']}")
            assert after.body["state"] == state
        else:
            assert reply.status == 200, (state, action, reply.body)
            assert (reply.body["state"], reply.body["state_name"]) == (target, STATE_NAMES[target])


@pytest.mark.parametrize("state", list(ALLOWED))
async def test_each_state_offers_its_actions_to_the_window_that_takes_them(server: RunningServer, state: str) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    for step in PATHS[state]:
        assert (await do(clerk, approver, case["id"], step)).status == 200, step
    offered = {name: (await (await server.login(name)).get(f"/api/cases/{case['id']}")).body["actions"]
               for name in ("clerk-yb1", "town-yb", "district", "auditor")}
    assert offered == {
        "clerk-yb1": [a for a in ALLOWED[state] if a in VILLAGE_ACTIONS],
        "town-yb": [a for a in ALLOWED[state] if a not in VILLAGE_ACTIONS],  # the handling window of a town item
        "district": [], "auditor": [],  # they see the case but do not handle it
    }


async def test_decisions_keep_what_was_decided(server: RunningServer) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await do(clerk, approver, case["id"], "start_review")
    supplement = await do(clerk, approver, case["id"], "request_supplement")
    assert supplement.body["supplement"] == BODIES["request_supplement"]["materials"]
    back = await do(clerk, approver, case["id"], "submit_supplement")
    assert back.body["state"] == "under_review"
    pending = await do(clerk, approver, case["id"], "set_pending")
    assert pending.body["pending_until"] == "2026-12-04"
    assert pending.body["decision_note"] is None
    refused = await do(clerk, approver, case["id"], "refuse")
    assert refused.body["refusal_reason"] == BODIES["refuse"]["reason"]
    closed = await do(clerk, approver, case["id"], "close")
    assert closed.body["closed_how"] == "printed"
    timeline = (await approver.get(f"/api/cases/{case['id']}/timeline")).body
    notes = [e["detail"].get("note") for e in timeline if e["action"] == "case_submit_supplement"]
    assert notes == ["已补充户口簿复印件"]
    # The audit log keeps what each step changed: the new state, who decided and what (no empty fields).
    decider = (await approver.get("/api/me")).body["id"]
    logged = {e["action"]: e["detail"] for e in timeline}
    assert logged["case_request_supplement"] == {
        "from": "under_review", "state": "supplement_requested", "decided_by": decider,
        "decided_at": supplement.body["decided_at"], "materials": BODIES["request_supplement"]["materials"],
        "clock_stopped_at": supplement.body["decided_at"],  # the time limit waits for the villager (#19)
    }
    assert logged["case_set_pending"] == {"from": "under_review", "state": "pending", "decided_by": decider,
                                          "decided_at": pending.body["decided_at"], "pending_until": "2026-12-04"}
    assert logged["case_refuse"] == {"from": "pending", "state": "refused", "decided_by": decider,
                                     "decided_at": refused.body["decided_at"],
                                     "refusal_reason": BODIES["refuse"]["reason"],
                                     "item_outcomes": json.dumps({"T-RS-001": {
                                         "outcome": "refused", "reason": BODIES["refuse"]["reason"]}},
                                         ensure_ascii=False)}  # each item's outcome (#19)
    assert logged["case_close"] == {"from": "refused", "state": "closed", "closed_at": closed.body["closed_at"],
                                    "closed_how": "printed",  # and who received the result (#19)
                                    "received_by": json.dumps({"name": "王大山", "relation": "self"},
                                                              ensure_ascii=False)}


async def test_an_approval_note_is_kept(server: RunningServer) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await do(clerk, approver, case["id"], "start_review")
    approved = await do(clerk, approver, case["id"], "approve")
    assert approved.body["decision_note"] == "材料齐全"
    issued = approved.body["issued_document"]  # the approval certificate, returned with the decision
    documents = (await approver.get(f"/api/cases/{case['id']}/documents")).body
    assert [(d["id"], d["case_id"]) for d in documents if d["kind"] == issued["kind"]] == [(issued["id"], case["id"])]
    assert approved.body["town_id"] == "zh-yb" and approved.body["district_id"] == "zh"


@pytest.mark.parametrize("action,body", [
    ("refuse", {}),
    ("refuse", {"reason": "   "}),
    ("request_supplement", {"materials": []}),
    ("set_pending", {"until": "2026-11-01"}),
    ("set_pending", {"until": "not-a-day"}),
    ("set_pending", {"until": "9999-12-31"}),  # a promise must be kept within a year (#17)
    ("set_pending", {"until": "2027-11-25"}),
    ("close", {"handover": "lost"}),
])
async def test_a_decision_without_its_required_content_is_refused(
    server: RunningServer, action: str, body: dict[str, Any]
) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await do(clerk, approver, case["id"], "start_review")
    if action == "close":
        await do(clerk, approver, case["id"], "approve")
    actor = clerk if action in VILLAGE_ACTIONS else approver
    reply = await actor.post(f"/api/cases/{case['id']}/actions/{action}", body)
    assert reply.status == 400, reply.body
    assert reply.body["message"]
    unchanged = await approver.get(f"/api/cases/{case['id']}")
    assert unchanged.body["state"] == ("approved" if action == "close" else "under_review")


async def test_an_unknown_action_is_refused(server: RunningServer) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    reply = await approver.post(f"/api/cases/{case['id']}/actions/teleport", {})
    assert reply.status == 400
    assert "未知的操作" in reply.body["message"]
