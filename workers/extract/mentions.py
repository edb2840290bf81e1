"""Step 1, mentions: the actors and places a sentence names, with their spans.

An actor phrase is read from the lexicon's matches by a small grammar: a title, the words of its office,
then what says whose office it is (a nationality adjective, a state or body in the genitive, the place of
a governor's seat, a person's name), in any order real copy uses ("وزير النقل اليمني بدر باسملة",
"سامح شكري وزير الخارجية المصري", "أمير منطقة الرياض"). An office nothing ties to a state takes the state
the article ties it to (`ArticleContext.state_for`). Spans that only look like actors are no actors: a place
after في/إلى, an outlet's name, a word inside a longer name, a person's name that is a nationality word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from workers.extract.actor import Actor
from workers.extract.context import ArticleContext
from workers.extract.given_names import default_given_names
from workers.extract.lexicon import Entry, Kind, Lexicon, Match, Place
from workers.extract.text import Sentence, words

WORDS = re.compile(r"\w+")

_ACTOR_KINDS = (
    Kind.PERSON, Kind.ORGANIZATION_HEAD, Kind.ORGANIZATION, Kind.METONYM, Kind.COUNTRY, Kind.TITLE,
    Kind.ADJECTIVE, Kind.COUNTERPART, Kind.PAIR, Kind.CAPITAL, Kind.STATE_PRONOUN, Kind.KINGDOM,
    Kind.COALITION,
)  # fmt: skip
_NAMED = frozenset(
    {Kind.PERSON, Kind.COUNTRY, Kind.ORGANIZATION, Kind.ORGANIZATION_HEAD, Kind.METONYM, Kind.CAPITAL}
)
# Words before a place that make it where something happens, not who acts ("في سورية", "إلى موسكو").
_LOCATIVE = frozenset(
    {"في", "الي", "من", "بمدينه", "مدينه", "بالعاصمه", "العاصمه", "فوق", "قرب", "داخل", "باتجاه", "نحو",
     "لدي", "مقره", "مقرها", "ومقره", "ومقرها", "ولايه", "بولايه", "اقليم", "باقليم", "منطقه", "بمنطقه",
     "جزيره", "بجزيره", "شمال", "جنوب", "شرق", "غرب", "وسط", "عبر", "حي", "بلده", "قريه", "مطار", "ميناء"}
)  # fmt: skip
# Prepositions that introduce an actor, as separate words (matching form).
_PREPOSITIONS = frozenset(
    {"مع", "علي", "ضد", "الي", "من", "بين", "لدي", "عن", "حول", "بشان", "تجاه", "ازاء", "بحق", "عبر", "لصالح",
     "برياسه", "بحضور", "بمشاركه", "بدعوه", "بقياده", "بوساطه", "بدعم"}
)  # fmt: skip
# Words before a nationality adjective that make it a place: "غرب العاصمة الأفغانية", "المياه الإقليمية
# السعودية" are where, not who.
_PLACE_NOUNS = frozenset(
    {"العاصمه", "عاصمه", "المدينه", "مدينه", "الاراضي", "اراضي", "الحدود", "حدود", "المياه", "مياه", "الساحل",
     "السواحل", "الاقليميه", "المدن", "مدن", "القري", "الجزر", "الاجواء", "اجواء", "الحدوديه", "الولايات",
     "المحافظات", "الاقاليم", "البلدات", "المناطق", "منطقه", "المنطقه", "الريف", "ريف"}
)  # fmt: skip
# Proclitics that are prepositions: بـ "with/by", لـ "to/of", كـ "as".
_PROCLITIC_PREPOSITIONS = {"ب": "ب", "بال": "ب", "وب": "ب", "وبال": "ب", "فب": "ب", "ل": "ل", "لل": "ل",
                           "ول": "ل", "ولل": "ل", "فل": "ل", "فلل": "ل", "ك": "ك", "كال": "ك"}  # fmt: skip
# A title's office may run over a few words before what says whose it is ("وزير النقل اليمني"); these
# words end it instead.
_BREAKS = frozenset(
    {"في", "من", "الي", "علي", "مع", "عن", "ان", "بان", "لان", "الذي", "التي", "الذين", "قال", "اكد", "بعد",
     "قبل", "خلال", "منذ", "اليوم", "امس", "غدا", "لدي", "حيث", "كما", "اثر", "عقب", "ضد", "او", "ثم", "انه",
     "انها", "ايضا", "قد", "لقد", "كان", "كانت", "لم", "لن", "لا", "ما"}
)  # fmt: skip
_OFFICE_WORDS = 3  # at most this many words of an office between a title and its state
_JOIN_GAP = 2  # characters between two matches of one phrase ("الرئيس الروسي")
# Words before an organisation that make it the venue: "قمة آسيان", "هامش مجموعة العشرين".
_VENUE = frozenset(
    {
        "قمه",
        "القمه",
        "هامش",
        "اطار",
        "اعمال",
        "مؤتمر",
        "منتدي",
        "اجتماعات",
        "دوره",
        "مظله",
        "قمتي",
        "مقر",
        "منبر",
        "امام",
    }
)
# Words after which a لـ marks whose statement or office it is, not to whom it is addressed.
_OWNERS = frozenset(
    {"بيان", "البيان", "الختامي", "المتحدث", "الناطق", "باسم", "وزاره", "رييس", "الامين", "العام", "مجلس",
     "وزير", "قاده", "قوات", "جيش", "سفاره", "السفاره", "مكتب", "الاعلامي", "تابع", "التابع", "التابعه",
     "زياره", "تصريحات", "تصريح", "كلمه", "خطاب", "رساله", "قرار"}
)  # fmt: skip
# Nouns for some of a body's members: "عناصر من الحرس الثوري" is the Guard acting.
_PARTITIVES = frozenset(
    {"عناصر", "افراد", "مجموعه", "عدد", "قوه", "دوريه", "وحده", "وحدات", "مسلحين", "مقاتلين"}
)
_GENERIC_ROLES = frozenset({"insurgents", "rebels", "civilians", "organization_anaphor"})
_PERSON_ROLES = frozenset(
    {"head_of_state", "head_of_government", "crown_prince", "deputy_crown_prince", "foreign_minister",
     "defence_minister", "interior_minister", "minister", "governor", "ambassador", "spokesperson",
     "secretary_general", "organization_head", "military_commander", "religious_leader"}
)  # fmt: skip
_KINGDOMS = frozenset({"SAU", "JOR", "MAR", "BHR"})
# Offices whose words may run on before the state they belong to ("وزير النقل اليمني", "وزارة الداخلية
# السعودية"); not generic actors ("الإرهابيون طائرة روسية" is terrorists and a Russian plane).
_OFFICES = _PERSON_ROLES | {"government", "military", "police", "judiciary", "legislator"}


@dataclass(frozen=True)
class PlaceMention:
    place: Place
    start: int
    end: int
    locative: bool  # introduced as where something happens ("في", "إلى", "قرب" …)
    states: tuple[str, ...]  # every state a place of this name belongs to, the likeliest first


@dataclass(frozen=True)
class Mentions:
    actors: tuple[Actor, ...]
    places: tuple[PlaceMention, ...]


def find_mentions(
    sentence: Sentence,
    matches: list[Match],
    lexicon: Lexicon,
    published: date | None,
    context: ArticleContext,
) -> Mentions:
    pieces: list[tuple[Match, Entry]] = []
    regions: list[PlaceMention] = []
    seats: set[int] = set()  # matches read as a governor's seat, not as a place of the event
    for match in matches:
        entry = match.first(*_ACTOR_KINDS)
        if entry is None or entry.kind is Kind.CAPITAL:  # "أمير منطقة الرياض": a seat, not the state
            seat = match.first(Kind.PLACE) if pieces and _seat_of(pieces[-1], match, sentence) else None
            if seat is not None:
                seats.add(match.start)
                pieces.append((match, seat))
                continue
            if entry is None:
                continue
        if (
            entry.kind in (Kind.COUNTRY, Kind.METONYM, Kind.CAPITAL)
            and is_place_use(sentence, match, states=entry.kind is not Kind.CAPITAL)
            and not (entry.kind is Kind.METONYM and entry.sector != "GOV" and "ب" not in match.prefix)
        ):
            continue  # "في سورية", "إلى موسكو": where, not who; "لطيران التحالف" is the air force's
        if entry.kind is Kind.ADJECTIVE and _of_a_place(sentence, match):
            regions.append(_region(match, entry, context))  # "العاصمة الروسية": a place of that state
            continue
        if entry.kind is Kind.ADJECTIVE and (
            _given_name(sentence, match) or _nisba(sentence, matches, match)
        ):
            continue
        pieces.append((match, entry))
    actors: list[Actor] = []
    group: list[tuple[Match, Entry]] = []
    for match, entry in pieces:
        if group and _starts_new_actor(sentence, matches, group, match, entry):
            actors.extend(_resolve(sentence, lexicon, matches, group, published, context, actors))
            group = []
        group.append((match, entry))
    if group:
        actors.extend(_resolve(sentence, lexicon, matches, group, published, context, actors))
    actors = _appositions(_bodies(actors, sentence), sentence)
    places = [
        _place_mention(sentence, match, context)
        for match in matches
        if match.first(Kind.PLACE) is not None
        and match.start not in seats
        and match.first(Kind.PERSON, Kind.ORGANIZATION) is None
    ]
    return Mentions(tuple(actors), tuple(sorted(places + regions, key=lambda p: p.start)))


def _region(match: Match, entry: Entry, context: ArticleContext) -> PlaceMention:
    """The state a nationality adjective on a place noun places something in ("غرب العاصمة الأفغانية")."""
    code = entry.code or ""
    place = Place(context.country_names.get(code, code), code, 0.0, 0.0, None, 0, "country")
    return PlaceMention(place, match.start, match.end, True, (code,))


def is_place_use(sentence: Sentence, match: Match, *, states: bool = False) -> bool:
    """Is the name introduced as a place ("في سورية", "بالرياض", "إلى موسكو", "ومقرها لندن")? A state
    after من is more often a side ("طلب من تركيا", "مساعدات من السعودية") than where one came from."""
    if match.prefix.endswith("ب") or match.prefix in ("ل", "ول"):
        return True
    before = words(sentence.matching[max(0, match.start - 14) : match.start])
    if not before:
        return False
    word = before[-1].removeprefix("و") if len(before[-1]) > 2 else before[-1]
    if states and word == "من":
        return False
    return word in _LOCATIVE or before[-1] in _LOCATIVE


def _place_mention(sentence: Sentence, match: Match, context: ArticleContext) -> PlaceMention:
    entries = [e for e in match.entries if e.kind is Kind.PLACE and e.place is not None]
    preferred = [e for e in entries if e.code in (context.home, context.main)]
    chosen = (preferred or entries)[0]
    assert chosen.place is not None
    states = tuple(dict.fromkeys([chosen.place.country] + [e.code or "" for e in entries]))
    return PlaceMention(chosen.place, match.start, match.end, is_place_use(sentence, match), states)


def _seat_of(last: tuple[Match, Entry], match: Match, sentence: Sentence) -> bool:
    """Is `match` the place right after a governor's title ("أمير منطقة الرياض", "محافظ جدة")?"""
    title_match, title = last
    if title.kind is not Kind.TITLE or not title.seat:
        return False
    return match.start - title_match.end <= _JOIN_GAP and not match.prefix.startswith("و")


