"""The labelled near-duplicate pairs: built from the team's own articles (tests/fixtures/events/docs).

Positives are republications as other outlets run them: a new headline with web furniture, a paragraph
dropped, a background paragraph added, paragraphs reordered, spelling variants (أ/ا، ى/ي، ة/ه,
diacritics), and all of these at once. Negatives are different articles, first those about the same
actors (same topic), then any others, and stories of one event written independently by two desks
(tests/fixtures/dedupe/*_other_desk.txt). The build is seeded, so the set is the same on every run.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "tests" / "fixtures" / "events" / "docs"
GOLD = REPO / "tests" / "fixtures" / "events" / "gold.jsonl"
INDEPENDENT = REPO / "tests" / "fixtures" / "dedupe"

_FURNITURE = ["شارك الخبر", "تابعونا على تلغرام", "اقرأ أيضاً: أسعار العملات اليوم", "نسخ الرابط"]
_DIACRITICS = {"وزير": "وَزِير", "الرئيس": "الرَّئِيس", "اليوم": "اليَوْم", "أن": "أنَّ"}


@dataclass(frozen=True)
class Pair:
    name: str
    a: str  # article texts, as files would hold them
    b: str
    duplicate: bool
    kind: str


def _paragraphs(text: str) -> tuple[list[str], list[str]]:
    """(head lines before the body, body paragraphs)."""
    blocks = [block for block in text.strip().split("\n\n") if block.strip()]
    return blocks[:1], blocks[1:]


def _join(head: list[str], body: list[str]) -> str:
    return "\n\n".join(head + body) + "\n"


def new_headline(text: str, rng: random.Random, others: list[str]) -> str:
    _, body = _paragraphs(text)
    lead = next((p for p in body if len(p.split()) > 11), "")
    words = lead.split()[4:11]  # a headline another desk would write from the lead
    furniture = rng.sample(_FURNITURE, 2)
    return _join([" ".join(words) or "خبر عاجل"], [furniture[0], *body, furniture[1]])


def drop_paragraph(text: str, rng: random.Random, others: list[str]) -> str:
    head, body = _paragraphs(text)
    if len(body) > 2:
        dropped = rng.randrange(1, len(body))
        body = [p for i, p in enumerate(body) if i != dropped]
    return _join(head, body)


def add_paragraph(text: str, rng: random.Random, others: list[str]) -> str:
    head, body = _paragraphs(text)
    _, background = _paragraphs(rng.choice(others))
    return _join(head, [*body, background[-1]] if background else body)


def reorder(text: str, rng: random.Random, others: list[str]) -> str:
    head, body = _paragraphs(text)
    if len(body) > 2:
        rest = body[1:]
        rng.shuffle(rest)
        body = [body[0], *rest]
    return _join(head, body)


def respell(text: str, rng: random.Random, others: list[str]) -> str:
    variant = text.replace("أ", "ا").replace("إ", "ا").replace(" في ", " فى ").replace("ة ", "ه ")
    for plain, marked in _DIACRITICS.items():
        variant = variant.replace(plain, marked)
    return variant


def everything(text: str, rng: random.Random, others: list[str]) -> str:
    return respell(drop_paragraph(new_headline(text, rng, others), rng, others), rng, others)


TRANSFORMS: dict[str, Callable[[str, random.Random, list[str]], str]] = {
    "headline+furniture": new_headline,
    "dropped paragraph": drop_paragraph,
    "added paragraph": add_paragraph,
    "reordered": reorder,
    "spelling": respell,
    "all at once": everything,
}


def _actors_by_doc() -> dict[str, set[str]]:
    actors: dict[str, set[str]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        actors.setdefault(event["doc"], set()).update(event["actors"] + event["recipients"])
    return actors


def build_pairs(seed: int = 5) -> list[Pair]:
    """Every labelled pair: 4 republications and 4 different articles for each team article, plus the
    independently written stories of one event."""
    rng = random.Random(seed)
    paths = sorted(DOCS.glob("*.txt"))
    texts = {path.name: path.read_text(encoding="utf-8") for path in paths}
    actors = _actors_by_doc()
    names = sorted(texts)
    pairs: list[Pair] = []
    for name in names:
        others = [texts[n] for n in names if n != name]
        for kind in rng.sample(sorted(TRANSFORMS), 4):
            copy = TRANSFORMS[kind](texts[name], rng, others)
            pairs.append(Pair(f"{name}~{kind}", texts[name], copy, True, kind))
        mine = actors.get(name, set())
        same_topic = [n for n in names if n != name and mine & actors.get(n, set())]
        different = rng.sample(same_topic, min(2, len(same_topic)))
        rest = [n for n in names if n != name and n not in different]
        different += rng.sample(rest, 4 - len(different))
        for other in different:
            kind = "same topic" if other in same_topic else "different"
            pairs.append(Pair(f"{name}|{other}", texts[name], texts[other], False, kind))
    for other_desk in sorted(INDEPENDENT.glob("*_other_desk.txt")):
        event = other_desk.name.removesuffix("_other_desk.txt")
        first = INDEPENDENT / f"{event}.txt"
        first = first if first.exists() else DOCS / f"{event}.txt"  # the team article it retells
        a, b = first.read_text(encoding="utf-8"), other_desk.read_text(encoding="utf-8")
        pairs.append(Pair(f"{event}|independent", a, b, False, "same event, other desk"))
    return pairs


def write_pairs(pairs: list[Pair], folder: Path) -> Path:
    """The pairs as article files and a `pairs.jsonl` for `marsad similar --pairs` (with `label`)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for number, pair in enumerate(pairs):
        a, b = folder / f"{number:04d}a.txt", folder / f"{number:04d}b.txt"
        a.write_text(pair.a, encoding="utf-8")
        b.write_text(pair.b, encoding="utf-8")
        lines.append(json.dumps({"a": a.name, "b": b.name, "duplicate": pair.duplicate, "kind": pair.kind}))
    (folder / "pairs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "pairs.jsonl"


def vocabulary() -> list[str]:
    """Every distinct Arabic word of the team's articles, sorted."""
    words = {w for path in DOCS.glob("*.txt") for w in path.read_text(encoding="utf-8").split()}
    return sorted(w for w in words if w.isalpha() and len(w) > 2)


def random_article(rng: random.Random, words: list[str], paragraphs: int = 5, length: int = 40) -> str:
    """An article of random words: a headline line, then paragraphs; unrelated to any other."""
    title = " ".join(rng.choices(words, k=8))
    return _join([title], [" ".join(rng.choices(words, k=length)) + "." for _ in range(paragraphs)])


def synthetic_pairs(count: int, seed: int = 7) -> list[Pair]:
    """`count` independent republication pairs: a random-word original and one transformed copy."""
    rng = random.Random(seed)
    words = vocabulary()
    originals = [random_article(rng, words) for _ in range(count)]
    kinds = sorted(TRANSFORMS)
    pairs = []
    for number, original in enumerate(originals):
        kind = kinds[number % len(kinds)]
        copy = TRANSFORMS[kind](original, rng, originals[:number] + originals[number + 1 :])
        pairs.append(Pair(f"synthetic{number}~{kind}", original, copy, True, kind))
    return pairs
