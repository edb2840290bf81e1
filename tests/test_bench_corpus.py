"""bench/corpus.py: the scale runs' generated articles are reproducible, counted and mostly distinct."""

from __future__ import annotations

import io
import json
from itertools import pairwise

import numpy as np
import pytest

from bench.corpus import article, generate, write_jsonl
from workers.dedupe.minhash import estimate, signature

SIMILAR = 0.4  # the stage's default threshold


def signatures(texts: list[str]) -> list[np.ndarray]:
    return [np.asarray(signature(t).hashvalues, dtype="<u4") for t in texts]


def test_corpus_is_the_same_for_the_same_seed() -> None:
    first, second = io.StringIO(), io.StringIO()
    write_jsonl(first, 50, seed=3, republished=0.2)
    write_jsonl(second, 50, seed=3, republished=0.2)
    assert first.getvalue() == second.getvalue()


def test_corpus_differs_with_the_seed() -> None:
    assert article(5, seed=1).text != article(5, seed=2).text


def test_corpus_article_does_not_depend_on_what_else_is_generated() -> None:
    assert list(generate(3, seed=4, republished=0.3, start=40)) == [
        article(n, seed=4, republished=0.3) for n in (40, 41, 42)
    ]


def test_corpus_writes_the_count_asked_as_inbox_jsonl() -> None:
    out = io.StringIO()
    write_jsonl(out, 120, seed=1)
    lines = out.getvalue().splitlines()
    assert len(lines) == 120
    assert all(set(json.loads(line)) == {"title", "text", "source", "url", "published_at"} for line in lines)


@pytest.mark.parametrize("rate", [0.0, 0.2, 0.5])
def test_corpus_republishes_the_share_asked(rate: float) -> None:
    copies = sum(a.copy_of is not None for a in generate(2000, seed=9, republished=rate))
    assert copies / 2000 == pytest.approx(rate, abs=0.03)


def test_corpus_copies_are_near_duplicates_of_an_earlier_article() -> None:
    made = list(generate(300, seed=2, republished=0.3))
    copies = [a for a in made if a.copy_of is not None]
    assert copies and all(a.copy_of < a.index for a in copies)
    for copy in copies:
        ours, theirs = signatures([copy.text, made[copy.copy_of].text])
        assert estimate(ours, theirs) >= SIMILAR


def test_corpus_originals_are_not_near_duplicates_of_each_other() -> None:
    originals = [a.text for a in generate(300, seed=5) if a.copy_of is None]
    found = signatures(originals)
    similar = sum(
        estimate(found[i], found[j]) >= SIMILAR for i in range(len(found)) for j in range(i + 1, len(found))
    )
    assert similar == 0
    lengths = [len(text.split()) for text in originals]
    assert min(lengths) >= 120 and sum(lengths) / len(lengths) >= 200


def test_corpus_varies_its_articles_openings() -> None:
    titles = [a.title for a in generate(200, seed=6)]
    assert len(set(titles)) == 200
    assert all(a != b for a, b in pairwise(titles))
