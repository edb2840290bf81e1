"""What makes a story this story: the facts a news template varies, read from an article's title and lead.

The Saudi Press Agency sends the same cable to another head of state, the sixth relief flight after the
fourth, the weather bulletin of another day: the words stay, the facts change. Those facts sit where
the template puts them, in the title and the first sentences: the states, people, cities and bodies
named (read by the extractor's own recognition, `workers.extract`), the numbers, the ordinals
("الرحلة الرابعة" / "السادسة") and the dates (a day and month, a weekday).

`story_facts` reads them once per article: the facts of its title and lead, and every fact the whole
article names (a rewrite moves a figure from the lead to the third paragraph; it does not drop it).
What only looks like a fact is left out: the figures of a headline (papers round them, "360 ألفا" for
363,378, or add up two incidents), approximations ("أكثر من 400 ألف"), times of day, the numbers of
items in a list, and the place a copy was filed from ("الرياض: …").
`compare_facts` says, kind by kind, which lead facts the two articles share and which conflict: a
conflict is a kind where EACH side's lead names something the other article never names at all. One
side alone naming more is what a trimmed or wrapped copy does, not a different story.

Some templates keep their lead and vary what follows: the weekly reception whose list of attendees
changes, the market report updated in the evening with other prices. Copies of one story name the
same people and the same figures, the shorter a part of the longer's; so two articles that EACH name
several people (ARTICLE_PEOPLE) or several figures (ARTICLE_NUMBERS) the other never names are told
apart too, wherever in the article they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from workers.clean.dates import GREGORIAN_YEARS, HIJRI_YEARS, NAMES
from workers.extract.context import article_context
from workers.extract.engine import read_capital_homographs
from workers.extract.lexicon import Lexicon, default_lexicon
from workers.extract.mentions import find_mentions
from workers.extract.text import Sentence, matching_with_index, split_sentences

__all__ = [
    "ARTICLE_NUMBERS",
    "ARTICLE_PEOPLE",
    "LEAD_SENTENCES",
    "LEAD_WORDS",
    "Fact",
    "FactComparison",
    "FactConflict",
    "FactKind",
    "StoryFacts",
    "compare_facts",
    "number_form",
    "story_facts",
]

# The lead: the title and the first sentence of the body, run on into the next ones until LEAD_WORDS
# words when it is short. A wire lead is one sentence that holds the template's facts (who, where, how
# many, which day); later sentences are where rewrites add their own figures and background, so reading
# further makes copies of one story look different. A line of fewer than LINE_WORDS words is a dateline
# or a byline ("عين اليوم – لندن"), not a sentence of the lead.
LEAD_SENTENCES = 1
LEAD_WORDS = 30
LINE_WORDS = 4
# Beyond the lead: how many people, or figures, EACH article must name that the other never does for
# the two to be different stories. One of each is what a rewrite adds or drops (a quoted official, a
# rounded total); an updated market report differs by a dozen prices.
ARTICLE_PEOPLE = 2
ARTICLE_NUMBERS = 3


class FactKind(StrEnum):
    STATE = "state"
    PERSON = "person"
    ORGANIZATION = "organization"
    PLACE = "place"  # a city or region: the Bisha or the Taif education office
    NUMBER = "number"
    YEAR = "year"
    ORDINAL = "ordinal"
    DATE = "date"  # a day and month ("21 يوليو" → "7-21")
    WEEKDAY = "weekday"


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    value: str  # canonical: a code, a name, a number's significant digits, "month-day", an ordinal's rank
    shown: str  # as the text wrote it, for a `why` a reader understands


@dataclass(frozen=True)
class StoryFacts:
    lead: frozenset[Fact]  # of the title and the lead
    named: frozenset[tuple[FactKind, str]]  # (kind, value) of every fact the whole article names


@dataclass(frozen=True)
class FactConflict:
    kind: FactKind
    ours: tuple[str, ...]  # lead facts of the first article the second never names (as written)
    theirs: tuple[str, ...]  # and the other way round
    where: str = "lead"  # "lead"; "article": facts named anywhere in them (ARTICLE_PEOPLE, ARTICLE_NUMBERS)


@dataclass(frozen=True)
class FactComparison:
    conflicts: tuple[FactConflict, ...]
    shared: tuple[Fact, ...]  # lead facts of either article that the other names too

    def conflict(self, *kinds: FactKind) -> FactConflict | None:
        """The first conflict of one of `kinds`, in the order given."""
        for kind in kinds:
            for found in self.conflicts:
                if found.kind is kind:
                    return found
        return None


# --- numbers ------------------------------------------------------------------------------------

# Digits are ASCII in matching form; the Arabic decimal and thousands separators are not mapped there.
_NUMBER = re.compile(r"(?<![\w.,٫٬])(\d+(?:[,٬]\d{3})*(?:[.٫]\d+)?)(?![\w٫٬]|[.,]\d)")
_THOUSANDS = re.compile(r"[,٬]")
# "3 - تعيين …", "(4) …", "5. …": the number of an item in a list, at the start of its line, counts
# the items; it is no fact of the story (a copy that lists the items from another one numbers them anew).
_ENUMERATOR = re.compile(r"\s*[(]?\d{1,2}\s*[-–.)]\s")
_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)


def number_form(written: str) -> str:
    """A number's significant digits: separators, leading and trailing zeros dropped.

    Papers write the same figure "320 ألف", "320.000", "320,000" and "٣٢٠٬٠٠٠": in significant digits
    all are "32". Two different figures of a template rarely differ by a power of ten only, while the
    same figure is written in all these ways, so the loss is the right way round.
    """
    digits = _THOUSANDS.sub("", written.translate(_DIGITS)).replace("٫", ".").replace(".", "")
    return digits.lstrip("0").rstrip("0") or "0"


def _value(written: str) -> Decimal | None:
    try:
        return Decimal(_THOUSANDS.sub("", written.translate(_DIGITS)).replace("٫", "."))
    except InvalidOperation:
        return None


def _rounded_forms(written: str) -> set[str]:
    """The forms a figure takes when a paper rounds or cuts it: "8.1" is also "8", "55.17" also "55.2"."""
    point = written.replace("٫", ".")
    value = _value(written)
    if value is None or "." not in point:
        return set()
    places = len(point.rsplit(".", 1)[1])
    forms = {
        number_form(str(value.quantize(Decimal(1).scaleb(-keep), rounding=rounding)))
        for keep in range(places)
        for rounding in (ROUND_HALF_UP, ROUND_DOWN)
    }
    return forms - {"0"}


def _is_year(written: str) -> bool:
    if not written.isdigit() or len(written) != 4:
        return False
    return int(written) in GREGORIAN_YEARS or int(written) in HIJRI_YEARS


# --- dates --------------------------------------------------------------------------------------


def _month_pattern() -> tuple[re.Pattern[str], dict[str, int]]:
    names: dict[str, int] = {}
    for family in NAMES.gregorian.values():
        for month, written in family.items():
            for name in written:
                names[matching_with_index(name)[0]] = month
    for month, written in NAMES.hijri.items():
        for name in written:
            names.setdefault(matching_with_index(name)[0], 100 + month)  # Hijri months apart
    alternation = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))
    day_month = re.compile(rf"(?<!\d)(\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?({alternation})(?![^\W\d_])")
    return day_month, names


_DAY_MONTH, _MONTHS = _month_pattern()
# "15/10/1436", and as papers space it, "15 / 10 / 1436" and "28 /02 /1437".
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,4})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{1,4})(?![\d/.-])")
# "02:00", "13:47 بتوقيت جرينتش": a time of day. One copy writes the hour in words ("الثانية ظهرا"), a
# wire update moves it: it is not read as figures.
_CLOCK = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])")
# "أكثر من 400 ألف", "نحو 360 ألفا": a round figure a headline or a paper gives for the exact one
# ("439.491"); it tells no story apart. The words just before the figure, in matching form.
_APPROXIMATE = re.compile(
    r"(?:اكثر من|ازيد من|اقل من|ما يزيد (?:علي|عن)|ما يقارب|ما يقرب من|نحو|حوالي|قرابه|زهاء)\s*$"
)
_WEEKDAYS = {matching_with_index(name)[0]: name for name in NAMES.weekdays}
_WEEKDAY = re.compile(rf"(?<![^\W\d_])(?:و|ف|ب|ل)?(?:يوم\s+)?({'|'.join(_WEEKDAYS)})(?![^\W\d_])")
# "بين الاثنين", "كلا الاثنين": the two of them, not Monday (as workers.extract.timex reads it).
_NOT_WEEKDAY_BEFORE = ("بين", "كلا")


def _numeric_date(match: re.Match[str]) -> str | None:
    first, third, month = match.group(1), match.group(4), int(match.group(3))
    day = int(third) if len(first) == 4 else int(first)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{month}-{day}"


# --- ordinals -----------------------------------------------------------------------------------

# The ordinal adjectives, a closed class of the grammar (masculine and feminine, matching form):
# "الدفعة الرابعة", "الرحلة السادسة", "الدورة الحادية عشرة". "الأول/الأولى" stays out: it is everywhere
# ("للمرة الأولى", "الدرجة الأولى", "الربع الأول"), so it tells no two stories apart.
_ORDINAL_STEMS = {
    "الثاني": 2, "الثانيه": 2, "الثالث": 3, "الثالثه": 3, "الرابع": 4, "الرابعه": 4, "الخامس": 5,
    "الخامسه": 5, "السادس": 6, "السادسه": 6, "السابع": 7, "السابعه": 7, "الثامن": 8, "الثامنه": 8,
    "التاسع": 9, "التاسعه": 9, "العاشر": 10, "العاشره": 10, "الحادي": 11, "الحاديه": 11,
}  # fmt: skip
_TENS = {"عشر": 10, "عشره": 10, "والعشرين": 20, "والثلاثين": 30, "والاربعين": 40, "والخمسين": 50}
_ORDINAL = re.compile(
    rf"(?<![^\W\d_])(?:و|ف|ب|ل)?({'|'.join(_ORDINAL_STEMS)})(?:\s+({'|'.join(_TENS)}))?(?![^\W\d_])"
)
# "الرحلة الـ 25", "الدورة الـ25": a numbered ordinal.
_NUMBERED_ORDINAL = re.compile(r"(?<![^\W\d_])ال\s*[-ـ]?\s*(\d{1,3})(?!\d)")


def _ordinal_rank(match: re.Match[str]) -> int:
    rank = _ORDINAL_STEMS[match.group(1)]
    tens = match.group(2)
    if tens is None:
        return 1 if rank == 11 else rank  # "الحادي" alone is no ordinal of its own; 1 is dropped below
    if _TENS[tens] == 10:
        return rank if rank > 10 else rank + 10
    return (1 if rank == 11 else rank) + _TENS[tens]


# --- reading ------------------------------------------------------------------------------------


def _plain_facts(sentence: Sentence) -> list[Fact]:
    """Numbers, years, ordinals, dates and weekdays of a sentence (matching form)."""
    text = sentence.matching
    facts: list[Fact] = []
    taken: list[tuple[int, int]] = [match.span() for match in _CLOCK.finditer(text)]
    for match in _NUMERIC_DATE.finditer(text):
        value = _numeric_date(match)
        if value is not None:
            facts.append(Fact(FactKind.DATE, value, match.group(0)))
            taken.append(match.span())
    for match in _DAY_MONTH.finditer(text):
        month = _MONTHS[" ".join(match.group(2).split())]
        day = int(match.group(1))
        if 1 <= day <= 31:
            facts.append(Fact(FactKind.DATE, f"{month}-{day}", match.group(0)))
            taken.append(match.span(1))
    for match in _NUMBERED_ORDINAL.finditer(text):
        facts.append(Fact(FactKind.ORDINAL, match.group(1), match.group(0)))
        taken.append(match.span(1))
    enumerator = _ENUMERATOR.match(text)
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        if enumerator is not None and match.start() < enumerator.end():
            continue
        if _APPROXIMATE.search(text[max(0, match.start() - 16) : match.start()]):
            continue
        written = match.group(1)
        if _is_year(written):
            facts.append(Fact(FactKind.YEAR, written, written))
        else:
            facts.append(Fact(FactKind.NUMBER, number_form(written), written))
    for match in _ORDINAL.finditer(text):
        rank = _ordinal_rank(match)
        if rank > 1:
            facts.append(Fact(FactKind.ORDINAL, str(rank), match.group(0).strip()))
    for match in _WEEKDAY.finditer(text):
        before = text[max(0, match.start() - 6) : match.start()].split()
        if before and before[-1] in _NOT_WEEKDAY_BEFORE:
            continue
        facts.append(Fact(FactKind.WEEKDAY, match.group(1), match.group(1)))
    return facts


def _named_facts(
    sentences: list[Sentence], lexicon: Lexicon, dateline: str | None, agency: str | None
) -> list[Fact]:
    """The states, people, bodies and places the sentences name, as the extractor recognises them."""
    found = [lexicon.find(s.matching, s.marbuta) for s in sentences]
    found = read_capital_homographs(sentences, found, lexicon, dateline)
    context = article_context(lexicon, found, dateline, None, agency)
    facts: list[Fact] = []
    for sentence, matches in zip(sentences, found, strict=True):
        mentions = find_mentions(sentence, matches, lexicon, None, context)
        for actor in mentions.actors:
            if not actor.text:
                continue  # supplied by the context, not named here
            if actor.person and actor.name not in (actor.code, lexicon.countries.get(actor.code)):
                facts.append(Fact(FactKind.PERSON, actor.name, actor.text))  # named: "الملك سلمان"
            elif actor.code in lexicon.countries:  # a state, or an office of it ("رئيس جمهورية مالي")
                facts.append(Fact(FactKind.STATE, actor.code, actor.text))
            elif actor.code and actor.code != "UNK":
                facts.append(Fact(FactKind.ORGANIZATION, actor.code, actor.text))
        for place in mentions.places:
            if _is_dateline(sentence, place.start, place.end):
                continue
            shown = sentence.display(place.start, place.end)
            if place.place.kind == "country":
                facts.append(Fact(FactKind.STATE, place.place.country, shown))
            else:
                facts.append(Fact(FactKind.PLACE, place.place.name, shown))
    return facts


# "الرياض: تشهد …", "الرياض - واس", "الرياض 25 شوال 1436 هـ … واس": a place that opens a line and is
# followed by a colon, a dash or a date is where the copy was filed, not a fact of the story.
_AFTER_DATELINE = re.compile(r"\s*(?:[:\-–(]|\d|واس\b)")


def _is_dateline(sentence: Sentence, start: int, end: int) -> bool:
    return not sentence.matching[:start].strip() and bool(_AFTER_DATELINE.match(sentence.matching[end:]))


def _lead_length(sentences: list[Sentence]) -> int:
    """How many first sentences of the body make its lead."""
    counted = words = 0
    for taken, sentence in enumerate(sentences, start=1):
        found = len(sentence.matching.split())
        if found >= LINE_WORDS:
            counted, words = counted + 1, words + found
        if counted >= LEAD_SENTENCES and words >= LEAD_WORDS:
            return taken
    return len(sentences)


def story_facts(
    title: str | None,
    body: str,
    lexicon: Lexicon | None = None,
    dateline: str | None = None,
    agency: str | None = None,
) -> StoryFacts:
    """The facts of an article's title and lead, and every fact the whole article names."""
    lexicon = lexicon or default_lexicon()
    heading = split_sentences(title) if title else []
    sentences = split_sentences(body)
    taken = _lead_length(sentences)
    lead_sentences = heading + sentences[:taken]
    rest = sentences[taken:]
    headline = [f for s in heading for f in _plain_facts(s)]
    lead = [f for s in sentences[:taken] for f in _plain_facts(s)]
    lead += [f for f in headline if f.kind is not FactKind.NUMBER]
    lead += _named_facts(lead_sentences, lexicon, dateline, agency)
    others = [f for s in rest for f in _plain_facts(s)] + _named_facts(rest, lexicon, dateline, agency)
    others += [f for f in headline if f.kind is FactKind.NUMBER]
    named = {(f.kind, f.value) for f in (*lead, *others)}
    named |= {
        (FactKind.NUMBER, rounded)
        for f in (*lead, *others)
        if f.kind is FactKind.NUMBER
        for rounded in _rounded_forms(f.shown)
    }
    return StoryFacts(frozenset(lead), frozenset(named))


