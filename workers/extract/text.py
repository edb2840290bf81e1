"""Sentences of an article, each in display form and in matching form with a map between the two.

Lexicon matches are found in the matching form (no diacritics, unified letters) but reported as offsets
in the article's display text: `Sentence.display_span` maps them back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.clean.normalize import TATWEEL

_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")
_DROPPED = re.compile(
    "[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed" + TATWEEL + "]"
)
_VARIANTS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و",
    "ة": "ه", "ک": "ك",
    **{chr(0x0660 + d): str(d) for d in range(10)},
    **{chr(0x06F0 + d): str(d) for d in range(10)},
}  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    text: str  # display form
    start: int  # offset of `text` in the article's display body
    matching: str  # matching form
    index: tuple[int, ...]  # for each character of `matching`, its offset in `text`
    marbuta: frozenset[int] = frozenset()  # positions in `matching` that were ة in `text`

    def display_span(self, start: int, end: int) -> tuple[int, int]:
        """Article offsets of matching-form characters [start, end)."""
        first = self.index[start]
        last = self.index[end - 1] + 1
        return self.start + first, self.start + last

    def display(self, start: int, end: int) -> str:
        a, b = self.display_span(start, end)
        return self.text[a - self.start : b - self.start]


_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of `text` (letters and digits), in order."""
    return [str(word) for word in _WORD.findall(text)]


_FORMS: dict[str, str] = {}  # each character's matching form: "" dropped, " " a space, else the letter


def _form(char: str) -> str:
    form = _FORMS.get(char)
    if form is None:
        if _DROPPED.match(char):
            form = ""
        elif char.isspace():
            form = " "
        else:
            form = _VARIANTS.get(char, char).lower()
        _FORMS[char] = form
    return form


_TABLE = str.maketrans(_VARIANTS)
_TEH_MARBUTA = re.compile("ة")
_UNUSUAL_SPACE = re.compile(r"[^\S ]|  |^ | $")


def matching_with_index(text: str) -> tuple[str, tuple[int, ...]]:
    """`text` in matching form, and the offset in `text` of each character kept."""
    if not _DROPPED.search(text) and not _UNUSUAL_SPACE.search(text):
        matching = text.translate(_TABLE).lower()  # most text: one character for one
        if len(matching) == len(text):
            return matching, tuple(range(len(text)))
    chars: list[str] = []
    index: list[int] = []
    previous_space = True
    forms = _FORMS
    for position, char in enumerate(text):
        form = forms.get(char) or _form(char)
        if not form:
            continue
        if form == " ":
            if previous_space:
                continue
            previous_space = True
        else:
            previous_space = False
        chars.append(form)
        index.append(position)
    while chars and chars[-1] == " ":
        chars.pop()
        index.pop()
    return "".join(chars), tuple(index)


def _marbuta(text: str, index: tuple[int, ...]) -> frozenset[int]:
    """The positions in the matching form of the letters that were ة in `text`."""
    found = [m.start() for m in _TEH_MARBUTA.finditer(text)]
    if not found:
        return frozenset()
    if len(index) == len(text):
        return frozenset(found)  # one character for one
    where = {original: i for i, original in enumerate(index)}
    return frozenset(where[position] for position in found if position in where)


def split_sentences(body: str) -> list[Sentence]:
    """The sentences of a display body (paragraphs are split at . ! ? ؟ followed by space)."""
    sentences = []
    position = 0
    for piece in _SENTENCE_END.split(body):
        start = body.find(piece, position) if piece else position
        position = start + len(piece)
        stripped = piece.strip()
        if len(stripped) < 3:
            continue
        offset = start + (len(piece) - len(piece.lstrip()))
        matching, index = matching_with_index(stripped)
        marbuta = _marbuta(stripped, index)
        sentences.append(Sentence(stripped, offset, matching, index, marbuta))
    return sentences
