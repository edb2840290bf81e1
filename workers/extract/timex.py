"""When an event happened: explicit dates, weekday names, اليوم/أمس/غداً, against the publication date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from workers.clean.dates import find_dates
from workers.extract.text import matching_with_index

# Weekday names in matching form, Monday = 0 as in date.weekday().
_WEEKDAYS = {"الاثنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5, "الاحد": 6}
_RELATIVE = (("اول امس", -2), ("امس", -1), ("البارحه", -1), ("اليوم", 0), ("غدا", 1))
_WORD = re.compile(r"[^\W\d_]+")


def resolve_date(sentence: str, published: date | None) -> tuple[date | None, str]:
    """The day a sentence's event happened, with its precision (day or unknown)."""
    found = find_dates(sentence)
    if found:
        return found[0].value, "day"
    if published is None:
        return None, "unknown"
    matching, _ = matching_with_index(sentence)
    words = _WORD.findall(matching)
    text = " ".join(words)
    for phrase, offset in _RELATIVE:
        if re.search(rf"(?:^|\s)(?:و|ف)?{phrase}(?:\s|$)", text):
            return published + timedelta(days=offset), "day"
    for word in words:
        bare = word[1:] if word.startswith(("و", "ف")) and word[1:] in _WEEKDAYS else word
        if bare in _WEEKDAYS:
            back = (published.weekday() - _WEEKDAYS[bare]) % 7  # the last such day, up to the publication day
            return published - timedelta(days=back), "day"
    return None, "unknown"
