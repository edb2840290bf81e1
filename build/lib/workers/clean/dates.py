"""Publication dates written in Arabic news text.

Arabic wires name the same Gregorian month three ways (Egyptian/Gulf "نوفمبر", Levantine/Iraqi
"تشرين الثاني", Maghreb "نوفمبر"/"جانفي"), often two at once ("16 تشرين الثاني/نوفمبر 2015"), write
digits in three scripts, and Gulf copy dates by the Hijri calendar. Scraped articles rarely carry
reliable metadata, so the cleaner reads the date from the text: `find_dates` lists every complete date
(day, month and year) with its offsets, and `parse_date_line` recognises a line that is nothing but a
publication date, so the cleaner can take it as the article's date and drop it from the body.

Month, weekday and prefix names are data (data/months.yaml), read once at import by `load_months`.
Matching runs on a normalised copy of the text (no diacritics or tatweel, one alef, ى→ي, ة→ه, ASCII
digits) whose every character is traced back to the original, so offsets always refer to the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hijridate import Hijri

__all__ = ["FoundDate", "MonthNames", "find_dates", "load_months", "parse_date_line"]

MONTHS_FILE = Path(__file__).parent / "data" / "months.yaml"

GREGORIAN_YEARS = range(1900, 2101)
HIJRI_YEARS = range(1300, 1501)

# A line longer than this is prose, not a date line; checking it first keeps the cleaner fast on the
# many ordinary lines of an article.
_MAX_DATE_LINE_CHARS = 80


@dataclass(frozen=True)
class FoundDate:
    value: date  # the Gregorian date
    start: int  # offsets of the matched text in the input string
    end: int
    calendar: str  # "gregorian" or "hijri"


@dataclass(frozen=True)
class MonthNames:
    """The contents of months.yaml, validated; names are kept as written in the file."""

    gregorian: Mapping[str, Mapping[int, tuple[str, ...]]]  # family -> month -> names
    hijri: Mapping[int, tuple[str, ...]]
    weekdays: tuple[str, ...]
    date_line_prefixes: tuple[str, ...]
    date_line_connectors: tuple[str, ...]
    # Normalised name -> month number, for looking up what the patterns matched.
    gregorian_lookup: Mapping[str, int]
    hijri_lookup: Mapping[str, int]


# --- normalisation ------------------------------------------------------------------------------

# Characters the matcher ignores are first mapped to this placeholder, one for one, and then removed
# while recording where every kept character came from.
_DROP = "\x00"
_DROPPED = re.compile(_DROP)
_NORMALISE_MAP = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ی": "ي",  # Persian yeh, common in copy typed on Persian keyboards
    "ة": "ه",
    "\u0640": _DROP,  # tatweel
    "\u0670": _DROP,  # superscript alef
    **dict.fromkeys((chr(cp) for cp in range(0x064B, 0x0660)), _DROP),  # harakat, shadda, sukun...
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
}


@dataclass(frozen=True)
class _Normalised:
    text: str
    # Original indices of the characters left out of `text`, in order. Usually few or none (tanween in
    # "أيضاً", a tatweel), so offsets are traced through them rather than through a per-character map.
    dropped: tuple[int, ...]
    original_length: int

    def _original(self, index: int) -> int:
        for position in self.dropped:
            if position > index:
                break
            index += 1
        return index

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of text[start:end]; dropped marks after the last character go with it."""
        return self._original(start), self._original(end) if end < len(self.text) else self.original_length


def _normalise(text: str) -> _Normalised:
    # One str.replace per character that occurs is several times faster than str.translate with a
    # dict, which goes through Python for every character of the article.
    mapped = text
    for old, new in _NORMALISE_MAP.items():
        if old in mapped:
            mapped = mapped.replace(old, new)
    if _DROP not in mapped:
        return _Normalised(mapped, (), len(text))
    dropped = tuple(match.start() for match in _DROPPED.finditer(mapped))
    return _Normalised(mapped.replace(_DROP, ""), dropped, len(text))


def _normalise_name(name: str) -> str:
    return " ".join(_normalise(name).text.split())


# --- data file ----------------------------------------------------------------------------------


