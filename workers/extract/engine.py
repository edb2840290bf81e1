"""From the sentences of an article to PLOVER events: actors, triggers, frames, place and date.

Per sentence: the lexicon finds names, titles, nationality adjectives, triggers, cues and places in one
pass; mentions that denote one actor are merged ("الرئيس الروسي فلاديمير بوتين"); each trigger that is
not negated reads its participants by its frame (symmetric, directed, visit, reception) from the actors
before it (SVO) or right after it (VSO) and those after مع/و; a meeting announced for the future becomes
AGREE. Within an article the same event stated twice is kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from workers.extract.lexicon import QUAD, Entry, Kind, Lexicon, Match, Place, Trigger
from workers.extract.text import Sentence, matching_with_index, split_sentences
from workers.extract.timex import resolve_date

# Participants are read this far (in characters of matching form) from a trigger.
_WINDOW = 160
# Mentions this close (characters between them) belong to one actor ("الرئيس الروسي فلاديمير بوتين").
_JOIN_GAP = 2
_ACTOR_KINDS = (
    Kind.PERSON, Kind.ORGANIZATION_HEAD, Kind.ORGANIZATION, Kind.METONYM, Kind.COUNTRY, Kind.TITLE,
    Kind.ADJECTIVE,
    Kind.COUNTERPART, Kind.PAIR, Kind.CAPITAL,
)  # fmt: skip
_WITH = ("مع", "بين", "ومع")
_WORDS = re.compile(r"\w+")
# Active participles continue the main clause: "… أكد كاميرون …، معربا عن تعازيه": Cameron offers them.
_PARTICIPLES = frozenset(
    {"معربا", "داعيا", "مشيرا", "مؤكدا", "موكدا", "مطالبا", "محذرا", "معتبرا", "مضيفا", "منددا"}
)
# Reporting verbs that continue the last speaker's words: "وتابع «سندمرهم»".
_CONTINUATIONS = frozenset(
    {"وتابع", "واضاف", "وقال", "وذكر", "واكد", "وتابعت", "واضافت", "وقالت", "وذكرت", "واكدت"}
)
# Words before an organisation that make it the venue: "قمة آسيان", "هامش مجموعة العشرين".
_VENUE = frozenset(
    {"قمه", "القمه", "هامش", "اطار", "اعمال", "مؤتمر", "منتدي", "اجتماعات", "دوره", "مظله", "قمتي", "مقر"}
)
# Recipients stand close after the trigger (or its subject).
_RECIPIENT_WINDOW = 60
_DATIVE = frozenset({"ل", "لل", "ول", "ولل", "فل"})
_GENERIC_ROLES = frozenset({"insurgents", "civilians", "police", "military", "organization_anaphor"})
# In VSO order the subject follows the verb closely.
_VSO_WINDOW = 40
_NEED_RECIPIENT = frozenset(
    {("SUPPORT", "directed"), ("ACCUSE", "directed"), ("THREATEN", "directed"), ("SANCTION", "directed"),
     ("AID", "directed"), ("CONCEDE", "directed"), ("CONSULT", "visit"), ("CONSULT", "reception"),
     ("ASSAULT", "directed")}
)  # fmt: skip
_LOCATIVE = (
    "في", "الي", "من", "بمدينه", "مدينه", "بالعاصمه", "العاصمه", "فوق", "قرب", "بالقرب من", "داخل",
    "باتجاه", "نحو",
)  # fmt: skip
_SCORES = {
    "AGREE": 3.0, "CONSULT": 1.0, "SUPPORT": 3.4, "CONCEDE": 5.0, "COOPERATE": 6.0, "AID": 7.0,
    "RETREAT": 4.0,
    "REQUEST": -1.0, "ACCUSE": -2.0, "REJECT": -4.0, "THREATEN": -6.0, "PROTEST": -6.5, "SANCTION": -7.0,
    "MOBILIZE": -7.2, "COERCE": -7.0, "ASSAULT": -10.0,
}  # fmt: skip
_CONTEXTS = {"ارهاب": "terrorism", "داعش": "terrorism", "نووي": "nuclear", "اقتصاد": "economic",
             "تجار": "economic", "لاجي": "migration", "انتخاب": "elections", "صحه": "health"}  # fmt: skip


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


@dataclass(frozen=True)
class Location:
    name: str
    country: str
    lat: float | None
    lon: float | None
    geonameid: int | None


@dataclass(frozen=True)
class Event:
    type: str
    mode: str | None
    actors: tuple[Actor, ...]
    recipients: tuple[Actor, ...]
    location: Location | None
    date: date | None
    date_precision: str
    quad: int
    score: float
    context: tuple[str, ...]
    sentence: str
    trigger: str
    char_start: int
    char_end: int
    confidence: float

    def key(self) -> tuple[str, frozenset[str], frozenset[str]]:
        return (self.type, frozenset(a.code for a in self.actors), frozenset(r.code for r in self.recipients))


@dataclass
class _Context:
    """What the article has said so far: for "الجانبان" and "نظيره"."""

    home: str | None = None  # the state of the dateline: where unnamed police and crowds belong
    recent: list[Actor] = field(default_factory=list)
    participants: list[Actor] = field(default_factory=list)  # of the events told so far
    speaker: Actor | None = None  # who spoke last: "وتابع …" continues their words
    last_pair: list[Actor] = field(default_factory=list)

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
        sides = _distinct([a for a in actors if a.code != "UNK" and a.sector != "REB"])
        if meeting and len(sides) == 2:
            self.last_pair = sides  # "الوزيران" after a meeting of two ministers

    def pair(self) -> list[Actor]:
        """The two sides "الجانبان" refers to: those of the last two-sided event, else the last named."""
        if self.last_pair:
            return self.last_pair
        for pool in (self.participants, self.recent):
            sides = [a for a in pool if a.sector != "REB" and a.code != "UNK"]
            if len(sides) >= 2:
                return sides[-2:]
        return []

    def armed_group(self) -> Actor | None:
        armed = [a for a in self.recent if a.sector == "REB" and a.code != "UNK"]
        return armed[-1] if armed else None


def extract(body: str, lexicon: Lexicon, published: date | None, dateline: str | None = None) -> list[Event]:
    context = _Context(home=_home(dateline, lexicon))
    events: dict[tuple[str, frozenset[str], frozenset[str]], Event] = {}
    for sentence in split_sentences(body):
        matches = lexicon.find(sentence.matching, sentence.marbuta)
        actors = _actors(
            sentence, matches, lexicon, published, context, _location(sentence, matches, context.home)
        )
        for event in _events(sentence, matches, actors, context, published):
            context.took_part(
                list(event.actors + event.recipients), meeting=event.type in ("CONSULT", "AGREE")
            )
            kept = events.get(event.key())
            if kept is None:
                events[event.key()] = event
            elif kept.location is None and event.location is not None:
                events[event.key()] = replace(kept, location=event.location)
        context.note(actors)
    return _without_visit_meetings(list(events.values()))


def _without_visit_meetings(events: list[Event]) -> list[Event]:
    """Meetings between a visitor and the host are part of the visit, not events of their own."""
    visits = {
        frozenset(a.code for a in e.actors + e.recipients)
        for e in events
        if e.type == "CONSULT" and e.mode == "visit"
    }
    return [
        e
        for e in events
        if not (e.type == "CONSULT" and e.mode != "visit" and frozenset(a.code for a in e.actors) in visits)
    ]


# -- actors ------------------------------------------------------------------------------------------


def _actor_of(entry: Entry, published: date | None) -> tuple[str, str, str | None] | None:
    if entry.kind is Kind.PERSON and entry.person is not None:
        term = entry.person.term_at(published)
        return term.code, entry.person.name, term.sector
    if entry.kind in (
        Kind.COUNTRY, Kind.METONYM, Kind.ORGANIZATION, Kind.ORGANIZATION_HEAD, Kind.ADJECTIVE, Kind.CAPITAL,
    ):  # fmt: skip
        return entry.code or "UNK", entry.name or entry.code or "UNK", entry.sector
    return None


def _is_place_use(sentence: Sentence, match: Match) -> bool:
    if match.prefix.endswith("ب") or match.prefix in ("ل", "ول"):
        return True
    before = _WORDS.findall(sentence.matching[max(0, match.start - 14) : match.start])
    if not before:
        return False
    word = before[-1]
    return word in _LOCATIVE or (word[:1] in ("و", "ف") and word[1:] in _LOCATIVE)  # "وفي القاهرة"


def _actors(
    sentence: Sentence,
    matches: list[Match],
    lexicon: Lexicon,
    published: date | None,
    context: _Context,
    location: Location | None,
) -> list[Actor]:
    """Actors in the sentence, in order, with adjacent mentions of one actor merged."""
    pieces: list[tuple[Match, Entry]] = []
    for match in matches:
        entry = match.first(*_ACTOR_KINDS)
        if entry is None:
            continue
        if entry.kind is Kind.CAPITAL and _is_place_use(sentence, match):
            continue
        if entry.kind in (Kind.COUNTRY, Kind.METONYM) and _is_place_use(sentence, match):
            continue  # "في سورية", "في قصر الاتحادية": where, not who
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
    if entry.kind in (Kind.TITLE, Kind.COUNTERPART, Kind.PAIR) and kinds & _NAMED:
        return True  # "… فلاديمير بوتين" then "رئيس الوزراء البريطاني"
    if entry.kind in (Kind.COUNTERPART, Kind.PAIR) and Kind.ADJECTIVE in kinds:
        return True
    return last_entry.kind is Kind.ADJECTIVE and entry.kind is Kind.ADJECTIVE


def _resolve_group(
    sentence: Sentence,
    group: list[tuple[Match, Entry]],
    published: date | None,
    context: _Context,
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
    lead = _WORDS.findall(sentence.matching[max(0, start - 30) : start])[-3:]
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
    before = _WORDS.findall(sentence.matching[max(0, start - 8) : start])
    return bool(before) and before[-1] in ("الي", "لدي")


def _possessor(sentence: Sentence, start: int) -> bool:
    """ "البيان الختامي لمجلس التعاون": the لـ marks whose statement it is, not to whom it is addressed."""
    before = _WORDS.findall(sentence.matching[max(0, start - 16) : start])
    return bool(before) and before[-1] in _SOURCES


def _generic(group: list[tuple[Match, Entry]], context: _Context, location: Location | None) -> Actor | None:
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


def _home(dateline: str | None, lexicon: Lexicon) -> str | None:
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


_DENIALS = ("نفي", "نفت", "ينفي", "تنفي", "نفيا", "ونفي", "ونفت")
_NOUN_TRIGGERS = frozenset(
    {"لقاء", "اجتماع", "اتصال", "هجوم", "قصف", "تفجير", "اعتقال", "انسحاب", "اغتيال", "احتجاج", "اعتصام",
     "تنسيق", "توقيع", "تهديد", "اتفاق", "استقبال", "اضراب", "حشد"}
)  # fmt: skip


def _is_noun(trigger: Match) -> bool:
    """A verbal noun ("لقاء", "المباحثات", "زيارة") rather than a verb ("التقى", "زار")."""
    form = trigger.form
    if trigger.prefix.endswith(("ال", "لل")) or (
        form.startswith("ال") and not form.startswith(("التقي", "اتفق"))
    ):
        return True
    first = form.split()[0]
    return (
        first in _NOUN_TRIGGERS
        or first.endswith(("ات", "ه", "اء"))
        or first.startswith(("مباحث", "محادث", "مكالم"))
    )


def _possessed(trigger: Match, sentence: Sentence) -> bool:
    """ "رفضه خطة السلام", "اعتذاره عن": the noun's owner is its pronoun, what follows is its object."""
    shown = sentence.display(trigger.start + len(trigger.prefix), trigger.end)
    return len(shown) > 3 and shown.endswith(("ه", "ها", "هما", "هم")) and not shown.endswith("ة")


