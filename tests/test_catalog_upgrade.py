"""A county already running gets the items a newer catalog file ships, and keeps its own edits (#19)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .support import start_server


def as_an_older_catalog(database: Path) -> None:
    """The database as an earlier release left it: no 退役军人事务 department, items or 农村建房一件事."""
    with sqlite3.connect(database) as db:
        db.execute("delete from items where departments like '%veterans%'")
        db.execute("delete from departments where code = 'veterans'")
        db.execute("delete from bundles where code = 'B-NCJF'")


async def test_a_newer_catalog_adds_its_items_and_keeps_the_admins_edits(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data")
    try:
        admin = await server.login("admin")
        item = (await admin.get("/api/items/V-RS-001")).body
        edited = {k: item[k] for k in ("code", "name", "title", "level", "departments", "materials",
                                       "time_limit_days", "guide")} | {"guide": "本村的办法：带身份证来村委会。"}
        assert (await admin.put("/api/items/V-RS-001", edited)).status == 200
    finally:
        await server.close()
    as_an_older_catalog(tmp_path / "data" / "cunneng.db")

    server = await start_server(tmp_path / "data")  # the upgrade starts on the county's database
    try:
        admin = await server.login("admin")
        items = (await admin.get("/api/items")).body
        assert len(items) == 141 and {"V-TY-001", "D-TY-004"} <= {i["code"] for i in items}
        assert (await admin.get("/api/items/V-RS-001")).body["guide"] == "本村的办法：带身份证来村委会。"
        assert "veterans" in {d["code"] for d in (await admin.get("/api/departments")).body}
        assert "B-NCJF" in {b["code"] for b in (await admin.get("/api/bundles")).body}
    finally:
        await server.close()
    with sqlite3.connect(tmp_path / "data" / "cunneng.db") as db:
        loaded = [json.loads(d) for (d,) in db.execute(
            "select detail from audit_events where action = 'catalog_loaded' order by seq")]
    assert len(loaded) == 2 and len(loaded[0]["items"]) == 141
    assert sorted(loaded[1]["items"]) == ["D-TY-001", "D-TY-002", "D-TY-003", "D-TY-004", "T-TY-001", "V-TY-001"]
    assert loaded[1]["bundles"] == ["B-NCJF"]
