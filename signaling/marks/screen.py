"""屏幕水印: the mark a page lays over a call, a replay or a document for its viewer, registered like any other.

A phone photo or a screen grab of the page then traces to the viewer (`POST /api/trace`):
one id per viewer, case, kind of screen and day, with its audit event (`screen_watermarked`).
It adds to the marks the server puts into every picture it sends; it replaces none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..audit.acts import Act
from ..cases.handling import authorized_case
from .register import SCREEN, Marked, ViewerMark, viewer_mark

if TYPE_CHECKING:
    import sqlite_utils

SCREENS = ("call", "replay", "document")


def screen_viewer_mark(db: sqlite_utils.Database, act: Act, case_id: int, screen: str) -> ViewerMark:
    """The viewer's mark for this screen of a case they may see (issued on first use each day)."""
    case = authorized_case(db, act.actor, case_id, "case.view")
    return viewer_mark(db, act, Marked(SCREEN, f"screen_{screen}", case_id), "screen_watermarked", case)
