"""The team's judged pairs of real republications (bench/dedupe_real_pairs.jsonl, and the audit of the
stage's own candidates, bench/dedupe_audit_pairs.jsonl) are well formed and copy no article text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.dedupe_real_pairs import AUDITS, JUDGED, SOURCE, articles, half_of

KINDS = {
    "duplicate": {"republication", "rewrite", "lead_of_longer"},
    "distinct": {"template_different_facts", "bundle_part", "same_event_other_story", "unrelated"},
}


def judged(source: Path = JUDGED) -> list[dict[str, object]]:
    return [json.loads(line) for line in Path(source).read_text(encoding="utf-8").splitlines()]


def test_every_judged_pair_has_a_label_a_kind_that_fits_it_and_a_short_note() -> None:
    pairs = judged()
    assert len(pairs) >= 400
    assert [p["pair"] for p in pairs] == list(range(1, len(pairs) + 1))
    for pair in pairs:
        assert pair["kind"] in KINDS[str(pair["label"])], pair["pair"]
        assert 0 < len(str(pair["note"]).split()) <= 30, pair["pair"]
        assert pair["half"] == half_of(str(pair["a"]), str(pair["b"]))
    assert {p["kind"] for p in pairs} == set().union(*KINDS.values())


@pytest.mark.parametrize("audit", sorted(AUDITS))
def test_the_audit_pairs_are_judged_and_apart_from_the_first_set(audit: str) -> None:
    pairs = judged(AUDITS[audit])
    assert [p["pair"] for p in pairs] == list(range(1, len(pairs) + 1))
    for pair in pairs:
        assert pair["kind"] in KINDS[str(pair["label"])], pair["pair"]
        assert 0 < len(str(pair["note"]).split()) <= 40, pair["pair"]
        assert pair["drawn_as"] in ("similar", "contained_lead", "conflict", "side_part"), pair["pair"]
    first = {frozenset((str(p["a"]), str(p["b"]))) for p in judged()}
    assert not first & {frozenset((str(p["a"]), str(p["b"]))) for p in pairs}  # half b stays unseen


def _runs(text: str, size: int = 5) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.skipif(not SOURCE.exists(), reason="../shared/dev is not beside the repository")
def test_judged_pairs_name_real_articles_and_copy_no_text_from_them() -> None:
    rows = articles()
    for pair in judged() + judged(AUDITS["1"]) + judged(AUDITS["2"]):
        note = _runs(str(pair["note"]))
        for side in ("a", "b"):
            row = rows[str(pair[side])]  # a KeyError names an id that is not in the set
            assert not note & _runs(f"{row['title']} {row['text']}"), pair["pair"]
