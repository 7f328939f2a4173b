"""Roles and the signed-in account every request acts as."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """One role per account, bound to one unit."""

    VILLAGE_CLERK = "village_clerk"
    TOWN_APPROVER = "town_approver"
    DISTRICT_APPROVER = "district_approver"
    DEPARTMENT_REVIEWER = "department_reviewer"
    AUDITOR = "auditor"
    ADMIN = "admin"


ROLE_NAMES = {
    Role.VILLAGE_CLERK: "村窗口",
    Role.TOWN_APPROVER: "镇窗口",
    Role.DISTRICT_APPROVER: "区窗口",
    Role.DEPARTMENT_REVIEWER: "部门审核",
    Role.AUDITOR: "审计",
    Role.ADMIN: "管理员",
}

# The unit kind each role must be bound to.
ROLE_UNIT_KIND = {
    Role.VILLAGE_CLERK: "village",
    Role.TOWN_APPROVER: "town",
    Role.DISTRICT_APPROVER: "district",
    Role.DEPARTMENT_REVIEWER: "department",
    Role.AUDITOR: "district",
    Role.ADMIN: "district",
}


@dataclass(frozen=True)
class Account:
    """Who acts: the account, its role and its unit."""

    id: int
    username: str
    display_name: str
    role: Role
    unit_id: str

    def public(self) -> dict[str, object]:
        """The account as the API shows it."""
        return {
            "id": self.id,
            "username": self.username,
            "display_name": self.display_name,
            "role": str(self.role),
            "role_name": ROLE_NAMES[self.role],
            "unit_id": self.unit_id,
        }


SYSTEM = Account(id=0, username="system", display_name="系统", role=Role.ADMIN, unit_id="")