def _given_name(sentence: Sentence, match: Match) -> bool:
    """An indefinite nationality word after a definite one is no adjective of it but a given name:
    "العقيد الركن تركي المالكي", "الأمير تركي الفيصل" (an adjective agrees: "الرئيس التركي")."""
    if "ال" in match.prefix or match.form.startswith("ال") or match.form.endswith("يا"):
        return False  # "فلسطينيا" is a person of the state, never a given name
    before = words(sentence.matching[max(0, match.start - 20) : match.start])
    return bool(before) and before[-1].startswith(("ال", "وال")) and len(before[-1]) > 3


def _nisba(sentence: Sentence, matches: list[Match], match: Match) -> bool:
    """A definite nationality word right after an indefinite name is a family name, not an adjective
    (an adjective agrees in definiteness): "عبدالله بن عبدالمحسن التركي", "محمد شياع السوداني"."""
    if not (match.prefix.endswith("ال") or match.form.startswith("ال")):
        return False
    window = max(0, match.start - 30)
    before = re.search(r"(\w+)\s+$", sentence.matching[window : match.start])
    if before is None:
        return False
    word, word_start = before.group(1), window + before.start(1)
    covered = any(m.start <= word_start < m.end for m in matches)
    if covered or word.startswith(("ال", "وال", "بال", "لل")) or len(word) <= 2:
        return False
    named = words(sentence.matching[max(0, word_start - 30) : match.start])[-4:]
    return any(w in default_given_names() or w in ("بن", "بنت", "ابو") for w in named)  # a person's name


