"""Step 3, roles: who fills the actor and the recipient of a candidate, read from the slots of its clause.

The clause of a trigger runs from the last clause opener before it ("أن", "الذي", "قائلا", a comma after
a finished phrase does not end it) to the next opener or trigger after it. In that clause:
- an actor introduced by a preposition fills that preposition's slot ("مع", "علي", "من قبل" …);
- a bare actor before the trigger is its subject ("… أن إيران أقامت"), and the first bare actor after it is
  then its object; with none before, the first after is the subject (Arabic puts the verb first) and the
  second the object; a verb agrees with its subject, so "دعا الولايات المتحدة" has a subject left out
  (the one the article is about) and the United States as object;
- a verbal noun takes the actor annexed to it ("زيارة الرئيس") or its pronoun ("زيارته") as genitive, and
  a nationality adjective right after it as its doer ("غارات إسرائيلية");
- a participle that continues a clause ("مطالباً", "محذراً") takes that clause's subject.
Coordinated actors ("روسيا والصين") fill a slot together. The frame then picks, in order, the slots that
give the actor and the recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from workers.extract.actor import Actor
from workers.extract.context import ArticleContext, distinct
from workers.extract.frames import Candidate, is_noun
from workers.extract.lexicon import Kind, Match
from workers.extract.mentions import WORDS, PlaceMention
from workers.extract.text import Sentence, words

_AFTER_REACH = 140  # characters after a trigger its clause may run
_BEFORE_REACH = 120
_ADJACENT = 2
_TIME_WORDS = frozenset(
    {"اليوم", "الليله", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "الماضي",
     "الماضيه", "الحالي", "الجاري", "الان", "البارحه", "الاول"}
)  # fmt: skip
_NOT_OWN_LAM = frozenset(["علي", "في", "ضد", "من", "الي", "عن", "مع", "بين", "مواقع", "موقع", "مقرات", "مقر"])
_OWN_LAM = 16  # "غارة جوية لقوات الحلف": a لـ this close after an event noun says whose it is
# Words before a verbal noun that make it a circumstance of the main clause, whose subject is its doer.
_CIRCUMSTANCE = frozenset({"خلال", "اثناء", "لدي", "عند", "عقب", "اثر", "ولدي", "وخلال", "واثناء", "وعند"})
_PARTNER_REACH = 50  # "اتصالا هاتفيا مع نظيره": the partner of a meeting or call stands this close
# Events whose doer a condemnation or refusal naming them is aimed at; and words before an event noun
# that make it the time or topic of the statement rather than its object.
_BLAMED_EVENTS = frozenset({"ASSAULT", "SANCTION", "COERCE", "MOBILIZE", "THREATEN", "ACCUSE"})
_NOT_AN_OBJECT = frozenset({"عقب", "بعد", "قبل", "خلال", "اثر", "منذ", "حول", "بشان", "في", "علي", "اثناء"})
_DOMESTIC_TYPES = frozenset({"ACCUSE", "REQUEST", "REJECT", "THREATEN", "PROTEST", "COERCE", "ASSAULT"})
# Sectors that act for a state abroad: a request of theirs with no one named is aimed at no one in
# particular; a citizen's, a party's or a cleric's is aimed at their own government.
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "IGO", "SPY"})
_EVERYONE = (
    "المجتمع الدولي", "العالم", "جميع الاطراف", "كل الاطراف", "كافه الاطراف", "الاطراف", "جميع الدول",
    "كل الدول", "الدول", "المنظمات", "الهييات", "الجهات", "المانحين", "المانحه", "وقف اطلاق النار", "حل سلمي",
    "حل سياسي", "التهديه", "ضبط النفس", "تحقيق", "الجانبين", "الطرفين",
)  # fmt: skip
# Acts of saying: a subject left out is the one speaking ("وأضاف «سنرد»"); a deed needs its doer named.
_SPEECH_ACTS = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN", "AGREE", "SUPPORT", "CONCEDE"})
_BETWEEN_REACH = 16  # "لقاء بين": بين this close to a meeting names its sides
# Participles that continue the clause before them: their subject is that clause's.
_PARTICIPLES = frozenset(
    {"معربا", "داعيا", "مشيرا", "مؤكدا", "موكدا", "مطالبا", "محذرا", "معتبرا", "مضيفا", "منددا", "رافضا",
     "متهما", "مهددا", "حاثا", "مناشدا", "معربه", "داعيه", "مطالبه", "محذره", "رافضه", "متهمه", "منتقدا",
     "مستنكرا"}
)  # fmt: skip
_PRONOUNS = ("ه", "ها", "هما", "هم")


@dataclass(frozen=True)
class Roles:
    actors: tuple[Actor, ...]
    recipients: tuple[Actor, ...]
    slots: tuple[str, ...]  # the slots that gave them, for `marsad eval --errors`


def assign_roles(
    candidate: Candidate,
    sentence: Sentence,
    matches: list[Match],
    actors: tuple[Actor, ...],
    places: tuple[PlaceMention, ...],
    context: ArticleContext,
) -> Roles | str:
    """The candidate's actor and recipient, or why they cannot be read (a reason for `Dropped`)."""
    match = candidate.match
    slots = _slots(candidate, sentence, matches, [a for a in actors if not a.venue], places, context)
    frame = candidate.frame
    if frame.symmetric:
        sides = [a for name in frame.participants for a in slots.get(name, [])]
        everyone = distinct([a for a in sides if a.code != "UNK"])
        if len(everyone) < 2 and context.speaker is not None and not _has_subject(slots):
            everyone = distinct([context.speaker, *everyone])  # "وبحث مع نظيره …": the one told of
        if len(everyone) == 1 and len({(a.start, a.end) for a in sides if a.code != "UNK" and a.end}) >= 2:
            return Roles(tuple(everyone), (), ("home",))  # "اجتمع رئيس الوزراء برؤساء النقابات": at home
        if len(everyone) < 2:
            return "fewer than two sides"
        used = tuple(name for name in frame.participants if slots.get(name))
        return Roles(tuple(everyone), (), used)
    order = frame.actor
    if candidate.noun and "genitive" in order:  # "العقوبات الأمريكية": the noun's own doer first
        order = ("genitive", *(s for s in order if s != "genitive"))
    doers, doer_slot = _first(order, slots)
    if not doers and frame.unknown_actor and candidate.noun and not _definite(match):
        doers, doer_slot = [_unknown("unidentified attacker")], "unknown"  # "قصف عشوائي على الأحياء"
    if not doers:
        return "no actor"
    doers = distinct([a for a in doers if a.strong] or doers)
    codes = {a.code for a in doers}
    # Criticism, demands, refusals and threats at home keep the same code on both sides ("انتقد النائب
    # الحكومة"); the side must be another mention, not the doer read twice.
    spans = {(a.start, a.end) for a in doers}
    at_home = candidate.type in _DOMESTIC_TYPES or frame.name == "reception"  # "استقبل الملك رئيس الوزراء"
    receivers, receiver_slot = _first(frame.recipient, slots, exclude=None if at_home else codes, spans=spans)
    named = (
        _event_named_after(sentence, matches, match, receivers)
        if candidate.type in ("ACCUSE", "REJECT")
        else None
    )
    if named is not None:  # "أدان الهجوم", "ندد بمقتل طفل فلسطيني": aimed at whoever did it
        known = [a for a in context.doers.get(named, []) if a.code not in codes]
        if known or named == "ASSAULT":
            receivers, receiver_slot = known or [_unknown("unidentified perpetrator")], "event"
    if not receivers and frame.domestic and doers[0].code != "UNK":
        receivers, receiver_slot = [replace(doers[0], sector="GOV")], "domestic"
    if not receivers and candidate.type == "REQUEST":
        if doers[0].sector not in _STATE_SECTORS and doers[0].code in context.country_names:
            receivers, receiver_slot = (
                [_state(doers[0].code, "", "domestic")],
                "domestic",
            )  # on its own rulers
        elif not _addresses_everyone(sentence, match.end):
            return "no one asked"
    at_home_only = frame.name == "reception" and receivers and {a.code for a in receivers} == codes
    if at_home_only and not all(a.person and a.role for a in doers + receivers):
        return "a reception at home of no office-holder"  # "استقبل موظفو الجوازات المسافرين"
    if not receivers and frame.needs_recipient:
        return "no recipient"
    if all(a.code == "UNK" for a in doers) and candidate.type not in ("ASSAULT", "PROTEST"):
        return "nobody known did it"
    used = (doer_slot,) + ((receiver_slot,) if receiver_slot else ())
    return Roles(tuple(doers), tuple(distinct(receivers)), used)


