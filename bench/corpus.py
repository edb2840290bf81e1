"""A deterministic generator of varied Arabic news articles for scale runs, built from the lexicons.

Every article is drawn from its own random stream (the seed and its index), so article i is the same
whatever N is, and any earlier article can be made again without keeping it: the generator streams in
constant memory up to N = 1M and beyond. An article is a title, a dateline and 13 to 19 sentences, each
a pattern written here filled with lexicon entries: people of people_*.yaml with their offices
(titles.yaml), states with their names, adjectives and capitals (countries.yaml), organisations
(organizations.yaml), trigger forms of every event type (triggers.yaml), regions (regions.yaml), and
numbers, weekdays and topics. The lead and a quarter of the other sentences hold a trigger; the rest
are background with none, so that an article gives about as many events as a real one. The result is
grammatical enough for the extractor's patterns to fire on (actors, triggers, places), not for
reading; about 220 words an article, a little under the real pool's.

With `--republished R`, that share of the articles (after the first) are copies of an earlier article
with light edits: another outlet and URL, the title reworded, the last sentence dropped, a closing
line added, the date the same day or the next. A copy of a copy is possible, as on the wire. Nothing
else is a near duplicate: the facts and the order of the patterns vary, so two originals share few
three-word shingles (tests/test_bench_corpus.py checks it with workers.dedupe.minhash).

    .venv/bin/python -m bench.corpus --articles 1000000 --republished 0.2 --seed 7 > corpus.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import yaml

LEXICON_DIR = Path(__file__).resolve().parent.parent / "workers" / "extract" / "lexicon"
OUTLETS = ["was", "alriyadh", "okaz", "sabq", "alahram", "petra", "kuna", "qna", "wam", "sana", "alarabiya"]
WEEKDAYS = ["السبت", "الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة"]
TOPICS = [
    "العلاقات الثنائية", "التعاون الاقتصادي", "تطورات الأوضاع في المنطقة", "ملف اللاجئين", "أمن الحدود",
    "مكافحة الإرهاب", "الاستثمار المشترك", "أسعار النفط", "الأزمة الإنسانية", "إعادة الإعمار",
    "التبادل التجاري", "الملف النووي", "الانتخابات المقبلة", "اتفاق وقف إطلاق النار", "قضايا المياه",
    "الطاقة المتجددة", "النقل البحري", "الأمن الغذائي", "التعليم والتدريب", "الرعاية الصحية",
]  # fmt: skip
UNITS = ["مليون دولار", "طن من المواد الغذائية", "جندي", "شخصا", "كيلومترا", "مليار ريال", "معتقلا", "أسرة"]
CLOSINGS = ["المصدر: وكالات", "تابعونا على تويتر", "حقوق النشر محفوظة", "للمزيد من الأخبار زوروا موقعنا"]
TITLE_OPENERS = ["عاجل:", "بالفيديو:", "تقرير:", "متابعة:", "محدث:"]

# The sentence patterns: {actor} and {other} are actor phrases, {trigger} a trigger form of some type.
PATTERNS = [
    "{trigger} {actor} {other} في {place} يوم {weekday}، وبحث الجانبان {topic} و{topic2}.",
    "وقال {actor} إن {state} {trigger} {number} {unit} في {place} خلال الأسبوع الماضي.",
    "وأكد {actor} في بيان صدر في {place} أن {other} {trigger} بشأن {topic}.",
    "من جهته، {trigger} {actor} على {topic} مع {other}، بحسب ما نقلت وكالة {outlet}.",
    "وفي {place}، {trigger} {actor} {number} {unit}، في حين دعا {other} إلى {topic}.",
    "وأشار مصدر في {state} إلى أن {actor} {trigger} مساء {weekday} عقب لقاء {other}.",
    "وذكرت تقارير من {place} أن {number} {unit} وصلوا بعد أن {trigger} {actor}.",
    "كما تناول اللقاء بين {actor} و{other} {topic} وسبل دعم {topic2} في {place}.",
    "وتعد هذه المرة {ordinal} التي {trigger} فيها {actor} منذ عام {year}.",
    "ولم يصدر عن {other} أي تعليق على ما {trigger} {actor} حتى {weekday}.",
]
# Background: sentences with no trigger, as most of a real article is (the pool's articles give about 1.6
# extracted events each; a corpus of event sentences only gave 8.7 and weighed on the event store).
BACKGROUND = [
    "ويبلغ عدد سكان {place} نحو {number} نسمة، وتعد من أبرز مدن {state}.",
    "وتشهد {place} منذ عام {year} نموا في قطاع {topic}، بحسب بيانات رسمية.",
    "ويأتي ذلك في وقت تتابع فيه الأوساط السياسية في {state} ملف {topic} باهتمام.",
    "ويرى محللون أن {topic} سيبقى في صدارة اهتمامات {state} خلال المرحلة المقبلة.",
    "وتقع {place} على بعد {number} كيلومتر من حدود {state}.",
    "وكان {actor} قد تولى منصبه في عام {year}.",
    "وتشير أرقام عام {year} إلى أن {topic} يمثل نحو {number} من ميزانية {state}.",
]
EVENT_SHARE = 0.25  # of the sentences after the lead, which always holds an event
ORDINALS = ["الأولى", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة"]


@dataclass(frozen=True)
class Lexicon:
    """The lexicon entries the patterns draw from."""

    people: tuple[tuple[str, str], ...]  # (Arabic name, office title)
    states: tuple[tuple[str, str | None, str], ...]  # (name, adjective, a place: capital or name)
    organizations: tuple[str, ...]
    triggers: tuple[str, ...]
    places: tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    def load(name: str) -> Any:
        return yaml.safe_load((LEXICON_DIR / name).read_text(encoding="utf-8"))

    titles = {
        "head_of_state": "الرئيس", "head_of_government": "رئيس الوزراء", "foreign_minister": "وزير الخارجية",
        "defence_minister": "وزير الدفاع", "interior_minister": "وزير الداخلية", "crown_prince": "ولي العهد",
    }  # fmt: skip
    offices = {entry["role"]: entry["forms"][0] for entry in load("titles.yaml")["titles"]}
    people = []
    for path in sorted(LEXICON_DIR.glob("people_*.yaml")):
        for person in load(path.name)["people"]:
            role = person["terms"][0]["role"] if person.get("terms") else "minister"
            people.append((person["names"][0], titles.get(role) or offices.get(role, "المسؤول")))
    states = []
    places = []
    for entry in load("countries.yaml")["countries"].values():
        capital = entry.get("capital")
        capital = capital[0] if isinstance(capital, list) else capital
        states.append((entry["names"][0], entry.get("adjective"), capital or entry["names"][0]))
        if capital:
            places.append(capital)
    places.extend(name for region in load("regions.yaml")["regions"] for name in region["names"][:1])
    organizations = tuple(spec["names"][0] for spec in load("organizations.yaml")["organizations"].values())
    triggers = tuple(
        form
        for specs in load("triggers.yaml")["triggers"].values()
        for spec in specs
        for form in spec["forms"]
    )
    return Lexicon(tuple(people), tuple(states), organizations, triggers, tuple(places))


@dataclass(frozen=True)
class GeneratedArticle:
    index: int
    copy_of: int | None  # the earlier article this one republishes, None for an original
    title: str
    text: str
    source: str
    url: str
    published_at: str

    def record(self) -> dict[str, str]:
        """The article in the inbox's JSON form."""
        return {
            "title": self.title,
            "text": self.text,
            "source": self.source,
            "url": self.url,
            "published_at": self.published_at,
        }


