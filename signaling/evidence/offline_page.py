"""The package's index.html: the recordings side by side with the timeline, opened from the unpacked folder.

A page opened from a file (file://) may not load ES modules, fetch JSON or reach any server, so
the pages' own modules (/common/: the audit console's player, clock and timeline) are bundled
here into one classic script — each module in its own function scope, its imports bound to the
exports of the modules before it — and the case's data comes as a script too. Nothing is loaded
from the network.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from ..pages import WEB_DIR

COMMON = WEB_DIR / "common"
PAGE = Path(__file__).parent / "page"
ENTRY = PAGE / "package.js"
IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"([^"]+)";\s*$', re.MULTILINE)
EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|class|const|let)\s+([A-Za-z_$][\w$]*)", re.MULTILINE)
# member path in the package -> file shipped with the server
STATIC = {
    "index.html": PAGE / "index.html",
    "page/package.css": PAGE / "package.css",
    "page/base.css": COMMON / "base.css",
    "page/replay.css": COMMON / "replay.css",
    "page/icons/play.svg": COMMON / "icons" / "play.svg",
    "page/icons/pause.svg": COMMON / "icons" / "pause.svg",
}


def _module_file(specifier: str, importer: Path) -> Path:
    if specifier.startswith("/common/"):
        return COMMON / specifier.removeprefix("/common/")
    return (importer.parent / specifier).resolve()


def _variable(path: Path) -> str:
    return "module_" + re.sub(r"\W", "_", path.stem)


def _bindings(names: str) -> str:
    """`{ a, b as c }` of an import, as a destructuring pattern `{ a, b: c }`."""
    return ", ".join(part.strip().replace(" as ", ": ") for part in names.split(",") if part.strip())


def _wrapped(path: Path, source: str) -> str:
    body = IMPORT.sub(lambda m: f"const {{ {_bindings(m[1])} }} = {_variable(_module_file(m[2], path))};", source)
    exports = EXPORT.findall(source)
    body = re.sub(r"^export\s+", "", body, flags=re.MULTILINE)
    return f"const {_variable(path)} = (() => {{\n{body}\nreturn {{ {', '.join(exports)} }};\n}})();\n"


@cache
def player_script() -> str:
    """The offline page's code: package.js and the /common/ modules it uses, in dependency order."""
    ordered: list[Path] = []

    def visit(path: Path) -> None:
        if path in ordered:
            return
        for match in IMPORT.finditer(path.read_text()):
            visit(_module_file(match[2], path))
        ordered.append(path)

    visit(ENTRY)
    return "// 办件证据包 offline page, bundled from the server's page modules\n\"use strict\";\n" + "".join(
        _wrapped(path, path.read_text()) for path in ordered)


def data_script(data: dict[str, Any]) -> str:
    """The case as the page reads it (a script: a file:// page cannot fetch JSON)."""
    return "window.CASE_PACKAGE = " + json.dumps(data, ensure_ascii=False, indent=1) + ";\n"
