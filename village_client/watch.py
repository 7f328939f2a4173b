"""扫描仪监视文件夹: upload every file a scanner drops into a folder, once it is completely written.

A file counts as written when its size and modification time have not changed for
`settle` seconds and it can be opened. Names scanners and copiers use while writing
(.tmp, .part, ~$…, hidden files) are skipped. What was sent is remembered in a small state
file in the folder (by name, size and modification time), so each file goes up once, even
across restarts; a file replaced by a new scan under the same name goes up again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .exceptions import ServerUnreachable, UploadRefused
from .uploader import ScanUploader

logger = logging.getLogger(__name__)

STATE_FILE = ".cunneng-sent.json"
WRITING_SUFFIXES = (".tmp", ".temp", ".part", ".partial", ".crdownload", ".download", ".swp", "~")
WRITING_PREFIXES = (".", "~$", "~")


@dataclass(frozen=True)
class Sighting:
    """A file's size and modification time, and since when they have stayed so."""

    size: int
    mtime_ns: int
    since: float


def is_being_written_name(name: str) -> bool:
    """Names that scanners and copiers give files still being written (or that are not scans)."""
    lowered = name.lower()
    return lowered.startswith(WRITING_PREFIXES) or lowered.endswith(WRITING_SUFFIXES)


def can_open(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError:
        return False
    return True


class HotFolder:
    """The folder's files, told apart into still-being-written, ready, and already sent."""

    def __init__(self, folder: Path, settle: float) -> None:
        self.folder = folder
        self.settle = settle
        self._seen: dict[str, Sighting] = {}
        self._state_path = folder / STATE_FILE
        self.sent: dict[str, dict[str, Any]] = self._load_state()

    def _load_state(self) -> dict[str, dict[str, Any]]:
        try:
            return dict(json.loads(self._state_path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            logger.warning("%s: unreadable, starting afresh", self._state_path)
            return {}

    def ready(self, now: float) -> list[Path]:
        """Files completely written and not sent yet, oldest sighting first."""
        found: list[Path] = []
        current: dict[str, Sighting] = {}
        for entry in os.scandir(self.folder):
            if not entry.is_file(follow_symlinks=False) or is_being_written_name(entry.name):
                continue
            stat = entry.stat(follow_symlinks=False)
            seen = self._seen.get(entry.name)
            if seen is None or (seen.size, seen.mtime_ns) != (stat.st_size, stat.st_mtime_ns):
                seen = Sighting(stat.st_size, stat.st_mtime_ns, now)
            current[entry.name] = seen
            if self._settled(entry.name, seen, now):
                found.append(self.folder / entry.name)
        self._seen = current
        return sorted(found, key=lambda path: current[path.name].since)

    def _settled(self, name: str, seen: Sighting, now: float) -> bool:
        sent = self.sent.get(name)
        if sent is not None and (sent["size"], sent["mtime_ns"]) == (seen.size, seen.mtime_ns):
            return False
        return seen.size > 0 and now - seen.since >= self.settle and can_open(self.folder / name)

    def mark(self, path: Path, outcome: dict[str, Any]) -> None:
        """Remember the file as handled (sent, or refused for good) — written atomically."""
        seen = self._seen[path.name]
        self.sent[path.name] = {"size": seen.size, "mtime_ns": seen.mtime_ns, **outcome}
        temp = self._state_path.with_name(STATE_FILE + ".tmp")
        temp.write_text(json.dumps(self.sent, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temp, self._state_path)


async def watch_folder(
    uploader: ScanUploader, case_id: int, folder: Path, stop: asyncio.Event, *, material: str = "other",
    settle: float = 2.0, interval: float = 1.0, report: Callable[[str], None] = print,
) -> None:
    """Upload each new, completely written file in the folder to the case, until stop is set."""
    hot = await asyncio.to_thread(HotFolder, folder, settle)  # reads what was sent before
    while not stop.is_set():  # the folder is read and the state file written off the event loop
        for path in await asyncio.to_thread(hot.ready, time.monotonic()):
            outcome = await _send(uploader, case_id, path, material, report)
            if outcome is not None:
                await asyncio.to_thread(hot.mark, path, outcome)
        try:
            await asyncio.wait_for(stop.wait(), interval)
        except asyncio.TimeoutError:
            pass


async def _send(uploader: ScanUploader, case_id: int, path: Path, material: str,
                report: Callable[[str], None]) -> dict[str, Any] | None:
    """Upload one file: what to remember, or None to try again later (server away)."""
    report(f"上传 uploading {path.name} …")
    try:
        result = await uploader.upload(case_id, path, material)
    except UploadRefused as refused:  # sending it again would be refused again
        report(f"拒收 refused {path.name}: {refused}")
        return {"refused": refused.code}
    except ServerUnreachable as away:
        report(f"稍后重试 will retry {path.name}: {away}")
        return None
    document = result.document
    report(f"完成 stored {path.name} → document {document['id']} sha256 {document['sha256']}")
    return {"document_id": document["id"], "sha256": document["sha256"]}