def _actor(rng: random.Random, words: Lexicon) -> str:
    kind = rng.random()
    if kind < 0.45:
        name, office = rng.choice(words.people)
        return f"{office} {name}"
    state, adjective, _ = rng.choice(words.states)
    if kind < 0.75 and adjective:
        return f"{rng.choice(['وزير الخارجية', 'الجيش', 'الحكومة', 'وزير الدفاع'])} {adjective}"
    if kind < 0.9:
        return rng.choice(words.organizations)
    return f"حكومة {state}"


def _sentence(rng: random.Random, words: Lexicon, event: bool = True) -> str:
    topics = rng.sample(TOPICS, 2)
    return rng.choice(PATTERNS if event else BACKGROUND).format(
        actor=_actor(rng, words),
        other=_actor(rng, words),
        trigger=rng.choice(words.triggers),
        place=rng.choice(words.places),
        state=rng.choice(words.states)[0],
        weekday=rng.choice(WEEKDAYS),
        topic=topics[0],
        topic2=topics[1],
        number=rng.randint(2, 50_000),
        unit=rng.choice(UNITS),
        outlet=rng.choice(OUTLETS).upper(),
        ordinal=rng.choice(ORDINALS),
        year=rng.randint(1990, 2019),
    )


def _original(index: int, seed: int, rng: random.Random) -> GeneratedArticle:
    words = lexicon()
    _, _, city = rng.choice(words.states)
    sentences = [_sentence(rng, words)]
    sentences += [_sentence(rng, words, rng.random() < EVENT_SHARE) for _ in range(rng.randint(12, 18))]
    lead = sentences[0].rstrip(".")
    title = " ".join(lead.split()[: rng.randint(7, 11)])
    day = date(2015, 1, 1) + timedelta(days=rng.randrange(5 * 365))
    source = rng.choice(OUTLETS)
    return GeneratedArticle(
        index,
        None,
        title,
        f"{city} - {' '.join(sentences)}",
        source,
        f"https://{source}.example/{day:%Y/%m/%d}/{seed}-{index}",
        day.isoformat(),
    )