def _names(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError(f"{where}: expected a non-empty list of names, got {value!r}")
    for name in value:
        if not isinstance(name, str) or not _normalise_name(name):
            raise ValueError(f"{where}: empty or non-text name {name!r}")
    return tuple(value)


def _months(value: Any, where: str, lookup: dict[str, int]) -> dict[int, tuple[str, ...]]:
    """One calendar's month table; adds its names to `lookup`, refusing a name given to two months."""
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a mapping of month number to names")
    months: dict[int, tuple[str, ...]] = {}
    for month, names in value.items():
        if type(month) is not int or not 1 <= month <= 12:
            raise ValueError(f"{where}: month number {month!r} is not 1-12")
        months[month] = _names(names, f"{where} month {month}")
        for name in months[month]:
            key = _normalise_name(name)
            if lookup.setdefault(key, month) != month:
                raise ValueError(f"{where} month {month}: {name!r} is already month {lookup[key]}")
    missing = sorted(set(range(1, 13)) - months.keys())
    if missing:
        raise ValueError(f"{where}: no names for months {missing}")
    return months


def load_months(path: Path | None = None) -> MonthNames:
    """Read and check the month-name file (months.yaml by default); ValueError names a bad entry."""
    path = path or MONTHS_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    keys = {"gregorian", "hijri", "weekdays", "date_line_prefixes", "date_line_connectors"}
    if not isinstance(data, dict) or set(data) != keys:
        found = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"{path.name}: expected exactly the keys {sorted(keys)}, got {found}")
    if not isinstance(data["gregorian"], dict) or not data["gregorian"]:
        raise ValueError(f"{path.name}: gregorian: expected a mapping of family to months")
    gregorian_lookup: dict[str, int] = {}
    gregorian = {
        str(family): _months(months, f"{path.name}: gregorian/{family}", gregorian_lookup)
        for family, months in data["gregorian"].items()
    }
    hijri_lookup: dict[str, int] = {}
    hijri = _months(data["hijri"], f"{path.name}: hijri", hijri_lookup)
    shared = sorted(gregorian_lookup.keys() & hijri_lookup.keys())
    if shared:
        raise ValueError(f"{path.name}: names {shared} are both Gregorian and Hijri months")
    return MonthNames(
        gregorian=gregorian,
        hijri=hijri,
        weekdays=_names(data["weekdays"], f"{path.name}: weekdays"),
        date_line_prefixes=_names(data["date_line_prefixes"], f"{path.name}: date_line_prefixes"),
        date_line_connectors=_names(data["date_line_connectors"], f"{path.name}: date_line_connectors"),
        gregorian_lookup=gregorian_lookup,
        hijri_lookup=hijri_lookup,
    )


# --- patterns -----------------------------------------------------------------------------------

NAMES = load_months()

# Space within one line: a date never spans a line break.
_SP = r"[^\S\n]"
_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"


_Trie = dict[str, "_Trie"]


