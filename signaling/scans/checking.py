"""核对进度: how far the server's check of a completed upload has got, so the page can show it.

Completing an upload reads the file three times on a scan worker — verifying its SHA-256,
decoding every page (thumbnails, previews), sealing it into the archive — which takes seconds
for a large scan on a busy machine. The worker moves a `CheckProgress` on as it goes, and
``GET /api/uploads/{id}`` reports it while the check runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

STEPS = ("verifying", "inspecting", "storing")


@dataclass
class CheckProgress:
    """The step the check is at and how far into it (bytes, or pages as 0 / 1)."""

    step: str = STEPS[0]
    done: int = 0
    total: int = 0

    def begin(self, step: str, total: int) -> None:
        self.step, self.done, self.total = step, 0, total

    def counted(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """The pieces as they are read, counted into this step."""
        for piece in pieces:
            self.done += len(piece)
            yield piece

    def public(self) -> dict[str, Any]:
        """As the API shows it: the step, its place among the steps, how far into it."""
        return {"step": self.step, "step_number": STEPS.index(self.step) + 1, "steps": len(STEPS),
                "done": self.done, "total": self.total}