def _republished(index: int, seed: int, rng: random.Random, earlier: GeneratedArticle) -> GeneratedArticle:
    """A light edit of `earlier`: another outlet, a reworded title, the last sentence dropped."""
    sentences = earlier.text.split(". ")
    body = ". ".join(sentences[:-1]) + "." if len(sentences) > 3 else earlier.text
    source = rng.choice([o for o in OUTLETS if o != earlier.source])
    day = date.fromisoformat(earlier.published_at) + timedelta(days=rng.randint(0, 1))
    return GeneratedArticle(
        index,
        earlier.index,
        f"{rng.choice(TITLE_OPENERS)} {earlier.title}",
        f"{body}\n{rng.choice(CLOSINGS)}",
        source,
        f"https://{source}.example/{day:%Y/%m/%d}/{seed}-{index}",
        day.isoformat(),
    )


def article(index: int, seed: int = 0, republished: float = 0.0) -> GeneratedArticle:
    """Article `index` of the corpus `seed`: the same every time, whatever else is generated."""
    rng = random.Random(f"marsad-corpus:{seed}:{index}")
    if index > 0 and rng.random() < republished:
        earlier = rng.randrange(index)
        return _republished(index, seed, rng, article(earlier, seed, republished))
    return _original(index, seed, rng)


def generate(
    count: int, seed: int = 0, republished: float = 0.0, start: int = 0
) -> Iterator[GeneratedArticle]:
    """Articles start .. start + count - 1 of the corpus, one at a time."""
    if not 0.0 <= republished < 1.0:
        raise ValueError(f"republished must be in [0, 1): {republished}")
    for index in range(start, start + count):
        yield article(index, seed, republished)


def write_jsonl(out: TextIO, count: int, seed: int = 0, republished: float = 0.0, start: int = 0) -> int:
    """Write the articles as inbox JSONL, one a line; returns how many are copies."""
    copies = 0
    for generated in generate(count, seed, republished, start):
        copies += generated.copy_of is not None
        out.write(json.dumps(generated.record(), ensure_ascii=False) + "\n")
    return copies


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--republished", type=float, default=0.0, help="share of copies (default 0)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="first article's index (default 0)")
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.out is None:
        copies = write_jsonl(sys.stdout, args.articles, args.seed, args.republished, args.start)
    else:
        with args.out.open("w", encoding="utf-8") as out:
            copies = write_jsonl(out, args.articles, args.seed, args.republished, args.start)
    print(f"{args.articles} articles, {copies} republished copies", file=sys.stderr)


if __name__ == "__main__":
    main()