def _anaphoric(trigger: Match, actors: list[Actor]) -> bool:
    """ "الاجتماع", "اللقاء" with nobody named after them point back to an event already told."""
    entry = trigger.first(Kind.TRIGGER)
    if entry is None or entry.trigger is None or entry.trigger.type not in ("CONSULT", "AGREE", "SUPPORT"):
        return False
    definite = trigger.prefix.endswith(("ال", "لل")) or trigger.form.startswith("ال")
    if not definite or not _is_noun(trigger):
        return False
    return not any(0 <= a.start - trigger.end <= 2 for a in actors)


def _purpose_start(sentence: Sentence, trigger: Match, subject: list[Actor]) -> int | None:
    """Where the requested action begins after a request verb (and its subject): at إلى / على / بالـ."""
    start = max([trigger.end] + [a.end for a in subject if a.start >= trigger.end])
    for found in _WORDS.finditer(sentence.matching, start):
        word = found.group()
        if word in ("الي", "علي") or word.startswith(("بال", "لل")):
            return found.start()
    return None


def _content_of_request(sentence: Sentence, matches: list[Match], trigger: Match) -> bool:
    """ "طالبت بالإفراج عن", "دعا إلى وقف إطلاق النار": what is asked for is no event of its own."""
    for match in matches:
        entry = match.first(Kind.TRIGGER)
        if entry is None or entry.trigger is None or match is trigger or entry.trigger.type != "REQUEST":
            continue
        if 0 <= trigger.start - match.end <= 14:
            return True
        if match.end <= trigger.start and _is_noun(trigger) and _introduced_as_purpose(sentence, trigger):
            return True  # "طالبت … بالإفراج عن": the release is what is asked for
    return False


