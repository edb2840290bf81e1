"""From the sentences of an article to PLOVER events: actors, triggers, frames, place and date.

Per sentence: the lexicon finds names, titles, nationality adjectives, triggers, cues and places in one
pass; mentions that denote one actor are merged ("الرئيس الروسي فلاديمير بوتين"); each trigger that is
not negated reads its participants by its frame (symmetric, directed, visit, reception) from the actors
before it (SVO) or right after it (VSO) and those after مع/و; a meeting announced for the future becomes
AGREE. Within an article the same event stated twice is kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from workers.extract.actors import Actor, Context, distinct, find_actors, home_state
from workers.extract.lexicon import QUAD, Kind, Lexicon, Match, Trigger
from workers.extract.places import WORDS, Location, find_location
from workers.extract.text import Sentence, split_sentences
from workers.extract.timex import resolve_date

# Participants are read this far (in characters of matching form) from a trigger.
_WINDOW = 160
_WITH = ("مع", "بين", "ومع")
# Active participles continue the main clause: "… أكد كاميرون …، معربا عن تعازيه": Cameron offers them.
_PARTICIPLES = frozenset(
    {"معربا", "داعيا", "مشيرا", "مؤكدا", "موكدا", "مطالبا", "محذرا", "معتبرا", "مضيفا", "منددا",
     "معربه", "داعيه", "مشيره", "موكده", "مطالبه", "محذره", "معتبره", "مضيفه", "مندده"}
)  # fmt: skip
# Reporting verbs that continue the last speaker's words: "وتابع «سندمرهم»".
_CONTINUATIONS = frozenset(
    {"وتابع", "واضاف", "وقال", "وذكر", "واكد", "وتابعت", "واضافت", "وقالت", "وذكرت", "واكدت"}
)
# Recipients stand close after the trigger (or its subject).
_RECIPIENT_WINDOW = 60
# In VSO order the subject follows the verb closely.
_VSO_WINDOW = 40
# What was asked for runs this far after the request verb ("حث … على … والإسراع في الإفراج عن").
_REQUEST_REACH = 100
_NEED_RECIPIENT = frozenset(
    {("SUPPORT", "directed"), ("ACCUSE", "directed"), ("THREATEN", "directed"), ("SANCTION", "directed"),
     ("AID", "directed"), ("CONCEDE", "directed"), ("CONSULT", "visit"), ("CONSULT", "reception"),
     ("ASSAULT", "directed")}
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


def extract(body: str, lexicon: Lexicon, published: date | None, dateline: str | None = None) -> list[Event]:
    context = Context(home=home_state(dateline, lexicon))
    events: dict[tuple[str, frozenset[str], frozenset[str]], Event] = {}
    for sentence in split_sentences(body):
        matches = lexicon.find(sentence.matching, sentence.marbuta)
        actors = find_actors(
            sentence, matches, lexicon, published, context, find_location(sentence, matches, context.home)
        )
        for event in _events(sentence, matches, actors, context, published):
            context.took_part(
                list(event.actors + event.recipients), meeting=event.type in ("CONSULT", "AGREE")
            )
            if event.type in ("AGREE", "SUPPORT") and not event.recipients and len(event.actors) >= 2:
                context.parties = list(event.actors)  # who signed or agreed: "رفضت أنقرة الاتفاق"
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


_DENIALS = ("نفي", "نفت", "ينفي", "تنفي", "نفيا", "ونفي", "ونفت")
# A claim reported and then denied in its own sentence: "… طلب من بوتين …، وهو ما نفاه بيسكوف".
_DENIED_AFTER = ("ما نفاه", "ما نفته", "ما نفوه", "الذي نفاه", "الذي نفته", "ما نفياه")
_NOUN_TRIGGERS = frozenset(
    {"لقاء", "اجتماع", "اتصال", "هجوم", "قصف", "تفجير", "اعتقال", "انسحاب", "اغتيال", "احتجاج", "اعتصام",
     "تنسيق", "توقيع", "تهديد", "اتفاق", "استقبال", "اضراب", "حشد"}
)  # fmt: skip


_AGREEMENT_WORDS = frozenset({"الاتفاق", "الاتفاقيه", "الاتفاقات", "الاتفاقيات", "المذكره"})


def _names_the_agreement(sentence: Sentence, trigger: Match) -> bool:
    """Is the trigger's object an agreement told before: "رفضها الاتفاق", "رفض الاتفاقية"?"""
    clause = re.split(r"[،,؛:]", sentence.matching[trigger.end : trigger.end + 60])[0]
    return bool(set(WORDS.findall(clause)[:6]) & _AGREEMENT_WORDS)  # after the subject in VSO


def _pronoun_object(sentence: Sentence, trigger: Match) -> bool:
    """Is the trigger's object a detached pronoun: "مطالبا إياها", "داعيا إياهم"?"""
    following = WORDS.findall(sentence.matching[trigger.end : trigger.end + 12])
    return bool(following) and following[0] in ("اياه", "اياها", "اياهم", "اياهما")


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