def _of_a_place(sentence: Sentence, match: Match) -> bool:
    """A nationality adjective on a place noun ("العاصمة الأفغانية") says where, not who."""
    before = words(sentence.matching[max(0, match.start - 16) : match.start])
    return bool(before) and before[-1] in _PLACE_NOUNS


def _office_words(sentence: Sentence, matches: list[Match], start: int, end: int) -> bool:
    """Can the text between a title and what follows be the rest of its office ("النقل", "الرسمي باسم")?"""
    if any(start <= m.start < end for m in matches):
        return False
    between = sentence.matching[start:end]
    if re.search(r"[^\w\s]", between):
        return False
    found = between.split()
    if not found or len(found) > _OFFICE_WORDS:
        return False
    return not any(w in _BREAKS or (w.startswith("و") and w[1:] in _BREAKS) for w in found) and not any(
        w.startswith("وال")
        for w in found[1:]  # "والتعاون": a second noun joined on, not the same office
    )


def _starts_new_actor(
    sentence: Sentence, matches: list[Match], group: list[tuple[Match, Entry]], match: Match, entry: Entry
) -> bool:
    """Does this mention begin another actor rather than continue the one being read?"""
    last_match, last_entry = group[-1]
    kinds = {e.kind for _, e in group}
    if match.prefix.startswith(("و", "ف")):
        return True  # joined by "و": "بوتين ونظيره", "روسيا والولايات المتحدة"
    if match.start - last_match.end > _JOIN_GAP:
        titled = (
            Kind.TITLE in kinds
            and not kinds & _NAMED
            and not kinds & {Kind.ADJECTIVE, Kind.COALITION}  # told before its state: "وزير النقل اليمني"
            and any(e.kind is Kind.TITLE and e.role in _OFFICES for _, e in group)
        )
        if not (titled and entry.kind is not Kind.TITLE and _office_words(
            sentence, matches, last_match.end, match.start
        )):  # fmt: skip
            return True
    if entry.kind is Kind.PERSON and last_entry.kind is Kind.ORGANIZATION_HEAD:
        return False  # "الأمين العام للأمم المتحدة بان كي مون"
    if entry.kind in _NAMED and kinds & _NAMED:
        return True  # two names are two actors
    if entry.kind in (Kind.COUNTRY, Kind.CAPITAL) and last_entry.kind is Kind.ADJECTIVE:
        return True  # "انتقد مسؤول تركي إيران": the state after a nationality is the object
    if entry.kind in (Kind.TITLE, Kind.COUNTERPART, Kind.PAIR, Kind.STATE_PRONOUN) and kinds & _NAMED:
        return True  # "… فلاديمير بوتين" then "رئيس الوزراء البريطاني"
    if entry.kind is Kind.TITLE and Kind.ADJECTIVE in kinds:
        return True  # "الرئيس الروسي" then "رئيس الوزراء"
    if entry.kind is Kind.TITLE and Kind.TITLE in kinds and _another_office(group, matches, match, entry):
        return True  # "استقبل وزير الداخلية السفير الأمريكي": the host, then his guest
    if entry.kind in (Kind.COUNTRY, Kind.CAPITAL, Kind.METONYM) and _complete(last_match, last_entry):
        return True  # "انتقد وزير الداخلية إيران": a definite office takes no genitive: the object
    if entry.kind in (Kind.COUNTERPART, Kind.PAIR) and Kind.ADJECTIVE in kinds:
        return True
    return last_entry.kind is Kind.ADJECTIVE and entry.kind is Kind.ADJECTIVE