# --- comparing ----------------------------------------------------------------------------------


def _unmatched(ours: frozenset[Fact], kind: FactKind, theirs: StoryFacts) -> tuple[str, ...]:
    missing = {
        f.shown: None
        for f in sorted(ours, key=lambda f: f.shown)
        if f.kind is kind
        and (kind, f.value) not in theirs.named
        and not (kind is FactKind.NUMBER and _rounded_forms(f.shown) & _values(theirs, kind))
    }
    return tuple(missing)


def _only_in(ours: StoryFacts, theirs: StoryFacts, kind: FactKind) -> tuple[str, ...]:
    """Values of `kind` that `ours` names anywhere and `theirs` never does (a figure counts as named by
    its rounded forms too: those are in `named`)."""
    found = _values(theirs, kind)
    return tuple(sorted(value for value in _values(ours, kind) if value not in found))


def _values(facts: StoryFacts, kind: FactKind) -> set[str]:
    return {value for k, value in facts.named if k is kind}


def compare_facts(a: StoryFacts, b: StoryFacts) -> FactComparison:
    """Which lead facts the two articles share, and the kinds where each names what the other never does."""
    conflicts = []
    for kind in FactKind:
        ours, theirs = _unmatched(a.lead, kind, b), _unmatched(b.lead, kind, a)
        if ours and theirs:
            conflicts.append(FactConflict(kind, ours, theirs))
    for kind, least in ((FactKind.PERSON, ARTICLE_PEOPLE), (FactKind.NUMBER, ARTICLE_NUMBERS)):
        ours, theirs = _only_in(a, b, kind), _only_in(b, a, kind)
        if len(ours) >= least and len(theirs) >= least and not any(c.kind is kind for c in conflicts):
            conflicts.append(FactConflict(kind, ours, theirs, "article"))
    shared = tuple(
        sorted(
            {f for f in a.lead if (f.kind, f.value) in b.named}
            | {f for f in b.lead if (f.kind, f.value) in a.named},
            key=lambda f: (f.kind, f.value, f.shown),
        )
    )
    return FactComparison(tuple(conflicts), shared)