def _introduced_as_purpose(sentence: Sentence, trigger: Match) -> bool:
    if trigger.prefix.endswith(("ب", "بال", "لل")):
        return True
    before = _WORDS.findall(sentence.matching[max(0, trigger.start - 8) : trigger.start])
    return bool(before) and before[-1] in ("الي", "علي")


def _negated(sentence: Sentence, matches: list[Match], trigger: Match) -> bool:
    reach = 40 if _is_noun(trigger) else 12  # "لم يعقد ولي العهد أي لقاء" reaches further than "لم يلتق"
    if any(match.first(Kind.NEGATION) and 0 <= trigger.start - match.end <= reach for match in matches):
        return True
    return any(word in _DENIALS for word in sentence.matching[: trigger.start].split())  # "نفى … أن يكون"


def _required_words_before(sentence: Sentence, trigger: Match, words: tuple[str, ...]) -> bool:
    around = sentence.matching[max(0, trigger.start - 80) : trigger.end + 60].split()
    return any(word.removeprefix("و") in words or word in words for word in around)


def _future(sentence: Sentence, matches: list[Match], trigger: Match) -> bool:
    if "س" in trigger.prefix:
        return True
    return any(match.first(Kind.FUTURE) and abs(match.start - trigger.start) <= _WINDOW for match in matches)


