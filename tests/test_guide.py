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


async def test_the_booklet_holds_every_guide_with_its_own_qr_code(server: RunningServer) -> None:
    """转码成册 (#19): all 141 items and the bundles, one page each, printable as one booklet."""
    page = await server.anonymous().get("/guide/booklet")
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    clerk = await server.login("clerk-yb1")
    items, bundles = (await clerk.get("/api/items")).body, (await clerk.get("/api/bundles")).body
    assert len(items) == 141
    for entry in [*items, *bundles]:
        assert f'<section class="guide-page" id="{entry["code"]}">' in page.body, entry["code"]
        assert f'href="#{entry["code"]}"' in page.body  # in the contents
    assert page.body.count("<svg") == len(items) + len(bundles)  # a QR code per guide
    assert "村级（15 项）" in page.body and "镇级（26 项）" in page.body and "区级（100 项）" in page.body
    assert "<style" not in page.body and "<script" not in page.body  # the pages' CSP: styles from /common/
