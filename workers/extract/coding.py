"""Step 5, the coded event: type, mode and sides from the steps before, with place, date, quad, score and
confidence; and the article's events with the same event told twice kept once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from workers.extract.actor import Actor
from workers.extract.context import ArticleContext
from workers.extract.eventhood import Verdict
from workers.extract.frames import Candidate
from workers.extract.lexicon import QUAD, Kind, Match, Place
from workers.extract.mentions import PlaceMention
from workers.extract.roles import Roles
from workers.extract.text import Sentence

_SCORES = {
    "AGREE": 3.0, "CONSULT": 1.0, "SUPPORT": 3.4, "CONCEDE": 5.0, "COOPERATE": 6.0, "AID": 7.0,
    "RETREAT": 4.0,
    "REQUEST": -1.0, "ACCUSE": -2.0, "REJECT": -4.0, "THREATEN": -6.0, "PROTEST": -6.5, "SANCTION": -7.0,
    "MOBILIZE": -7.2, "COERCE": -7.0, "ASSAULT": -10.0,
}  # fmt: skip
_CONTEXTS = {"ارهاب": "terrorism", "داعش": "terrorism", "نووي": "nuclear", "اقتصاد": "economic",
             "تجار": "economic", "لاجي": "migration", "انتخاب": "elections", "صحه": "health"}  # fmt: skip
# Events that happen somewhere; a statement, a call or a demand has no place unless the text gives one.
_VERBAL = frozenset({"REQUEST", "ACCUSE", "REJECT", "THREATEN", "AGREE", "SUPPORT", "CONCEDE"})
# Events that happen in a place; done at home (one state on both sides), they happen in that state.
_AT_HOME = frozenset({"PROTEST", "COERCE", "ASSAULT", "RETREAT", "SANCTION"})


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
    steps: tuple[str, ...] = ()  # how it was read: the frame and the slots that gave its sides

    def key(self) -> tuple[str, frozenset[str], frozenset[str]]:
        if not self.recipients:
            return (self.type, frozenset(a.code for a in self.actors), frozenset())
        return (self.type, frozenset(a.code for a in self.actors), frozenset(r.code for r in self.recipients))


def code_event(
    candidate: Candidate,
    roles: Roles,
    verdict: Verdict,
    sentence: Sentence,
    matches: list[Match],
    places: tuple[PlaceMention, ...],
    when: tuple[date | None, str],
    context: ArticleContext | None = None,
) -> Event:
    match = candidate.match
    doers, receivers = list(roles.actors), list(roles.recipients)
    if verdict.symmetric and receivers:
        doers, receivers = doers + [r for r in receivers if r.code not in {a.code for a in doers}], []
    if verdict.type == "MOBILIZE":
        receivers = []  # forces are deployed, not deployed at someone
    location = (
        None
        if verdict.mode == "phone"
        else _location(sentence, match, places, doers + receivers, verdict.type)
    )
    sidelines = any(m.first(Kind.SIDELINES) for m in matches)
    named = location is not None  # said in the sentence, not taken from the article
    if location is None and context is not None and not sidelines:
        location = _location_by_context(verdict, doers, receivers, context)
    mode = verdict.mode
    if verdict.type == "CONSULT" and mode is None and (sidelines or _abroad(location, doers + receivers)):
        mode = "third-party"
    elif (
        verdict.type == "CONSULT"
        and mode is None
        and named
        and (hosted := _hosted(location, doers)) is not None
    ):
        doers, receivers, mode = hosted, [a for a in doers if a not in hosted], "visit"
    day, precision = when
    if day is None and context is not None and context.last_date is not None:
        day, precision = context.last_date, "day"  # told in the sentence before: "قال الثلاثاء …. وأضاف …"
    start, end = sentence.display_span(match.start + len(match.prefix), match.end)
    strong = sum(a.strong and a.source != "context" for a in doers + receivers)
    confidence = 0.5 + 0.1 * min(3, strong) + (0.1 if location else 0.0)
    return Event(
        type=verdict.type,
        mode=mode,
        actors=tuple(doers),
        recipients=tuple(receivers),
        location=location,
        date=day,
        date_precision=precision,
        quad=QUAD[verdict.type],
        score=_SCORES[verdict.type],
        context=tuple(sorted({v for k, v in _CONTEXTS.items() if k in sentence.matching})),
        sentence=sentence.text,
        trigger=sentence.display(match.start + len(match.prefix), match.end),
        char_start=start,
        char_end=end,
        confidence=round(min(confidence, 0.95), 2),
        steps=(f"frame:{candidate.frame.name}", *(f"slot:{s}" for s in roles.slots)),
    )


def _location(
    sentence: Sentence, trigger: Match, places: tuple[PlaceMention, ...], sides: list[Actor], event_type: str
) -> Location | None:
    """Where it happened: the place introduced as such nearest the trigger, in a state that fits."""
    located = [p for p in places if p.locative]
    if not located:
        return None
    near = 40 if event_type in _VERBAL else 80 if event_type == "CONSULT" else None
    if near is not None:
        located = [
            p for p in located if abs(p.start - trigger.end) <= near or abs(trigger.start - p.end) <= near
        ]
        if not located:
            return None
    best = min(located, key=lambda p: (p.start < trigger.start, abs(p.start - trigger.start)))
    return _place(_city_it_qualifies(best, located).place)


# "بمدينة أبها بمنطقة عسير": a region named right after a city of its state says where the city is.
_QUALIFIED_WITHIN = 16  # characters between the city's end and the region's start


def _city_it_qualifies(best: PlaceMention, located: list[PlaceMention]) -> PlaceMention:
    """The more specific place: the city a region qualifies, when the region was the nearest."""
    if best.place.kind != "region":
        return best
    cities = [
        p
        for p in located
        if p.place.kind == "city"
        and p.place.country == best.place.country
        and 0 <= best.start - p.end <= _QUALIFIED_WITHIN
    ]
    return cities[-1] if cities else best


def _location_by_context(
    verdict: Verdict, doers: list[Actor], receivers: list[Actor], context: ArticleContext
) -> Location | None:
    """Where an event no place is named for happened, when the article says it anyway: a meeting in the
    dateline's city, a visit in the host's state, a protest, arrest or attack at home in that state."""
    if verdict.type == "CONSULT" and verdict.mode != "phone":
        if context.dateline_place is not None:
            return _place(context.dateline_place)
        if verdict.mode == "visit" and receivers and receivers[0].code in context.country_names:
            return _country(receivers[0].code, context)
        return None
    codes = {a.code for a in doers + receivers}
    if verdict.type in _AT_HOME and len(codes) == 1:
        (code,) = codes
        return _country(code, context) if code in context.country_names else None
    return None


def _country(code: str, context: ArticleContext) -> Location:
    return Location(context.country_names[code], code, None, None, None)


def _place(place: Place) -> Location:
    return Location(place.name, place.country, place.lat or None, place.lon or None, place.geonameid)


def _hosted(location: Location | None, sides: list[Actor]) -> list[Actor] | None:
    """Two sides meeting in the state of one of them: the other is visiting ("لقاء جمعه في طهران مع
    المفوض الأوروبي"): the visitors, or None when it is no such meeting."""
    if location is None or len(sides) != 2:
        return None
    hosts = [a for a in sides if a.code == location.country]
    return [a for a in sides if a.code != location.country] if len(hosts) == 1 else None


def _abroad(location: Location | None, sides: list[Actor]) -> bool:
    return location is not None and location.country not in {a.code for a in sides}


def merge_events(events: list[Event]) -> list[Event]:
    """One event per type and set of participants; a meeting inside a visit is the visit."""
    kept: dict[tuple[str, frozenset[str], frozenset[str]], Event] = {}
    for event in events:
        held = kept.get(event.key())
        if held is None:
            kept[event.key()] = event
        elif held.location is None and event.location is not None:
            kept[event.key()] = replace(held, location=event.location)
        elif held.date is None and event.date is not None:
            kept[event.key()] = replace(held, date=event.date, date_precision=event.date_precision)
    visits = {
        frozenset(a.code for a in e.actors + e.recipients)
        for e in kept.values()
        if e.type == "CONSULT" and e.mode == "visit"
    }
    events = [
        e
        for e in kept.values()
        if not (e.type == "CONSULT" and e.mode is None and frozenset(a.code for a in e.actors) in visits)
    ]
    return [e for e in events if not any(_part_of(e, other) for other in events if other is not e)]


def _part_of(event: Event, other: Event) -> bool:
    """Is `event` the same event as `other` with fewer of its targets named ("قطع العلاقات مع إسرائيل
    والولايات المتحدة، بما فيها العلاقات مع واشنطن")?"""
    if event.type != other.type or event.key()[1] != other.key()[1] or not event.recipients:
        return False
    mine, theirs = event.key()[2], other.key()[2]
    return mine < theirs


def context_of(event: Event, context: ArticleContext) -> None:
    """What an event tells the rest of the article: the two sides of a meeting, who signed."""
    context.took_part(list(event.actors + event.recipients), meeting=event.type in ("CONSULT", "AGREE"))
    if event.type in ("AGREE", "SUPPORT") and not event.recipients and len(event.actors) >= 2:
        context.parties = list(event.actors)
    if event.actors[0].code != "UNK":
        context.doers[event.type] = list(event.actors)  # "أدان الهجوم", "ندد بالعقوبات" later