def _location(sentence: Sentence, matches: list[Match], home: str | None = None) -> Location | None:
    for match in matches:
        entry = match.first(Kind.PLACE)
        if entry is None or entry.place is None or not _is_place_use(sentence, match):
            continue
        if match.first(Kind.PERSON, Kind.ORGANIZATION):
            continue
        at_home = [
            e for e in match.entries if e.kind is Kind.PLACE and e.code == home and e.place is not None
        ]
        if at_home:
            entry = at_home[0]  # the article's own country wins a shared name
        assert entry.place is not None
        place: Place = entry.place
        return Location(place.name, place.country, place.lat or None, place.lon or None, place.geonameid)
    return None


def _subject_and_objects(
    actors: list[Actor], trigger: Match, sentence: Sentence
) -> tuple[list[Actor], list[Actor], list[Actor]]:
    """The subject, the actors after the trigger, and the partners introduced by مع or بين."""
    actors = [a for a in actors if not a.venue]
    before = [a for a in actors if a.end <= trigger.start and trigger.start - a.end <= _WINDOW]
    after = [a for a in actors if a.start >= trigger.end and a.start - trigger.end <= _WINDOW]
    datives = [a for a in before if a.dative]
    candidates = [a for a in before if not a.dative]
    subject = _last_coordinated([a for a in candidates if a.strong] or candidates, sentence)
    lead = _WORDS.findall(
        sentence.matching[max(0, trigger.start - 20) : trigger.start + len(trigger.prefix) + 8]
    )
    if any(word in _PARTICIPLES for word in lead) or trigger.form in _PARTICIPLES:
        main = next((a for a in actors if a.strong and not a.dative), None)
        if main is not None:
            subject = [main]
    noun = _is_noun(trigger) and not _possessed(trigger, sentence)
    if noun and after and after[0].start - trigger.end <= 2 and not after[0].dative and not after[0].paired:
        # a noun with its participants after it: "لقاء بوتين وأوباما", "مباحثات الرئيس الروسي والمستشارة"
        subject = _first_coordinated(after, sentence)
        after = after[len(subject) :]
    elif not subject and after and not after[0].dative and after[0].start - trigger.end <= _VSO_WINDOW:
        subject = _first_coordinated(after, sentence)  # VSO: the verb first, then its subject
        after = after[len(subject) :]
    after = datives + [a for a in after if a.start - trigger.end <= _RECIPIENT_WINDOW or a in subject]
    partners: list[Actor] = []
    for position, actor in enumerate(after):
        lead = sentence.matching[max(trigger.end, actor.start - 8) : actor.start].split()
        if lead and lead[-1] in _WITH:
            partners = _first_coordinated(after[position:], sentence)
            break
    return subject, after, partners


