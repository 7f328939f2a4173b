"""水印登记: every watermark the server applies, under a random id that leads back to who saw what, and when.

The invisible mark's tile layout is public (watermark/tile.py): anyone can read an id, or
write one. Ids are therefore drawn at random from the whole 40-bit payload range, never
counted, so one viewer's id says nothing about another's and nobody can guess a colleague's
id to frame them. Each id has a row here and an audit event that carries it, so the audit
chain vouches for the record.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watermark import MAX_MARK_ID

from ..access.authz import authorize
from ..access.roles import Account
from ..audit.acts import Act
from ..config import CHINA_TZ
from ..storage.database import connect, first
from .moments import moment_shown

if TYPE_CHECKING:
    import sqlite_utils

SNAPSHOT, DOCUMENT, CHAT, SCREEN = "snapshot", "document", "chat", "screen"
# What each kind of rendition is, as the trace shows it.
WHAT_NAMES = {
    "live_still": "通话截图 a still of a live call",
    "recording_still": "录像截图 a still of a recording",
    "snapshot_copy": "截图副本 a snapshot downloaded by another viewer",
    "scan_page": "扫描件页面 a scan page in the viewer (thumbnail, tiles)",
    "scan_download": "扫描件下载 a scan downloaded",
    "document_download": "文书下载 an issued document downloaded",
    "chat_background": "聊天背景 the chat panel's background",
    "chat_transcript": "聊天记录导出 an exported chat transcript",
    "screen_call": "通话页面屏幕水印 the screen of a live call",
    "screen_replay": "回放页面屏幕水印 the screen of a replay",
    "screen_document": "文件页面屏幕水印 the screen of a document",
    "case_package": "办件证据包 a case package exported (its pictures, the mark over its videos)",
}


@dataclass(frozen=True)
class ViewerMark:
    """What a picture carries for its viewer: the hidden id and the visible lines."""

    mark_id: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Marked:
    """What is being marked, for the register: its kind, which rendition, and what it belongs to."""

    kind: str
    what: str
    case_id: int | None = None
    document_id: int | None = None
    page: int | None = None
    recording_id: int | None = None
    call_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def event_detail(self, mark_id: int) -> dict[str, Any]:
        """The audit event's detail: the mark id and whatever names the marked thing."""
        names = {"document_id": self.document_id, "page": self.page, "recording_id": self.recording_id,
                 "call_id": self.call_id}
        return {"mark": mark_id, "what": self.what, **{k: v for k, v in names.items() if v is not None},
                **self.detail}