def _definite(match: Match) -> bool:
    return match.prefix.endswith(("ال", "لل")) or match.form.startswith("ال")


def _addresses_everyone(sentence: Sentence, end: int) -> bool:
    """Is a request addressed to everyone or to the world at large ("دعا المجتمع الدولي", "جميع الأطراف"),
    or is it a call for a general outcome ("دعا إلى وقف إطلاق النار", "إلى حل سلمي")?"""
    following = sentence.matching[end : end + 120]
    return any(phrase in following for phrase in _EVERYONE)


def _own_lam(sentence: Sentence, end: int, start: int) -> bool:
    """Does the لـ at `start` say whose the event noun ending at `end` is: close after it, with at most
    its adjectives between ("غارات مكثفة لطائرات التحالف"), not the target's ("غارات على مواقع للحوثيين")?"""
    between = words(sentence.matching[end:start])
    return start - end <= _OWN_LAM and not any(word in _NOT_OWN_LAM for word in between)


def _has_subject(slots: dict[str, list[Actor]]) -> bool:
    return bool(slots.get("subject") or slots.get("genitive"))


def _first(
    names: tuple[str, ...],
    slots: dict[str, list[Actor]],
    exclude: set[str] | None = None,
    spans: set[tuple[int, int]] | None = None,
) -> tuple[list[Actor], str]:
    for name in names:
        found = [
            a for a in slots.get(name, [])
            if not (exclude and a.code in exclude) and not (spans and (a.start, a.end) in spans and a.end)
        ]  # fmt: skip
        if found:
            return found, name
    return [], ""


