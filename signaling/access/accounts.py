"""Accounts, passwords (scrypt), session tokens with expiry; lock-out is in login_throttle.py."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..audit.acts import Act
from ..audit.chain import AuditLog
from ..exceptions import Conflict, InvalidInput, NotAuthenticated, NotFound
from ..storage.database import first, insert, rows
from .jurisdictions import get_unit
from .login_throttle import LockoutPolicy, count_failure, forget_failures, refuse_if_locked
from .roles import ROLE_UNIT_KIND, Account, Role

if TYPE_CHECKING:
    import sqlite_utils

# scrypt cost: about 50 ms on these machines, so guessing is slow and logging in is not.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8
# What an unknown or disabled name is checked against: the same scrypt work as a real account,
# so the time a refusal takes does not tell whether the name exists. Matches no password.
NO_ACCOUNT_HASH = f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(bytes(16)).decode()}$" \
    f"{base64.b64encode(bytes(32)).decode()}"


def hash_password(password: str) -> str:
    """A salted scrypt hash, with its parameters, as one string; refuses short passwords.

    Slow on purpose (about 50 ms): call it off the event loop and off the database thread.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"密码至少 {MIN_PASSWORD_LENGTH} 位。",
            f"A password has at least {MIN_PASSWORD_LENGTH} characters.",
        )
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """Whether password matches the stored hash (constant-time compare)."""
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def token_hash(token: str) -> str:
    """Sessions are stored by hash: a copied database holds no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def account_from_row(row: dict[str, Any]) -> Account:
    return Account(
        id=row["id"], username=row["username"], display_name=row["display_name"],
        role=Role(row["role"]), unit_id=row["unit_id"],
    )


def create_account(
    db: sqlite_utils.Database, act: Act, username: str, display_name: str,
    role: Role, unit_id: str, password_hash: str,
) -> Account:
    """Add an account bound to a unit of the kind its role requires."""
    unit = get_unit(db, unit_id)
    if unit["kind"] != ROLE_UNIT_KIND[role]:
        raise InvalidInput(
            f"角色 {role} 只能绑定到{ROLE_UNIT_KIND[role]}类单位,「{unit['name']}」不是。",
            f"Role {role} must be bound to a {ROLE_UNIT_KIND[role]} unit.",
        )
    if first(db, "select id from accounts where username = ?", [username]):
        raise Conflict(f"用户名「{username}」已被使用。", f"Username {username} is taken.")
    row = {
        "username": username, "display_name": display_name, "role": str(role),
        "unit_id": unit_id, "password_hash": password_hash,
        "created_at": act.when,
    }
    account_id = insert(db, "accounts", row)
    act.log(db, "account_created", detail={"username": username, "role": str(role), "unit_id": unit_id})
    return account_from_row({**row, "id": account_id})


def list_accounts(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every account, without its password hash."""
    return rows(
        db, "select id, username, display_name, role, unit_id, disabled, created_at from accounts order by id",
    )


@dataclass(frozen=True)
class LoginCandidate:
    """A login attempt, read before the slow password check runs off the database thread.

    `row` is None for an unknown or disabled name, which is checked against NO_ACCOUNT_HASH.
    """

    username: str
    address: str
    row: dict[str, Any] | None

    @property
    def password_hash(self) -> str:
        return self.row["password_hash"] if self.row else NO_ACCOUNT_HASH


def load_login(db: sqlite_utils.Database, username: str, address: str, now: datetime) -> LoginCandidate:
    """The attempt to check; AccountLocked while the name is locked for this address (known or not)."""
    refuse_if_locked(db, username, address, now)
    row = first(db, "select * from accounts where username = ?", [username])
    return LoginCandidate(username, address, row if row and not row["disabled"] else None)


def record_login(
    db: sqlite_utils.Database, audit: AuditLog, now: datetime, candidate: LoginCandidate,
    password_ok: bool, policy: LockoutPolicy,
) -> tuple[Account | None, str, bool]:
    """Count a failure (locking the name for this address at the limit) or open a session.

    (the account, its new token or "", whether the name is locked now).
    """
    row = candidate.row
    account = account_from_row(row) if row else None
    if account is None or not password_ok:
        locked = count_failure(db, candidate.username, candidate.address, now, policy)
        if account is not None:  # failures on real accounts are in the audit log; unknown names are not
            Act(account, now, audit).log(db, "account_locked" if locked else "login_failed",
                                         detail={"username": account.username, "address": candidate.address})
        return None, "", locked
    forget_failures(db, candidate.username, candidate.address)
    token = secrets.token_urlsafe(32)
    db.table("sessions").insert({
        "token_hash": token_hash(token), "account_id": account.id, "created_at": now.isoformat(),
        "expires_at": (now + policy.session_for).isoformat(),
    })
    Act(account, now, audit).log(db, "login", detail={"address": candidate.address})
    return account, token, False


def session_account(db: sqlite_utils.Database, token: str, now: datetime) -> Account:
    """The account a live session token belongs to, or NotAuthenticated."""
    row = first(
        db, "select accounts.*, sessions.expires_at as session_expires from sessions"
        " join accounts on accounts.id = sessions.account_id where sessions.token_hash = ?",
        [token_hash(token)],
    )
    if row is None or row["disabled"] or datetime.fromisoformat(row["session_expires"]) <= now:
        raise NotAuthenticated("登录已过期,请重新登录。", "Your session has expired: please log in again.")
    return account_from_row(row)


def end_session(db: sqlite_utils.Database, act: Act, token: str) -> None:
    """Log out: the token stops working at once."""
    db.execute("delete from sessions where token_hash = ?", [token_hash(token)])
    act.log(db, "logout")


def set_password(db: sqlite_utils.Database, act: Act, account_id: int, password_hash: str) -> None:
    """Admin resets a password; the account's open sessions end."""
    account = first(db, "select username from accounts where id = ?", [account_id])
    if account is None:
        raise NotFound("找不到该账号。", "No such account.")
    db.table("accounts").update(account_id, {"password_hash": password_hash})
    forget_failures(db, account["username"])
    db.execute("delete from sessions where account_id = ?", [account_id])
    act.log(db, "password_reset", detail={"account_id": account_id})
