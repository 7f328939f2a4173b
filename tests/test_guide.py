"""The printable guide page (办事指南) of an item or bundle, with a QR code back to it."""

from __future__ import annotations

from .support import RunningServer


async def test_an_item_guide_lists_its_materials_and_carries_a_qr_code(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    item = (await clerk.get("/api/items/T-ZJ-001")).body
    page = await server.anonymous().get("/guide/T-ZJ-001")  # public: villagers scan it at home
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert item["title"] in page.body and item["name"] in page.body
    for material in item["materials"]:
        assert material["name"] in page.body
    assert "<svg" in page.body and "扫码查看本指南" in page.body


async def test_a_bundle_guide_names_every_item(server: RunningServer) -> None:
    page = await server.anonymous().get("/guide/B-CSYJS")
    bundle = [b for b in (await (await server.login("clerk-yb1")).get("/api/bundles")).body
              if b["code"] == "B-CSYJS"][0]
    assert page.status == 200 and bundle["name"] in page.body
    assert page.body.count("<p>") >= len(bundle["items"])


async def test_an_unknown_guide_is_not_found(server: RunningServer) -> None:
    assert (await server.anonymous().get("/guide/NOPE")).status == 404
