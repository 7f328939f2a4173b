"""The wire's words live in one place (#24): protocol/wire.json, the enums of protocol/words.py and
the pages' wire.js agree, and no page or wire module spells a message type or a reason by hand."""

from __future__ import annotations

import ast
import inspect
import re
from enum import StrEnum
from pathlib import Path

import pytest

from protocol import wire
from protocol.words import (
    WORD_SETS,
    CallEndReason,
    CaseEvent,
    ClientMessage,
    ErrorCode,
    HubMessage,
    HubOperation,
    MediaEndReason,
    MediaState,
    ServerMessage,
)
from signaling.api.ws import HANDLERS, MESSAGES
from signaling.calls.callcenter import ended_message
from signaling.media.hub import MediaHub
from signaling.media.protocol import OPERATIONS
from signaling.storage.database import Database, first, insert
from signaling.storage.schema import create_tables

ROOT = Path(__file__).parent.parent
PAGE_DIRS = ["signaling/web/common", "village_client/web", "approver_console/web", "approver_console/audit_web"]
# The Python modules that speak the wire: the signaling socket, the call center, the hub, the clients.
WIRE_MODULES = ["signaling/api", "signaling/calls/callcenter.py",
                "signaling/calls/clients.py", "signaling/scans/intake.py", "signaling/media", "village_client", "bench"]
SPELT_SETS = (ClientMessage, ServerMessage, HubMessage, CaseEvent, CallEndReason, MediaEndReason, ErrorCode)
JS_STRING = re.compile(r"""(["'`])([A-Za-z0-9_.\-]+)\1""")
JS_COMMENT = re.compile(r"/\*.*?\*/|(?:^|\s)//.*?$", re.DOTALL | re.MULTILINE)


def distinctive(enum: type[StrEnum]) -> set[str]:
    """The words of a set that cannot be an ordinary word of code ("call.ended", "hung_up"; not "error")."""
    return {member.value for member in enum if re.search(r"[._]", member.value)}


SPELT = set().union(*(distinctive(enum) for enum in SPELT_SETS))


def page_scripts() -> list[Path]:
    return [path for folder in PAGE_DIRS for path in sorted((ROOT / folder).rglob("*.js"))
            if "vendor" not in path.parts and path != wire.PAGES_MODULE]


def python_files(places: list[str]) -> list[Path]:
    return [path for place in places for path in
            ([ROOT / place] if place.endswith(".py") else sorted((ROOT / place).rglob("*.py")))]


def test_wire_json_lists_the_words_of_the_python_enums() -> None:
    assert wire.load() == wire.from_enums()


def test_the_pages_constants_are_made_from_wire_json() -> None:
    expected = wire.pages_module(wire.load())
    assert wire.PAGES_MODULE.read_text(encoding="utf-8") == expected, (
        "signaling/web/common/wire.js is out of date: run `python -m protocol.wire`")


@pytest.mark.parametrize("script", page_scripts(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_page_spells_a_wire_word(script: Path) -> None:
    """A page names a message type, case event or end reason through wire.js, never as a string."""
    code = JS_COMMENT.sub("", script.read_text(encoding="utf-8"))
    spelt = [match.group(2) for match in JS_STRING.finditer(code) if match.group(2) in SPELT]
    assert spelt == []


@pytest.mark.parametrize("module", python_files(WIRE_MODULES), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_wire_module_spells_a_wire_word(module: Path) -> None:
    """The server's and the clients' wire code use protocol.words, never the string itself."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    spelt = [node.value for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in SPELT]
    assert spelt == []


def used_members() -> set[str]:
    """`Enum.MEMBER` as written anywhere in the Python code and the pages (outside the lists themselves)."""
    found: set[str] = set()
    for path in python_files(["signaling", "village_client", "bench"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                found.add(f"{node.value.id}.{node.attr}")
    for script in page_scripts():
        found |= set(re.findall(r"\b([A-Z][A-Za-z]+\.[A-Z_]+)\b", script.read_text(encoding="utf-8")))
    return found


# Words used without being named: aiortc names the states; the hub's operations are run by
# name (checked below); the hub's offers and states go out to the client as they are.
USED_UNNAMED = {MediaState, HubOperation}
PASSED_ON = {f"ServerMessage.{member.name}": f"HubMessage.{member.name}" for member in HubMessage
             if member.value in set(ServerMessage)}


def test_every_word_is_used_by_some_code() -> None:
    """wire.json lists no word that no code sends, handles or checks."""
    used = used_members()
    unused = [f"{enum.__name__}.{member.name}" for enum in WORD_SETS if enum not in USED_UNNAMED
              for member in enum if f"{enum.__name__}.{member.name}" not in used
              and PASSED_ON.get(f"{enum.__name__}.{member.name}") not in used]
    assert unused == []


def test_every_client_message_is_handled_by_the_signaling_socket() -> None:
    expected = set(ClientMessage) - {ClientMessage.HELLO}  # hello is taken before the loop
    assert set(HANDLERS) == expected and set(MESSAGES) == expected


def test_every_hub_operation_is_a_method_of_the_hub() -> None:
    methods = {name for name, _ in inspect.getmembers(MediaHub, inspect.iscoroutinefunction)}
    assert set(HubOperation) <= methods and OPERATIONS == set(HubOperation)


async def test_a_call_a_lost_worker_ended_before_24_ends_with_todays_word(tmp_path: Path) -> None:
    """An older server wrote "media-worker-lost"; the next start renames it, so call.ended says it the one way."""
    older = Database(tmp_path / "cunneng.db", [create_tables])
    await older.run(insert, "calls", {"id": "c1", "state": "ended", "end_reason": "media-worker-lost", "duration": 3.0})
    await older.close()
    database = Database(tmp_path / "cunneng.db", [create_tables])
    call = await database.read(first, "select * from calls where id = 'c1'")
    await database.close()
    assert call is not None
    assert ended_message(call)["reason"] == CallEndReason.MEDIA_WORKER_LOST == call["end_reason"]


def test_every_refusal_names_its_code_from_the_list() -> None:
    """An error's `code` (a class's, or given where it is raised) is an ErrorCode, never a string
    spelt on the spot: the pages and the uploader act on these words."""
    spelt = []
    for path in python_files(["signaling"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            named = ([target.id for target in node.targets if isinstance(target, ast.Name)]
                     if isinstance(node, ast.Assign) else [node.arg] if isinstance(node, ast.keyword) else [])
            value = getattr(node, "value", None)
            text = isinstance(value, ast.JoinedStr) or isinstance(value, ast.Constant) and isinstance(value.value, str)
            if "code" in named and text:
                spelt.append(f"{path.relative_to(ROOT)}:{value.lineno}")
    assert spelt == []