_HONORIFIC_ROLES = frozenset({"head_of_state", "military_commander"})  # "ولي العهد الأمير …", "… اللواء …"


def _complete(match: Match, entry: Entry) -> bool:
    """Does the phrase end a complete office: a title ending in a definite word ("وزير الداخلية") or a
    governor's seat ("محافظ جدة")? Arabic takes no genitive after a definite noun."""
    if entry.kind is Kind.PLACE:
        return True
    return entry.kind is Kind.TITLE and match.form.split()[-1].startswith("ال")


def _another_office(
    group: list[tuple[Match, Entry]], matches: list[Match], match: Match, entry: Entry
) -> bool:
    """Is this title a second person's office rather than more of the first one's? After a title that
    names its state by itself ("خادم الحرمين الشريفين") any title but a ruler's is; after a complete
    office, a definite title with a nationality of its own ("وزير الداخلية السفير الأمريكي"), not a rank
    before a name ("المتحدث باسم الوزارة السفير أحمد …") nor the rest of a chain of offices ("ولي ولي
    العهد النائب الثاني لرئيس مجلس الوزراء")."""
    first = next(e for _, e in group if e.kind is Kind.TITLE)
    if first.code is not None:
        return entry.role != "head_of_state"  # not "خادم الحرمين الشريفين الملك سلمان"
    if group[-1][1].kind is Kind.PLACE:
        return True  # a governor's seat ends his office: "أمير منطقة الرياض سفير جمهورية البيرو"
    definite = match.prefix.endswith("ال") or match.form.startswith("ال")
    if not (definite and entry.role not in _HONORIFIC_ROLES and _complete(*group[-1])):
        return False
    following = next((m for m in matches if m.start >= match.end), None)
    return (
        following is not None
        and following.start - match.end <= _JOIN_GAP
        and following.first(Kind.ADJECTIVE, Kind.COUNTRY) is not None
        and following.first(Kind.PERSON) is None
    )


