"""When an event happened: the day its sentence names, read against the article's publication day.

In order, the first that a sentence holds gives its date:

1. a full date ("16 نوفمبر 2015"): that day, publication day or not;
2. a day and month without a year ("في 27 أبريل/ نيسان"): that day in the publication year, or the
   year before if that would put it more than two months after publication;
3. a relative word: اليوم/الليلة the publication day, أمس/البارحة/الليلة الماضية the day before,
   أول أمس/أمس الأول two days before, غداً the day after ("أمس الاثنين" is the day before, whatever
   the weekday says);
4. a weekday name: "الاثنين" or "يوم الاثنين" the latest Monday on or before the publication day,
   "الاثنين الماضي" the latest strictly before, "الاثنين المقبل/القادم" the next strictly after.

Everything but a full date needs the publication day, and only a trusted one is given (never the
file's time): without it the date is unknown. A month or a year alone ("في مارس الماضي", "عام 2014")
names no day, so it gives no date at all: precision is "day" or "unknown", never a "month" or "year"
without a date. A date governed by منذ (since) or حتى (until) bounds something else and is passed over.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

from workers.clean.dates import NAMES, find_dates
from workers.extract.text import matching_with_index

__all__ = ["resolve_date"]

# Latest a day and month without a year may fall after publication and still be this year's: a report
# of a coming event names it weeks ahead, rarely more.
_AHEAD = timedelta(days=61)

_LETTER_BEFORE = r"(?<![^\W\d_])"
_NO_LETTER_AFTER = r"(?![^\W\d_])"
_WORD = re.compile(r"[^\W\d_]+")

# Words that make the date after them (within two words: "منذ صباح أمس") the bound of something else.
_GOVERNORS = frozenset({"منذ", "ومنذ", "حتي", "وحتي"})
# "ذلك اليوم", "تلك الليلة", "اليوم التالي": a day of the story, not the day of publication.
_NOT_TODAY_BEFORE = frozenset({"ذلك", "تلك", "هذا", "هذه", "ذات", "نفس"})
_NOT_TODAY_AFTER = frozenset({
    "التالي", "التاليه", "السابق", "السابقه", "الاول", "الاولي", "الثاني", "الثانيه", "الثالث", "الرابع",
    "الخامس", "الاخير", "الاخيره", "العالمي", "الوطني", "الدولي", "نفسه", "نفسها", "ذاته", "ذاتها",
    "الذي", "التي",
})  # fmt: skip
# "بين الاثنين", "كلا الاثنين": the two, not Monday.
_NOT_WEEKDAY_BEFORE = frozenset({"بين", "كلا"})

_RELATIVE = re.compile(
    f"{_LETTER_BEFORE}(?:و|ف)?"
    r"(?:(?P<two_before>اول\s+امس|امس\s+الاول)"
    r"|(?P<day_before>الليله\s+الماضيه|(?:بال|ال)?امس|البارحه)"
    r"|(?P<same_day>اليوم|الليله)"
    r"|(?P<day_after>غدا|الغد))"
    f"{_NO_LETTER_AFTER}"
)
_RELATIVE_OFFSETS = {"two_before": -2, "day_before": -1, "same_day": 0, "day_after": 1}

# Matching form, Monday = 0 as in date.weekday().
_WEEKDAY_NUMBERS = {
    "الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6,
}  # fmt: skip
_WEEKDAY = re.compile(
    f"{_LETTER_BEFORE}(?:و|ف)?(?P<weekday>{'|'.join(_WEEKDAY_NUMBERS)}){_NO_LETTER_AFTER}"
    r"(?:\s+(?:(?P<past>الماضيه?|المنصرمه?|الفائته?)|(?P<next>المقبله?|القادمه?))"
    f"{_NO_LETTER_AFTER})?"
)


def _month_names() -> dict[str, int]:
    """Gregorian month names of every family, in matching form."""
    return {
        matching_with_index(name)[0]: month
        for family in NAMES.gregorian.values()
        for month, names in family.items()
        for name in names
    }


_MONTH_NUMBERS = _month_names()
_MONTH = "|".join(
    re.escape(name).replace(r"\ ", r"\s+") for name in sorted(_MONTH_NUMBERS, key=len, reverse=True)
)
# "27 أبريل", "27 أبريل/ نيسان", "27 نيسان (أبريل)" with no year after it (a full date is step 1's).
_DAY_MONTH = re.compile(
    rf"(?<![0-9])(?P<day>[0-9]{{1,2}})\s*"
    rf"(?>(?P<month>{_MONTH})(?:\s*/\s*(?P<month2>{_MONTH})|\s*\(\s*(?P<month3>{_MONTH})\s*\))?)"
    f"{_NO_LETTER_AFTER}"
    r"(?!\s*[,،]?\s*(?:(?:من\s+)?(?:عام|العام|سنه)\s+)?[0-9])"
)


def resolve_date(
    sentence: str, published: date | None, *, matching: str | None = None
) -> tuple[date | None, str]:
    """The day a sentence's event happened and its precision: (day, "day") or (None, "unknown").

    `published` is the article's publication day, or None when it is unknown or only the file's time;
    `matching` is the sentence's matching form when the caller has it already.
    """
    for found in find_dates(sentence):
        if not _governed(matching_with_index(sentence[: found.start])[0]):
            return found.value, "day"
    if published is None:
        return None, "unknown"
    if matching is None:
        matching = matching_with_index(sentence)[0]
    for resolve in (_day_and_month, _relative_day, _weekday):
        day = resolve(matching, published)
        if day is not None:
            return day, "day"
    return None, "unknown"


def _words_before(matching: str, position: int, count: int) -> list[str]:
    return _WORD.findall(matching[:position])[-count:]


def _governed(before: str) -> bool:
    """Whether a date right after `before` (matching form) is governed by منذ/حتى."""
    return any(word in _GOVERNORS for word in _WORD.findall(before)[-2:])


def _free(matches: Iterable[re.Match[str]], matching: str) -> Iterable[re.Match[str]]:
    return (match for match in matches if not _governed(matching[: match.start()]))


def _day_and_month(matching: str, published: date) -> date | None:
    for match in _free(_DAY_MONTH.finditer(matching), matching):
        month = _MONTH_NUMBERS[" ".join(match["month"].split())]
        second = match["month2"] or match["month3"]
        if second is not None and _MONTH_NUMBERS[" ".join(second.split())] != month:
            continue  # "أبريل/ أيار" is no month at all
        day = int(match["day"])
        for year in (published.year, published.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                break  # no such day (31 April, 29 February of a common year)
            if candidate <= published + _AHEAD:
                return candidate
    return None


def _relative_day(matching: str, published: date) -> date | None:
    for match in _free(_RELATIVE.finditer(matching), matching):
        if match["same_day"]:
            before = _words_before(matching, match.start(), 1)
            after = _WORD.findall(matching[match.end() :])[:1]
            if set(before) & _NOT_TODAY_BEFORE or set(after) & _NOT_TODAY_AFTER:
                continue
        offset = next(offset for group, offset in _RELATIVE_OFFSETS.items() if match[group])
        return published + timedelta(days=offset)
    return None


def _weekday(matching: str, published: date) -> date | None:
    for match in _free(_WEEKDAY.finditer(matching), matching):
        before = set(_words_before(matching, match.start(), 1))
        if match["weekday"] == "الاثنين" and before & _NOT_WEEKDAY_BEFORE:
            continue
        weekday = _WEEKDAY_NUMBERS[match["weekday"]]
        if match["next"]:
            return published + timedelta(days=(weekday - published.weekday()) % 7 or 7)
        back = (published.weekday() - weekday) % 7
        if match["past"]:
            back = back or 7
        return published - timedelta(days=back)
    return None
