"""/metrics (#22): scraped before, during and after a real call through a media worker process, the
figures a county's monitoring watches move — calls ringing then active, bytes up and down, the
worker and its CPU, uploads in progress, requests by route and status, audit events, retention
deletions; only the admin, or the server's own machine, may read them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from village_client.consult import Party
from village_client.tracks import PatternCamera

from .retention_support import purge
from .support import ApiClient, WallClock, open_demo_case, start_server
from .village_link import SERVER_ADDRESS, LinkShape, VillageLink, missing_powers

Figures = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scraped(client: ApiClient) -> Figures:
    """Every sample of /metrics, by name and labels."""
    reply = await client.get("/metrics")
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"].startswith("text/plain; version=")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(reply.body) for sample in family.samples}


def total(figures: Figures, name: str, **labels: str) -> float:
    """The sum of the samples of name whose labels include these."""
    return sum(value for (found, their), value in figures.items()
               if found == name and set(labels.items()) <= set(their))


async def test_the_figures_move_with_a_call_an_upload_and_a_purge(tmp_path: Path) -> None:
    clock = WallClock()
    server = await start_server(tmp_path / "data", clock=clock, media_workers=1, retention_first_run_seconds=3600)
    here = server.anonymous()  # the test runs on the server's machine: loopback may read
    try:
        before = await scraped(here)
        assert total(before, "cunneng_calls", state="ringing") == 0 == total(before, "cunneng_calls", state="active")
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        started = await clerk.post(f"/api/cases/{case['id']}/uploads", {
            "filename": "户口簿.jpg", "size": 4096, "sha256": "0" * 64, "material": "other"})
        assert started.status == 200 and started.body["state"] == "receiving", started.body

        village = await Party.sign_in(server.base, "clerk-yb1", "cunneng-demo", video=PatternCamera(320, 240))
        approver = await Party.sign_in(server.base, "town-yb", "cunneng-demo", video=PatternCamera(320, 240))
        try:
            await village.place_call(case["id"])
            ringing = await scraped(here)
            assert total(ringing, "cunneng_calls", state="ringing") == 1
            await approver.answer_next()
            await village.connection.expect("call.accepted")
            await approver.wait_for_video(village.account_id, frames=10)
            await village.wait_for_video(approver.account_id, frames=10)
            await asyncio.sleep(1.5)
            during = await scraped(here)
            await village.hang_up()
            await approver.wait_ended()
        finally:
            await village.close()
            await approver.close()

        assert total(during, "cunneng_calls", state="active") == 1
        assert total(during, "cunneng_calls", state="ringing") == 0
        up = total(during, "cunneng_call_received_bytes_total", participant=village.account_id, kind="video")
        down = total(during, "cunneng_call_sent_bytes_total", participant=village.account_id)
        assert up > 10_000 and down > 10_000, (up, down)
        assert total(during, "cunneng_call_packets_lost_total") >= 0
        for repair in ("cunneng_call_nacks_repeated_total", "cunneng_call_packets_recovered_total"):
            assert (repair, (("call", village.call_id or ""), ("participant", village.account_id))) in during
        assert total(during, "cunneng_media_workers") == 1
        assert total(during, "cunneng_media_worker_cpu_seconds_total") > 0
        assert total(during, "cunneng_uploads_in_progress") == 1
        assert total(during, "process_cpu_seconds_total") > 0  # the server process itself

        clock.advance(days=31)  # the call's recording is past its 30 days
        purged = len((await purge(server)).deleted)  # the server's own hourly job, run now
        assert purged >= 1
        after = await scraped(here)
        assert total(after, "cunneng_calls") == 0
        assert total(after, "cunneng_retention_deletions_total", kind="recording") == purged
        assert total(after, "cunneng_http_requests_total", method="POST", route="/api/login", status="200") >= 3
        assert total(after, "cunneng_http_requests_total", method="POST", route="/api/cases", status="201") == 1
        assert total(after, "cunneng_http_requests_total", route="/metrics", status="200") == 3
        for action in ("call_requested", "call_accepted", "call_ended", "recording_purged"):
            events = "cunneng_audit_events_total"
            assert total(after, events, action=action) > total(before, events, action=action), action
    finally:
        await server.close()


async def test_only_the_admin_or_this_machine_reads_the_figures(tmp_path: Path) -> None:
    why_not = missing_powers()
    if why_not is not None:
        pytest.skip(why_not)
    with VillageLink(LinkShape(udp_loss_percent=0)):
        server = await start_server(tmp_path / "data", host=SERVER_ADDRESS)  # reached from a county address
        try:
            assert (await server.anonymous().get("/metrics")).status == 401
            refused = await (await server.login("clerk-yb1")).get("/metrics")
            assert refused.status == 403 and "管理员" in refused.body["message"]
            assert (await (await server.login("admin")).get("/metrics")).status == 200
        finally:
            await server.close()
