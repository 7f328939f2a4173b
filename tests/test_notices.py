"""The villager hears back (#19): notices on acceptance, supplement request, decision and pickup go
through an outbox to the county's SMS gateway — a real HTTP server here — with retries, none lost
while it is down or across a restart, each delivered once; without a gateway they are a call list."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from .sms_gateway import SECRET, StandInGateway
from .support import RunningServer, free_port, open_demo_case, start_server

FAST = {"notice_poll_seconds": 0.1, "notice_retry_seconds": 1.0}


@pytest.fixture
async def gateway() -> AsyncIterator[StandInGateway]:
    stand_in = StandInGateway(free_port())
    yield stand_in
    await stand_in.stop()


async def sms_server(data: Path, gateway: StandInGateway, **settings: Any) -> RunningServer:
    return await start_server(data, sms_gateway_url=gateway.url, sms_gateway_secret=SECRET, **{**FAST, **settings})


async def notices_of(server: RunningServer, case_id: int) -> list[dict[str, Any]]:
    from signaling.appkeys import DATABASE
    from signaling.notices.outbox import case_notices

    return list(await server.app[DATABASE].read(case_notices, case_id))


async def until(check: Any, timeout: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_each_step_the_villager_should_know_is_sent_once(tmp_path: Path, gateway: StandInGateway) -> None:
    await gateway.start()
    server = await sms_server(tmp_path / "data", gateway)
    try:
        clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
        case = await open_demo_case(clerk, "T-MZ-002")
        path = f"/api/cases/{case['id']}"
        await gateway.wait_for(1)
        await town.post(f"{path}/actions/start_review", {})
        await town.post(f"{path}/actions/request_supplement", {"materials": [{"name": "户口簿"}]})
        await gateway.wait_for(2)
        await clerk.post(f"{path}/actions/submit_supplement", {})
        await town.post(f"{path}/actions/approve", {})
        await gateway.wait_for(3)
        texts = [n["text"] for n in gateway.received]
        assert all(case["number"] in text and "泉坝村" in text for text in texts)
        assert "已受理，预计11月30日前办结" in texts[0] and "补充材料" in texts[1] and "领取结果" in texts[2]
        assert {n["phone"] for n in gateway.received} == {"13800001111"}
        assert "510802198005120013" not in "".join(texts)  # no ID number in a text message
        await asyncio.sleep(0.5)
        assert len(gateway.received) == 3
        assert [(n["kind"], n["state"]) for n in await notices_of(server, case["id"])] == [
            ("accepted", "sent"), ("supplement", "sent"), ("ready", "sent")]
    finally:
        await server.close()


async def test_a_notice_sent_while_the_gateway_is_down_arrives_once_it_is_back(
    tmp_path: Path, gateway: StandInGateway
) -> None:
    server = await sms_server(tmp_path / "data", gateway)  # the gateway is not listening yet
    try:
        case = await open_demo_case(await server.login("clerk-yb1"))

        async def tried() -> bool:
            return (await notices_of(server, case["id"]))[0]["attempts"] >= 1
        await until(tried)
        assert (await notices_of(server, case["id"]))[0]["state"] == "pending"
        await gateway.start()
        server.clock.advance(seconds=2)  # past the first retry's wait
        await gateway.wait_for(1)
        await asyncio.sleep(0.5)
        (taken,) = gateway.received
        assert taken["key"] == f"cunneng-notice-{taken['id']}"
        assert (await notices_of(server, case["id"]))[0]["state"] == "sent"
    finally:
        await server.close()


async def test_a_gateway_refusing_is_tried_again_backing_off(tmp_path: Path, gateway: StandInGateway) -> None:
    gateway.failures = 2
    await gateway.start()
    server = await sms_server(tmp_path / "data", gateway)
    try:
        case = await open_demo_case(await server.login("clerk-yb1"))
        await until(lambda: _at_least(gateway, refused=1))
        server.clock.advance(seconds=1)  # the first wait: 1 s
        await until(lambda: _at_least(gateway, refused=2))
        server.clock.advance(seconds=1)  # not yet: the second wait is 2 s
        await asyncio.sleep(0.4)
        assert gateway.received == []
        server.clock.advance(seconds=1)
        await gateway.wait_for(1)
        (notice,) = await notices_of(server, case["id"])
        assert (notice["state"], notice["attempts"]) == ("sent", 3)
    finally:
        await server.close()


async def _at_least(gateway: StandInGateway, refused: int) -> bool:
    return gateway.refused >= refused


async def test_no_notice_is_lost_across_a_restart(tmp_path: Path, gateway: StandInGateway) -> None:
    data = tmp_path / "data"
    server = await sms_server(data, gateway, notice_retry_seconds=3600.0)
    case = await open_demo_case(await server.login("clerk-yb1"))
    await until(lambda: _tried(server, case["id"]))
    await server.close()  # down with the notice unsent
    await gateway.start()
    server = await sms_server(data, gateway, notice_retry_seconds=3600.0)
    try:
        server.clock.advance(hours=1, seconds=1)
        await gateway.wait_for(1)
        await asyncio.sleep(0.5)
        assert len(gateway.received) == 1 and case["number"] in gateway.received[0]["text"]
    finally:
        await server.close()


async def _tried(server: RunningServer, case_id: int) -> bool:
    return (await notices_of(server, case_id))[0]["attempts"] >= 1


async def test_without_a_gateway_the_notices_are_the_clerks_call_list(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
    await town.post(f"/api/cases/{case['id']}/actions/refuse", {"reason": "不符合条件"})
    calls = (await clerk.get("/api/notices")).body
    assert [(c["kind_name"], c["villager_name"], c["phone"]) for c in calls] == [
        ("受理通知", "王大山", "13800001111"), ("审批结果通知", "王大山", "13800001111")]
    assert "不予批准" in calls[1]["text"]
    assert (await (await server.login("clerk-yb2")).get("/api/notices")).body == []
    assert (await (await server.login("clerk-yb2")).post(f"/api/notices/{calls[0]['id']}/called")).status == 404
    assert (await town.get("/api/notices")).status == 403
    done = await clerk.post(f"/api/notices/{calls[0]['id']}/called")
    assert done.status == 200 and done.body["state"] == "called"
    assert [c["id"] for c in (await clerk.get("/api/notices")).body] == [calls[1]["id"]]
    assert (await clerk.post(f"/api/notices/{calls[0]['id']}/called")).status == 409
