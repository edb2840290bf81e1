"""The in-process bound: the pipeline's stages over the same articles with no queue and no database.

The JSONL the pipeline is given is parsed as the watcher parses it (`workers.ingest.formats`), and its
articles are dealt out in turn to `workers` processes (forked, on the same cores). Each process loads the
lexicons and warms its caches on a team-written line, waits for the others at a barrier, then times its
share: cleaning (`workers.clean.clean_document`), dedupe against an in-memory store (`MemoryStore`: the
signature and opening signature, the exact-text and LSH bucket lookups, and for each candidate the
similarity, the shared passage, the facts when they could change the outcome and the decision, as
`workers.dedupe` does them; no locks, no rows) and, for articles that are not copies, extraction
(`workers.extract.extract_events`). The bound is the articles over the time from the first process's
start to the last one's end: parsing, forking and lexicon loading are excluded. Each process has its own
store, so a copy whose original went to another process is extracted rather than skipped (slightly more
work than the pipeline's; the pool has hardly any copies).
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from workers.clean import CleanedArticle, RawDocument, clean_document
from workers.dedupe.decision import decide, may_link, passage
from workers.dedupe.facts import FactComparison, StoryFacts, compare_facts, story_facts
from workers.dedupe.minhash import band_hashes, estimate, lead_signature, signature
from workers.extract import extract_events
from workers.extract.lexicon import default_lexicon
from workers.extract.run import extract_input
from workers.ingest.formats import Limits, parse_file
from workers.settings import Settings
from workers.warm import WARM_UP

THRESHOLD: float = Settings.model_fields["dedupe_threshold"].default
_NO_FACTS = FactComparison((), ())


@dataclass
class MemoryStore:
    """The dedupe stage's index, in memory: canonical articles by text hash and by LSH bucket."""

    threshold: float = THRESHOLD
    by_hash: dict[str, int] = field(default_factory=dict)
    by_bucket: dict[int, list[int]] = field(default_factory=dict)
    signatures: dict[int, np.ndarray] = field(default_factory=dict)
    articles: dict[int, CleanedArticle] = field(default_factory=dict)
    facts: dict[int, StoryFacts] = field(default_factory=dict)

    def is_copy(self, key: int, article: CleanedArticle) -> bool:
        """Whether the article repeats one stored; an original is stored."""
        if article.text_sha256 in self.by_hash:
            return True
        minhash = signature(article.normalized_text)
        if minhash.is_empty():
            self.by_hash[article.text_sha256] = key
            return False
        buckets = band_hashes(minhash, lead_signature(article.normalized_text))
        values = np.asarray(minhash.hashvalues, dtype="<u4")
        self.articles[key] = article
        found = {c for bucket in buckets for c in self.by_bucket.get(bucket, ())}
        for candidate in sorted(found):
            similarity = estimate(values, self.signatures[candidate])
            shared = passage(article.normalized_text, self.articles[candidate].normalized_text)
            compared = (
                compare_facts(self._facts(key), self._facts(candidate))
                if may_link(similarity, shared, self.threshold)
                else _NO_FACTS
            )
            if decide(similarity, shared, compared, self.threshold).duplicate:
                del self.articles[key]
                return True
        self.by_hash[article.text_sha256] = key
        self.signatures[key] = values
        for bucket in buckets:
            self.by_bucket.setdefault(bucket, []).append(key)
        return False

    def _facts(self, key: int) -> StoryFacts:
        if key not in self.facts:
            a = self.articles[key]
            self.facts[key] = story_facts(a.title, a.body, dateline=a.dateline, agency=a.agency)
        return self.facts[key]


@dataclass(frozen=True)
class Share:
    """What one process did: its start and end (epoch seconds) and its counts."""

    started: float
    ended: float
    articles: int
    copies: int
    events: int
    failed: int


def process_share(documents: list[tuple[int, RawDocument]]) -> tuple[int, int, int]:
    """Clean, dedupe in memory and extract the documents; (copies, events, failed)."""
    store = MemoryStore()
    copies = events = failed = 0
    for key, raw in documents:
        try:
            cleaned = clean_document(raw)
        except Exception:
            failed += 1
            continue
        if store.is_copy(key, cleaned):
            copies += 1
            continue
        events += len(extract_events(extract_input(key, cleaned)).events)
    return copies, events, failed


def _worker(documents: list[tuple[int, RawDocument]], barrier: Any, results: Any) -> None:
    default_lexicon()
    process_share([(-1, RawDocument(WARM_UP, "text/plain", {}, None))])
    barrier.wait()
    started = time.time()
    copies, events, failed = process_share(documents)
    results.put(Share(started, time.time(), len(documents), copies, events, failed))


def read_documents(path: Path) -> list[tuple[int, RawDocument]]:
    """The articles of an inbox file as the pipeline's documents hold them (the file's time included)."""
    defaults = Settings.model_fields
    limits = Limits(defaults["max_file_bytes"].default, defaults["max_article_chars"].default)
    parsed = parse_file(path.name, path.read_bytes(), limits)
    file_time = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    return [
        (n, RawDocument(a.content, a.content_type, dict(a.meta), file_time))
        for n, a in enumerate(parsed.articles)
    ]


def measure_bound(path: Path, workers: int) -> dict[str, float]:
    """Articles a second through the stages in `workers` processes (module docstring)."""
    documents = read_documents(path)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers)
    results = context.Queue()
    processes = [
        context.Process(target=_worker, args=(documents[n::workers], barrier, results), daemon=True)
        for n in range(workers)
    ]
    for process in processes:
        process.start()
    shares = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join(60)
    seconds = max(s.ended for s in shares) - min(s.started for s in shares)
    return {
        "bound": len(documents) / seconds,
        "bound_seconds": seconds,
        "bound_copies": sum(s.copies for s in shares),
        "bound_events": sum(s.events for s in shares),
        "bound_failed": sum(s.failed for s in shares),
    }
