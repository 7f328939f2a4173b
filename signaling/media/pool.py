"""The server's media service: calls in-process (workers=0) or over worker processes.

The signaling layer talks only to MediaWorkerPool. With workers > 0 each call lives in
one worker process, chosen as the least loaded when the call opens; the server process
only relays JSON lines. A worker that dies ends its calls with a "media.ended" message
(reason "media_worker_lost") to each participant and is replaced (with `idle_stop`, when the
next call comes); other calls go on.

With `idle_stop` the workers run only while they are needed: they start when a call is
coming (`expect_call`, while it rings) or opens, and stop after `idle_stop` seconds without
an open call, so an idle server does not hold the media stack (about 60 MB per worker).
Without it they start with the pool and run until it closes.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from protocol.messages import WorkerEvent
from protocol.tasks import BackgroundTasks
from protocol.words import HubOperation, MediaEndReason

from .config import MediaConfig
from .exceptions import CallAlreadyOpen, CallNotFound, MediaWorkerLost
from .outbox import Outbox, Send, media_ended
from .protocol import perform
from .workerprocess import WorkerProcess

if TYPE_CHECKING:
    from .hub import MediaHub

logger = logging.getLogger(__name__)

CallEnded = Callable[[str, MediaEndReason], Awaitable[None]]  # (call_id, reason)

WORKER_LOST = media_ended(
    MediaEndReason.MEDIA_WORKER_LOST, MediaWorkerLost.message_zh, "The media worker failed; the call has ended."
)


class MediaWorkerPool:
    """Open calls, join and leave participants, relay SDP and ICE; see hub.MediaHub."""

    def __init__(
        self,
        config: MediaConfig,
        send: Send,
        workers: int = 0,
        on_call_ended: CallEnded | None = None,
        request_timeout: float = 15.0,
        idle_stop: float | None = None,
    ) -> None:
        self.config = config
        self._outbox = Outbox(send)
        self._size = workers
        self._on_call_ended = on_call_ended
        self._timeout = request_timeout
        self._idle_stop = idle_stop
        self._local = self._local_hub() if workers == 0 else None
        self._workers: list[WorkerProcess] = []
        self._worker_of: dict[str, WorkerProcess] = {}
        self._warming: asyncio.Task[None] | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._tasks = BackgroundTasks("media pool task", logger)
        self._closing = False

    def _local_hub(self) -> MediaHub:
        """The hub in this process; only then does the server load aiortc (idle memory, #9)."""
        from .hub import MediaHub

        return MediaHub(self.config, self._outbox.post)

    async def start(self) -> None:
        """Start the worker processes, unless they start on demand (idle_stop) or run in-process."""
        if self._idle_stop is None:
            await self.warm()

    async def warm(self) -> None:
        """Have every worker running: the ones stopped while idle, or lost, start again now."""
        self._cancel_idle_stop()
        if self._warming is None and len(self._workers) < self._size and not self._closing:
            self._warming = asyncio.create_task(self._spawn_missing())
        if self._warming is not None:
            await asyncio.shield(self._warming)

    def expect_call(self) -> None:
        """A call is ringing: start the workers now, so that answering it does not wait for them."""
        if self._size:
            self._tasks.spawn(self.warm())

    async def close(self) -> None:
        """Close every call and stop the workers."""
        self._closing = True
        self._cancel_idle_stop()
        await self._tasks.wait()
        if self._warming is not None:
            await asyncio.gather(self._warming, return_exceptions=True)
        if self._local is not None:
            await self._local.close()
        await asyncio.gather(*(worker.stop() for worker in self._workers))
        self._workers.clear()
        self._worker_of.clear()
        await self._outbox.flush()

    async def __aenter__(self) -> MediaWorkerPool:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open_call(self, call_id: str, recording: dict[str, Any] | None = None) -> None:
        """Start a call; `recording` names a recorder factory (recording.open_recording)."""
        if self._local is not None:
            return await self._local.open_call(call_id, recording)
        await self.warm()
        if call_id in self._worker_of:
            raise CallAlreadyOpen(f"call {call_id} is already open")
        if not self._workers:
            raise MediaWorkerLost("no media worker is running")
        worker = min(self._workers, key=lambda w: w.load)
        self._worker_of[call_id] = worker
        worker.calls[call_id] = set()
        try:
            await worker.request(HubOperation.OPEN_CALL, call_id=call_id, recording=recording)
        except Exception:
            self._forget(call_id)
            raise

    async def join(self, call_id: str, participant_id: str, label: str) -> None:
        """Add a participant; the hub's offer reaches them through `send`."""
        await self._perform(call_id, HubOperation.JOIN, participant_id=participant_id, label=label)
        if call_id in self._worker_of:
            self._worker_of[call_id].calls[call_id].add(participant_id)

    async def answer(self, call_id: str, participant_id: str, sdp: str) -> None:
        """The participant's SDP answer to the hub's latest offer."""
        await self._perform(call_id, HubOperation.ANSWER, participant_id=participant_id, sdp=sdp)

    async def add_ice_candidate(
        self, call_id: str, participant_id: str, candidate: dict[str, Any] | None
    ) -> None:
        """A trickled ICE candidate in the browser's shape; None ends the candidates."""
        await self._perform(
            call_id, HubOperation.ADD_ICE_CANDIDATE, participant_id=participant_id, candidate=candidate
        )

    async def leave(self, call_id: str, participant_id: str) -> None:
        """Remove a participant from a call."""
        await self._perform(call_id, HubOperation.LEAVE, participant_id=participant_id)
        if call_id in self._worker_of:
            self._worker_of[call_id].calls[call_id].discard(participant_id)

    async def close_call(self, call_id: str) -> list[dict[str, Any]]:
        """End a call for everyone and finish its recording; the files the recording stored."""
        try:
            stored: list[dict[str, Any]] = await self._perform(call_id, HubOperation.CLOSE_CALL)
            return stored
        finally:
            self._forget(call_id)

    async def stats(self, call_id: str) -> dict[str, dict[str, Any]]:
        """Connection-quality figures per participant."""
        result: dict[str, dict[str, Any]] = await self._perform(call_id, HubOperation.STATS)
        return result

    async def still(self, call_id: str, participant_id: str) -> bytes:
        """A PNG of the participant's current camera picture (decoded on demand)."""
        encoded: str = await self._perform(call_id, HubOperation.STILL, participant_id=participant_id)
        return base64.b64decode(encoded)

    def worker_pids(self) -> list[int]:
        """Process ids of the running workers."""
        return [w.pid for w in self._workers if w.pid is not None]

    def worker_pid(self, call_id: str) -> int | None:
        """The process running a call, or None in-process."""
        worker = self._worker_of.get(call_id)
        return worker.pid if worker else None

    async def _perform(self, call_id: str, op: HubOperation, **args: Any) -> Any:
        if self._local is not None:
            return await perform(self._local, op, {"call_id": call_id, **args})
        worker = self._worker_of.get(call_id)
        if worker is None:
            raise CallNotFound(f"call {call_id} is not open")
        return await worker.request(op, call_id=call_id, **args)

    async def _spawn_missing(self) -> None:
        try:
            await asyncio.gather(*(self._spawn() for _ in range(self._size - len(self._workers))))
        finally:
            self._warming = None
            self._schedule_idle_stop()

    async def _spawn(self) -> None:
        worker = WorkerProcess(self._on_event, self._on_lost, self._timeout)
        configure = {
            "config": self.config.as_json(),
            "log_level": logging.getLogger("signaling").getEffectiveLevel(),
        }
        await worker.start(configure)
        if self._closing:  # a replacement that came up while the pool was closing
            await worker.stop()
            return
        self._workers.append(worker)

    def _on_event(self, event: WorkerEvent) -> None:
        self._outbox.post(event["call_id"], event["participant_id"], event["message"])

    def _on_lost(self, worker: WorkerProcess) -> None:
        """End the lost worker's calls clearly and start a replacement."""
        if worker not in self._workers:
            return  # it died while starting: start() raises, nothing was placed on it
        self._workers.remove(worker)
        for call_id, participants in worker.calls.items():
            logger.error("%s: ended, its media worker %s died", call_id, worker.pid)
            for participant_id in participants:
                self._outbox.post(call_id, participant_id, WORKER_LOST)
            self._worker_of.pop(call_id, None)
            if self._on_call_ended is not None:
                self._tasks.spawn(self._on_call_ended(call_id, MediaEndReason.MEDIA_WORKER_LOST))
        self._tasks.spawn(self._replace())

    async def _replace(self) -> None:
        """A lost worker is replaced at once, or at the next call when workers start on demand."""
        if self._idle_stop is None:
            await self.warm()
        else:
            self._schedule_idle_stop()

    def _forget(self, call_id: str) -> None:
        worker = self._worker_of.pop(call_id, None)
        if worker is not None:
            worker.calls.pop(call_id, None)
        self._schedule_idle_stop()

    def _schedule_idle_stop(self) -> None:
        """With idle_stop, and no call open: stop the workers if none opens in the meantime."""
        if self._idle_stop is None or self._worker_of or self._idle_timer or not self._workers or self._closing:
            return
        self._idle_timer = asyncio.get_running_loop().call_later(self._idle_stop, self._stop_idle_workers)

    def _cancel_idle_stop(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None

    def _stop_idle_workers(self) -> None:
        self._idle_timer = None
        if self._worker_of or self._warming is not None:
            return
        idle, self._workers = self._workers, []  # out of the pool first: a new call starts fresh ones
        logger.info("no call for %.0f s: stopping %d media worker(s)", self._idle_stop, len(idle))
        for worker in idle:
            self._tasks.spawn(worker.stop())