def _lead(sentence: Sentence, first: Match, leads: dict[str, str]) -> str:
    """The preposition introducing a phrase (its own proclitic بـ، لـ or the word before it), or the part a
    word before it gives it ("نفذه": claimant, "تنتمي لـ": owner, "حسب": source)."""
    before = words(sentence.matching[max(0, first.start - 16) : first.start])
    if before and (before[-1] in leads or before[-1].removeprefix("و") in leads):
        return leads.get(before[-1]) or leads[before[-1].removeprefix("و")]
    proclitic = _PROCLITIC_PREPOSITIONS.get(first.prefix.removesuffix("ال") if first.prefix != "ال" else "")
    if proclitic == "ل" and _owner_before(sentence, first.start):
        proclitic = None  # "البيان الختامي لمجلس التعاون": whose statement, not to whom
    if proclitic:
        return proclitic
    if not before:
        return ""
    word = before[-1]
    if len(before) >= 2 and before[-2] in ("من", "ومن") and word == "قبل":
        return "من قبل"
    if word == "من" and len(before) >= 2 and before[-2].removeprefix("و") in _PARTITIVES:
        return ""  # "عناصر من الحرس الثوري": members of it, it acting
    if word in _PREPOSITIONS:
        return word
    if word[:1] in ("و", "ف") and word[1:] in _PREPOSITIONS:
        return word[1:]
    return ""