def _pronoun_suffix(sentence: Sentence, trigger: Match) -> bool:
    """Does a pronoun follow the trigger inside its word: "لاحتجازه", "باعتقالهم"?"""
    rest = WORDS.match(sentence.matching, trigger.end)
    return rest is not None and rest.group() in ("ه", "ها", "هما", "هم", "هن")


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
    for found in WORDS.finditer(sentence.matching, start):
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
        if match.end <= trigger.start and _is_noun(trigger) and _within_request(sentence, match, trigger):
            return True  # "حث الطرفين على البناء … والإسراع في الإفراج عن": still what is asked for
    return False


def _within_request(sentence: Sentence, request: Match, trigger: Match) -> bool:
    """Is the noun inside the clause of what was asked for (after إلى / على, before any comma)?"""
    between = sentence.matching[request.end : trigger.start]
    if len(between) > _REQUEST_REACH or any(mark in between for mark in "،,؛:"):
        return False
    return bool({"الي", "علي"} & set(WORDS.findall(between)))


def _introduced_as_purpose(sentence: Sentence, trigger: Match) -> bool:
    if trigger.prefix.endswith(("ب", "بال", "لل")):
        return True
    before = WORDS.findall(sentence.matching[max(0, trigger.start - 8) : trigger.start])
    return bool(before) and before[-1] in ("الي", "علي")


def _negated(sentence: Sentence, matches: list[Match], trigger: Match) -> bool:
    reach = 40 if _is_noun(trigger) else 12  # "لم يعقد ولي العهد أي لقاء" reaches further than "لم يلتق"
    if any(match.first(Kind.NEGATION) and 0 <= trigger.start - match.end <= reach for match in matches):
        return True
    habit = _WINDOW // 2  # "اعتاد وزير الخارجية الفرنسي أن يزور": the habit governs the whole clause
    if any(match.first(Kind.HABITUAL) and 0 <= trigger.start - match.end <= habit for match in matches):
        return True
    if any(word in _DENIALS for word in sentence.matching[: trigger.start].split()):
        return True  # "نفى … أن يكون"
    return any(denial in sentence.matching[trigger.end :] for denial in _DENIED_AFTER)


def _required_words_before(sentence: Sentence, trigger: Match, words: tuple[str, ...]) -> bool:
    around = sentence.matching[max(0, trigger.start - 80) : trigger.end + 60].split()
    return any(word.removeprefix("و") in words or word in words for word in around)


def _future(sentence: Sentence, matches: list[Match], trigger: Match) -> bool:
    if "س" in trigger.prefix:
        return True
    return any(match.first(Kind.FUTURE) and abs(match.start - trigger.start) <= _WINDOW for match in matches)


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
    lead = WORDS.findall(
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


def _events(
    sentence: Sentence, matches: list[Match], actors: list[Actor], context: Context, published: date | None
) -> list[Event]:
    events: list[Event] = []
    if any(m.first(Kind.SPORT) for m in matches):
        return events
    location = find_location(sentence, matches, context.home)
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
        if _pronoun_suffix(sentence, match) and match.prefix in ("ل", "ب", "ول", "وب"):
            continue  # "لا أساس لاحتجازه": his detention, told before, as a reason or object
        if trigger.requires and not _required_words_before(sentence, match, trigger.requires):
            continue
        subject, objects, partners = _subject_and_objects(actors, match, sentence)
        event_type, mode, frame = trigger.type, trigger.mode, trigger.frame
        if event_type == "CONSULT" and _future(sentence, matches, match):
            event_type, mode, frame = "AGREE", None, "symmetric"
        continued = bool(
            WORDS.findall(sentence.matching[:12])[:1]
            and WORDS.findall(sentence.matching)[0] in _CONTINUATIONS
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
        if not receivers and event_type in ("REJECT", "ACCUSE") and _names_the_agreement(sentence, match):
            doing = {a.code for a in doers}
            receivers = [a for a in context.parties if a.code not in doing]
        if not receivers and events and _pronoun_object(sentence, match):
            doing = {a.code for a in doers}  # "اتهم … إيران …، مطالبا إياها": her, just named
            receivers = [a for a in events[-1].recipients if a.code not in doing]
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
    context: Context,
    *,
    meeting: bool = False,
    continued: bool = False,
    noun: bool = False,
    purpose_cut: int | None = None,
) -> tuple[list[Actor], list[Actor]] | None:
    strong_objects = [a for a in objects if a.strong] or objects
    if frame == "symmetric":
        everyone = distinct([a for a in subject + partners if a.strong and not a.paired])
        if len(everyone) < 2 and meeting:  # "التقى X Y": the object is the other side
            everyone = distinct(
                everyone + [a for a in _first_group(objects, sentence) if a.strong and not a.paired]
            )
        if len(everyone) < 2:
            everyone = distinct(everyone + [a for a in subject + partners if a.paired])
        if len(everyone) < 2 and meeting and continued and context.speaker is not None:
            everyone = distinct([context.speaker, *everyone])  # "وذكر خلال اجتماع مع ميدفيديف"
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
        visiting = {a.code for a in subject}
        hosts = [a for a in strong_objects if a.code not in visiting][:2]  # not the visitor's own
        if not hosts and location is not None and location.country not in visiting:
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
    doers = distinct([a for a in doers if a.strong] or doers)
    codes = {a.code for a in doers}
    receivers = [a for a in distinct(receivers) if a.code not in codes and a.code != "UNK"]
    return (doers, receivers) if doers else None
