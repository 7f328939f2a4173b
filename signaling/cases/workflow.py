"""The case workflow as an explicit state machine: only the transitions listed here succeed.

received (受理即审查) → under_review → approved (审核即审批) | supplement_requested |
refused | pending; a supplemented case goes back to review; a pending one is decided
later; approved and refused cases close when the document is printed or handed over; the
villager may withdraw an application still being handled (it closes, withdrawn).
"""

from __future__ import annotations

from enum import StrEnum

from ..exceptions import InvalidTransition


class State(StrEnum):
    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    REFUSED = "refused"
    PENDING = "pending"
    CLOSED = "closed"


class Action(StrEnum):
    START_REVIEW = "start_review"
    APPROVE = "approve"
    REQUEST_SUPPLEMENT = "request_supplement"
    REFUSE = "refuse"
    SET_PENDING = "set_pending"
    SUBMIT_SUPPLEMENT = "submit_supplement"
    CLOSE = "close"
    WITHDRAW = "withdraw"


STATE_NAMES = {
    State.RECEIVED: "已受理",
    State.UNDER_REVIEW: "审查中",
    State.APPROVED: "已批准",
    State.SUPPLEMENT_REQUESTED: "待补充材料",
    State.REFUSED: "不予批准",
    State.PENDING: "承诺办结",
    State.CLOSED: "已办结",
}

ACTION_NAMES = {
    Action.START_REVIEW: "开始审查",
    Action.APPROVE: "批准",
    Action.REQUEST_SUPPLEMENT: "一次性告知补充材料",
    Action.REFUSE: "不予批准",
    Action.SET_PENDING: "承诺限时办结",
    Action.SUBMIT_SUPPLEMENT: "补充材料后重新提交",
    Action.CLOSE: "办结（已打印或交付）",
    Action.WITHDRAW: "群众撤回申请",
}

TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.RECEIVED, Action.START_REVIEW): State.UNDER_REVIEW,
    (State.UNDER_REVIEW, Action.APPROVE): State.APPROVED,
    (State.UNDER_REVIEW, Action.REQUEST_SUPPLEMENT): State.SUPPLEMENT_REQUESTED,
    (State.UNDER_REVIEW, Action.REFUSE): State.REFUSED,
    (State.UNDER_REVIEW, Action.SET_PENDING): State.PENDING,
    (State.PENDING, Action.APPROVE): State.APPROVED,
    (State.PENDING, Action.REQUEST_SUPPLEMENT): State.SUPPLEMENT_REQUESTED,
    (State.PENDING, Action.REFUSE): State.REFUSED,
    (State.SUPPLEMENT_REQUESTED, Action.SUBMIT_SUPPLEMENT): State.UNDER_REVIEW,
    (State.APPROVED, Action.CLOSE): State.CLOSED,
    (State.REFUSED, Action.CLOSE): State.CLOSED,
    # the villager withdraws the application while it is still being handled: closed, outcome withdrawn
    **{(state, Action.WITHDRAW): State.CLOSED
       for state in (State.RECEIVED, State.UNDER_REVIEW, State.SUPPLEMENT_REQUESTED, State.PENDING)},
}

# Actions the handling window (镇/区窗口) takes; the village window takes the others.
APPROVER_ACTIONS = frozenset({
    Action.START_REVIEW, Action.APPROVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE, Action.SET_PENDING,
})
# States in which the time limit runs: a case waiting for the villager's materials does not count.
RUNNING_STATES = frozenset({State.RECEIVED, State.UNDER_REVIEW, State.PENDING})


def next_state(state: State, action: Action) -> State:
    """The state after action, or InvalidTransition naming both in Chinese and English."""
    target = TRANSITIONS.get((state, action))
    if target is None:
        raise InvalidTransition(
            f"办件当前状态为「{STATE_NAMES[state]}」，不能执行「{ACTION_NAMES[action]}」。",
            f"A case in state {state} does not allow {action}.",
        )
    return target


def allowed_actions(state: State) -> list[Action]:
    """The actions the workflow allows from state (before any role check)."""
    return [action for (source, action) in TRANSITIONS if source == state]
