"""Step 2, frames: the triggers of a sentence, each with the event it signals and the frame that says which
slots of the sentence fill its actor and recipient (frames.yaml).

A trigger that is another word in its context is dropped here, with the reason: a word the group
`requires` is missing ("عقوبات" with no "فرض"), or the word before or after vetoes it ("في مقاطعة": a
province; "حشد من": a crowd). An `alternative` reading replaces the trigger's event where its words stand
near ("أدانت المحكمة": a court convicting).
"""

from __future__ import annotations

from dataclasses import dataclass

from workers.extract.lexicon import Frame, Kind, Lexicon, Match, Trigger
from workers.extract.mentions import WORDS
from workers.extract.text import Sentence, words

_NEAR = 5  # words either side of a trigger that its context words may stand in
_REACH = 120  # and characters: "وصف تصريحات الإدارة الأميركية … بأنها تبجح"


@dataclass(frozen=True)
class Candidate:
    match: Match
    type: str
    mode: str | None
    frame: Frame
    noun: bool  # a verbal noun ("لقاء", "زيارة") rather than a verb ("التقى", "زار")
    feminine: bool = (
        False  # a verb in the feminine ("دعت", "تطالب"), which agrees only with a feminine subject
    )


@dataclass(frozen=True)
class Dropped:
    """A trigger or candidate that did not become an event, and the step and reason that decided it."""

    step: str
    reason: str
    type: str
    trigger: str
    sentence: str
    actors: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()


_NOUN_TRIGGERS = frozenset(
    {"اتصالا", "اجتماعا", "هجوما", "تهديدا", "اعتصاما", "اضرابا", "انسحابا", "اتفاقا", "اتصالين", "قصفا",
     "لقاء", "اجتماع", "اتصال", "هجوم", "قصف", "تفجير", "اعتقال", "انسحاب", "اغتيال", "احتجاج", "اعتصام",
     "تنسيق", "توقيع", "تهديد", "اتفاق", "استقبال", "اضراب", "حشد", "طرد", "دعوه", "مطالبه", "ادانه", "رفض"}
)  # fmt: skip
_VERB_FORMS = ("التقي", "اتفق", "اجتمع", "استقبل", "استهدف", "اعتقل", "احتجز", "انسحب", "استقال", "اتهم")


# Verbs that take a verbal noun as their object: the trigger after them is a noun ("أكد تضامنه", "أعادت
# فرض العقوبات", "شنت غارات"), whatever its letters say.
_LIGHT_VERBS = frozenset(
    {"اكد", "اكدت", "اعلن", "اعلنت", "اعرب", "اعربت", "عبر", "عبرت", "ابدي", "ابدت", "جدد", "جددت", "بدا",
     "بدات", "اجري", "اجرت", "عقد", "عقدت", "شن", "شنت", "قرر", "قررت", "اعاد", "اعادت", "واصل", "واصلت",
     "استانف", "استانفت", "يعتزم", "تعتزم", "ينوي", "تنوي", "رفض", "رفضت", "طالب", "طالبت", "يواصل", "تواصل"}
)  # fmt: skip


def is_noun(match: Match, sentence: Sentence | None = None) -> bool:
    """A verbal noun ("لقاء", "المباحثات", "زيارة") rather than a verb ("التقى", "زار")."""
    if sentence is not None:
        before = words(sentence.matching[max(0, match.start - 12) : match.start])[-1:]
        if before and (before[0] in _LIGHT_VERBS or (before[0][1:] in _LIGHT_VERBS and before[0][0] in "وف")):
            return True
    form = match.form
    if match.prefix.endswith(("ال", "لل")) or (form.startswith("ال") and not form.startswith(_VERB_FORMS)):
        return True
    if match.prefix.endswith(("ل", "ب")) and not form.startswith(("ي", "ت", "ن")):
        return True  # "لعقد لقاء", "بطرد": a verbal noun after a preposition (not "ليلتقي")
    first = form.split()[0]
    return (
        first in _NOUN_TRIGGERS
        or first.endswith(("ات", "ه", "اء"))
        or first.startswith(("مباحث", "محادث", "مكالم"))
    )


def find_candidates(
    sentence: Sentence, matches: list[Match], lexicon: Lexicon
) -> tuple[list[Candidate], list[Dropped]]:
    candidates: list[Candidate] = []
    dropped: list[Dropped] = []
    tokens: list[tuple[int, int, str]] = []
    for match in matches:
        entry = match.first(Kind.TRIGGER)
        if entry is None or entry.trigger is None:
            continue
        if not tokens:
            tokens = [(w.start(), w.end(), _bare(w.group())) for w in WORDS.finditer(sentence.matching)]
        trigger: Trigger = entry.trigger
        shown = sentence.display(match.start + len(match.prefix), match.end)
        head = match.start + len(match.prefix)
        index = next((i for i, (s, e, _) in enumerate(tokens) if s <= head < e), 0)
        last = next((i for i, (s, e, _) in enumerate(tokens) if s < match.end <= e), index)
        before = tokens[index - 1][2] if index > 0 else ""
        after = tokens[last + 1][2] if last + 1 < len(tokens) else ""
        near = {w for _, _, w in tokens[max(0, index - _NEAR) : last + 1 + _NEAR]}
        near |= set(words(sentence.matching[max(0, match.start - _REACH) : match.end + _REACH]))
        if before in trigger.vetoes_before or after in trigger.vetoes_after:
            dropped.append(Dropped("frames", "another word here", trigger.type, shown, sentence.text))
            continue
        if trigger.requires and not (near | {_unarticled(w) for w in near}) & set(trigger.requires):
            dropped.append(Dropped("frames", "no context word", trigger.type, shown, sentence.text))
            continue
        event_type, mode, frame = trigger.type, trigger.mode, trigger.frame
        for other in trigger.alternatives:
            if near & set(other.near):
                event_type, mode, frame = other.type, other.mode, other.frame
                break
        noun = is_noun(match, sentence)
        feminine = not noun and _feminine_verb(match.form.split()[0], lexicon)
        candidates.append(Candidate(match, event_type, mode, lexicon.frames[frame], noun, feminine))
    return candidates, dropped


def _feminine_verb(verb: str, lexicon: Lexicon) -> bool:
    """ "دعت", "طالبت" (past) and "تطالب" (present, when "يطالب" is a trigger too) are feminine; "توعد",
    "تعهد" begin with ت but are masculine past verbs."""
    if verb.endswith("ت") and not verb.endswith("ات"):
        return True
    return verb.startswith("ت") and lexicon.is_trigger("ي" + verb[1:])


_ARTICLES = ("وبال", "فبال", "بال", "وال", "فال", "ال", "لل", "كال")


def _unarticled(word: str) -> str:
    """A word without its article and the preposition before it: "بالإرهابي" → "ارهابي"."""
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 3:
            return word[len(article) :]
    return word


def _bare(word: str) -> str:
    """A word without a leading conjunction: "وفي" → "في"."""
    return word[1:] if word[:1] in ("و", "ف") and len(word) > 2 else word
