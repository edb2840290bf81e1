"""Offline language guess: ar, en or other.

Arabic is told by its script. Among texts in Latin script, English is told from French, Spanish,
Turkish and the rest by the share of its commonest function words; anything else is "other".
Extraction reads Arabic only; other articles are kept and flagged.
"""

from __future__ import annotations

import re

_SAMPLE_CHARS = 800  # over a hundred words: enough to tell, and cheap
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "on",
        "with",
        "as",
        "was",
        "by",
        "at",
        "it",
        "from",
        "be",
        "are",
        "this",
        "an",
        "has",
        "have",
        "said",
        "were",
        "which",
        "will",
        "his",
        "their",
        "not",
        "or",
        "its",
        "had",
        "but",
        "been",
        "who",
        "also",
        "they",
        "he",
        "she",
        "after",
        "over",
        "than",
        "into",
        "about",
    ]
)
_LATIN_WORD = re.compile(r"[a-z]+")
# Share of words that must be English function words (running English text is about a third).
_ENGLISH_SHARE = 0.15


_LETTER = re.compile(r"[^\W\d_]")
_ARABIC_LETTER = re.compile(
    r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]"
)
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    sample = text[:_SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    arabic = len(_ARABIC_LETTER.findall(sample))
    latin = len(_ASCII_LETTER.findall(sample))
    if letters == 0:
        return "other"
    if arabic / letters >= 0.5:
        return "ar"
    if latin / letters >= 0.5:
        words = _LATIN_WORD.findall(sample.lower())
        if words and sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words) >= _ENGLISH_SHARE:
            return "en"
    return "other"
