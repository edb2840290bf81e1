"""Unicode for display and for matching.

`display_text` keeps the letters a reader sees and removes what only confuses software: zero-width and
bidi controls, no-break spaces, Arabic presentation forms. `normalize_for_matching` derives the form used
for matching and hashing: no tatweel or diacritics, one alef, ى→ي, ة→ه, ASCII digits, folded case and
white space. It deliberately does NOT map ى to ا, as some library helpers do.
"""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(
    [
        0x200B,
        0x200C,
        0x200D,
        0x2060,
        0xFEFF,
        0x00AD,  # zero-width spaces/joiners, word joiner, BOM, soft hyphen
        0x200E,
        0x200F,
        0x061C,  # LRM, RLM, Arabic letter mark
        *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO
        *range(0x2066, 0x206A),  # LRI RLI FSI PDI
    ]
)
_SPACES = {
    cp: " "
    for cp in (
        0x00A0,
        0x2007,
        0x202F,
        0x2000,
        0x2001,
        0x2002,
        0x2003,
        0x2004,
        0x2005,
        0x2006,
        0x2008,
        0x2009,
        0x200A,
        0x205F,
        0x3000,
    )
}
_DISPLAY_TABLE = {**_INVISIBLE, **_SPACES}

_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")

TATWEEL = "\u0640"
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
# Letter variants unified for matching. Applied as a chain of str.replace guarded by `in`, which is
# several times faster than str.translate with a dict on Arabic text (a cleaner hot path).
_MATCH_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ٲ", "ا"), ("ٳ", "ا"),
    ("ى", "ي"), ("ی", "ي"), ("ئ", "ي"),
    ("ؤ", "و"),
    ("ة", "ه"),
    ("ک", "ك"),
)  # fmt: skip
_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
_DIGIT_TABLE = str.maketrans(
    {**{chr(0x0660 + d): str(d) for d in range(10)}, **{chr(0x06F0 + d): str(d) for d in range(10)}}
)
_DISPLAY_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in _DISPLAY_TABLE) + "]")
# Only what needs changing (runs, or white space other than a plain space): a single space is left
# alone rather than replaced by itself, which makes these substitutions several times cheaper.
_WHITESPACE = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_ALL_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")


def _base_letter(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


def display_text(text: str) -> str:
    """Text for people: original letters, no invisible controls, plain spaces, base Arabic letters,
    one paragraph a line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if _DISPLAY_CHARS.search(text):
        text = text.translate(_DISPLAY_TABLE)
    if _PRESENTATION_FORMS.search(text):
        text = _PRESENTATION_FORMS.sub(_base_letter, text)
    if "\n" not in text:
        return _WHITESPACE.sub(" ", text).strip()
    lines = (_WHITESPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)  # one paragraph a line


def normalize_for_matching(text: str) -> str:
    """The matching and hashing form of `text` (apply to display text or raw text alike)."""
    return matching_form(display_text(text))


def matching_form(display: str) -> str:
    """`normalize_for_matching` of text already in display form (skips the display step)."""
    text = _DIACRITICS.sub("", display)
    for variant, letter in _MATCH_REPLACEMENTS:
        if variant in text:
            text = text.replace(variant, letter)
    if _DIGITS.search(text):
        text = text.translate(_DIGIT_TABLE)
    return _ALL_WHITESPACE.sub(" ", text.casefold()).strip()
