"""The cleaner's data: boilerplate rules and news agencies, loaded once from YAML and checked loudly.

Rules are data (`data/boilerplate.yaml`) so that they are reviewed like code and carry a version,
which is recorded with every cleaned article. A bad entry stops the process at import with a message
naming it; it never silently drops a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from workers.clean.normalize import normalize_for_matching

DATA = Path(__file__).parent / "data"
# Boilerplate lines are short; longer lines are story paragraphs and are not tested against the rules
# (which also bounds the regex work per line).
MAX_BOILERPLATE_CHARS = 300

# Between two letters of a name in display text: diacritics, tatweel, invisible marks.
_MARKS = "[\u064b-\u065f\u0670\u0640\u200c\u200d]*"
_VARIANTS = {
    "ا": "[اأإآٱ]",
    "ي": "[يىئ]",
    "ه": "[هة]",
    "و": "[وؤ]",
    "ك": "[كک]",
}


class RuleKind(StrEnum):
    LINE = "line"  # drop the line wherever it appears
    HEADER = "header"  # drop the line only in the article's head
    BLOCK = "block"  # drop the line and the list of links or teasers under it
    SOURCE = "source"  # drop the line, keep its `source` group as metadata


@dataclass(frozen=True)
class Rule:
    name: str
    kind: RuleKind
    description: str
    pattern: re.Pattern[str]
    examples: tuple[str, ...]
    keeps: tuple[str, ...]


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]

    def first_match(self, matching_line: str, *, in_head: bool) -> tuple[Rule, re.Match[str]] | None:
        """The first rule that drops `matching_line` (already in matching form), with its match."""
        if len(matching_line) > MAX_BOILERPLATE_CHARS:
            return None  # a paragraph of the story, not furniture
        for rule in self.rules:
            if rule.kind is RuleKind.HEADER and not in_head:
                continue
            found = rule.pattern.search(matching_line)
            if found:
                return rule, found
        return None


@dataclass(frozen=True)
class Agency:
    code: str | None  # None: a generic credit ("وكالات")
    names: tuple[str, ...]
    description: str


@dataclass(frozen=True, eq=False)  # hashed by identity: compiled patterns are cached per table
class AgencyTable:
    version: str
    agencies: tuple[Agency, ...]
    pattern: re.Pattern[str]  # any agency name, in display text; group `agency`
    by_name: dict[str, Agency]  # matching form of a name → agency

    def lookup(self, display_name: str) -> Agency | None:
        return self.by_name.get(_name_key(display_name))


def _name_key(name: str) -> str:
    return re.sub(r"[\s.]+", "", normalize_for_matching(name))


def variant_pattern(name: str) -> str:
    """A regex matching `name` in display text whatever its hamza, alef, yeh, teh marbuta spelling,
    with diacritics or tatweel between letters and, in abbreviations, dots or spaces between them."""
    parts = []
    for char in normalize_for_matching(name):
        if char == " ":
            parts.append(r"[\s.]*")
        else:
            parts.append(_VARIANTS.get(char, re.escape(char)) + _MARKS)
    return "".join(parts)


def _require(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, "", []):
        raise ValueError(f"{where}: missing {key!r}")
    return entry[key]


def load_rules(path: Path = DATA / "boilerplate.yaml") -> RuleSet:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, entry in enumerate(document.get("rules") or []):
        where = f"{path.name} rule #{index + 1} ({entry.get('name', '?')})"
        name = _require(entry, "name", where)
        if name in seen:
            raise ValueError(f"{where}: duplicate rule name {name!r}")
        seen.add(name)
        try:
            kind = RuleKind(_require(entry, "kind", where))
            pattern = re.compile(_require(entry, "pattern", where), re.IGNORECASE)
        except (ValueError, re.error) as exc:
            raise ValueError(f"{where}: {exc}") from exc
        if kind is RuleKind.SOURCE and "source" not in pattern.groupindex:
            raise ValueError(f"{where}: a source rule needs a named group 'source'")
        rules.append(
            Rule(
                name=name,
                kind=kind,
                description=_require(entry, "description", where),
                pattern=pattern,
                examples=tuple(entry.get("examples") or ()),
                keeps=tuple(entry.get("keeps") or ()),
            )
        )
    if not rules:
        raise ValueError(f"{path.name}: no rules")
    return RuleSet(version=f"boilerplate-{_require(document, 'version', path.name)}", rules=tuple(rules))


def load_agencies(path: Path = DATA / "agencies.yaml") -> AgencyTable:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    agencies: list[Agency] = []
    by_name: dict[str, Agency] = {}
    for key, entry in (document.get("agencies") or {}).items():
        where = f"{path.name} agency {key}"
        names = tuple(_require(entry, "names", where))
        agency = Agency(
            code=entry.get("code", key), names=names, description=_require(entry, "description", where)
        )
        for name in names:
            name_key = _name_key(name)
            if not name_key:
                raise ValueError(f"{where}: empty name")
            if name_key in by_name and by_name[name_key] is not agency:
                raise ValueError(f"{where}: name {name!r} also belongs to {by_name[name_key].code}")
            by_name[name_key] = agency
        agencies.append(agency)
    if not agencies:
        raise ValueError(f"{path.name}: no agencies")
    # Longest names first, so that "وكالات الأنباء" wins over "وكالات".
    longest_first = sorted({n for a in agencies for n in a.names}, key=lambda n: -len(n))
    alternation = "|".join(variant_pattern(n) for n in longest_first)
    pattern = re.compile(rf"(?<![\w])(?P<agency>{alternation})(?![\w])", re.IGNORECASE)
    version = f"agencies-{_require(document, 'version', path.name)}"
    return AgencyTable(version=version, agencies=tuple(agencies), pattern=pattern, by_name=by_name)


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return load_rules()


@lru_cache(maxsize=1)
def default_agencies() -> AgencyTable:
    return load_agencies()