def _unknown(name: str, sector: str = "UNK") -> Actor:
    return Actor("UNK", name, sector, "", 0, 0, True, source="generic")


def _state(code: str, text: str, source: str) -> Actor:
    return Actor(code, code, "GOV", text, 0, 0, True, source=source)


def _slots(
    candidate: Candidate,
    sentence: Sentence,
    matches: list[Match],
    actors: list[Actor],
    places: tuple[PlaceMention, ...],
    context: ArticleContext,
) -> dict[str, list[Actor]]:
    match = candidate.match
    start, end = match.start + len(match.prefix), match.end
    opened = _clause_start(sentence, matches, start)
    closed = _clause_end(sentence, matches, match, end)
    groups = _coordinated(actors, sentence)
    # A nationality adjective on some other noun before the trigger is no subject ("المصارف الإيرانيين،
    # في أوسع حزمة من العقوبات"); after a verb it may be ("شنت طائرات حربية إسرائيلية").
    if candidate.noun:  # a verbal noun's subject is that of its light verb, not of another trigger before it
        opened = max(
            [opened]
            + [
                m.end
                for m in matches
                if m.end <= start and m.first(Kind.TRIGGER) and not is_noun(m, sentence)
            ]
        )
    before = [g for g in groups if opened <= g[0].start and g[-1].end <= start and g[0].strong]
    after = [g for g in groups if end <= g[0].start < closed]
    cut = _cut(candidate, sentence, after, end)
    content = [
        g for g in after
        if g[0].start >= cut and g[0].strong and not g[0].lead and g[0].sector != "REB" and g[0].code != "UNK"
        and len(words(sentence.matching[cut : g[0].start])) <= 2
    ]  # fmt: skip  # "إلى إخراج إيران", "بإقالة رئيس وزرائها": whom what is asked for is about
    after = [g for g in after if g[0].start < cut]
    coordinated = match.prefix in ("و", "ف") and not candidate.noun  # "… ودعا": a clause of its own
    slots: dict[str, list[Actor]] = {}
    for group in after + ([] if coordinated else before[::-1]):
        lead = group[0].lead
        if candidate.frame.symmetric and lead in ("مع", "ب") and group[0].start - end > _PARTNER_REACH:
            continue  # "اتفقا على العمل … لتأمين الحدود مع سورية": a مع that far is in what was agreed
        if lead and lead not in slots:
            slots[lead] = _between(group, groups, sentence) if lead == "بين" else group
    relative = _in_relative_clause(sentence, matches, groups, closed)
    if relative is not None:
        slots["relative"] = relative  # "انتقد الطريقة التي تتعامل بها بريطانيا": aimed at Britain
    if content:
        slots["content"] = content[0]
    if "بين" in slots and candidate.frame.symmetric and slots["بين"][0].start - end <= _BETWEEN_REACH:
        return {"بين": slots["بين"]}  # "وقف إطلاق النار بين إسرائيل وحماس": exactly these two
    slots.pop("بين", None) if candidate.frame.symmetric else None  # a بين further on is in what was discussed
    bare_before = [] if coordinated else [g for g in before if not g[0].lead]
    bare_after = [g for g in after if not g[0].lead]
    if _names_an_agreement(sentence, end) and context.parties:
        slots["parties"] = list(context.parties)
    if _pronoun_object(sentence, end):
        named = [a for a in actors if a.end <= start and a.strong and not a.lead][1:]
        if named:
            slots["object"] = [named[-1]]  # "اتهمت الجامعة إيران …، مطالبة إياها": her, just named
            bare_after = [g for g in bare_after if g[0].start > end + 8]
    word = WORDS.match(sentence.matching, start)
    form = word.group() if word else match.form
    if form in _PARTICIPLES or match.form in _PARTICIPLES:
        main = _main_subject(actors, start) or context.speaker
        if main is not None:
            slots["subject"] = [main]
        if bare_after:
            slots.setdefault("object", bare_after[0])
        return _with_places(slots, sentence, places, (opened, start, end, closed))
    if candidate.noun:
        lead_before = words(sentence.matching[max(0, start - 10) : start])[-1:]
        circumstance = bool(lead_before) and lead_before[0] in _CIRCUMSTANCE  # "خلال لقاء", "لدى استقباله"
        owned = _pronoun_suffix(sentence, match)
        if (
            owned
        ):  # the pronoun stands for the subject of its clause: "أن أردوغان بعث برسالة … قدم فيها اعتذاره"
            owner = bare_before[0][0] if bare_before else _main_subject(actors, start)
            if owner is None and circumstance:
                owner = _subject_after(actors, sentence, end)
            if owner is not None:
                slots["possessor"] = [owner]  # "زيارته", "استهدافهم": the one the sentence is about
            hosted = lead_before[:1] in (["في"], ["وفي"])  # "وكان في استقباله": whoever follows received him
            if bare_after and (not bare_before or hosted) and not circumstance:
                slots["subject"] = bare_after.pop(0)  # "كان في استقباله الرئيس اللبناني": the host
        elif circumstance and (not bare_after or bare_after[0][0].start - end > _ADJACENT):
            main = _main_subject(actors, start)
            if main is not None:
                slots["subject"] = [main]  # "أعلن الوزير … خلال لقاء مع نظيره": the minister met
        if "ل" in slots and candidate.type == "ASSAULT" and _own_lam(sentence, end, slots["ل"][0].start):
            # "غارة جوية لقوات الحلف": the alliance's strike, whoever the clause's subject is: "قتل
            # القيادي … في غارة لطيران التحالف" names the struck before it, not the striker
            slots["subject"] = slots.pop("ل")
            if bare_before and not owned:
                slots["object"] = bare_before.pop()
        elif bare_after and bare_after[0][0].start - end <= _ADJACENT:
            slots["genitive"] = bare_after.pop(0)
        elif _doer_adjective(actors, end):
            adjective = _doer_adjective(actors, end)
            assert adjective is not None
            slots["genitive"] = [replace(adjective, strong=True)]
        if bare_before and not owned:  # "استقباله X": its subject is the pronoun, not the clause's
            slots.setdefault("subject", bare_before[-1])
        if bare_after and not candidate.frame.symmetric:
            slots.setdefault("object", bare_after[0])  # "طرد 23 دبلوماسيا روسيا", "قصف مواقع الحوثيين"
        return _with_places(slots, sentence, places, (opened, start, end, closed))
    antecedent = _antecedent(sentence, matches, actors, start)
    if bare_before:
        slots["subject"] = bare_before[-1]
        if bare_after:
            slots["object"] = bare_after[0]
    elif antecedent is not None:
        slots["subject"] = [antecedent]  # "شكري، الذي يزور المملكة": Shoukry visits
        if bare_after:
            slots["object"] = bare_after[0]
    elif bare_after and coordinated and start > 2 and (main := _main_subject(actors, start)) is not None:
        slots["subject"] = [main]  # "أدان X …، ودعا مجلس الأمن": X called on it
        slots["object"] = bare_after[0]
    elif bare_after and _own_subject(sentence, matches, start):
        slots["object"] = bare_after[0]  # "الخطر … يهدد دول أوروبا وأمريكا": the subject is no actor
    elif (
        bare_after
        and not bare_after[0][0].strong
        and len(words(sentence.matching[end : bare_after[0][0].start])) > 2
    ):
        dropped = _main_subject(actors, start) or context.speaker  # "دانت بشدة قصف الغوطة السورية": not Syria
        if dropped is not None:
            slots["subject"] = [dropped]
        slots["object"] = bare_after[0]
    elif bare_after:
        if _cannot_be_subject(
            candidate.feminine, bare_after[0][0], sentence.matching[end : bare_after[0][0].start]
        ):
            dropped = _main_subject(actors, start) or context.speaker  # the subject is left out
            if dropped is not None:
                slots["subject"] = [dropped]
            slots["object"] = bare_after[0]
        else:
            slots["subject"] = bare_after[0]
            if len(bare_after) > 1:
                slots["object"] = bare_after[1]
    if (
        "subject" not in slots
        and (coordinated or candidate.type in _SPEECH_ACTS)
        and not _own_subject(sentence, matches, start)
    ):
        dropped = _main_subject(actors, start) or context.speaker
        if dropped is not None:
            slots["subject"] = [dropped]  # "أدان … ودعا مجلس الأمن", "وتابع «سندمرهم»": the same subject
    if (
        "object" not in slots
        and candidate.type in ("THREATEN", "ACCUSE")
        and _object_pronoun(sentence, match)
    ):
        doing = {a.code for a in slots.get("subject", [])}
        them = [a for a in reversed(context.recent) if a.code not in doing]
        if them:
            slots["object"] = them[:1]  # "سندمرهم": "them" are the last others named
    doing = {a.code for a in slots.get("subject", [])}
    others = [a for a in actors if a.end <= start and a.strong and a.code not in doing and a.code != "UNK"]
    if others:
        slots["other"] = others[-1:]
    return _with_places(slots, sentence, places, (opened, start, end, closed))