def _lead_of_noun(sentence: Sentence, start: int, matches: list[Match]) -> str:
    """The preposition of the noun a nationality adjective describes ("للنازحين", "على المواقع"); none for
    an event's own noun ("بالعقوبات الأمريكية": the adjective is who imposed them)."""
    before = words(sentence.matching[max(0, start - 30) : start])
    if not before or any(m.end == start - 1 and m.first(Kind.TRIGGER) for m in matches):
        return ""
    noun = before[-1]
    if noun.startswith(("لل", "ولل")) and noun not in _OWNERS:
        return "ل"
    if noun.startswith(("بال", "وبال")):
        return "ب"
    if len(before) >= 2 and before[-2] in _PREPOSITIONS:
        return before[-2]
    return ""


def _owner_before(sentence: Sentence, start: int) -> bool:
    before = words(sentence.matching[max(0, start - 16) : start])
    return bool(before) and before[-1] in _OWNERS


def _actor_of(entry: Entry, published: date | None) -> tuple[str, str, str | None, str | None] | None:
    """Code, name, sector and office of a named entry."""
    if entry.kind is Kind.PERSON and entry.person is not None:
        term = entry.person.term_at(published)
        return term.code, entry.person.name, term.sector, term.role
    if entry.kind is Kind.ORGANIZATION_HEAD:
        return entry.code or "UNK", entry.name or "UNK", entry.sector, "organization_head"
    if entry.kind in (Kind.COUNTRY, Kind.METONYM, Kind.ORGANIZATION, Kind.ADJECTIVE, Kind.CAPITAL):
        return entry.code or "UNK", entry.name or entry.code or "UNK", entry.sector, None
    if entry.kind is Kind.PLACE and entry.place is not None:
        return entry.place.country, entry.place.country, None, None
    if entry.kind is Kind.TITLE and entry.code:
        return entry.code, entry.code, entry.sector, entry.role
    return None


def _resolve(
    sentence: Sentence,
    lexicon: Lexicon,
    matches: list[Match],
    group: list[tuple[Match, Entry]],
    published: date | None,
    context: ArticleContext,
    before: list[Actor],
) -> list[Actor]:
    """One actor from a phrase of adjacent mentions: title, office words, adjective, state, name."""
    first = group[0][0]
    start, end = first.start, group[-1][0].end
    text = sentence.display(start, end)
    kinds = [entry.kind for _, entry in group]
    lead = _lead(sentence, first, lexicon.leads)
    if not lead and kinds == [Kind.ADJECTIVE]:
        lead = _lead_of_noun(sentence, first.start, matches)  # "للنازحين اليمنيين": to the Yemeni displaced
    conjoined = first.prefix.startswith("و")
    common = {"text": text, "start": start, "end": end, "lead": lead, "conjoined": conjoined}
    if Kind.PAIR in kinds and not set(kinds) & _NAMED:
        oblique = group[0][0].form.endswith("ين")  # "الطرفين": an object; "الطرفان": a subject
        return [
            replace(a, **common, paired=True, source="pair", oblique=oblique)  # type: ignore[arg-type]
            for a in context.pair(before)
        ]
    title = next((e for _, e in group if e.kind in (Kind.TITLE, Kind.COUNTERPART)), None)
    role = title.role if title is not None else None
    best: tuple[str, str, str | None, str | None] | None = None
    for _, entry in group:
        resolved = _actor_of(entry, published)
        if resolved is not None and (entry.kind is Kind.PERSON or best is None):
            best = resolved
    feminine = _feminine(sentence, first, group[0][1])
    if best is None and title is not None and _heads_a_body(sentence, group):
        # "رئيس اللجنة الاقتصادية في البرلمان الإيراني": the head of a body, whose state comes after
        return [Actor("", "", title.sector, text, start, end, True, lead, role=title.role, source="office",
                      person=role in _PERSON_ROLES)]  # fmt: skip
    if best is None:
        actor = _unnamed(group, title, context, sentence, first)
        return [] if actor is None else [replace(actor, **common, feminine=feminine)]  # type: ignore[arg-type]
    code, name, own_sector, own_role = best
    strong = Kind.TITLE in kinds or Kind.COUNTERPART in kinds or any(k is not Kind.ADJECTIVE for k in kinds)
    lead_words = words(sentence.matching[max(0, start - 30) : start])[-3:]
    venue = all(k is Kind.ORGANIZATION for k in kinds) and any(w in _VENUE for w in lead_words)
    person = Kind.PERSON in kinds or (role in _PERSON_ROLES)
    return [
        Actor(
            code, name, own_sector or (title.sector if title else None), text, start, end, strong, lead,
            venue=venue, conjoined=conjoined, role=own_role or role, source="name" if Kind.PERSON in kinds
            or len(kinds) == 1 or not title else "title", person=person, feminine=feminine,
        )
    ]  # fmt: skip


