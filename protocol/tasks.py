"""Tasks started and not awaited: kept referenced until done, and their failures logged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any


class BackgroundTasks:
    """A set of fire-and-forget tasks that are never lost silently."""

    def __init__(self, what: str, logger: logging.Logger) -> None:
        self._what = what
        self._logger = logger
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Awaitable[Any]) -> asyncio.Task[Any]:
        """Run coroutine in the background."""
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._logger.error("%s failed", self._what, exc_info=task.exception())

    def __len__(self) -> int:
        return len(self._tasks)

    def cancel(self) -> None:
        """Cancel every task still running."""
        for task in list(self._tasks):
            task.cancel()

    async def wait(self) -> None:
        """Until every task has finished (cancelled ones included)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