def _joined(left: Actor, right: Actor, sentence: Sentence) -> bool:
    """Are the two actors coordinated ("روسيا والولايات المتحدة", "روسيا، والصين")?"""
    if left.start == right.start:
        return True  # the two sides of one "الجانبان"
    between = sentence.matching[left.end : right.start].strip()
    if between in ("،", ","):
        return True
    if between == "":
        return right.conjoined
    return between in ("و", "، و") or (len(between.split()) <= 2 and between.startswith("و"))


def _last_coordinated(actors: list[Actor], sentence: Sentence) -> list[Actor]:
    if not actors:
        return []
    chosen = [actors[-1]]
    for actor in reversed(actors[:-1]):
        if not _joined(actor, chosen[0], sentence):
            break
        chosen.insert(0, actor)
    return chosen


def _first_coordinated(actors: list[Actor], sentence: Sentence) -> list[Actor]:
    chosen = [actors[0]]
    for actor in actors[1:]:
        if not _joined(chosen[-1], actor, sentence):
            break
        chosen.append(actor)
    return chosen


def _distinct(actors: list[Actor]) -> list[Actor]:
    seen: dict[str, Actor] = {}
    for actor in actors:
        if actor.code not in seen or (actor.strong and not seen[actor.code].strong):
            seen[actor.code] = actor
    return list(seen.values())


def _events(
    sentence: Sentence, matches: list[Match], actors: list[Actor], context: _Context, published: date | None
) -> list[Event]:
    events = []
    location = _location(sentence, matches, context.home)
    sidelines = any(m.first(Kind.SIDELINES) for m in matches)
    day, precision = resolve_date(sentence.text, published)
    contexts = tuple(sorted({v for k, v in _CONTEXTS.items() if k in sentence.matching}))
    for match in matches:
        entry = match.first(Kind.TRIGGER)
        if entry is None or entry.trigger is None or _negated(sentence, matches, match):
            continue
        trigger: Trigger = entry.trigger
        if _anaphoric(match, actors) or _content_of_request(sentence, matches, match):
            continue
        if trigger.requires and not _required_words_before(sentence, match, trigger.requires):
            continue
        subject, objects, partners = _subject_and_objects(actors, match, sentence)
        event_type, mode, frame = trigger.type, trigger.mode, trigger.frame
        if event_type == "CONSULT" and _future(sentence, matches, match):
            event_type, mode, frame = "AGREE", None, "symmetric"
        continued = bool(
            _WORDS.findall(sentence.matching[:12])[:1]
            and _WORDS.findall(sentence.matching)[0] in _CONTINUATIONS
        )
        if not subject and continued and context.speaker is not None and frame != "symmetric":
            subject = [context.speaker]
        participants = _participants(
            sentence,
            frame, subject, objects, partners, location, context,
            meeting=trigger.type == "CONSULT", continued=continued, noun=_is_noun(match),
            purpose_cut=_purpose_start(sentence, match, subject) if event_type == "REQUEST" else None,
        )  # fmt: skip
        if participants is None:
            continue
        doers, receivers = participants
        if all(a.code == "UNK" for a in doers):
            continue  # nobody known did it
        if event_type == "MOBILIZE":
            receivers = []  # forces are deployed, not deployed at someone
        if not receivers and match.form.endswith("هم") and event_type in ("THREATEN", "ASSAULT", "ACCUSE"):
            them = [a for a in reversed(context.recent) if a.code not in {d.code for d in doers}]
            receivers = them[:1]  # "سندمرهم": "them" are the last others named
        if not receivers and (event_type, frame) in _NEED_RECIPIENT:
            continue  # praise, blame, threats and sanctions are always aimed at someone
        if event_type in ("PROTEST", "COERCE") and not receivers and doers[0].code != "UNK":
            receivers = [replace(doers[0], sector="GOV")]  # at home: against, or by, its own government
        abroad = location is not None and location.country not in {a.code for a in doers}
        if event_type in ("AID", "ASSAULT") and not receivers and abroad and location is not None:
            receivers = [Actor(location.country, location.country, "GOV", location.name, 0, 0)]
        if event_type == "CONSULT" and mode is None and (sidelines or _abroad(location, doers + receivers)):
            mode = "third-party"
        start, end = sentence.display_span(match.start + len(match.prefix), match.end)
        confidence = (
            0.55 + 0.1 * min(3, sum(a.strong for a in doers + receivers)) + (0.1 if location else 0.0)
        )
        events.append(
            Event(
                type=event_type,
                mode=mode,
                actors=tuple(doers),
                recipients=tuple(receivers),
                location=location,
                date=day,
                date_precision=precision,
                quad=QUAD[event_type],
                score=_SCORES[event_type],
                context=contexts,
                sentence=sentence.text,
                trigger=sentence.display(match.start + len(match.prefix), match.end),
                char_start=start,
                char_end=end,
                confidence=round(min(confidence, 0.95), 2),
            )
        )
    return events


