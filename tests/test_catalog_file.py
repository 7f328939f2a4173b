"""Structural rules of the shipped item catalog (事项清单), checked on the JSON file itself."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

CATALOG_PATH = Path(__file__).resolve().parent.parent / "signaling" / "catalog" / "data" / "catalog.json"
LEVELS = {"village": "V", "town": "T", "district": "D"}
ITEM_CODE = re.compile(r"^([VTD])-[A-Z]{2,4}-\d{3}$")
BUNDLE_CODE = re.compile(r"^B-[A-Z]{2,8}$")


@cache
def catalog() -> dict[str, Any]:
    """The catalog as loaded from disk, parsed once per test session."""
    with CATALOG_PATH.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def items() -> list[dict[str, Any]]:
    """All catalog items."""
    return list(catalog()["items"])


def item_codes() -> set[str]:
    """Codes of all catalog items."""
    return {item["code"] for item in items()}


def test_catalog_has_version_and_at_least_thirty_items() -> None:
    assert catalog()["version"] == 1
    assert len(items()) >= 30


def test_every_level_has_items() -> None:
    levels = Counter(item["level"] for item in items())
    assert set(levels) == set(LEVELS)


def test_item_codes_are_unique() -> None:
    codes = [item["code"] for item in items()]
    assert len(codes) == len(set(codes)), [c for c, n in Counter(codes).items() if n > 1]


def test_item_code_letter_matches_level() -> None:
    for item in items():
        match = ITEM_CODE.match(item["code"])
        assert match, item["code"]
        assert match.group(1) == LEVELS[item["level"]], item["code"]


def test_department_codes_are_unique() -> None:
    codes = [dept["code"] for dept in catalog()["departments"]]
    assert len(codes) == len(set(codes))


def test_items_refer_only_to_listed_departments() -> None:
    known = {dept["code"] for dept in catalog()["departments"]}
    for item in items():
        assert item["departments"], item["code"]
        assert set(item["departments"]) <= known, item["code"]


def test_every_department_handles_some_item() -> None:
    used = {code for item in items() for code in item["departments"]}
    assert used == {dept["code"] for dept in catalog()["departments"]}


def test_texts_are_filled_in() -> None:
    for item in items():
        for key in ("name", "title", "name_en", "guide"):
            assert isinstance(item[key], str) and item[key].strip(), (item["code"], key)


def test_time_limit_is_non_negative_integer() -> None:
    for item in items():
        days = item["time_limit_days"]
        assert isinstance(days, int) and not isinstance(days, bool), item["code"]
        assert days >= 0, item["code"]


def test_items_not_done_on_the_spot_list_materials() -> None:
    for item in items():
        if item["time_limit_days"] > 0:
            assert item["materials"], item["code"]


def test_materials_have_name_form_and_positive_count() -> None:
    for item in items():
        for material in item["materials"]:
            assert material["name"].strip(), item["code"]
            assert material["form"] in {"original", "copy"}, (item["code"], material)
            count = material["count"]
            assert isinstance(count, int) and not isinstance(count, bool), item["code"]
            assert count >= 1, (item["code"], material)


def test_bundle_codes_are_unique_and_well_formed() -> None:
    codes = [bundle["code"] for bundle in catalog()["bundles"]]
    assert len(codes) == len(set(codes))
    assert all(BUNDLE_CODE.match(code) for code in codes), codes


def test_bundles_refer_only_to_existing_items_once_each() -> None:
    known = item_codes()
    for bundle in catalog()["bundles"]:
        assert len(bundle["items"]) >= 2, bundle["code"]
        assert len(bundle["items"]) == len(set(bundle["items"])), bundle["code"]
        assert set(bundle["items"]) <= known, set(bundle["items"]) - known


def test_after_death_and_birth_bundles_are_present() -> None:
    names = {bundle["name"] for bundle in catalog()["bundles"]}
    assert "身后一件事" in names
    assert any("出生一件事" in name for name in names)


def test_the_catalog_has_the_countys_shape() -> None:
    """昭化's 村能办 list: 141 items — 15 done at the village, 26 at the town, 100 at the district (#19)."""
    assert Counter(item["level"] for item in items()) == {"village": 15, "town": 26, "district": 100}


def test_every_item_has_a_plain_title_and_a_guide_that_says_how() -> None:
    for item in items():
        assert item["title"] != item["name"] and len(item["title"]) <= 50, item["code"]
        assert len(item["guide"]) >= 40, item["code"]  # who may apply and how it goes, not a stub


def test_optional_bundle_items_are_items_of_the_bundle() -> None:
    for bundle in catalog()["bundles"]:
        assert set(bundle.get("optional", [])) < set(bundle["items"]), bundle["code"]


def test_a_shared_material_is_asked_for_by_more_than_one_item_of_some_bundle() -> None:
    """一件事: a shared name merges the same document across a bundle's items; one nobody shares is a typo."""
    by_code = {item["code"]: item for item in items()}
    for item in items():
        for material in item["materials"]:
            if "shared" not in material:
                continue
            askers = {code for bundle in catalog()["bundles"] if item["code"] in bundle["items"]
                      for code in bundle["items"] for m in by_code[code]["materials"]
                      if m.get("shared", m["name"]) == material["shared"]}
            assert len(askers) >= 2, (item["code"], material["shared"])
