"""Line by line: web furniture out, title, dateline, byline and date line found.

The text of an article (plain, or what trafilatura kept of a page) is read as lines. Each line is
tested against the boilerplate rules (`data/boilerplate.yaml`) in its matching form; lines that are
only a publication date are taken as the date; the title is the given one or the first short line;
the first paragraph gives up its dateline and byline. Every line dropped is reported with the name of
the rule that dropped it, so that cleaning can be audited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from workers.clean.credits import split_byline, split_dateline
from workers.clean.dates import parse_date_line
from workers.clean.normalize import display_text, matching_form
from workers.clean.rules import (
    MAX_BOILERPLATE_CHARS,
    AgencyTable,
    RuleKind,
    RuleSet,
    default_agencies,
    default_rules,
)

# A first line longer than this is story text, not a headline.
MAX_TITLE_CHARS = 250
# The story starts at the first line this long (in words); section labels count only before it.
STORY_START_WORDS = 12
# Under a "related" heading, lines up to this many words are taken as the listed headlines.
MAX_LISTED_WORDS = 25
# A line that is only a dateline ("موسكو-واشنطن-سانا") is at most this long.
MAX_DATELINE_CHARS = 60
_STRAY_CHARS = frozenset("&|•*#~^+=")
_STRAY_EDGES = re.compile(r"^[&|•*#~^+=]+(?=\w)|(?<=\w)[&|•~^+=]+$")
_TEASER_END = ("…", "...", "..")


@dataclass(frozen=True)
class Dropped:
    rule: str
    line: str


@dataclass
class LineCleaning:
    title: str | None = None
    body: str = ""
    author: str | None = None
    dateline: str | None = None
    agency: str | None = None
    source: str | None = None
    published: date | None = None
    dropped: list[Dropped] = field(default_factory=list)


def _words(line: str) -> int:
    return len(line.split())


def _is_listed_item(line: str, matching: str) -> bool:
    """Does `line` look like an entry of a list of related links (a headline, a teaser, a link)?"""
    if matching.startswith(("http://", "https://", "www.")):
        return True
    if line.endswith(_TEASER_END):
        return True
    return _words(line) <= MAX_LISTED_WORDS and not line.endswith((".", "؟", "!", "»", '"', "”"))


def clean_lines(
    text: str,
    *,
    known_title: str | None = None,
    rules: RuleSet | None = None,
    agencies: AgencyTable | None = None,
) -> LineCleaning:
    rules = rules or default_rules()
    agencies = agencies or default_agencies()
    result = LineCleaning()
    lines = _visible_lines(text, result)
    story_start = next((i for i, line in enumerate(lines) if _words(line) >= STORY_START_WORDS), len(lines))
    kept: list[str] = []
    listing = False
    for index, line in enumerate(lines):
        # Story paragraphs are longer than any furniture: no rule is tried on them.
        matching = matching_form(line) if len(line) <= MAX_BOILERPLATE_CHARS else ""
        found = rules.first_match(matching, in_head=index < story_start) if matching else None
        if found is not None:
            rule, _ = found
            result.dropped.append(Dropped(rule.name, line))
            if rule.kind is RuleKind.SOURCE:
                result.source = line.split(":", 1)[-1].split("：", 1)[-1].strip() or None
            listing = rule.kind is RuleKind.BLOCK or (listing and rule.kind is not RuleKind.SOURCE)
            continue
        if listing and _is_listed_item(line, matching):
            result.dropped.append(Dropped("related_links", line))
            continue
        listing = False
        if len(line) <= MAX_DATELINE_CHARS:
            credit = split_dateline(line, agencies)
            if credit is not None and not credit.rest:  # a line that is only "city-agency"
                result.dropped.append(Dropped("dateline", line))
                if result.dateline is None and result.agency is None:
                    result.dateline, result.agency = credit.place, credit.agency_code
                continue
        published = parse_date_line(line)
        if published is not None:
            result.dropped.append(Dropped("date_line", line))
            result.published = result.published or published
            continue
        kept.append(line)
    if known_title and rules.first_match(matching_form(display_text(known_title)), in_head=True):
        known_title = None  # a page's "title" that is furniture ("اترك تعليقاً"): find the real one
    kept = _take_title(kept, known_title, result)
    kept = _take_credits(kept, agencies, result)
    if result.agency is None and result.dateline is None and result.source:
        agency = agencies.lookup(result.source)  # "المصدر: رويترز"; generic "وكالات" stays None
        result.agency = agency.code if agency else None
    if not kept and result.title:
        kept = [result.title]  # a one-line article: the line is both headline and text
    result.body = "\n".join(kept)
    return result


def _visible_lines(text: str, result: LineCleaning) -> list[str]:
    lines = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = display_text(raw)
        if not line:
            if raw:  # spaces, no-break spaces or invisible marks only
                result.dropped.append(Dropped("whitespace_only", raw))
            continue
        stripped = _STRAY_EDGES.sub("", line).strip() if _has_stray_edge(line) else line
        if stripped:
            lines.append(stripped)
    return lines


def _has_stray_edge(line: str) -> bool:
    return line[0] in _STRAY_CHARS or line[-1] in _STRAY_CHARS


def _same(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 8:  # cheap test first: most lines are nowhere near the title's length
        return False
    return matching_form(a).rstrip(".:") == matching_form(b).rstrip(".:")


def _take_title(kept: list[str], known_title: str | None, result: LineCleaning) -> list[str]:
    title = display_text(known_title or "") or None
    if (
        title is None
        and len(kept) > 1
        and len(kept[0]) <= MAX_TITLE_CHARS
        and split_dateline(kept[0]) is None
    ):
        title, kept = kept[0], kept[1:]
    result.title = title
    if title is None:
        return kept
    body = []
    for line in kept:
        if _same(line, title):
            result.dropped.append(Dropped("repeated_title", line))
        else:
            body.append(line)
    return body


def _take_credits(kept: list[str], agencies: AgencyTable, result: LineCleaning) -> list[str]:
    """Lift the dateline and byline off the first paragraph(s) of the story."""
    for _ in range(3):
        if not kept:
            break
        first = kept[0]
        if result.dateline is None and result.agency is None:
            found = split_dateline(first, agencies)
            if found is not None:
                result.dateline, result.agency = found.place, found.agency_code
                kept = _replace_first(kept, found.rest, first, "dateline", result)
                continue
        if result.author is None:
            byline = split_byline(first)
            if byline is not None:
                result.author = byline.author
                kept = _replace_first(kept, byline.rest, first, "byline", result)
                continue
        break
    return kept


def _replace_first(kept: list[str], rest: str, line: str, rule: str, result: LineCleaning) -> list[str]:
    if rest:
        return [rest, *kept[1:]]
    result.dropped.append(Dropped(rule, line))
    return kept[1:]
