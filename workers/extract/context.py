"""What the article has said so far, for the words that point back: "الجانبان", "نظيره", "بلاده", an office
named without its state ("وزير الداخلية"), the subject a continued quotation or a participle leaves out.

The context is built before the sentences are read (the state the article is set in, the state it names
most) and updated after each sentence (who was named, who acted, who holds which office).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from workers.extract.actor import Actor
from workers.extract.lexicon import Kind, Lexicon, Match, Place
from workers.extract.text import matching_with_index

# Offices held for a state: with no nationality written, they belong to the state the article ties them to.
STATE_OFFICES = frozenset(
    {"head_of_state", "head_of_government", "crown_prince", "deputy_crown_prince", "foreign_minister",
     "defence_minister", "interior_minister", "minister", "governor", "ambassador", "spokesperson",
     "military_commander", "legislator", "military", "police", "judiciary", "government"}
)  # fmt: skip


# Offices a state has one holder of: named once with their state, the bare title later is that holder.
_ONE_HOLDER = frozenset(
    {"head_of_state", "head_of_government", "crown_prince", "deputy_crown_prince", "foreign_minister",
     "defence_minister", "interior_minister"}
)  # fmt: skip


@dataclass
class ArticleContext:
    country_names: dict[str, str] = field(default_factory=dict)  # every state of the lexicon: code → name
    last_date: date | None = None  # the day the last sentence that named one named
    home: str | None = None  # the state the dateline or the outlet sets the article in
    dateline_place: Place | None = None  # the city of the dateline: where a reception took place
    main: str | None = None  # the state the article names most
    coalition: str | None = None  # who leads "التحالف" in this story (cues.yaml coalition)
    recent: list[Actor] = field(default_factory=list)  # strong actors, latest last, one per code
    offices: dict[str, Actor] = field(default_factory=dict)  # role → the last actor named in that office
    speaker: Actor | None = None  # the subject of the last sentence: "وتابع …" continues their words
    last_pair: list[Actor] = field(default_factory=list)  # the two sides of the last two-sided event
    parties: list[Actor] = field(default_factory=list)  # who signed or agreed last: "الاتفاق" later
    participants: list[Actor] = field(default_factory=list)  # of the events told so far, latest last
    doers: dict[str, list[Actor]] = field(default_factory=dict)  # event type → who did the last one told
    aliases: dict[str, Actor] = field(default_factory=dict)  # surnames the article taught: "الصرخي"

    def state_for(self, role: str | None) -> str | None:
        """The state an office named without its state belongs to in this article."""
        if role is None or role not in STATE_OFFICES:
            return None
        held = self.offices.get(role)
        if held is not None and role in _ONE_HOLDER:
            return held.code  # "الرئيس" after "الرئيس الفلسطيني محمود عباس"
        if self.home is not None:
            return self.home  # a Saudi paper's "وزير الداخلية" is the Saudi minister
        if held is not None:
            return held.code  # "المتحدث باسم الخارجية" after "المتحدثة باسم الحكومة الألمانية"
        speaking = self.speaker
        if speaking is not None and speaking.person and speaking.code in self.country_names:
            return speaking.code  # "وفي سياق متصل، قالت المتحدثة باسم الحكومة" after Merkel spoke
        return self.main

    def note(self, actors: list[Actor]) -> None:
        """Remember a sentence's actors (after its events were read)."""
        for actor in actors:
            if not actor.strong or actor.code == "UNK":
                continue
            self.recent = [a for a in self.recent if a.code != actor.code] + [actor]
            if actor.role is not None and actor.source != "context":
                self.offices[actor.role] = actor
        bare = [
            a for a in actors if a.strong and not a.lead and not a.paired and a.sector not in ("REB", None)
        ]
        first = next((a for a in bare if a.person), bare[0] if bare else None)  # a person, else a body
        if first is not None:
            self.speaker = first

    def took_part(self, actors: list[Actor], *, meeting: bool = False) -> None:
        for actor in actors:
            if actor.code != "UNK":
                self.participants = [a for a in self.participants if a.code != actor.code] + [actor]
        sides = distinct([a for a in actors if a.code != "UNK" and a.sector != "REB"])
        if meeting and len(sides) == 2:
            self.last_pair = sides  # "الوزيران" after a meeting of two ministers

    def pair(self, named: list[Actor] | None = None) -> list[Actor]:
        """The two sides "الجانبان" refers to: those of the last two-sided event, else the last named
        (`named`: those the sentence has named so far)."""
        if self.last_pair:
            return self.last_pair
        recent = list(self.recent)
        for actor in named or []:
            if actor.strong:
                recent = [a for a in recent if a.code != actor.code] + [actor]
        for pool in (self.participants, self.recent, recent):
            known = [a for a in pool if a.code != "UNK"]
            sides = [a for a in known if a.sector != "REB"]  # states first; an armed group only if needed
            if len(sides) < 2:
                sides = known
            if len(sides) >= 2:
                return sides[-2:]
        return []

    def armed_group(self) -> Actor | None:
        armed = [a for a in self.recent if a.sector in ("REB", "UAF") and a.code != "UNK"]
        return armed[-1] if armed else None

    def organization(self) -> Actor | None:
        named = [a for a in self.recent if a.sector == "IGO"]
        return named[-1] if named else None


