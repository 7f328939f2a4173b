"""Authorization, enforced in one place: who may do what, and which cases each account sees.

A clerk sees its village's cases; a town approver its town's villages; a district approver
its district; a department reviewer only cases sent to its department; an auditor reads
everything and changes nothing in how a case is handled; an admin manages units, accounts
and the catalog. Two exceptions: an auditor or an admin may put any case on legal hold and
release it, and an auditor (like an approver who sees the case) may take a still of a
replayed recording — evidence-taking: it is kept with the case as a snapshot document,
watermarked for the auditor and logged (`snapshot_taken`), and changes no state.
A case the caller may not see answers 404, so its existence does not leak.
"""

from __future__ import annotations

from enum import Enum, auto
from typing import Any, Iterable, Mapping

from ..exceptions import Forbidden, NotFound
from .roles import Account, Role


class Scope(Enum):
    """How a permission relates the account to the case it acts on."""

    NONE = auto()  # no case involved
    SEES = auto()  # the case is visible to the account
    OWN_VILLAGE = auto()  # the case belongs to the account's village
    HANDLER = auto()  # the account's unit is the case's handling window
    REVIEWER = auto()  # the case was sent to the account's department
    CALLED = auto()  # the account's unit is rung for the case's calls: handling window or reviewer
    ANY_CASE = auto()  # any case, seen or not: legal hold by roles that oversee rather than handle


CLERK = frozenset({Role.VILLAGE_CLERK})
APPROVERS = frozenset({Role.TOWN_APPROVER, Role.DISTRICT_APPROVER})
REVIEWERS = frozenset({Role.DEPARTMENT_REVIEWER})
AUDITORS = frozenset({Role.AUDITOR})
ADMINS = frozenset({Role.ADMIN})
CASE_READERS = CLERK | APPROVERS | REVIEWERS | AUDITORS
CALL_PARTIES = CLERK | APPROVERS | REVIEWERS

PERMISSIONS: dict[str, tuple[frozenset[Role], Scope]] = {
    "case.open": (CLERK, Scope.NONE),
    "case.list": (CASE_READERS, Scope.NONE),
    "case.view": (CASE_READERS, Scope.SEES),
    "case.timeline": (CASE_READERS, Scope.SEES),
    "case.decide": (APPROVERS, Scope.HANDLER),
    "case.village_act": (CLERK, Scope.OWN_VILLAGE),
    "case.send_review": (APPROVERS, Scope.HANDLER),
    "case.review_decide": (REVIEWERS, Scope.REVIEWER),
    "case.print": (CASE_READERS, Scope.SEES),
    "case.replay": (AUDITORS | APPROVERS, Scope.SEES),
    "case.snapshot": (APPROVERS | REVIEWERS, Scope.SEES),
    "recording.snapshot": (AUDITORS | APPROVERS, Scope.SEES),  # evidence from a replay, kept and logged
    "case.hold": (AUDITORS | ADMINS, Scope.ANY_CASE),
    "call.request": (CLERK, Scope.OWN_VILLAGE),
    "call.answer": (APPROVERS | REVIEWERS, Scope.CALLED),
    "call.join": (CALL_PARTIES, Scope.SEES),
    "document.upload": (CLERK, Scope.OWN_VILLAGE),
    "document.view": (CASE_READERS, Scope.SEES),
    "villager.lookup": (CLERK, Scope.NONE),
    "ledger.export": (CLERK | APPROVERS | REVIEWERS | AUDITORS, Scope.NONE),
    "audit.read": (AUDITORS, Scope.NONE),
    "mark.trace": (AUDITORS | ADMINS, Scope.NONE),
    "unit.manage": (ADMINS, Scope.NONE),
    "account.manage": (ADMINS, Scope.NONE),
    "catalog.manage": (ADMINS, Scope.NONE),
}


def case_filter(account: Account) -> tuple[str, list[Any]]:
    """SQL condition on `cases` selecting exactly the cases the account may see."""
    role, unit = account.role, account.unit_id
    if role is Role.VILLAGE_CLERK:
        return "cases.village_id = ?", [unit]
    if role is Role.TOWN_APPROVER:
        return "cases.town_id = ?", [unit]
    if role is Role.DISTRICT_APPROVER:
        return "cases.district_id = ?", [unit]
    if role is Role.DEPARTMENT_REVIEWER:
        return "cases.id in (select case_id from case_reviews where unit_id = ?)", [unit]
    if role is Role.AUDITOR:
        return "1 = 1", []
    return "0 = 1", []


def sees_case(account: Account, case: Mapping[str, Any], review_units: Iterable[str]) -> bool:
    """The Python twin of case_filter, for one case already loaded."""
    role, unit = account.role, account.unit_id
    return {
        Role.VILLAGE_CLERK: case["village_id"] == unit,
        Role.TOWN_APPROVER: case["town_id"] == unit,
        Role.DISTRICT_APPROVER: case["district_id"] == unit,
        Role.DEPARTMENT_REVIEWER: unit in set(review_units),
        Role.AUDITOR: True,
        Role.ADMIN: False,
    }[role]


def authorize(
    account: Account, permission: str,
    case: dict[str, Any] | None = None, review_units: Iterable[str] = (),
) -> None:
    """Raise NotFound or Forbidden unless the account holds the permission (on the case)."""
    roles, scope = PERMISSIONS[permission]
    review_units = list(review_units)
    reaches_any = scope is Scope.ANY_CASE and account.role in roles
    if case is not None and not reaches_any and not sees_case(account, case, review_units):
        raise NotFound("找不到该办件,或您无权查看。", "No such case, or it is not visible to you.")
    if account.role not in roles or not _in_scope(account, scope, case, review_units):
        raise Forbidden("您的账号无权执行此操作。", f"Your role may not do this ({permission}).")


def may(
    account: Account, permission: str,
    case: dict[str, Any] | None = None, review_units: Iterable[str] = (),
) -> bool:
    """Whether authorize() would let the account through (for filtering what is pushed to it)."""
    try:
        authorize(account, permission, case, review_units)
    except (NotFound, Forbidden):
        return False
    return True


def _in_scope(account: Account, scope: Scope, case: dict[str, Any] | None, review_units: list[str]) -> bool:
    if scope in (Scope.NONE, Scope.SEES, Scope.ANY_CASE):
        return True
    assert case is not None, f"scope {scope} needs a case"
    if scope is Scope.OWN_VILLAGE:
        return bool(case["village_id"] == account.unit_id)
    if scope is Scope.HANDLER:
        return bool(case["handler_unit_id"] == account.unit_id)
    if scope is Scope.CALLED:
        return account.unit_id == case["handler_unit_id"] or account.unit_id in review_units
    return account.unit_id in review_units
