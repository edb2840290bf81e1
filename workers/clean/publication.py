"""An article's publication date as feeds and scrapers write it.

`published_at` arrives as ISO 8601 (with or without a zone), RFC 2822 ("Wed, 06 Jun 2018 22:07:22
GMT"), a day-first "18/02/2018" or epoch seconds. Some feed dumps cut the value short ("Tue, 22 Ma":
weekday, day, the start of the month name, no year); such a value is completed only when exactly one
date fits both it and the article's own evidence (a date in its URL, otherwise the years its text
names). A value that cannot be read, or completed, is never silently replaced: `read_publication`
says why in a warning, which the cleaner keeps with the article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

__all__ = ["PublicationReading", "parse_timestamp", "read_publication", "years_in_text"]

# Years a news article can have been published in: bounds for epoch values and for the evidence a cut
# value is completed from.
PUBLICATION_YEARS = range(1990, 2036)

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # date.weekday() order
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

_DAY_FIRST = re.compile(r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})")
_EPOCH = re.compile(r"\d{9,10}(?:\.\d+)?")
# The date part of an RFC 2822 value, however much of it is left: "Tue, 22 May 2018 10:00", "Tue, 22
# May 2018", "Tue, 22 Ma", "Tue, 22". The rest (time, zone) only counts when the year is whole.
_RFC_DATE = re.compile(
    r"(?:(?P<weekday>[A-Za-z]{3})[A-Za-z]*\s*,?\s*)?(?P<day>\d{1,2})"
    r"(?:\s+(?P<month>[A-Za-z]+)\.?(?:\s+(?P<year>\d{1,4}))?)?(?P<rest>.*)",
    re.DOTALL,
)
# What may follow a whole date: a time and zone, possibly themselves cut ("10:", "10:00:00 GM").
_CUT_TIME = re.compile(r"\s+[0-9]{1,2}(?::[0-9]{0,2}){0,2}(?:\s*[A-Za-z+-][A-Za-z0-9:+-]*)?\s*")
# Dates in URLs: /2018/05/22/, 20180522-, 2018-05-22.
_URL_DATE = re.compile(r"(?<![0-9])(?P<year>(?:19|20)[0-9]{2})(?P<sep>[/_-]?)(?P<month>[0-9]{2})(?P=sep)"
                       r"(?P<day>[0-9]{2})(?![0-9])")  # fmt: skip
_YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
_EASTERN_DIGITS = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)


@dataclass(frozen=True)
class _CutDate:
    """What is left of an RFC 2822 date cut before the end of its year ("Tue, 22 Ma")."""

    weekday: int  # 0 = Monday
    day: int
    month_start: str  # lower case, possibly empty
    year_start: str

    def readings(self, year: int) -> list[date]:
        """The dates of `year` this could have been."""
        if not str(year).startswith(self.year_start):
            return []
        return [
            found
            for month, name in enumerate(_MONTHS, start=1)
            if name.startswith(self.month_start)
            if (found := _valid(year, month, self.day)) is not None and found.weekday() == self.weekday
        ]


@dataclass(frozen=True)
class PublicationReading:
    """What a `published_at` value says: a time, or none, and a warning when the value was not whole."""

    value: datetime | None
    warning: str | None = None


def parse_timestamp(value: str | None) -> datetime | None:
    """A whole publication time as an aware datetime (UTC when no zone is given); None if unreadable.

    Reads ISO 8601 ("2018-02-18", "2018-02-18T10:00:00+03:00"), RFC 2822 ("Wed, 06 Jun 2018 22:07:22
    GMT", also without the time), day-first "18/02/2018" and epoch seconds. A value cut short is not
    whole: `read_publication` completes it from the article's evidence.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    for read in (_iso, _rfc2822, _day_first, _epoch):
        parsed = read(text)
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def read_publication(value: str | None, *, url: str | None, texts: Iterable[str]) -> PublicationReading:
    """The publication time `value` gives. A value cut short ("Tue, 22 Ma") is completed when exactly
    one date agrees with its weekday, day and start of month and with the article's evidence: the
    dates in `url`, or else the years `texts` name (1990-2035), where the date must also fall in the
    latest of them (an article names earlier years far more often than later ones). Otherwise there is
    no time; either way a warning quotes the value."""
    if not value or not value.strip():
        return PublicationReading(None)
    whole = parse_timestamp(value)
    if whole is not None:
        return PublicationReading(whole)
    shown = value.strip()[:40]
    cut = _cut_rfc2822(value.strip())
    if cut is None:
        return PublicationReading(None, f"published_at {shown!r} is not a date; not used")
    found, why = _complete(cut, url, texts)
    if found is None:
        return PublicationReading(None, f"published_at {shown!r} is cut short and {why}; not used")
    note = f"published_at {shown!r} is cut short; read as {found} by {why}"
    return PublicationReading(datetime(found.year, found.month, found.day, tzinfo=UTC), note)


def _complete(cut: _CutDate, url: str | None, texts: Iterable[str]) -> tuple[date | None, str]:
    """The one date that fits a cut value and the evidence, with the evidence named; or None and why."""
    evidence, where = sorted({found.year for found in _url_dates(url or "")}), "the URL's date"
    if not evidence:
        evidence, where = years_in_text(texts), "the text's years"
    if not evidence:
        return None, "the article gives no year to complete it from"
    readings = [reading for year in evidence for reading in cut.readings(year)]
    if not readings:
        return None, f"no date fits {where}"
    if len(readings) > 1:
        return None, f"several dates fit {where} ({', '.join(map(str, readings))})"
    (found,) = readings
    if found.year != evidence[-1]:
        return None, f"the one date that fits ({found}) is not in the latest of {where}"
    return found, where


def years_in_text(texts: Iterable[str]) -> list[int]:
    """The distinct four-digit years 1990-2035 that `texts` name (in any digits), sorted."""
    found = {
        int(year)
        for text in texts
        if text
        for year in _YEAR.findall(text.translate(_EASTERN_DIGITS))
        if int(year) in PUBLICATION_YEARS
    }
    return sorted(found)


def _url_dates(url: str) -> list[date]:
    dates = []
    for match in _URL_DATE.finditer(url):
        found = _valid(int(match["year"]), int(match["month"]), int(match["day"]))
        if found is not None and found.year in PUBLICATION_YEARS:
            dates.append(found)
    return dates


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        pass
    # email.utils wants a time; a feed may give only "Tue, 22 May 2018".
    match = _RFC_DATE.fullmatch(text)
    if match is None or match["month"] is None or match["year"] is None or len(match["year"]) != 4:
        return None
    if match["weekday"] and match["weekday"].lower() not in _WEEKDAYS:
        return None
    if match["rest"] and not _CUT_TIME.fullmatch(match["rest"]):
        return None
    month = _month_number(match["month"])
    found = None if month is None else _valid(int(match["year"]), month, int(match["day"]))
    return None if found is None else datetime(found.year, found.month, found.day)


def _month_number(name: str) -> int | None:
    """1-12 for an English month name or its abbreviation of three letters or more ("Sept")."""
    name = name.lower()
    if len(name) < 3:
        return None
    matching = [number for number, full in enumerate(_MONTHS, start=1) if full.startswith(name)]
    return matching[0] if len(matching) == 1 else None


def _day_first(text: str) -> datetime | None:
    match = _DAY_FIRST.fullmatch(text)
    if match is None:
        return None
    found = _valid(int(match["year"]), int(match["month"]), int(match["day"]))
    return None if found is None else datetime(found.year, found.month, found.day)


def _epoch(text: str) -> datetime | None:
    if _EPOCH.fullmatch(text) is None:
        return None
    moment = datetime.fromtimestamp(float(text), UTC)
    return moment if moment.year in PUBLICATION_YEARS else None


def _cut_rfc2822(text: str) -> _CutDate | None:
    """An RFC 2822 date cut before the end of its year; None for anything else. The weekday is
    required: it is what picks one reading."""
    match = _RFC_DATE.fullmatch(text)
    if match is None or match["weekday"] is None or match["rest"]:
        return None
    if match["year"] is not None and len(match["year"]) == 4:
        return None  # a whole date that did not parse is no date at all
    weekday = match["weekday"].lower()
    day = int(match["day"])
    if weekday not in _WEEKDAYS or not 1 <= day <= 31:
        return None
    month_prefix = (match["month"] or "").lower()
    if match["year"] is not None and _month_number(month_prefix) is None:
        return None  # a year after a cut month name is not what a cut value looks like
    return _CutDate(_WEEKDAYS.index(weekday), day, month_prefix, match["year"] or "")