def _feminine(sentence: Sentence, first: Match, entry: Entry) -> bool:
    """The grammatical gender of a phrase's head word: a ة at its end, or a state's (feminine) name."""
    if entry.kind in (Kind.COUNTRY, Kind.CAPITAL):
        return not entry.masculine
    head_end = first.start + len(first.prefix) + len(first.form.split()[0])
    return head_end - 1 in sentence.marbuta


def _unnamed(
    group: list[tuple[Match, Entry]],
    title: Entry | None,
    context: ArticleContext,
    sentence: Sentence,
    first: Match,
) -> Actor | None:
    """An actor with no name or state of its own: an office of the article's state ("وزير الداخلية"),
    "بلاده", "المملكة", the organisation named before ("المجلس"), unnamed fighters or crowds."""
    entry = group[0][1]
    if any(e.kind is Kind.COALITION for _, e in group):  # "طائرات التحالف" in a story on Yemen
        leader = context.coalition
        return Actor(leader, leader, "MIL", "", 0, 0, True, source="context") if leader else None
    if entry.kind is Kind.STATE_PRONOUN:  # "بلاده", "حكومتها": the state of the one speaking
        speaker = context.speaker
        if speaker is None or speaker.code == "UNK":
            return None
        return Actor(speaker.code, speaker.code, "GOV", "", 0, 0, True, source="pronoun")
    if entry.kind is Kind.KINGDOM:  # "المملكة" in a Saudi (Jordanian, Moroccan …) story
        home = context.home or context.main
        return Actor(home, home, "GOV", "", 0, 0, True, source="context") if home in _KINGDOMS else None
    if title is None:
        return None
    sector = title.sector or "UNK"
    if title.role == "organization_anaphor":
        named = context.organization()
        return replace(named, strong=True, source="context") if named is not None else None
    if title.role == "insurgents":
        armed = context.armed_group()
        if armed is not None:
            return Actor(armed.code, armed.name, armed.sector, "", 0, 0, True, source="context")
        return Actor("UNK", "unidentified armed group", sector, "", 0, 0, True, source="generic")
    if title.role == "rebels":  # the armed opposition of the state the story is about
        state = context.main or context.home
        if state is None:
            return Actor("UNK", "unidentified rebels", sector, "", 0, 0, False, source="generic")
        return Actor(state, state, sector, "", 0, 0, True, source="context")
    if title.role == "civilians":
        state = context.home or context.main
        if state is None:
            return Actor("UNK", "unidentified (CVL)", sector, "", 0, 0, False, source="generic")
        return Actor(state, state, sector, "", 0, 0, True, source="context")
    state = context.state_for(title.role)
    if state is None:
        return None
    return Actor(state, state, sector, "", 0, 0, True, role=title.role, source="context",
                 person=title.role in _PERSON_ROLES)  # fmt: skip