def _trie_pattern(node: _Trie) -> str:
    branches = [
        (f"{_SP}+" if key == " " else re.escape(key)) + _trie_pattern(child)
        for key, child in sorted(node.items())
        if key
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    # A name that goes on into a longer one: the longer is tried first ("كانون الثاني" before a bare
    # "كانون", "مايو" before "ماي"), and the shorter is still there when the longer fails.
    return f"(?:{body})?" if "" in node else body


def _alternation(names: Iterable[str]) -> str:
    """A pattern matching any of `names` (normalised; a space stands for any run of spaces), as a trie:
    the engine tests one letter per position instead of every name, which makes scanning prose cheap."""
    root: _Trie = {}
    for name in names:
        node = root
        for key in _normalise_name(name):
            node = node.setdefault(key, {})
        node[""] = {}
    return _trie_pattern(root)


_MONTH = f"(?:{_alternation([*NAMES.gregorian_lookup, *NAMES.hijri_lookup])})"


def _month(group: str) -> str:
    return f"{_LETTER_BEFORE}(?P<{group}>{_MONTH}){_NO_LETTER_AFTER}"


# "أيلول/سبتمبر", "أيلول / سبتمبر" or "أيلول (سبتمبر)": the same month in two families.
_MONTHS = f"{_month('month')}(?:{_SP}*/{_SP}*{_month('month2')}|{_SP}*\\({_SP}*{_month('month3')}{_SP}*\\))?"
_DAY = r"(?<![0-9])(?P<day>[0-9]{1,2})(?![0-9])"
_YEAR = r"(?<![0-9])(?P<year>[0-9]{4})(?![0-9])"
# Era markers as they read after normalisation: "هـ" loses its tatweel, "للهجرة" its teh marbuta.
_HIJRI_ERA = ("للهجره", "هجريه", "هجري", "ه")
_GREGORIAN_ERA = ("ميلاديه", "ميلادي", "م")
_ERA = f"(?:{_SP}{{0,2}}(?P<era>{'|'.join(_HIJRI_ERA + _GREGORIAN_ERA)}){_NO_LETTER_AFTER})?"
# "16 نوفمبر عام 2015", "5 صفر سنة 1437 هـ".
_YEAR_WORD = f"(?:(?:من{_SP}+)?(?:عام|العام|سنه){_SP}+)?"

_DAY_MONTH_YEAR = re.compile(f"{_DAY}{_SP}*{_MONTHS}{_SP}*[,،]?{_SP}*{_YEAR_WORD}{_YEAR}{_ERA}")
_MONTH_DAY_YEAR = re.compile(f"{_MONTHS}{_SP}+{_DAY}{_SP}*[,،]?{_SP}*{_YEAR}{_ERA}")
# Numeric dates use one separator throughout; a number running on past the date is something else.
_SEPARATOR_THEN_DIGIT = re.compile("[./-][0-9]")
_DIGIT_THEN_SEPARATOR = re.compile("[0-9][./-]")
_NUMERIC_EDGE_BEFORE = r"(?<![0-9])(?<![0-9][./-])"
_NUMERIC_EDGE_AFTER = r"(?![0-9])(?![./-][0-9])"
_YEAR_FIRST = re.compile(
    f"{_NUMERIC_EDGE_BEFORE}(?P<year>[0-9]{{4}})(?P<sep>[./-])(?P<month>[0-9]{{1,2}})(?P=sep)"
    f"(?P<day>[0-9]{{1,2}}){_NUMERIC_EDGE_AFTER}{_ERA}"
)
_YEAR_LAST = re.compile(
    f"{_NUMERIC_EDGE_BEFORE}(?P<day>[0-9]{{1,2}})(?P<sep>[./-])(?P<month>[0-9]{{1,2}})(?P=sep)"
    f"(?P<year>[0-9]{{4}}){_NUMERIC_EDGE_AFTER}{_ERA}"
)
_NAMED_PATTERNS = (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR)
_NUMERIC_PATTERNS = (_YEAR_FIRST, _YEAR_LAST)

_ANY_DIGIT = re.compile("[0-9\u0660-\u0669\u06f0-\u06f9]")
# Spelled out, not "[0-9]{4}": the engine scans for a literal class run twice as fast.
_YEAR_DIGITS = re.compile("[0-9][0-9][0-9][0-9]")
# Every date holds a four-digit year and reaches at most this far before or after it ("16 تشرين
# الثاني / نوفمبر من العام 2015" is 37 characters; an era marker follows the year), so only windows
# around years are searched and an article's prose between them costs nothing. A date cut by a window
# edge fails the patterns' own edge checks (they look past the window), so it is never misread.
_REACH_BEFORE = 50
_REACH_AFTER = 30

_TIME = (
    r"(?<![0-9])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?![0-9])"
    f"(?:{_SP}*(?:صباحا|مساء|مساءا|ظهرا|ليلا|ص|م|am|pm|a\\.m\\.|p\\.m\\.){_NO_LETTER_AFTER})?"
)
_ZONE = f"(?:gmt|utc)(?:{_SP}*[+-]{_SP}*[0-9]{{1,2}}(?::?[0-9]{{2}})?)?"
_DATE_LINE_WORDS = _alternation([*NAMES.date_line_prefixes, *NAMES.date_line_connectors, *NAMES.weekdays])
# Everything besides dates that a date line may hold.
_DATE_LINE_FILLER = re.compile(
    f"{_TIME}|{_LETTER_BEFORE}(?:{_DATE_LINE_WORDS}|{_ZONE}){_NO_LETTER_AFTER}", re.IGNORECASE
)
_SEPARATORS_ONLY = re.compile(r"[\s\-–—/|،,:;.()\[\]«»\"'•·]*")


# --- matching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    value: date
    start: int  # offsets in the normalised text
    end: int
    calendar: str


def _to_date(year: int, month: int, day: int, calendar: str) -> date | None:
    if calendar == "hijri":
        if year not in HIJRI_YEARS:
            return None
        try:
            converted = Hijri(year, month, day).to_gregorian()
        except (ValueError, OverflowError):  # no such day, or a year hijridate's tables do not cover
            return None
        return date(converted.year, converted.month, converted.day)
    if year not in GREGORIAN_YEARS:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _era_calendar(era: str | None) -> str | None:
    if era is None:
        return None
    return "hijri" if era in _HIJRI_ERA else "gregorian"


def _named(match: re.Match[str]) -> _Match | None:
    name = " ".join(match["month"].split())
    if name in NAMES.hijri_lookup:
        calendar, month = "hijri", NAMES.hijri_lookup[name]
    else:
        calendar, month = "gregorian", NAMES.gregorian_lookup[name]
    second = match["month2"] or match["month3"]
    if second is not None:
        lookup = NAMES.hijri_lookup if calendar == "hijri" else NAMES.gregorian_lookup
        if lookup.get(" ".join(second.split())) != month:
            return None  # "أيلول/أكتوبر" is no month at all
    # A Hijri month name marks the date as Hijri by itself, so "هـ" is optional here; a marker of the
    # other calendar ("5 نوفمبر 1437 هـ") means the match is not what it seems.
    era = _era_calendar(match["era"])
    if era is not None and era != calendar:
        return None
    value = _to_date(int(match["year"]), month, int(match["day"]), calendar)
    return None if value is None else _Match(value, match.start(), match.end(), calendar)


def _numeric(match: re.Match[str]) -> _Match | None:
    # Without a marker a numeric date is Gregorian; only "هـ" makes it Hijri.
    calendar = _era_calendar(match["era"]) or "gregorian"
    value = _to_date(int(match["year"]), int(match["month"]), int(match["day"]), calendar)
    return None if value is None else _Match(value, match.start(), match.end(), calendar)


def _windows(text: str) -> Iterator[tuple[int, int, bool]]:
    """Disjoint ranges of `text` holding every four-digit number and the reach of a date around it, and
    whether a numeric date is possible there (a year touching a separator, as in 16/11/2015)."""
    low = high = -1
    numeric = False
    for year in _YEAR_DIGITS.finditer(text):
        start, end = max(0, year.start() - _REACH_BEFORE), min(len(text), year.end() + _REACH_AFTER)
        touches = bool(_SEPARATOR_THEN_DIGIT.match(text, year.end())) or (
            year.start() >= 2 and bool(_DIGIT_THEN_SEPARATOR.match(text, year.start() - 2))
        )
        if start <= high:
            high, numeric = end, numeric or touches
            continue
        if high >= 0:
            yield low, high, numeric
        low, high, numeric = start, end, touches
    if high >= 0:
        yield low, high, numeric


def _candidates(text: str) -> Iterator[_Match]:
    for low, high, numeric in _windows(text):
        for pattern in _NAMED_PATTERNS:
            for match in pattern.finditer(text, low, high):
                if (found := _named(match)) is not None:
                    yield found
        if not numeric:
            continue
        for pattern in _NUMERIC_PATTERNS:
            for match in pattern.finditer(text, low, high):
                if (found := _numeric(match)) is not None:
                    yield found


def _find(text: str) -> list[_Match]:
    """Dates in normalised text; where matches overlap, the earliest, then the longest, wins."""
    chosen: list[_Match] = []
    for found in sorted(_candidates(text), key=lambda f: (f.start, -f.end)):
        if not chosen or found.start >= chosen[-1].end:
            chosen.append(found)
    return chosen


def find_dates(text: str) -> list[FoundDate]:
    """Every complete date (day, month and year all present) in `text`, in order of appearance.

    A match covers the day, month name(s) and year, and an era marker after the year (هـ, للهجرة, م);
    a weekday or prefix before the date is not part of it.
    """
    normalised = _normalise(text)
    return [
        FoundDate(found.value, *normalised.span(found.start, found.end), found.calendar)
        for found in _find(normalised.text)
    ]


def parse_date_line(line: str) -> date | None:
    """The date if `line` is a date line (a line that is essentially only a publication date, possibly
    with a weekday name, a time such as 10:30 or 10:30 ص/م/AM/PM, separators like - | ، , and a prefix such
    as "نشر في" / "نشر بتاريخ" / "تاريخ النشر:" / "آخر تحديث:" / "بتاريخ"); else None. A sentence that merely
    contains a date (e.g. "التقى الرئيسان الاثنين 16 نوفمبر 2015 في أنطاليا") is NOT a date line.

    When the line gives both a Hijri and a Gregorian date, the Gregorian one is returned: the Hijri
    conversion follows Umm al-Qura tables, which can differ by a day from the date the source meant.
    """
    line = line.strip()
    if len(line) > _MAX_DATE_LINE_CHARS or not _ANY_DIGIT.search(line):
        return None
    text = _normalise(line).text
    found = _find(text)
    if not found:
        return None
    pieces: list[str] = []
    position = 0
    for match in found:
        pieces.append(text[position : match.start])
        position = match.end
    pieces.append(text[position:])
    rest = _DATE_LINE_FILLER.sub(" ", " ".join(pieces))
    if not _SEPARATORS_ONLY.fullmatch(rest):
        return None
    gregorian = [match.value for match in found if match.calendar == "gregorian"]
    return gregorian[0] if gregorian else found[0].value
