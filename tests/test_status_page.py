"""The public status page (#19) the 受理回执's QR code opens: state and next step only, once the case
number and the ID number's last 4 characters match; rate-limited; the villager's rating, once."""

from __future__ import annotations

import re

from .support import VALID_ID, ApiClient, RunningServer, open_demo_case


async def look_up(anyone: ApiClient, number: str, id4: str) -> tuple[int, str]:
    async with anyone.session.post(anyone.base + "/status", data={"case": number, "id4": id4}) as reply:
        return reply.status, await reply.text()


async def rate(anyone: ApiClient, number: str, id4: str, score: str, comment: str = "") -> tuple[int, str]:
    form = {"case": number, "id4": id4, "score": score, "comment": comment}
    async with anyone.session.post(anyone.base + "/status/rating", data=form) as reply:
        return reply.status, await reply.text()


async def test_the_receipts_qr_code_opens_the_status_page_for_this_case(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk, "T-MZ-002")
    qr = await clerk.get(f"/api/cases/{case['id']}/status-qr.svg")
    assert qr.status == 200 and "<svg" in qr.body
    url = qr.headers["X-Status-Url"]
    assert url == f"{server.base}/status?case={case['number']}"
    page = await server.anonymous().get(url.removeprefix(server.base))
    assert page.status == 200 and f'value="{case["number"]}"' in page.body
    assert "<style" not in page.body and "<script" not in page.body  # the pages' CSP: styles from /common/


async def test_state_and_next_step_only_after_both_match(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk, "T-MZ-002")
    anyone = server.anonymous()
    status, wrong = await look_up(anyone, case["number"], "0000")
    assert status == 404 and "办件编号或身份证号后4位不对" in wrong and "已受理" not in wrong
    status, shown = await look_up(anyone, case["number"].lower(), VALID_ID[-4:])
    assert status == 200 and "已受理" in shown and "11月30日前办结" in shown
    for personal in ("王大山", VALID_ID, "13800001111", "泉坝村", "临时救助"):
        assert personal not in shown  # nothing beyond the state and the next step
    await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
    await town.post(f"/api/cases/{case['id']}/actions/request_supplement", {"materials": [{"name": "户口簿"}]})
    _, owed = await look_up(anyone, case["number"], VALID_ID[-4:])
    assert "待补充材料" in owed and "资料补充回执清单" in owed


async def test_guessing_is_rate_limited(server: RunningServer) -> None:
    case = await open_demo_case(await server.login("clerk-yb1"))
    anyone = server.anonymous()
    for guess in range(5):
        assert (await look_up(anyone, case["number"], f"{guess:04d}"))[0] == 404
    status, page = await look_up(anyone, case["number"], VALID_ID[-4:])  # right now, but the number is locked
    assert status == 429 and "查询次数太多" in page
    server.clock.advance(hours=1, minutes=1)
    assert (await look_up(anyone, case["number"], VALID_ID[-4:]))[0] == 200
    for number in range(9):  # ten look-ups from one address in ten minutes, whichever numbers
        await look_up(anyone, f"ZH-20261123-{number:04d}", "1234")
    assert (await look_up(anyone, case["number"], VALID_ID[-4:]))[0] == 429


async def test_the_villager_rates_a_closed_case_once(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    path = f"/api/cases/{case['id']}"
    anyone, id4 = server.anonymous(), VALID_ID[-4:]
    assert (await rate(anyone, case["number"], id4, "5"))[0] == 409  # not closed yet
    _, shown = await look_up(anyone, case["number"], id4)
    assert 'name="score"' not in shown
    await town.post(f"{path}/actions/start_review", {})
    await town.post(f"{path}/actions/approve", {})
    await clerk.post(f"{path}/actions/close", {"handover": "handed_over"})
    _, closed = await look_up(anyone, case["number"], id4)
    assert len(re.findall(r'name="score" value="\d"', closed)) == 5
    assert (await rate(anyone, case["number"], id4, "9"))[0] == 400
    status, thanks = await rate(anyone, case["number"], id4, "4", "办得快")
    assert status == 200 and "谢谢您的评价" in thanks and "已评价：4 分" in thanks
    assert (await rate(anyone, case["number"], id4, "1"))[0] == 409
    seen = (await clerk.get(path)).body
    assert (seen["rating"], seen["rating_comment"], seen["rated_via"]) == (4, "办得快", "villager")
    assert (await clerk.post(f"{path}/rating", {"score": 2})).status == 409  # once per case, window or villager


async def test_what_is_not_the_pages_form_is_refused_in_words(server: RunningServer) -> None:
    """A script posting JSON or control characters gets the page back saying why, never a server error."""
    for path in ("/status", "/status/rating"):
        async with server.session.post(server.base + path, json={"case": "x"}) as reply:
            assert reply.status == 400 and "请在查询页上填写后提交" in await reply.text()
        async with server.session.post(server.base + path, data={"case": "ZH\x00", "id4": "0013"}) as reply:
            assert reply.status == 400 and "控制字符" in await reply.text()
