"""The articles of the end-to-end benchmark: the real pool, extended by edited copies, or generated.

The pool (`../shared/dev/pool.jsonl.gz`, about 4,000 real political articles) is read at run time and
never copied into the repository. Article n of a run is pool article n for n < P (the pool's size).
Beyond it, article n = k·P + i (k ≥ 1) is a new article made of pool article i so that it is not a
near duplicate of anything before it:
- its sentences (and clauses: cut at full stops, commas, colons and line ends, and every 15 words)
  are those of article i and of three other pool articles (i + 7(k+1), i + 31(k+1), i + 101(k+1),
  modulo P), taken in turn, each article's starting from its (k mod its length)-th piece, up to the
  length of article i: about a quarter of its three-word shingles come from any one pool article,
  and no pool article's opening is its opening (similarity and containment about 0.25, below the
  stage's 0.4 and 0.55);
- a dateline names another city (one of CITIES, by k) at its head;
- every number in its title and text is increased by k.
`--corpus generated` takes bench/corpus.py's articles instead (seeded, with a set share of copies).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from bench.corpus import generate

REPO = Path(__file__).resolve().parent.parent
POOL = REPO.parent / "shared" / "dev" / "pool.jsonl.gz"
CITIES = ["بغداد", "دمشق", "بيروت", "عمان", "الرياض", "الدوحة", "مسقط", "الكويت", "المنامة", "القاهرة"]
_SENTENCE_END = re.compile(r"(?<=[.!؟:،؛])\s+|\s*\n\s*")
_LONGEST = 15  # words: a longer piece (wire copy often runs on without a full stop) is cut
_NUMBER = re.compile(r"\d+")


@lru_cache(maxsize=2)
def read_pool(path: Path = POOL) -> tuple[dict[str, Any], ...]:
    if not path.exists():
        raise SystemExit(f"{path}: the real pool is not there (--pool PATH, or --corpus generated)")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines if line.strip())


def _sentences(text: str) -> list[str]:
    """Sentences and clauses, none over _LONGEST words."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(text.strip()):
        words = piece.split()
        pieces.extend(" ".join(words[i : i + _LONGEST]) for i in range(0, len(words), _LONGEST))
    return pieces


def _rotated(pieces: list[str], k: int) -> list[str]:
    start = k % max(1, len(pieces))
    return pieces[start:] + pieces[:start]


def _shift_numbers(text: str, k: int) -> str:
    return _NUMBER.sub(lambda m: str(int(m.group()) + k), text)


def edited_copy(pool: tuple[dict[str, Any], ...], index: int, k: int) -> dict[str, Any]:
    """The k-th new article made of pool article `index` (module docstring)."""
    size = len(pool)
    own = pool[index]
    others = [pool[(index + step * k + step) % size] for step in (7, 31, 101)]
    streams = [_rotated(_sentences(a.get("text", "")), k) for a in (own, *others)]
    budget = len(own.get("text", "").split())
    chosen: list[str] = []
    words = 0
    for turn in range(max(len(s) for s in streams)):
        for stream in streams:
            if turn < len(stream) and words < budget:
                chosen.append(stream[turn])
                words += len(stream[turn].split())
    city = CITIES[k % len(CITIES)]
    copy = dict(own)
    copy["title"] = _shift_numbers(own.get("title") or "", k)
    copy["text"] = f"{city} - " + _shift_numbers(" ".join(chosen), k)
    if copy.get("url"):
        copy["url"] = f"{copy['url']}#copy-{k}"
    return copy


def pool_articles(count: int, start: int = 0, path: Path = POOL) -> Iterator[dict[str, Any]]:
    """Articles start .. start + count - 1 of the pool sequence (module docstring)."""
    pool = read_pool(path)
    for n in range(start, start + count):
        k, index = divmod(n, len(pool))
        yield pool[index] if k == 0 else edited_copy(pool, index, k)


def articles(
    corpus: str, count: int, start: int = 0, *, pool: Path = POOL, seed: int = 0, republished: float = 0.0
) -> Iterator[dict[str, Any]]:
    """The run's articles in the inbox's JSON form: `corpus` is pool or generated."""
    if corpus == "pool":
        return pool_articles(count, start, pool)
    return (a.record() for a in generate(count, seed, republished, start))


def write_jsonl(path: Path, records: Iterator[dict[str, Any]]) -> int:
    """Write the records as one inbox JSONL; returns how many."""
    written = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            written += 1
    return written