def _heads_a_body(sentence: Sentence, group: list[tuple[Match, Entry]]) -> bool:
    """Is the phrase a bare title in construct with a body named by ordinary words ("رئيس اللجنة",
    "نائب مدير المكتب")? Such a title is no office of a state by itself."""
    if len(group) != 1:
        return False
    match = group[0][0]
    if "ال" in match.prefix or match.form.startswith("ال") or " " in match.form:
        return False
    following = words(sentence.matching[match.end : match.end + 20])
    return bool(following) and following[0].startswith("ال") and following[0] not in _BREAKS


def _office_of(between: str) -> bool:
    """Can the words between a title and the name after it be the rest of its office?"""
    found = words(between)
    return 0 < len(found) <= _OFFICE_WORDS and not re.search(r"[^\w\s]", between) and not set(found) & _BREAKS


def _bodies(actors: list[Actor], sentence: Sentence) -> list[Actor]:
    """The head of a body takes the state of the body named right after ("في البرلمان الإيراني"), and
    the two are one actor; a head of a body no state is named for is no actor."""
    resolved: list[Actor] = []
    skip: set[int] = set()
    for index, actor in enumerate(actors):
        if index in skip:
            continue
        if actor.source != "office":
            resolved.append(actor)
            continue
        for later in range(index + 1, min(index + 3, len(actors))):
            body = actors[later]
            between = sentence.matching[actor.end : body.start]
            if len(between) > 40 or re.search(r"[^\w\s]", between) or not body.code or not body.strong:
                continue
            if not {"في", "ب", "لدي"} & set(words(between)) and not body.lead:
                continue
            end = body.end
            resolved.append(
                replace(
                    actor, code=body.code, name=body.code, end=end, text=sentence.display(actor.start, end),
                    source="title", sector=actor.sector or body.sector,
                )
            )  # fmt: skip
            skip.update(range(index + 1, later + 1))
            break
    return resolved


def _one_person(first: Actor, second: Actor, sentence: Sentence) -> bool:
    """Can two adjacent mentions of one state be one person? A chain of offices is one person ("ولي ولي
    العهد النائب الثاني لرئيس مجلس الوزراء وزير الدفاع"); two offices each with a name are two ("العاهل
    الأردني الملك عبد الله الثاني رئيس الوزراء هاني الملقي")."""
    if (
        first.name != second.name
        and first.source == second.source == "name"
        and first.person
        and second.person
    ):
        return False
    if not (first.role and second.role and first.role != second.role):
        return True
    return not (_named(first, sentence) and _named(second, sentence))


def _named(actor: Actor, sentence: Sentence) -> bool:
    """Does a given name stand in the actor's words or right after them?"""
    found = words(sentence.matching[actor.start : actor.end + 24])
    names = default_given_names()
    return any(w in names or f"{w} {n}" in names for w, n in zip(found, [*found[1:], ""], strict=True))


def _appositions(actors: list[Actor], sentence: Sentence) -> list[Actor]:
    """A named person and the office written right after (or before) them are one actor:
    "الرئيس عبدربه منصور هادي رئيس الجمهورية اليمنية", "سامح شكري وزير الخارجية المصري"."""
    merged: list[Actor] = []
    for actor in actors:
        if merged:
            last = merged[-1]
            between = sentence.matching[last.end : actor.start].strip(" ،,")
            same = last.code == actor.code and not actor.conjoined and not actor.lead
            office = last.source in ("title", "context") and _office_of(between)  # "المتحدث باسم التحالف"
            if (
                same
                and (between == "" or office)
                and last.strong
                and actor.strong
                and _one_person(last, actor, sentence)
            ):
                merged[-1] = replace(
                    last if last.person else actor,
                    end=actor.end,
                    text=sentence.display(last.start, actor.end),
                    start=last.start,
                    lead=last.lead,
                )
                continue
        merged.append(actor)
    return merged
