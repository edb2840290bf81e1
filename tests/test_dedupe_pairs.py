"""The labelled near-duplicate pairs and the default threshold's precision and recall on them."""

from __future__ import annotations

from collections import Counter

from tests.dedupe_pairs import TRANSFORMS, build_pairs
from workers.clean import RawDocument, clean_document
from workers.dedupe.minhash import found_by_bands, similarity
from workers.settings import Settings


def normalized(text: str) -> str:
    return clean_document(RawDocument(text, "text/plain")).normalized_text


def test_the_labelled_set_has_200_pairs_of_every_kind() -> None:
    pairs = build_pairs()
    kinds = Counter((pair.duplicate, pair.kind) for pair in pairs)
    assert len(pairs) >= 200
    assert all(kinds[(True, kind)] >= 20 for kind in TRANSFORMS)
    assert kinds[(False, "same topic")] >= 50 and kinds[(False, "same event, other desk")] >= 3
    assert build_pairs() == pairs  # seeded: the same set on every run


def test_the_default_threshold_reaches_precision_0_98_and_recall_0_95() -> None:
    threshold = Settings.model_fields["dedupe_threshold"].default
    verdicts = [
        (similarity(normalized(pair.a), normalized(pair.b), threshold).duplicate, pair.duplicate)
        for pair in build_pairs()
    ]
    true_positives = sum(found and wanted for found, wanted in verdicts)
    found_total = sum(found for found, _ in verdicts)
    wanted_total = sum(wanted for _, wanted in verdicts)
    assert true_positives / found_total >= 0.98
    assert true_positives / wanted_total >= 0.95


def test_the_lsh_bands_find_the_republications_the_threshold_confirms() -> None:
    """The stage only compares articles that share a band: that must not cost the recall above."""
    threshold = Settings.model_fields["dedupe_threshold"].default
    verdicts = []
    for pair in build_pairs():
        a, b = normalized(pair.a), normalized(pair.b)
        found = found_by_bands(a, b) and similarity(a, b, threshold).duplicate
        verdicts.append((found, pair.duplicate))
    true_positives = sum(found and wanted for found, wanted in verdicts)
    assert true_positives / sum(found for found, _ in verdicts) >= 0.98
    assert true_positives / sum(wanted for _, wanted in verdicts) >= 0.95
