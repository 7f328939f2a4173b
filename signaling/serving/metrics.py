"""运行指标: what a county's monitoring (Prometheus) scrapes from /metrics, in its text format.

Two kinds of figures:
- counted as they happen, for the server's life: HTTP requests by route and status (a hook
  on every response, whatever answered it);
- read when scraped: calls ringing and active, and for each participant of each active call
  the bytes the hub received (up) and sent (down), packets lost after retransmission, NACKs
  asked again and frames given up; the media workers and the CPU each has used; uploads in
  progress; audit events by action and retention deletions by kind (from the audit chain,
  so they count since the database began and survive restarts); the server process's own
  CPU and memory (prometheus-client's process collector).

Each scrape builds its own registry from the long-lived counters and a snapshot of the rest,
so two servers in one process (the tests) never share figures. What blocks (the database,
/proc) runs off the event loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ..appkeys import CALL_CENTER, DATABASE
from ..calls.callcenter import CallCenter
from ..scans.uploads import RECEIVING
from ..storage.database import rows

RETENTION_ACTIONS = {"recording_purged": "recording", "document_purged": "document"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ServerMetrics:
    """The figures counted as they happen, kept on the app for its life."""

    def __init__(self) -> None:
        self.requests = Counter("cunneng_http_requests", "HTTP requests answered, by route and status",
                                ["method", "route", "status"], registry=None)

    async def count_response(self, request: web.BaseRequest, response: web.StreamResponse) -> None:
        """on_response_prepare: one more request of this route (its pattern, not the path) and status."""
        resource = request.match_info.route.resource if isinstance(request, web.Request) else None
        route = resource.canonical if resource is not None else "(no route)"
        self.requests.labels(request.method, route, str(response.status)).inc()


METRICS = web.AppKey("metrics", ServerMetrics)


@dataclass(eq=False)  # a registry keeps its collectors in a dict
class Snapshot(Collector):
    """The figures read at one scrape."""

    families: list[Metric] = field(default_factory=list)
    worker_pids: list[int] = field(default_factory=list)

    def collect(self) -> Iterator[Metric]:
        yield from self.families
        workers = GaugeMetricFamily("cunneng_media_workers", "Media worker processes running")
        workers.add_metric([], len(self.worker_pids))
        cpu = CounterMetricFamily("cunneng_media_worker_cpu_seconds", "CPU time each media worker used",
                                  labels=["pid"])
        for pid in self.worker_pids:
            used = process_cpu_seconds(pid)
            if used is not None:
                cpu.add_metric([str(pid)], used)
        yield workers
        yield cpu


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process (blocking: reads /proc); None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15)


async def scrape(app: web.Application) -> bytes:
    """The whole exposition, in Prometheus's text format."""
    center = app[CALL_CENTER]
    families = [*calls_figures(center), *await media_figures(center), *await app[DATABASE].read(stored_figures)]
    snapshot = Snapshot(families, center.media.worker_pids() if center.media is not None else [])
    registry = CollectorRegistry(auto_describe=False)
    for collector in (app[METRICS].requests, snapshot, ProcessCollector(registry=None)):
        registry.register(collector)
    return await asyncio.get_running_loop().run_in_executor(None, generate_latest, registry)


def calls_figures(center: CallCenter) -> list[Metric]:
    calls = GaugeMetricFamily("cunneng_calls", "Live calls: ringing (not yet answered) and active", labels=["state"])
    ringing = sum(1 for call in center.calls.values() if call.ringing is not None)
    calls.add_metric(["ringing"], ringing)
    calls.add_metric(["active"], len(center.calls) - ringing)
    return [calls]


PARTICIPANT_COUNTERS = (
    ("cunneng_call_packets_recovered", "Lost video packets the hub asked for that then came", "packets_recovered"),
    ("cunneng_call_nacks_repeated", "Retransmissions the hub asked for again", "nacks_repeated"),
    ("cunneng_call_frames_given_up", "Video frames the hub gave up waiting for", "frames_given_up"),
    ("cunneng_call_keyframe_requests", "Keyframes the hub asked the participant for", "keyframe_requests"),
)


async def media_figures(center: CallCenter) -> list[Metric]:
    """Per participant of each call with open media: bytes up and down, loss and its repair."""
    labels = ["call", "participant"]
    received = CounterMetricFamily("cunneng_call_received_bytes", "Bytes the hub received from the participant (up)",
                                   labels=[*labels, "kind"])
    lost = CounterMetricFamily("cunneng_call_packets_lost", "Packets from the participant never received,"
                               " after retransmissions", labels=[*labels, "kind"])
    sent = CounterMetricFamily("cunneng_call_sent_bytes", "Bytes the hub sent to the participant (down)",
                               labels=labels)
    others = [CounterMetricFamily(name, text, labels=labels) for name, text, _ in PARTICIPANT_COUNTERS]
    for call_id, participants in await _stats_of_open_calls(center):
        for participant_id, figures in participants.items():
            for kind, inbound in figures.get("received", {}).items():
                received.add_metric([call_id, participant_id, kind], inbound.get("bytes", 0))
                lost.add_metric([call_id, participant_id, kind], max(0, inbound.get("packets_lost", 0)))
            sent.add_metric([call_id, participant_id], figures.get("sent", {}).get("bytes", 0))
            for family, (_, _, key) in zip(others, PARTICIPANT_COUNTERS):
                family.add_metric([call_id, participant_id], figures.get(key) or 0)
    return [received, lost, sent, *others]


async def _stats_of_open_calls(center: CallCenter) -> Iterable[tuple[str, dict[str, dict[str, Any]]]]:
    if center.media is None:
        return []
    found = []
    for call_id in [call_id for call_id, call in center.calls.items() if call.media_open]:
        try:
            found.append((call_id, await center.media.stats(call_id)))
        except Exception:  # noqa: BLE001 - a call ending during the scrape has no figures left
            continue
    return found


def stored_figures(db: Any) -> list[Metric]:
    """Uploads in progress, audit events by action, retention deletions by kind (blocking: the database)."""
    uploads = GaugeMetricFamily("cunneng_uploads_in_progress", "Scan uploads started and not yet completed")
    uploads.add_metric([], rows(db, "select count(*) as n from uploads where state = ?", [RECEIVING])[0]["n"])
    events = CounterMetricFamily("cunneng_audit_events", "Events in the audit chain, by action", labels=["action"])
    deletions = CounterMetricFamily("cunneng_retention_deletions", "Recordings and documents deleted when their"
                                    " retention period ended", labels=["kind"])
    counted = {row["action"]: row["n"] for row in
               rows(db, "select action, count(*) as n from audit_events group by action order by action")}
    for action, count in counted.items():
        events.add_metric([action], count)
    for action, kind in RETENTION_ACTIONS.items():
        deletions.add_metric([kind], counted.get(action, 0))
    return [uploads, events, deletions]