def _with_places(
    slots: dict[str, list[Actor]],
    sentence: Sentence,
    places: tuple[PlaceMention, ...],
    bounds: tuple[int, int, int, int],
) -> dict[str, list[Actor]]:
    """The destination of a visit or the target area of an attack ("إلى القاهرة", "على غزة"): the state
    of the place after the trigger, else of the place before it in its clause ("وصل إلى بكين في زيارة")."""
    opened, start, end, closed = bounds
    used = [p for p in places if (p.locative or _after_ala(sentence, p)) and not _origin(sentence, p)]
    ahead = [p for p in used if end <= p.start < closed] or [p for p in used if opened <= p.start < start][
        ::-1
    ]
    if ahead:
        place = ahead[0]
        slots.setdefault("destination", [_state(place.place.country, place.place.name, "place")])
    return slots


def _origin(sentence: Sentence, place: PlaceMention) -> bool:
    """Is the place where the act came from ("انطلاقا من الأجواء اللبنانية"), not where it went?"""
    return "من" in words(sentence.matching[max(0, place.start - 16) : place.start])[-2:]


def _in_relative_clause(
    sentence: Sentence, matches: list[Match], groups: list[list[Actor]], closed: int
) -> list[Actor] | None:
    """The first bare actor of a relative clause that ends the trigger's clause ("الطريقة التي تتعامل بها
    بريطانيا"): what the object is about."""
    opener = next((m for m in matches if m.start == closed and m.form in ("الذي", "التي", "الذين")), None)
    if opener is None:
        return None
    stop = min(
        [m.start for m in matches if m.start > opener.end and m.first(Kind.CLAUSE) is not None]
        + [opener.end + _AFTER_REACH // 2]
    )
    return next(
        (g for g in groups if opener.end <= g[0].start < stop and not g[0].lead and g[0].strong), None
    )


def _between(group: list[Actor], groups: list[list[Actor]], sentence: Sentence) -> list[Actor]:
    """ "بين X … وY": the second side is joined by و, even after the first side's name."""
    if len(group) > 1:
        return group
    following = [g for g in groups if g[0].start > group[-1].end and g[0].conjoined]
    if following and following[0][0].start - group[-1].end <= 50:
        return group + following[0]
    return group


def _after_ala(sentence: Sentence, place: PlaceMention) -> bool:
    before = words(sentence.matching[max(0, place.start - 8) : place.start])
    return bool(before) and before[-1] in ("علي", "وعلي")


def _coordinated(actors: list[Actor], sentence: Sentence) -> list[list[Actor]]:
    """Actors joined by و or a comma, as groups ("روسيا والولايات المتحدة")."""
    groups: list[list[Actor]] = []
    for actor in sorted(actors, key=lambda a: a.start):
        if groups and _joined(groups[-1][-1], actor, sentence):
            groups[-1].append(actor)
        else:
            groups.append([actor])
    return groups


def _joined(left: Actor, right: Actor, sentence: Sentence) -> bool:
    if left.start == right.start:
        return True  # the two sides of one "الجانبان"
    between = sentence.matching[left.end : right.start].strip()
    if between in ("،", ","):
        return right.conjoined or not right.lead
    if between == "":
        return right.conjoined
    return between in ("و", "، و") or (
        len(between.split()) <= 2 and between.startswith("و") and not right.lead
    )


def _clause_start(sentence: Sentence, matches: list[Match], start: int) -> int:
    """Where the clause of a trigger begins: after the last clause opener before it."""
    opened = max(0, start - _BEFORE_REACH)
    for other in matches:
        if other.end <= start and other.first(Kind.CLAUSE) is not None:
            opened = max(opened, other.end)
    return opened


def _clause_end(sentence: Sentence, matches: list[Match], match: Match, end: int) -> int:
    closed = min(len(sentence.matching), end + _AFTER_REACH)
    for other in matches:
        if (
            other.start >= end
            and other is not match
            and (other.first(Kind.CLAUSE) is not None or _new_clause_verb(other, sentence))
        ):
            return min(closed, other.start)
    return closed


def _new_clause_verb(match: Match, sentence: Sentence) -> bool:
    """A trigger verb joined by و/ف begins a clause of its own ("… ودعا", "واعتبرته")."""
    return (
        match.first(Kind.TRIGGER) is not None and match.prefix in ("و", "ف") and not is_noun(match, sentence)
    )


def _cut(candidate: Candidate, sentence: Sentence, after: list[list[Actor]], end: int) -> int:
    """Where what is asked or told begins ("دعا X إلى …"): actors after it are content, not recipients."""
    if not candidate.frame.cut:
        return len(sentence.matching)
    subject_end = end
    for group in after:
        if not group[0].lead:
            subject_end = group[-1].end
            break
    for word in WORDS.finditer(sentence.matching, end):
        text = word.group()
        if word.start() >= subject_end and (
            text in candidate.frame.cut
            or text.startswith(("بال", "لل"))
            or text in ("الي", "علي", "بان", "ان")
        ):
            return word.start()
    return len(sentence.matching)


_AGREEMENTS = frozenset({"الاتفاق", "الاتفاقيه", "الاتفاقات", "الاتفاقيات", "المذكره", "الصفقه"})


def _names_an_agreement(sentence: Sentence, end: int) -> bool:
    """Is the trigger's object an agreement told before ("رفضت أنقرة الاتفاق")?"""
    clause = re.split(r"[،,؛:]", sentence.matching[end : end + 60])[0]
    return bool(set(words(clause)[:6]) & _AGREEMENTS)


def _pronoun_object(sentence: Sentence, end: int) -> bool:
    """Is the trigger's object a detached pronoun ("مطالبا إياها", "داعيا إياهم")?"""
    following = words(sentence.matching[end : end + 12])
    return bool(following) and following[0] in ("اياه", "اياها", "اياهم", "اياهما")


def _pronoun_suffix(sentence: Sentence, match: Match) -> bool:
    """Does a pronoun end the trigger's word ("زيارته", "لقائها", "استقباله")?"""
    rest = WORDS.match(sentence.matching, match.end)
    if rest is not None and rest.group() in _PRONOUNS:
        return True
    return match.form.endswith(_PRONOUNS) and match.end - 1 not in sentence.marbuta and len(match.form) > 4


def _own_subject(sentence: Sentence, matches: list[Match], start: int) -> bool:
    """Does a definite noun that is no actor stand right before the verb as its subject ("الخطر … يهدد")?"""
    before = re.search(r"(\w+)(\s*)$", sentence.matching[max(0, start - 24) : start])
    if before is None or not before.group(2) or before.group(1) in _TIME_WORDS:
        return False  # "على هامش القمة، اجتمع": a comma ends the noun's phrase
    if not before.group(1).startswith("ال"):
        return False
    return not any(m.end >= start - 1 and m.start < start for m in matches)


def _object_pronoun(sentence: Sentence, match: Match) -> bool:
    """A verb with an object pronoun on it ("سندمرهم", "هاجمهم", "اتهمها")."""
    rest = WORDS.match(sentence.matching, match.end)
    if rest is not None and rest.group() in ("هم", "هما"):
        return True
    return match.form.endswith("هم") and len(match.form) > 5


def _subject_after(actors: list[Actor], sentence: Sentence, end: int) -> Actor | None:
    """The subject of the main clause after a circumstantial phrase ("لدى استقباله الوزير، قال الرئيس")."""
    comma = sentence.matching.find("،", end)
    if comma < 0:
        return None
    return next((a for a in actors if a.start > comma and a.strong and not a.lead), None)


def _main_subject(actors: list[Actor], start: int) -> Actor | None:
    """The subject of the sentence's main clause: its first strong actor with no preposition."""
    return next((a for a in actors if a.start < start and a.strong and not a.lead and not a.paired), None)


def _doer_adjective(actors: list[Actor], end: int) -> Actor | None:
    """A nationality adjective right after a verbal noun is its doer: "غارات إسرائيلية"."""
    return next((a for a in actors if 0 <= a.start - end <= _ADJACENT and not a.strong and not a.lead), None)


def _cannot_be_subject(feminine_verb: bool, actor: Actor, between: str) -> bool:
    """Can `actor` not be the subject of the verb: its case says object ("الطرفين", "المحتجين"), or the
    verb does not agree with it in gender ("دعا روسيا", "طالبت الرئيس")? Gender tells only when the
    actor follows the verb directly ("حذر مكتب الخارجية": the subject is مكتب, not الخارجية)."""
    if actor.oblique:
        return True
    if words(between):
        return False
    if not feminine_verb and actor.feminine and not actor.person:
        return True
    return feminine_verb and actor.person and not actor.feminine


def _antecedent(sentence: Sentence, matches: list[Match], actors: list[Actor], start: int) -> Actor | None:
    """The actor a relative pronoun right before the trigger stands for ("شكري، الذي يزور …")."""
    opener = next(
        (m for m in matches if m.first(Kind.CLAUSE) is not None and 0 <= start - m.end <= 2
         and m.form in ("الذي", "التي", "الذين")), None,
    )  # fmt: skip
    if opener is None:
        return None
    return next((a for a in reversed(actors) if a.end <= opener.start and opener.start - a.end <= 4), None)


def _event_named_after(
    sentence: Sentence, matches: list[Match], trigger: Match, receivers: list[Actor]
) -> str | None:
    """The type of the event a condemnation or refusal is aimed at, when its object names one before
    any side ("أدان الهجوم الإرهابي": ASSAULT; "ندد بالعقوبات": SANCTION; "ندد بمقتل طفل فلسطيني": the
    killing, not the Palestinians)."""
    closed = _clause_end(sentence, matches, trigger, trigger.end)
    if receivers:
        closed = min(closed, min(a.start for a in receivers))
    for other in matches:
        if not trigger.end <= other.start < closed or other is trigger:
            continue
        before = words(sentence.matching[max(0, other.start - 10) : other.start])[-1:]
        if before and before[0] in _NOT_AN_OBJECT:
            continue  # "في بيان صدر عقب الاجتماع": when, not what
        entry = other.first(Kind.ATTACK_NOUN, Kind.TRIGGER)
        if entry is not None and entry.kind is Kind.ATTACK_NOUN:
            return "ASSAULT"
        if entry is not None and entry.trigger is not None and is_noun(other, sentence):
            return entry.trigger.type if entry.trigger.type in _BLAMED_EVENTS else None
    return None