def distinct(actors: list[Actor]) -> list[Actor]:
    """One actor per code, the strong mention kept over a weak one."""
    seen: dict[str, Actor] = {}
    for actor in actors:
        if actor.code not in seen or (actor.strong and not seen[actor.code].strong):
            seen[actor.code] = actor
    return list(seen.values())


def article_context(
    lexicon: Lexicon,
    sentences_matches: list[list[Match]],
    dateline: str | None,
    source: str | None,
    agency: str | None,
) -> ArticleContext:
    """The context an article starts with: its own state (dateline, agency, outlet) and its main state."""
    dateline_place = _dateline_place(dateline, lexicon)
    home = dateline_place.country if dateline_place is not None else None
    if home is None and agency:
        home = lexicon.agencies.get(agency)
    outlet = lexicon.sources.get(source.strip().casefold()) if source else None
    counts: Counter[str] = Counter()
    for matches in sentences_matches:
        for match in matches:
            entry = match.first(Kind.COUNTRY, Kind.ADJECTIVE, Kind.CAPITAL, Kind.METONYM, Kind.PLACE)
            if entry is not None and entry.code and entry.code in lexicon.countries:
                counts[entry.code] += 1  # the states it names, and the places it is set in
    ranked = [*counts.most_common(2), ("", 0)]
    main = ranked[0][0] if ranked[0][1] >= 2 and ranked[0][1] > ranked[1][1] else None
    if home is None and outlet is not None and (main is None or main == outlet):
        home = outlet  # a Saudi paper's story on Saudi affairs; not its story on Syria
    coalition = lexicon.coalitions.get(main or "")  # the story's war, not the outlet's state
    return ArticleContext(
        country_names=dict(lexicon.countries),
        home=home,
        dateline_place=dateline_place,
        main=main,
        coalition=coalition,
    )


def _dateline_place(dateline: str | None, lexicon: Lexicon) -> Place | None:
    """The place a dateline names ("بغداد"), its first when it names two ("موسكو-واشنطن")."""
    if not dateline:
        return None
    matching, _ = matching_with_index(dateline)
    for match in lexicon.find(matching):
        places = [e.place for e in match.entries if e.kind is Kind.PLACE and e.place is not None]
        cities = [p for p in places if p.kind == "city"]
        if cities:  # a dateline names a city: "عمّان" is Amman before it is Oman
            return max(cities, key=lambda p: p.population)
        if places:
            return places[0]
    return None
