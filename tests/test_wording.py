"""Chinese text reads as Chinese: full-width punctuation (，：；？！（）) where it touches Chinese characters.

A clerk reads "请重新上传，或联系管理员（区窗口）" as a typing mistake; the pages, the API's messages and the
CLI's lines use the full-width forms. English text and code keep the ASCII ones.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("signaling", "village_client", "approver_console", "eseal", "recordings", "watermark", "protocol")
HAN = "[\u3400-\u9fff]"
HALF_WIDTH_BESIDE_HAN = re.compile(rf"(?:{HAN}|[）」』])[,:;?!](?=[^\s/\d]|$)|{HAN}\([^()\n]*{HAN}[^()\n]*\)")
JS_STRING = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`")


def python_strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that are not docstrings (those are for programmers)."""
    found, previous = [], tokenize.OP
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type == tokenize.STRING and previous not in (tokenize.INDENT, tokenize.NEWLINE, tokenize.DEDENT):
            found.append((token.start[0], token.string))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    return found


def js_strings(path: Path) -> list[tuple[int, str]]:
    """The quoted strings of a script, comment lines left out."""
    return [(number, literal.group()) for number, line in enumerate(path.read_text().splitlines(), 1)
            if not line.lstrip().startswith(("//", "*", "/*")) for literal in JS_STRING.finditer(line)]


def sources() -> list[Path]:
    return sorted(path for package in PACKAGES for path in (ROOT / package).rglob("*")
                  if path.suffix in (".py", ".js") and "vendor" not in path.parts)


def test_chinese_text_uses_full_width_punctuation() -> None:
    wrong = [f"{path.relative_to(ROOT)}:{number}: {literal}" for path in sources()
             for number, literal in (python_strings(path) if path.suffix == ".py" else js_strings(path))
             if HALF_WIDTH_BESIDE_HAN.search(literal)]
    assert not wrong, "\n".join(wrong)
