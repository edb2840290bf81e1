"""Who: the actors of a sentence, with adjacent mentions of one actor merged, and what the article has
said so far (for "الجانبان", "نظيره", unnamed police and crowds)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from workers.extract.lexicon import Entry, Kind, Lexicon, Match
from workers.extract.places import WORDS, Location, is_place_use
from workers.extract.text import Sentence, matching_with_index


@dataclass(frozen=True)
class Actor:
    code: str
    name: str
    sector: str | None
    text: str
    start: int  # matching-form offsets within the sentence
    end: int
    strong: bool = True  # a name, title or state; weak: an adjective on some other noun
    dative: bool = False  # introduced by لـ: "لنظيره الروسي" is spoken to, not speaking
    paired: bool = False  # read from "الجانبان" / "البلدين": the two sides named before
    venue: bool = False  # "قمة مجموعة العشرين": where it happened, not who took part
    conjoined: bool = False  # begins with the conjunction و: "والولايات المتحدة"


@dataclass
class Context:
    """What the article has said so far: for "الجانبان" and "نظيره"."""

    home: str | None = None  # the state of the dateline: where unnamed police and crowds belong
    recent: list[Actor] = field(default_factory=list)
    participants: list[Actor] = field(default_factory=list)  # of the events told so far
    speaker: Actor | None = None  # who spoke last: "وتابع …" continues their words
    last_pair: list[Actor] = field(default_factory=list)
    parties: list[Actor] = field(default_factory=list)  # of the last agreement told: "الاتفاق" later

    def note(self, actors: list[Actor]) -> None:
        for actor in actors:
            if actor.strong:
                self.recent = [a for a in self.recent if a.code != actor.code] + [actor]
        first = next(
            (
                a
                for a in actors
                if a.strong and not a.dative and not a.paired and a.sector not in ("REB", None)
            ),
            None,
        )
        if first is not None:
            self.speaker = first

    def took_part(self, actors: list[Actor], *, meeting: bool = False) -> None:
        for actor in actors:
            if actor.code != "UNK":
                self.participants = [a for a in self.participants if a.code != actor.code] + [actor]
        sides = distinct([a for a in actors if a.code != "UNK" and a.sector != "REB"])
        if meeting and len(sides) == 2:
            self.last_pair = sides  # "الوزيران" after a meeting of two ministers

    def pair(self) -> list[Actor]:
        """The two sides "الجانبان" refers to: those of the last two-sided event, else the last named."""
        if self.last_pair:
            return self.last_pair
        for pool in (self.participants, self.recent):
            known = [a for a in pool if a.code != "UNK"]
            # states first; an armed group is a side only where fewer than two states were named
            sides = [a for a in known if a.sector != "REB"]
            if len(sides) < 2:
                sides = known
            if len(sides) >= 2:
                return sides[-2:]
        return []

    def armed_group(self) -> Actor | None:
        armed = [a for a in self.recent if a.sector == "REB" and a.code != "UNK"]
        return armed[-1] if armed else None


# Mentions this close (characters between them) belong to one actor ("الرئيس الروسي فلاديمير بوتين").
_JOIN_GAP = 2


_ACTOR_KINDS = (
    Kind.PERSON, Kind.ORGANIZATION_HEAD, Kind.ORGANIZATION, Kind.METONYM, Kind.COUNTRY, Kind.TITLE,
    Kind.ADJECTIVE,
    Kind.COUNTERPART, Kind.PAIR, Kind.CAPITAL,
)  # fmt: skip


# Words before an organisation that make it the venue: "قمة آسيان", "هامش مجموعة العشرين".
_VENUE = frozenset(
    {"قمه", "القمه", "هامش", "اطار", "اعمال", "مؤتمر", "منتدي", "اجتماعات", "دوره", "مظله", "قمتي", "مقر"}
)


_DATIVE = frozenset({"ل", "لل", "ول", "ولل", "فل"})


_GENERIC_ROLES = frozenset({"insurgents", "civilians", "police", "military", "organization_anaphor"})


def _actor_of(entry: Entry, published: date | None) -> tuple[str, str, str | None] | None:
    if entry.kind is Kind.PERSON and entry.person is not None:
        term = entry.person.term_at(published)
        return term.code, entry.person.name, term.sector
    if entry.kind in (
        Kind.COUNTRY, Kind.METONYM, Kind.ORGANIZATION, Kind.ORGANIZATION_HEAD, Kind.ADJECTIVE, Kind.CAPITAL,
    ):  # fmt: skip
        return entry.code or "UNK", entry.name or entry.code or "UNK", entry.sector
    return None


def find_actors(
    sentence: Sentence,
    matches: list[Match],
    lexicon: Lexicon,
    published: date | None,
    context: Context,
    location: Location | None,
) -> list[Actor]:
    """Actors in the sentence, in order, with adjacent mentions of one actor merged."""
    pieces: list[tuple[Match, Entry]] = []
    for match in matches:
        entry = match.first(*_ACTOR_KINDS)
        if entry is None:
            continue
        if entry.kind is Kind.CAPITAL and is_place_use(sentence, match):
            continue
        if entry.kind in (Kind.COUNTRY, Kind.METONYM) and is_place_use(sentence, match):
            continue  # "في سورية", "في قصر الاتحادية": where, not who
        if entry.kind is Kind.ADJECTIVE and _given_name(sentence, match):
            continue
        pieces.append((match, entry))
    actors: list[Actor] = []
    group: list[tuple[Match, Entry]] = []
    for match, entry in pieces:
        if group and _starts_new_actor(group, match, entry):
            actors.extend(_resolve_group(sentence, group, published, context, location))
            group = []
        group.append((match, entry))
    if group:
        actors.extend(_resolve_group(sentence, group, published, context, location))
    return actors


def _given_name(sentence: Sentence, match: Match) -> bool:
    """An indefinite nationality word after a definite one is no adjective of it but a given name:
    "العقيد الركن تركي المالكي", "الأمير تركي الفيصل" (an adjective agrees: "الرئيس التركي")."""
    if "ال" in match.prefix or match.form.startswith("ال"):
        return False
    before = WORDS.findall(sentence.matching[max(0, match.start - 20) : match.start])
    return bool(before) and before[-1].startswith(("ال", "وال")) and len(before[-1]) > 3


_NAMED = frozenset(
    {Kind.PERSON, Kind.COUNTRY, Kind.ORGANIZATION, Kind.ORGANIZATION_HEAD, Kind.METONYM, Kind.CAPITAL}
)


def _starts_new_actor(group: list[tuple[Match, Entry]], match: Match, entry: Entry) -> bool:
    """Does this mention begin another actor rather than continue the one being read?"""
    last_match, last_entry = group[-1]
    if match.start - last_match.end > _JOIN_GAP or match.prefix.startswith(("و", "ف")):
        return True  # apart, or joined by "و": "بوتين ونظيره", "روسيا والولايات المتحدة"
    kinds = {e.kind for _, e in group}
    if entry.kind is Kind.PERSON and last_entry.kind is Kind.ORGANIZATION_HEAD:
        return False  # "الأمين العام للأمم المتحدة بان كي مون"
    if entry.kind in _NAMED and kinds & _NAMED:
        return True  # two names are two actors
    if entry.kind in (Kind.COUNTRY, Kind.CAPITAL) and last_entry.kind is Kind.ADJECTIVE:
        return True  # "انتقد مسؤول تركي إيران": the state after a nationality is the object
    if entry.kind in (Kind.TITLE, Kind.COUNTERPART, Kind.PAIR) and kinds & _NAMED:
        return True  # "… فلاديمير بوتين" then "رئيس الوزراء البريطاني"
    if entry.kind in (Kind.COUNTERPART, Kind.PAIR) and Kind.ADJECTIVE in kinds:
        return True
    return last_entry.kind is Kind.ADJECTIVE and entry.kind is Kind.ADJECTIVE


def _resolve_group(
    sentence: Sentence,
    group: list[tuple[Match, Entry]],
    published: date | None,
    context: Context,
    location: Location | None,
) -> list[Actor]:
    """One actor from a run of adjacent mentions: title, counterpart, adjective, name."""
    start, end = group[0][0].start, group[-1][0].end
    text = sentence.display(start, end)
    kinds = [entry.kind for _, entry in group]
    dative = (group[0][0].prefix in _DATIVE and not _possessor(sentence, group[0][0].start)) or _addressed(
        sentence, group[0][0].start
    )
    if Kind.PAIR in kinds and not set(kinds) & _NAMED:
        conjoined = group[0][0].prefix.startswith("و")
        return [
            replace(a, text=text, start=start, end=end, dative=dative, paired=True, conjoined=conjoined)
            for a in context.pair()
        ]
    best: tuple[str, str, str | None] | None = None
    strong = False
    sector: str | None = None
    for _, entry in group:
        if entry.kind in (Kind.TITLE, Kind.COUNTERPART):
            sector = entry.sector or sector
            strong = True  # an office-holder: "نظيره الفرنسي", "الرئيس الروسي"
            continue
        resolved = _actor_of(entry, published)
        if resolved is None:
            continue
        if entry.kind is Kind.PERSON or best is None:
            best = resolved
        strong = strong or entry.kind is not Kind.ADJECTIVE
    if best is None:
        generic = _generic(group, context, location)
        if generic is None:
            return []
        return [
            replace(
                generic,
                text=text,
                start=start,
                end=end,
                dative=dative,
                conjoined=group[0][0].prefix.startswith("و"),
            )
        ]
    code, name, own_sector = best
    if kinds[0] is Kind.ADJECTIVE and len(kinds) == 1:
        strong = False  # "طائرة روسية": an adjective on some other noun
    lead = WORDS.findall(sentence.matching[max(0, start - 30) : start])[-3:]
    only_organization = all(e.kind is Kind.ORGANIZATION for _, e in group)
    venue = only_organization and any(word in _VENUE for word in lead)  # "قمة آسيان", "القمة السنوية لرابطة"
    conjoined = group[0][0].prefix.startswith("و")
    return [
        Actor(
            code,
            name,
            own_sector or sector,
            text,
            start,
            end,
            strong,
            dative,
            venue=venue,
            conjoined=conjoined,
        )
    ]


_SOURCES = frozenset(
    {
        "بيان",
        "البيان",
        "الختامي",
        "المتحدث",
        "الناطق",
        "باسم",
        "وزاره",
        "رييس",
        "الامين",
        "العام",
        "مجلس",
        "وزير",
        "قاده",
        "قوات",
        "جيش",
        "سفاره",
        "السفاره",
        "مكتب",
        "الاعلامي",
    }
)


def _addressed(sentence: Sentence, start: int) -> bool:
    """ "بعث برسالة إلى الرئيس بوتين": the one written or spoken to."""
    before = WORDS.findall(sentence.matching[max(0, start - 8) : start])
    return bool(before) and before[-1] in ("الي", "لدي")


def _possessor(sentence: Sentence, start: int) -> bool:
    """ "البيان الختامي لمجلس التعاون": the لـ marks whose statement it is, not to whom it is addressed."""
    before = WORDS.findall(sentence.matching[max(0, start - 16) : start])
    return bool(before) and before[-1] in _SOURCES


def _generic(group: list[tuple[Match, Entry]], context: Context, location: Location | None) -> Actor | None:
    """Unnamed actors ("الإرهابيون", "المتظاهرون", "قوات الأمن"): the group or state the article ties
    them to, else UNK with their sector."""
    title = next((entry for _, entry in group if entry.kind is Kind.TITLE), None)
    if title is None or title.role not in _GENERIC_ROLES:
        return None
    sector = title.sector or "UNK"
    if title.role == "organization_anaphor":  # "المجلس", "الجامعة": the organisation named before
        named = [a for a in context.recent if a.sector == "IGO"]
        return replace(named[-1], strong=True) if named else None
    if title.role == "insurgents":
        armed = context.armed_group()
        if armed is not None:
            return Actor(armed.code, armed.name, armed.sector, "", 0, 0, True)
        return Actor("UNK", "unidentified armed group", sector, "", 0, 0, True)
    if location is not None:
        return Actor(location.country, location.country, sector, "", 0, 0, True)
    if context.home is not None:
        return Actor(context.home, context.home, sector, "", 0, 0, True)
    return Actor("UNK", f"unidentified ({sector})", sector, "", 0, 0, False)


def home_state(dateline: str | None, lexicon: Lexicon) -> str | None:
    """The state a dateline's place belongs to ("بغداد" → IRQ); the first place of "موسكو-واشنطن"."""
    if not dateline:
        return None
    matching, _ = matching_with_index(dateline)
    for match in lexicon.find(matching):
        entry = match.first(Kind.CAPITAL, Kind.PLACE, Kind.COUNTRY)
        if entry is not None and entry.code:
            return entry.code
    return None


# -- events ------------------------------------------------------------------------------------------


def distinct(actors: list[Actor]) -> list[Actor]:
    seen: dict[str, Actor] = {}
    for actor in actors:
        if actor.code not in seen or (actor.strong and not seen[actor.code].strong):
            seen[actor.code] = actor
    return list(seen.values())
