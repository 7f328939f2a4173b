"""The demo jurisdiction and accounts loaded on a fresh server, so it can be tried at once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .access.accounts import create_account
from .access.jurisdictions import create_unit
from .access.roles import ROLE_NAMES, Role
from .audit.acts import Act
from .storage.database import first, rows

if TYPE_CHECKING:
    import sqlite_utils

DEMO_PASSWORD = "cunneng-demo"

DISTRICT = {"id": "zh", "name": "昭化区", "name_en": "Zhaohua District", "kind": "district"}
TOWNS = {
    "zh-yb": ("元坝镇", "Yuanba Town", "刘芳", ["泉坝村", "长坪村", "青龙村"]),
    "zh-wj": ("王家镇", "Wangjia Town", "陈华", ["白果村", "凤凰村", "石门村"]),
}
DEPARTMENTS = [
    {"id": "zh-hrss", "name": "昭化区人力资源和社会保障局", "name_en": "Zhaohua HR and Social Security Bureau",
     "kind": "department", "parent_id": "zh", "dept_code": "hrss"},
    {"id": "zh-civil", "name": "昭化区民政局", "name_en": "Zhaohua Civil Affairs Bureau",
     "kind": "department", "parent_id": "zh", "dept_code": "civil"},
]
CLERK_NAMES = ["赵兰", "钱红", "孙梅", "李秀", "周芳", "吴英"]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role
    unit_id: str
    unit_name: str


def demo_accounts() -> list[DemoAccount]:
    """Every demo account: one per role, a window per town, a clerk per village."""
    accounts = [
        DemoAccount("admin", "管理员 王敏", Role.ADMIN, "zh", "昭化区"),
        DemoAccount("auditor", "审计 李正", Role.AUDITOR, "zh", "昭化区"),
        DemoAccount("district", "区窗口 张强", Role.DISTRICT_APPROVER, "zh", "昭化区"),
        DemoAccount("dept-hrss", "人社审核 赵明", Role.DEPARTMENT_REVIEWER, "zh-hrss", "昭化区人社局"),
        DemoAccount("dept-civil", "民政审核 孙亮", Role.DEPARTMENT_REVIEWER, "zh-civil", "昭化区民政局"),
    ]
    names = iter(CLERK_NAMES)
    for town_id, (town_name, _, approver, villages) in TOWNS.items():
        short = town_id.split("-")[1]
        accounts.append(DemoAccount(f"town-{short}", f"{town_name}窗口 {approver}",
                                    Role.TOWN_APPROVER, town_id, town_name))
        for number, village in enumerate(villages, start=1):
            accounts.append(DemoAccount(f"clerk-{short}{number}", f"{village}窗口 {next(names)}",
                                        Role.VILLAGE_CLERK, f"{town_id}-{number:02d}", f"{town_name}{village}"))
    return accounts


def seed_demo(db: sqlite_utils.Database, act: Act, password_hash: str) -> bool:
    """Load the demo jurisdiction and accounts into a database that has no units yet (True if it did)."""
    if first(db, "select id from units limit 1"):
        return False
    create_unit(db, act, DISTRICT)
    for town_id, (town_name, town_en, _, villages) in TOWNS.items():
        create_unit(db, act, {"id": town_id, "name": town_name, "name_en": town_en, "kind": "town",
                              "parent_id": "zh"})
        for number, village in enumerate(villages, start=1):
            create_unit(db, act, {"id": f"{town_id}-{number:02d}", "name": village, "kind": "village",
                                  "parent_id": town_id})
    for department in DEPARTMENTS:
        create_unit(db, act, department)
    for account in demo_accounts():
        create_account(db, act, account.username, account.display_name, account.role,
                       account.unit_id, password_hash)
    return True


def enabled_demo_accounts(db: sqlite_utils.Database) -> list[DemoAccount]:
    """The demo accounts that still exist and are not disabled (printed on every start)."""
    enabled = {row["username"] for row in rows(db, "select username from accounts where disabled = 0")}
    return [account for account in demo_accounts() if account.username in enabled]


def demo_table(accounts: list[DemoAccount], just_created: bool) -> str:
    """The demo accounts as printed on start; on later starts their password may have been changed."""
    password = f"password 密码: {DEMO_PASSWORD}" if just_created else f"initial password 初始密码: {DEMO_PASSWORD}"
    lines = [f"演示账号 Demo accounts ({password})"]
    for a in accounts:
        lines.append(f"  {a.username:<12} {ROLE_NAMES[a.role]:<6} {a.unit_name:<12} {a.display_name}")
    return "\n".join(lines)
