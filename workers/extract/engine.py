"""From the sentences of an article to PLOVER events, in one forward pass of five steps per sentence:

    mentions (actors, places)  →  frames (triggers and their slots)  →  roles (actor, recipient)
                               →  event-hood (did it happen?)  →  the coded event (place, date, …)

Each step is a module with a plain function over small frozen dataclasses; what a step rejects is kept
as a `Dropped` record naming the step and the reason, for `marsad eval --errors`. The article context
(its state, who holds which office, who spoke last) is built first and updated after each sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from workers.extract.actor import Actor
from workers.extract.coding import Event, Location, code_event, context_of, merge_events
from workers.extract.context import article_context
from workers.extract.eventhood import judge
from workers.extract.frames import Dropped, find_candidates
from workers.extract.lexicon import Entry, Kind, Lexicon, Match
from workers.extract.mentions import Mentions, find_mentions
from workers.extract.names import learn_names, named_again
from workers.extract.roles import Roles, assign_roles
from workers.extract.text import Sentence, matching_with_index, split_sentences
from workers.extract.timex import resolve_date

__all__ = ["Actor", "ArticleReading", "Dropped", "Event", "Location", "read_article"]


@dataclass(frozen=True)
class ArticleReading:
    events: tuple[Event, ...]
    dropped: tuple[Dropped, ...]


# What a sentence must hold to name a day: a digit, or a word for a day ("أمس", "الخميس", "غداً").
_DAY_WORDS = re.compile(
    r"\d|امس|اليوم|غدا|الغد|الليله|البارحه|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد|اول|منتصف|مطلع"
)


def _when(sentence: Sentence, published: date | None) -> tuple[date | None, str]:
    """The day a sentence names, if any (most name none: those skip the date grammar)."""
    if not _DAY_WORDS.search(sentence.matching):
        return None, "unknown"
    return resolve_date(sentence.text, published, matching=sentence.matching)


def read_capital_homographs(
    sentences: list[Sentence], found: list[list[Match]], lexicon: Lexicon, dateline: str | None
) -> list[list[Match]]:
    """A capital spelled like another state's name (عمان: Amman or Oman) is the capital where its
    diacritic says so (عمّان), or in an article set in its state or naming it and not naming the other
    state any other way; elsewhere it stays the other state's name."""
    if not lexicon.capital_homographs:
        return found
    matches = [m for ms in found for m in ms]
    dateline_form = matching_with_index(dateline)[0] if dateline else ""
    resolved: list[list[Match]] = []
    for sentence, sentence_matches in zip(sentences, found, strict=True):
        kept: list[Match] = []
        for match in sentence_matches:
            homograph = lexicon.capital_homographs.get(match.form)
            if homograph is not None:
                code, written = homograph
                capital = written in sentence.display(match.start + len(match.prefix), match.end) or (
                    _names_state(matches, code, match.form, dateline_form)
                    and not any(m.form != match.form and _codes(m) & _codes(match) - {code} for m in matches)
                )
                if capital:
                    match = _as_capital(match, code, lexicon)
            kept.append(match)
        resolved.append(kept)
    return resolved


_STATE_KINDS = (Kind.COUNTRY, Kind.ADJECTIVE, Kind.METONYM, Kind.CAPITAL)


def _codes(match: Match) -> set[str]:
    return {e.code for e in match.entries if e.code and e.kind in _STATE_KINDS}


def _names_state(matches: list[Match], code: str, form: str, dateline_form: str) -> bool:
    named = any(m.form != form and code in _codes(m) for m in matches)
    return named or (bool(dateline_form) and form in dateline_form.split())


def _as_capital(match: Match, code: str, lexicon: Lexicon) -> Match:
    places = tuple(
        e for e in match.entries if e.kind is Kind.PLACE and e.place is not None and e.place.country == code
    )
    capital = Entry(Kind.CAPITAL, code, "GOV", lexicon.countries.get(code, code))
    return replace(match, entries=(capital, *places))


def read_article(
    body: str,
    lexicon: Lexicon,
    published: date | None,
    dateline: str | None = None,
    source: str | None = None,
    agency: str | None = None,
) -> ArticleReading:
    sentences = split_sentences(body)
    found = [lexicon.find(s.matching, s.marbuta) for s in sentences]
    found = read_capital_homographs(sentences, found, lexicon, dateline)
    context = article_context(lexicon, found, dateline, source, agency)
    events: list[Event] = []
    dropped: list[Dropped] = []
    fresh = False  # the last date was named in the sentence just read
    for sentence, matches in zip(sentences, found, strict=True):
        when = _when(sentence, published)
        mentions = find_mentions(sentence, matches, lexicon, published, context)
        named = learn_names(sentence, matches, list(mentions.actors), context)
        mentions = Mentions(tuple(named_again(sentence, matches, named, context)), mentions.places)
        candidates, rejected = find_candidates(sentence, matches, lexicon)
        dropped.extend(rejected)
        for candidate in candidates:
            shown = sentence.display(candidate.match.start + len(candidate.match.prefix), candidate.match.end)
            roles = assign_roles(candidate, sentence, matches, mentions.actors, mentions.places, context)
            if not isinstance(roles, Roles):
                dropped.append(Dropped("roles", roles, candidate.type, shown, sentence.text))
                continue
            verdict = judge(candidate, roles, sentence, matches, candidates, published, when)
            if isinstance(verdict, str):
                dropped.append(
                    Dropped("event-hood", verdict, candidate.type, shown, sentence.text,
                            tuple(a.code for a in roles.actors), tuple(a.code for a in roles.recipients))
                )  # fmt: skip
                continue
            event = code_event(
                candidate,
                roles,
                verdict,
                sentence,
                matches,
                mentions.places,
                when,
                context,
            )
            context_of(event, context)
            events.append(event)
        context.note(list(mentions.actors))
        # A date carries into the next sentence, and on through those that continue it ("وأضاف …").
        own = when[0]
        carried = context.last_date if fresh or sentence.text.startswith(("و", "ف")) else None
        context.last_date, fresh = own or carried, own is not None
    return ArticleReading(tuple(merge_events(events)), tuple(dropped))