def viewer_lines(db: sqlite_utils.Database, account: Account, case: dict[str, Any] | None,
                 at: datetime) -> tuple[str, ...]:
    """The visible text: viewer's name and account, unit, case number, time in China."""
    unit = first(db, "select name from units where id = ?", [account.unit_id]) or {"name": account.unit_id}
    where = unit["name"] + (f" · 办件 {case['number']}" if case else "")
    return (f"{account.display_name} ({account.username})", where,
            at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M 北京时间"))


def new_mark(db: sqlite_utils.Database, act: Act, case: dict[str, Any] | None) -> ViewerMark:
    """A fresh random id no mark has yet, with the acting viewer's lines (registered later)."""
    while True:
        mark_id = 1 + secrets.randbelow(MAX_MARK_ID)
        if first(db, "select id from marks where id = ?", [mark_id]) is None:
            return ViewerMark(mark_id, viewer_lines(db, act.actor, case, act.at))


def register_mark(db: sqlite_utils.Database, act: Act, mark: ViewerMark, marked: Marked,
                  action: str) -> dict[str, Any]:
    """Record the mark and log `action` with its id, in the caller's transaction; the audit event."""
    event = act.log(db, action, marked.case_id, marked.event_detail(mark.mark_id))
    unit = first(db, "select name from units where id = ?", [act.actor.unit_id]) or {"name": ""}
    db.table("marks").insert({
        "id": mark.mark_id, "kind": marked.kind, "what": marked.what, "case_id": marked.case_id,
        "document_id": marked.document_id, "page": marked.page, "recording_id": marked.recording_id,
        "call_id": marked.call_id, "account_id": act.actor.id, "username": act.actor.username,
        "viewer": act.actor.display_name, "unit_id": act.actor.unit_id, "unit_name": unit["name"],
        "at": act.when, "day": _china_day(act.at), "lines": json.dumps(mark.lines, ensure_ascii=False),
        "detail": json.dumps(marked.detail, ensure_ascii=False), "audit_seq": event["seq"],
    })
    return event


def issue_mark(db: sqlite_utils.Database, act: Act, marked: Marked, action: str,
               case: dict[str, Any] | None) -> ViewerMark:
    """A new registered mark for the acting viewer."""
    mark = new_mark(db, act, case)
    register_mark(db, act, mark, marked, action)
    return mark


def viewer_mark(db: sqlite_utils.Database, act: Act, marked: Marked, action: str,
                case: dict[str, Any] | None) -> ViewerMark:
    """The viewer's mark for this rendition today, issued on first use (once per viewer, page and day)."""
    found = first(
        db, "select id, lines from marks where account_id = ? and what = ? and case_id is ? and document_id is ?"
        " and page is ? and day = ?",
        [act.actor.id, marked.what, marked.case_id, marked.document_id, marked.page, _china_day(act.at)],
    )
    if found is not None:
        return ViewerMark(found["id"], tuple(json.loads(found["lines"])))
    return issue_mark(db, act, marked, action, case)


def document_copy_mark(db: sqlite_utils.Database, act: Act, row: dict[str, Any], kind: str, what: str,
                       action: str) -> ViewerMark:
    """The viewer's mark for their copy of one of a case's documents (a snapshot, a scan, an issued one)."""
    case = first(db, "select id, number from cases where id = ?", [row["case_id"]])
    return viewer_mark(db, act, Marked(kind, what, row["case_id"], document_id=row["id"]), action, case)


def _china_day(at: datetime) -> str:
    return at.astimezone(CHINA_TZ).date().isoformat()


def trace_mark(db: sqlite_utils.Database, mark_id: int) -> dict[str, Any] | None:
    """Who was shown the picture carrying this id, what it was and when, with its audit event."""
    mark = first(db, "select * from marks where id = ?", [mark_id])
    if mark is None:
        return None
    event = first(db, "select seq, at, action, actor, detail from audit_events where seq = ?",
                  [mark["audit_seq"]])
    case = first(db, "select number from cases where id = ?", [mark["case_id"]]) if mark["case_id"] else None
    return {
        "mark_id": mark_id, "what": mark["what"], "what_name": WHAT_NAMES.get(mark["what"], mark["what"]),
        "viewer": mark["viewer"], "username": mark["username"], "unit_name": mark["unit_name"], "at": mark["at"],
        "case_id": mark["case_id"], "case_number": case["number"] if case else None,
        "document_id": mark["document_id"], "page": mark["page"], "call_id": mark["call_id"],
        "lines": json.loads(mark["lines"]), "audit_event": event, "shows": moment_shown(db, mark),
    }


def trace_leak(db: sqlite_utils.Database, act: Act, mark_id: int | None) -> dict[str, Any]:
    """An auditor's look-up of a leaked picture's id (or of none found), logged."""
    authorize(act.actor, "mark.trace")
    found = trace_mark(db, mark_id) if mark_id is not None else None
    act.log(db, "mark_traced", found["case_id"] if found else None, {"mark": mark_id, "known": found is not None})
    return {"mark_id": mark_id, "trace": found}


def describe_mark_in(data_dir: Path, mark_id: int) -> list[str]:
    """The trace as lines for `cunneng watermark extract --data-dir` (a hook the watermark package calls)."""
    database = data_dir / "cunneng.db"
    if not database.exists():
        return [f"{data_dir} 中没有数据库 (no database here)"]
    found = trace_mark(connect(database), mark_id)
    if found is None:
        return ["登记簿中没有这个编号 (not in this server's mark register)"]
    event = found["audit_event"] or {}
    return [
        f"查看人 viewer: {found['viewer']} ({found['username']}), {found['unit_name']}",
        f"内容 what: {found['what_name']}" + (f", 办件 case {found['case_number']}" if found["case_number"] else ""),
        f"时间 when: {found['at']}",
        f"审计事件 audit event: #{event.get('seq')} {event.get('action')} {event.get('at')}",
        *_moment_lines(found["shows"]),
    ]


def _moment_lines(shows: dict[str, Any] | None) -> list[str]:
    if shows is None:
        return []
    return [f"画面 shows: 通话 call {shows['call_id']}, {shows['label']} 的录像 recording {shows['recording_id']}"
            f" 第 {shows['seconds']} 秒 second ({shows['wall_time']})", f"回放 replay: {shows['replay_url']}"]
