"""A county's worth of cases for the statistics benchmark: 20 towns of 15 villages, 200,000 cases, 50,000 calls.

    .venv/bin/python -m bench.statistics_data DATA_DIR [--cases N] [--calls N] [--seed S]

Starts from the demo jurisdiction and catalog as `cunneng serve` sets them up, adds the towns,
villages and their windows, then writes the cases of two years (2025–2026) straight into the
database — opened on working days between 8 and 18 h, most decided within their time limit,
some refused, asked for supplements, late or still running, a third rated, with their calls
and scans — in one transaction, so the statistics hook sums them as it would a restored
database. Random but seeded: the same arguments make the same county.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from signaling.access.accounts import create_account
from signaling.access.jurisdictions import create_unit
from signaling.access.roles import SYSTEM, Role
from signaling.app import first_start, open_database
from signaling.audit.acts import Act
from signaling.config import CHINA_TZ, Settings
from signaling.storage.database import rows

TOWNS, VILLAGES_PER_TOWN = 20, 15
FIRST_DAY = datetime(2025, 1, 1, tzinfo=CHINA_TZ)
DAYS = 700


@dataclass(frozen=True)
class County:
    """What the cases are spread over: villages (with their town and clerk), windows, items, departments."""

    villages: list[dict[str, Any]]
    windows: dict[str, int]  # unit → its approver account
    items: list[dict[str, Any]]
    departments: dict[str, str]  # department kind → its unit


def build_county(db: Any, act: Act) -> County:
    """The towns (beyond the demo's), their villages and a window account per town and village."""
    for number in range(TOWNS):
        town = f"zh-t{number:02d}"
        create_unit(db, act, {"id": town, "name": f"第{number + 1}镇", "kind": "town", "parent_id": "zh"})
        create_account(db, act, f"town-t{number:02d}", f"第{number + 1}镇窗口", Role.TOWN_APPROVER, town, "-")
        for village in range(VILLAGES_PER_TOWN):
            unit = f"{town}-{village + 1:02d}"
            create_unit(db, act, {"id": unit, "name": f"第{number + 1}镇{village + 1}村", "kind": "village",
                                  "parent_id": town})
            create_account(db, act, f"clerk-t{number:02d}{village:02d}", f"{unit}窗口", Role.VILLAGE_CLERK, unit, "-")
    villages = rows(db, "select units.id, units.parent_id, accounts.id as clerk from units join accounts"
                        " on accounts.unit_id = units.id where units.kind = 'village'")
    windows = {r["unit_id"]: r["id"] for r in rows(db, "select id, unit_id from accounts where role in"
                                                       " ('town_approver', 'district_approver')")}
    items = rows(db, "select code, level, time_limit_days, departments from items")
    departments = {r["dept_code"]: r["id"] for r in rows(db, "select id, dept_code from units"
                                                            " where kind = 'department'")}
    return County(villages, windows, items, departments)


def generate(db: Any, act: Act, cases: int, calls: int, seed: int) -> None:
    """Everything in one transaction: the statistics hook then sums it afresh before it commits."""
    rng = random.Random(seed)
    county = build_county(db, act)
    villagers = max(1, cases // 4)
    db.table("villagers").insert_all(
        ({"id": n + 1000, "id_number": f"V{n:017d}", "name": f"村民{n}", "phone": "", "village_id": v["id"],
          "created_at": FIRST_DAY.isoformat(), "updated_at": FIRST_DAY.isoformat()}
         for n, v in ((n, rng.choice(county.villages)) for n in range(villagers))), batch_size=5000)
    made = [_case(rng, n, county, villagers) for n in range(cases)]
    db.table("cases").insert_all((c for c, _ in made), batch_size=2000)
    db.table("case_reviews").insert_all(
        ({"case_id": c["id"], "unit_id": county.departments[dept], "state": "approved", "sent_at": c["opened_at"]}
         for c, depts in made for dept in depts if dept in county.departments), batch_size=5000)
    db.table("calls").insert_all((_call(rng, rng.choice(made)[0]) for _ in range(calls)), batch_size=5000)
    db.table("documents").insert_all(
        ({"case_id": c["id"], "kind": "scan", "material": "居民身份证", "filename": "scan.jpg",
          "content_type": "image/jpeg", "digest": "0" * 64, "size": 1, "created_by": c["opened_by"],
          "created_at": c["opened_at"]} for c, _ in made if rng.random() < 0.3), batch_size=5000)


def _case(rng: random.Random, number: int, county: County, villagers: int) -> tuple[dict[str, Any], list[str]]:
    village = rng.choice(county.villages)
    item = rng.choice(county.items)
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(8, 18), minutes=rng.randrange(60))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    limit = item["time_limit_days"]
    due = day + timedelta(days=limit * 7 // 5 + 1)
    handler = "zh" if item["level"] == "district" else village["parent_id"]
    case: dict[str, Any] = {
        "id": number + 1000, "number": f"ZH-G-{number:07d}", "village_id": village["id"],
        "town_id": village["parent_id"], "district_id": "zh", "villager_id": 1000 + number % villagers,
        "item_codes": json.dumps([item["code"]]), "level": item["level"], "handler_unit_id": handler,
        "opened_by": village["clerk"], "opened_at": day.isoformat(), "due_at": due.isoformat(),
        "updated_at": day.isoformat(),
    }
    recent = day > FIRST_DAY + timedelta(days=DAYS - 20)
    fate = rng.random()
    if recent and fate < 0.5:
        case["state"] = rng.choice(["received", "under_review", "pending"])
    elif fate < 0.05:
        case["state"] = "supplement_requested"
        case["supplement"] = json.dumps([{"name": "户口簿"}], ensure_ascii=False)
    else:
        decided = day + timedelta(hours=rng.choice([1, 20, 50, 100, 200, 400]) * (1 + limit / 5))
        case.update(decided_by=county.windows.get(handler), decided_at=decided.isoformat(),
                    updated_at=decided.isoformat())
        refused = fate > 0.92
        case["refusal_reason"] = "不符合条件" if refused else None
        case["state"] = "refused" if refused else "approved"
        if rng.random() < 0.8:
            case.update(state="closed", closed_at=(decided + timedelta(days=1)).isoformat(), closed_how="printed")
            if rng.random() < 0.35:
                score = rng.choices([1, 2, 3, 4, 5], [2, 3, 10, 30, 55])[0]
                case.update(rating=score, rating_comment="等太久了" if score <= 2 else "",
                            rated_at=(decided + timedelta(days=2)).isoformat())
    return case, json.loads(item["departments"]) if rng.random() < 0.1 else []


def _call(rng: random.Random, case: dict[str, Any]) -> dict[str, Any]:
    rung = datetime.fromisoformat(case["opened_at"]) + timedelta(minutes=rng.randrange(5, 600))
    held = rng.random() < 0.85
    seconds = rng.lognormvariate(5.5, 0.6) if held else None
    return {"id": secrets.token_hex(8), "case_id": case["id"], "state": "ended" if held else "unanswered",
            "requested_by": case["opened_by"], "requested_at": rung.isoformat(),
            "accepted_by": case.get("decided_by") if held else None,
            "accepted_at": (rung + timedelta(seconds=20)).isoformat() if held else None,
            "ended_at": (rung + timedelta(seconds=20 + (seconds or 40))).isoformat(),
            "end_reason": "ended" if held else "unanswered", "duration": seconds}


def make_county(data_dir: Path, cases: int, calls: int, seed: int = 20) -> float:
    """Create the data directory and fill it; the seconds it took."""
    started = time.perf_counter()
    settings = Settings(data_dir=data_dir)
    database, audit = open_database(settings)
    try:
        first_start(database, audit, settings, lambda: datetime.now(CHINA_TZ))
        database.run_sync(generate, Act(SYSTEM, datetime.now(CHINA_TZ), audit), cases, calls, seed)
    finally:
        database.close_sync()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--calls", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    if args.data_dir.exists() and any(args.data_dir.iterdir()):
        parser.error(f"{args.data_dir} is not empty")
    seconds = make_county(args.data_dir, args.cases, args.calls, args.seed)
    print(f"{args.cases} cases and {args.calls} calls in {args.data_dir} ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