def _abroad(location: Location | None, participants: list[Actor]) -> bool:
    return location is not None and location.country not in {a.code for a in participants}


def _participants(
    sentence: Sentence,
    frame: str,
    subject: list[Actor],
    objects: list[Actor],
    partners: list[Actor],
    location: Location | None,
    context: _Context,
    *,
    meeting: bool = False,
    continued: bool = False,
    noun: bool = False,
    purpose_cut: int | None = None,
) -> tuple[list[Actor], list[Actor]] | None:
    strong_objects = [a for a in objects if a.strong] or objects
    if frame == "symmetric":
        everyone = _distinct([a for a in subject + partners if a.strong and not a.paired])
        if len(everyone) < 2 and meeting:  # "التقى X Y": the object is the other side
            everyone = _distinct(
                everyone + [a for a in _first_group(objects, sentence) if a.strong and not a.paired]
            )
        if len(everyone) < 2:
            everyone = _distinct(everyone + [a for a in subject + partners if a.paired])
        if len(everyone) < 2 and meeting and continued and context.speaker is not None:
            everyone = _distinct([context.speaker, *everyone])  # "وذكر خلال اجتماع مع ميدفيديف"
        return (everyone, []) if len(everyone) >= 2 else None
    if frame == "reception":
        if noun:  # "كان في استقباله الرئيس اللبناني": the host follows; the visitor was named before
            hosts = strong_objects[:1] or subject
            visitors = [context.speaker] if context.speaker is not None else []
        else:
            hosts, visitors = subject, _first_group(strong_objects, sentence)
        if not hosts or not visitors:
            return None
        return _directed(visitors, hosts)
    if frame == "visit":
        if not subject:
            return None
        hosts = strong_objects[:2]
        if not hosts and location is not None:
            hosts = [Actor(location.country, location.country, "GOV", location.name, 0, 0)]
        return _directed(subject, hosts) if hosts else None
    if not subject:
        return None
    if purpose_cut is not None:  # "دعا X إلى …": what follows إلى is the request, not who is asked
        objects = [a for a in objects if a.start < purpose_cut]
    return _directed(subject, _first_group(objects, sentence))


def _first_group(actors: list[Actor], sentence: Sentence) -> list[Actor]:
    """The recipients: the first actor after the trigger and those coordinated with it."""
    return _first_coordinated(actors, sentence) if actors else []


def _directed(doers: list[Actor], receivers: list[Actor]) -> tuple[list[Actor], list[Actor]] | None:
    doers = _distinct([a for a in doers if a.strong] or doers)
    codes = {a.code for a in doers}
    receivers = [a for a in _distinct(receivers) if a.code not in codes and a.code != "UNK"]
    return (doers, receivers) if doers else None
