"""Offline language guess: ar, en or other.

Arabic is told by its script. Among texts in Latin script, English is told from French, Spanish,
Turkish and the rest by the share of its commonest function words; anything else is "other".
Extraction reads Arabic only; other articles are kept and flagged.
"""

from __future__ import annotations

import re

_SAMPLE_CHARS = 4000
_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on with as was by at it from be are this an has have said were which "
    "will his their not or its had but been who also they he she after over than into about".split()
)
_LATIN_WORD = re.compile(r"[a-z]+")
# Share of words that must be English function words (running English text is about a third).
_ENGLISH_SHARE = 0.15


def detect_language(text: str) -> str:
    sample = text[:_SAMPLE_CHARS]
    arabic = latin = other = 0
    for ch in sample:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            arabic += 1
        elif ch.isascii():
            latin += 1
        else:
            other += 1
    letters = arabic + latin + other
    if letters == 0:
        return "other"
    if arabic / letters >= 0.5:
        return "ar"
    if latin / letters >= 0.5:
        words = _LATIN_WORD.findall(sample.lower())
        if words and sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words) >= _ENGLISH_SHARE:
            return "en"
    return "other"
