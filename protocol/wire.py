"""protocol/wire.json, the one list of the wire's words, and the pages' constants made from it.

`python -m protocol.wire` writes signaling/web/common/wire.js; tests/test_wire.py checks that
the file, the enums of protocol/words.py and wire.js agree.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .words import NUMBER_SETS, WORD_SETS

WIRE_JSON = Path(__file__).with_name("wire.json")
PAGES_MODULE = Path(__file__).resolve().parent.parent / "signaling" / "web" / "common" / "wire.js"


def load() -> dict[str, Any]:
    """The word sets of wire.json, by name (without its "about")."""
    sets: dict[str, Any] = json.loads(WIRE_JSON.read_text(encoding="utf-8"))
    sets.pop("about", None)
    return sets


def from_enums() -> dict[str, Any]:
    """The same sets as protocol/words.py declares them."""
    sets: dict[str, Any] = {enum.__name__: [member.value for member in enum] for enum in WORD_SETS}
    sets.update({enum.__name__: {member.name: member.value for member in enum} for enum in NUMBER_SETS})
    return sets


def member_name(word: str) -> str:
    """The constant's name of a word, the same in Python and JS: "call.ended" → CALL_ENDED."""
    return word.upper().replace(".", "_")


def pages_module(sets: dict[str, Any]) -> str:
    """wire.js: each set as a frozen object of constants, for the pages to import."""
    lines = [
        "// The wire's words for the pages: generated from protocol/wire.json by `python -m protocol.wire`;",
        "// edit that file (and protocol/words.py), never this one. tests/test_wire.py checks they agree.",
    ]
    for name, words in sets.items():
        members = words.items() if isinstance(words, dict) else ((member_name(w), w) for w in words)
        body = "".join(f"\n  {key}: {json.dumps(value)}," for key, value in members)
        lines.append(f"\nexport const {name} = Object.freeze({{{body}\n}});")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write wire.js from wire.json."""
    PAGES_MODULE.write_text(pages_module(load()), encoding="utf-8")
    print(f"wrote {PAGES_MODULE}", file=sys.stderr)


if __name__ == "__main__":
    main()
