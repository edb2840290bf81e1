"""Credits at the head of a story: the dateline with its agency, and the author's byline.

Wire copy opens with where it was filed and by whom: "موسكو-سانا", "بغداد – INA/ …", "دمشق (رويترز) -",
"القاهرة - (وكالات) -", "(أ ف ب) -"; signed pieces open with a byline ("جواد الصايغ: …", "بقلم: …").
These are metadata, not story text: they are lifted out of the first paragraph, so that extraction does
not read "سانا" as an actor, and kept on the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from workers.clean.rules import AgencyTable, default_agencies

_WORD = r"(?:[^\W\d_]|[\u064b-\u065f\u0670\u0640])+"  # letters, with their diacritics
_PLACE = rf"{_WORD}(?: (?!في\b){_WORD}){{0,2}}"
_PLACES = rf"(?P<place>{_PLACE}(?:\s*[-–—]\s*{_PLACE})*?)"
_DASH = r"\s*[-–—]\s*"
_SOURCE = rf"(?:{_WORD}|[A-Za-z]+)"  # a word of a source's name, Arabic or Latin
# What may stand between the place and an agency in parentheses or slashes: a date such as "في 16 نوفمبر",
# "24 تشرين الثاني", "، 21 تموز" or "- 3 - 10".
_SEP = r"(?:\s+|\s*[،,]\s*|\s*[-–—]\s*)"
_GAP = rf"(?:{_SEP}(?:في\s+)?[^()/\n\d]{{0,20}}\d[^()/\n]{{0,25}}?|{_SEP})?\s*"  # a date has digits
_AFTER = r"(?:\s*[/:\-–—]+)?\s*"
# After an agency in parentheses a separator is required: "ونقلت (أ ف ب) عن …" is a citation, not a dateline.
_AFTER_PAREN = r"\s*(?:[/:\-–—]+\s*|$)"

# First words that make "X Y: …" a quotation or a title, not a byline.
_NOT_NAMES = frozenset(
    [
        "رئيس",
        "وزير",
        "وزيرة",
        "مصدر",
        "مصادر",
        "مسؤول",
        "مسؤولة",
        "بيان",
        "قائد",
        "نائب",
        "زعيم",
        "سفير",
        "أمين",
        "امين",
        "متحدث",
        "مدير",
        "عضو",
        "ملك",
        "أمير",
        "امير",
        "شيخ",
        "ولي",
        "مستشار",
        "محافظ",
        "سكرتير",
        "قاض",
        "قاضي",
        "رئيسة",
        "مندوب",
        "ممثل",
        "مبعوث",
        "خبير",
        "محلل",
        "تقرير",
        "مراسل",
    ]
)
_BYLINE_LEAD = re.compile(
    rf"^(?:كتب|كتبت|بقلم|إعداد|اعداد|تقرير|متابعة|حوار)\s*[:：\-–—]?\s*(?P<author>{_WORD}(?: {_WORD}){{1,3}})"
    r"\s*(?:[:：\-–—]\s*|$)"
)
_BYLINE_COLON = re.compile(rf"^(?P<author>{_WORD} {_WORD}(?: {_WORD})?)\s*[:：]\s+(?=\S)")


@dataclass(frozen=True)
class Dateline:
    place: str | None
    agency_code: str | None
    agency_text: str | None
    rest: str  # the paragraph without its dateline


@dataclass(frozen=True)
class Byline:
    author: str
    rest: str


@lru_cache(maxsize=4)
def _dateline_patterns(agencies: AgencyTable) -> tuple[re.Pattern[str], ...]:
    agency = agencies.pattern.pattern
    return tuple(
        re.compile(p, re.IGNORECASE)
        for p in (
            # دمشق (رويترز) -, عمان 24 تشرين الثاني (بترا)-, الكويت - 3 - 10 (كونا) --, القاهرة - (وكالات) -
            rf"^{_PLACES}{_GAP}\(\s*{agency}\s*\){_AFTER_PAREN}",
            # الدوحة في 16 نوفمبر /قنا/, أنقرة/ الأناضول
            rf"^{_PLACES}{_GAP}/\s*{agency}\s*(?:/|(?=\s*$)){_AFTER}",
            # موسكو-سانا, بغداد – INA/, الرياض 15 مارس 2020 - واس -
            rf"^{_PLACES}(?:\s+[^-–—()/\n]{{0,30}}?)?{_DASH}{agency}{_AFTER}",
            # (أ ف ب) -
            rf"^\(\s*{agency}\s*\){_AFTER_PAREN}",
            # كركوك - السومرية نيوز - …: a source we do not know, between two dashes
            rf"^(?P<place>{_PLACE}){_DASH}(?P<agency>{_SOURCE}(?: {_SOURCE}){{0,3}}){_DASH}(?=\S)",
        )
    )


def split_dateline(paragraph: str, agencies: AgencyTable | None = None) -> Dateline | None:
    """The dateline at the start of `paragraph`, if it has one that names an agency."""
    table = agencies or default_agencies()
    for pattern in _dateline_patterns(table):
        found = pattern.match(paragraph)
        if not found:
            continue
        rest = paragraph[found.end() :].strip()
        agency_text = found.group("agency")
        agency = table.lookup(agency_text)
        place = found.groupdict().get("place")
        return Dateline(
            place=place.strip() if place else None,
            agency_code=agency.code if agency else None,
            agency_text=agency_text,
            rest=rest,
        )
    return None


def split_byline(paragraph: str) -> Byline | None:
    """The author's byline at the start of `paragraph` ("بقلم: …", "جواد الصايغ: …"), if any."""
    found = _BYLINE_LEAD.match(paragraph)
    if found is None:
        found = _BYLINE_COLON.match(paragraph)
        if found is None:
            return None
        first = found.group("author").split()[0]
        if first.startswith("ال") or first in _NOT_NAMES:
            return None
    return Byline(author=found.group("author").strip(), rest=paragraph[found.end() :].strip())
