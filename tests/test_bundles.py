"""一件事 bundles (#19): one set of materials however many items ask for the same document, items that
apply only when relevant chosen at the window, and one item's refusal blocking no other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .support import VALID_ID, ApiClient, RunningServer
from .test_certificates import pdf_text

VILLAGER = {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}
DEATH_GRANT = "基本殡葬服务费用减免"  # D-MZ-002
AFTER_DEATH_ALL = ["T-WJ-001", "T-GA-002", "D-MZ-002", "D-RS-002", "D-RS-003", "T-YB-001", "D-CL-002", "D-ZR-002"]


async def open_bundle(clerk: ApiClient, code: str, items: list[str] | None = None) -> Any:
    body: dict[str, Any] = {"villager": VILLAGER, "bundle_code": code}
    if items is not None:
        body["items"] = items
    return await clerk.post("/api/cases", body)


async def test_after_death_asks_for_each_document_once(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    reply = await open_bundle(clerk, "B-SHYJS")  # the items that always apply
    assert reply.status == 201, reply.body
    materials = {m["name"]: m for m in reply.body["materials"]}
    id_cards = [name for name in materials if "身份证" in name]
    assert id_cards == ["逝者居民身份证", "办事家属居民身份证"]  # were six separate ID cards
    assert set(materials) == {
        "逝者居民身份证", "逝者户口簿", "办事家属居民身份证", "居民死亡医学证明（推断）书",
        "经办人银行卡", "火化证明", "逝者生前病历或诊断资料（有的提供）",
    }
    family_id = materials["办事家属居民身份证"]
    assert family_id["form"] == "original" and family_id["count"] == 1
    assert {f["name"] for f in family_id["for"]} == {"申办家属居民身份证", "申报人居民身份证", "经办人居民身份证"}
    everything = await open_bundle(clerk, "B-SHYJS", AFTER_DEATH_ALL)  # all optional items too
    names = [m["name"] for m in everything.body["materials"]]
    assert len([n for n in names if "身份证" in n]) == 3  # the ID cards of all heirs (不动产继承) besides
    assert "办事家属与逝者的亲属关系证明（户口簿、结婚证等）" in names and "残疾人证（交回）" in names


async def test_optional_items_are_chosen_and_required_ones_cannot_be_left_out(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    bundle = [b for b in (await clerk.get("/api/bundles")).body if b["code"] == "B-SHYJS"][0]
    assert bundle["optional"] == ["D-RS-002", "D-RS-003", "D-CL-002", "D-ZR-002"]
    required = [code for code in bundle["items"] if code not in bundle["optional"]]
    chosen = await open_bundle(clerk, "B-SHYJS", [*required, "D-RS-002"])  # a villagers' pension, nothing else
    assert [i["code"] for i in chosen.body["items"]] == [*required[:3], "D-RS-002", required[3]]
    missing = await open_bundle(clerk, "B-SHYJS", ["D-RS-002"])
    assert missing.status == 400 and "必须包含" in missing.body["message"]
    foreign = await open_bundle(clerk, "B-SHYJS", [*required, "V-YB-001"])
    assert foreign.status == 400 and "V-YB-001" in foreign.body["message"]


async def test_a_department_refusing_one_item_does_not_block_the_others(server: RunningServer) -> None:
    clerk, district = await server.login("clerk-yb1"), await server.login("district")
    hrss, civil = await server.login("dept-hrss"), await server.login("dept-civil")
    case = (await open_bundle(clerk, "B-SHYJS", [*AFTER_DEATH_ALL[:3], "D-RS-002", "T-YB-001"])).body
    path = f"/api/cases/{case['id']}"
    await district.post(f"{path}/actions/start_review", {})
    await district.post(f"{path}/reviews", {"departments": ["zh-hrss", "zh-civil"]})
    await civil.post(f"{path}/review", {"decision": "approve"})
    await hrss.post(f"{path}/review", {"decision": "refuse", "reason": "逝者未参加城乡居民养老保险"})
    assert "approve" in (await district.get(path)).body["actions"]  # the others can still be approved
    approved = await district.post(f"{path}/actions/approve", {})
    assert approved.status == 200, approved.body
    outcomes = {o["code"]: o for o in approved.body["item_outcomes"]}
    assert outcomes["D-RS-002"]["outcome"] == "refused"
    assert outcomes["D-RS-002"]["reason"] == "昭化区人力资源和社会保障局：逝者未参加城乡居民养老保险"
    assert {code for code, o in outcomes.items() if o["outcome"] == "approved"} == {
        "T-WJ-001", "T-GA-002", "D-MZ-002", "T-YB-001"}


async def test_the_window_refuses_single_items_and_the_document_says_which(
    server: RunningServer, tmp_path: Path
) -> None:
    clerk, district = await server.login("clerk-yb1"), await server.login("district")
    case = (await open_bundle(clerk, "B-SHYJS")).body
    path = f"/api/cases/{case['id']}"
    await district.post(f"{path}/actions/start_review", {})
    everything = [{"code": i["code"], "reason": "x"} for i in case["items"]]
    assert (await district.post(f"{path}/actions/approve", {"refused_items": everything})).status == 409
    wrong = await district.post(f"{path}/actions/approve", {"refused_items": [{"code": "V-YB-001", "reason": "x"}]})
    assert wrong.status == 400
    approved = await district.post(f"{path}/actions/approve", {
        "refused_items": [{"code": "D-MZ-002", "reason": "已领取过殡葬补助"}]})
    assert approved.status == 200, approved.body
    document = approved.body["issued_document"]
    status, pdf = await clerk.get_bytes(f"/api/documents/{document['id']}/file")
    assert status == 200
    text = "".join(pdf_text(pdf, tmp_path).split())
    assert f"“{DEATH_GRANT}”不予办理（已领取过殡葬补助）" in text
