"""登录限制: failed logins counted per name and source address, so guessing is slowed and nobody
can lock an account out by its name alone.

Five wrong passwords for one name from one address lock that name *for that address* for 15
minutes; each further lock of the same pair doubles (30 min, 1 h, …, at most a day). The
account's owner, at their own window (another address), logs in as usual. A pair that stays
quiet for a day starts over. Unknown names are counted and answered exactly like real ones
(401, then 423), so the answers do not tell which names exist (accounts.py makes the time the
same too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..exceptions import AccountLocked
from ..storage.database import first

if TYPE_CHECKING:
    import sqlite_utils

MAX_LOCK = timedelta(hours=24)
FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int
    lock_for: timedelta
    session_for: timedelta


def locked() -> AccountLocked:
    return AccountLocked(
        "密码错误次数过多,本机登录此账号已暂时锁定,请稍后再试或联系管理员。",
        "Too many failed logins for this name from this address: wait a while.",
    )


def refuse_if_locked(db: sqlite_utils.Database, username: str, address: str, now: datetime) -> None:
    """AccountLocked while the name is locked for this address."""
    row = first(db, "select locked_until from login_failures where username = ? and address = ?",
                [username, address])
    if row and row["locked_until"] and datetime.fromisoformat(row["locked_until"]) > now:
        raise locked()


def count_failure(
    db: sqlite_utils.Database, username: str, address: str, now: datetime, policy: LockoutPolicy
) -> bool:
    """One more wrong password for the pair; True when it locks the pair now."""
    db.execute("delete from login_failures where last_failed_at < ? and coalesce(locked_until, '') < ?",
               [(now - FORGET_AFTER).isoformat(), now.isoformat()])
    row = first(db, "select * from login_failures where username = ? and address = ?", [username, address])
    failures, locks = (row["failures"], row["locks"]) if row else (0, 0)
    failures += 1
    locking = failures >= policy.max_failures
    until = now + min(policy.lock_for * 2 ** locks, MAX_LOCK) if locking else None
    db.table("login_failures").upsert({
        "username": username, "address": address, "failures": 0 if locking else failures,
        "locks": locks + 1 if locking else locks, "locked_until": until.isoformat() if until else None,
        "last_failed_at": now.isoformat(),
    }, pk=("username", "address"))
    return locking


def forget_failures(db: sqlite_utils.Database, username: str, address: str | None = None) -> None:
    """A right password (from this address), or an admin's password reset (every address)."""
    if address is None:
        db.execute("delete from login_failures where username = ?", [username])
    else:
        db.execute("delete from login_failures where username = ? and address = ?", [username, address])
