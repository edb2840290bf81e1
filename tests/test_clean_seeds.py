"""Acceptance on the development set (../shared/gold/seeds.clean.jsonl); skipped when ../shared is absent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import SHARED
from workers.clean.report import clean_file

GOLD = SHARED / "gold" / "seeds.clean.jsonl"
pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="../shared/gold is not beside this checkout")


def gold_cases() -> list[dict[str, Any]]:
    if not GOLD.exists():
        return []
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def folded(text: str) -> str:
    return " ".join(text.split())  # str.split folds every white space, no-break spaces included


@pytest.fixture(params=gold_cases(), ids=lambda case: case["doc"])
def case(request: pytest.FixtureRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    gold = request.param
    (report,) = clean_file(SHARED / "seeds" / gold["doc"], 50_000_000, 2_000_000)
    return gold, report


def test_seed_metadata_matches_gold(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    gold, report = case
    for key in ("title", "author", "agency", "dateline"):
        assert report[key] == gold[key], key


def test_seed_published_date_matches_gold(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    gold, report = case
    if gold["published"] is None:  # the article does not say: only the file's time may stand in
        assert report["published_source"] in (None, "file_time")
    else:
        assert (report["published"], report["published_source"]) == (gold["published"], "text")


def test_seed_body_keeps_the_story_and_drops_the_furniture(
    case: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    gold, report = case
    body = folded(report["body"])
    for passage in gold["must_keep"]:
        assert folded(passage) in body
    for junk in gold["must_drop"]:
        assert folded(junk) not in body
    assert report["language"] == "ar"
    if gold.get("title_once"):
        assert folded(gold["title"]) not in body
