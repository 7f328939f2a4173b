"""A progress bar on stderr, large enough to read across the room (with a plain line per 10 % off a terminal)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
REDRAW_SECONDS = 0.1
MB = 1024 * 1024


class ProgressBar:
    """Draws `label [#####.....]  45%  18.0/40.0 MB  3.2 MB/s`."""

    def __init__(self, label: str, stream: TextIO = sys.stderr) -> None:
        self.label = label
        self._stream = stream
        self._tty = stream.isatty()
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        """Show `done` of `total` bytes."""
        now = time.monotonic()
        tenth = done * 10 // max(total, 1)
        if self._tty and (now - self._drawn_at >= REDRAW_SECONDS or done >= total):
            self._stream.write("\r" + self.line(done, total, now))
            self._drawn_at = now
        elif not self._tty and tenth > self._last_tenth:
            self._stream.write(self.line(done, total, now) + "\n")
            self._last_tenth = tenth
        self._stream.flush()

    def line(self, done: int, total: int, now: float) -> str:
        fraction = done / total if total else 1.0
        filled = int(fraction * WIDTH)
        rate = done / MB / max(now - self._started, 1e-3)
        bar = "#" * filled + "." * (WIDTH - filled)
        return f"{self.label} [{bar}] {fraction:4.0%}  {done / MB:.1f}/{total / MB:.1f} MB  {rate:.1f} MB/s"

    def finish(self, note: str) -> None:
        """End the bar's line with a note (done, resumed, refused…)."""
        self._stream.write(("\n" if self._tty else "") + f"{self.label}: {note}\n")
        self._stream.flush()
