"""From the sentences of an article to PLOVER events, in one forward pass of five steps per sentence:

    mentions (actors, places)  →  frames (triggers and their slots)  →  roles (actor, recipient)
                               →  event-hood (did it happen?)  →  the coded event (place, date, …)

Each step is a module with a plain function over small frozen dataclasses; what a step rejects is kept
as a `Dropped` record naming the step and the reason, for `marsad eval --errors`. The article context
(its state, who holds which office, who spoke last) is built first and updated after each sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from workers.extract.actor import Actor
from workers.extract.coding import Event, Location, code_event, context_of, merge_events
from workers.extract.context import article_context
from workers.extract.eventhood import judge
from workers.extract.frames import Dropped, find_candidates
from workers.extract.lexicon import Lexicon
from workers.extract.mentions import Mentions, find_mentions
from workers.extract.names import learn_names, named_again
from workers.extract.roles import Roles, assign_roles
from workers.extract.text import Sentence, split_sentences
from workers.extract.timex import resolve_date

__all__ = ["Actor", "ArticleReading", "Dropped", "Event", "Location", "extract", "read_article"]


@dataclass(frozen=True)
class ArticleReading:
    events: tuple[Event, ...]
    dropped: tuple[Dropped, ...]


def extract(
    body: str,
    lexicon: Lexicon,
    published: date | None,
    dateline: str | None = None,
    source: str | None = None,
    agency: str | None = None,
) -> list[Event]:
    return list(read_article(body, lexicon, published, dateline, source, agency).events)


# What a sentence must hold to name a day: a digit, or a word for a day ("أمس", "الخميس", "غداً").
_DAY_WORDS = re.compile(
    r"\d|امس|اليوم|غدا|الغد|الليله|البارحه|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه|السبت|الاحد|اول|منتصف|مطلع"
)


def _when(sentence: Sentence, published: date | None) -> tuple[date | None, str]:
    """The day a sentence names, if any (most name none: those skip the date grammar)."""
    if not _DAY_WORDS.search(sentence.matching):
        return None, "unknown"
    return resolve_date(sentence.text, published, matching=sentence.matching)


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
