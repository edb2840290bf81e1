"""Extraction quality on the development set and the team-written test set.

The development-set test is the issue's acceptance (F1 ≥ 0.80 with precision ≥ 0.80 on required
events). The team-set target (F1 ≥ 0.75, and no event from the no-event articles) is NOT yet met: those
tests hold the line at what the extractor measured when they were written, so that a change that makes
extraction worse fails. Raise them as extraction improves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED
from workers.extract.evaluate import Report, evaluate
from workers.extract.run import article_files, extract_file, load_gold
from workers.ingest.formats import Limits

LIMITS = Limits(50_000_000, 2_000_000)
TEAM = REPO / "tests" / "fixtures" / "events"


def score(gold: Path, docs: Path) -> Report:
    found = [record for path in article_files([docs]) for record in extract_file(path, LIMITS)]
    return evaluate(load_gold(gold), found)


@pytest.mark.skipif(
    not (SHARED / "gold" / "seeds.events.jsonl").exists(), reason="../shared is not beside this checkout"
)
def test_development_set_reaches_f1_and_precision_of_0_80() -> None:
    report = score(SHARED / "gold" / "seeds.events.jsonl", SHARED / "seeds")
    assert report.overall.precision >= 0.80 and report.overall.f1 >= 0.80


def test_team_set_does_not_fall_below_its_floor() -> None:
    report = score(TEAM / "gold.jsonl", TEAM / "docs")
    assert report.overall.f1 >= 0.60


def test_no_event_articles_of_the_team_set_yield_few_events() -> None:
    names = (TEAM / "no_events.txt").read_text(encoding="utf-8").split()
    found = [record for name in names for record in extract_file(TEAM / "docs" / name, LIMITS)]
    assert len(found) <= 4  # target: none at all
