"""Names an article teaches: a person first named with a title ("وزير النقل اليمني بدر محمد باسملة",
"موسى أبو مرزوق نائب رئيس المكتب السياسي لحماس") is later called by the surname alone ("وقال باسملة",
"وطالب أبو مرزوق"). A name is the run of words right after (or right before) a titled actor that begins
with a given name (lexicon/given_names.yaml); it is learnt for the rest of the article, and its last word
is read as that actor wherever it comes back. No lexicon lists such people: the article says who they are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from workers.extract.actor import Actor
from workers.extract.context import ArticleContext
from workers.extract.given_names import default_given_names
from workers.extract.lexicon import Match
from workers.extract.text import Sentence

_WORD = re.compile(r"[^\W\d_]+")
_MAX_NAME_WORDS = 4
_MIN_SURNAME = 3
# Words that follow a title but are no name: times, adverbs, prepositions, verbs of saying.
_NOT_NAMES = frozenset(
    {"في", "من", "الي", "علي", "مع", "عن", "ان", "بان", "لان", "انه", "انها", "الذي", "التي", "قال", "اكد",
     "اليوم", "امس", "غدا", "يوم", "صباح", "مساء", "ليل", "خلال", "بعد", "قبل", "منذ", "لدي", "عند", "حيث",
     "كما", "ايضا", "كذلك", "بدوره", "بدورها", "مرة", "اول", "ثم", "قد", "لقد", "كان", "كانت", "لم", "لن",
     "لا", "ما", "هذا", "هذه", "ذلك", "تلك", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت",
     "الاحد", "اثناء", "وسط", "امام", "بين", "نحو", "حول", "عبر", "حتي", "او", "ام", "بل", "لكن",
     "السابق", "الاسبق", "الحالي", "الجديد", "المكلف", "بالوكاله", "العام", "الخاص", "الاعلي", "الاول",
     "الثاني", "السيد", "السيده", "الدكتور", "المهندس", "نايب", "مساعد", "مستشار", "مدير", "رييس", "عضو",
     "قايد", "امين", "وكيل", "سفير", "وزير", "ناطق", "متحدث", "مفتي", "الشيخ", "الامير"}
)  # fmt: skip


def learn_names(
    sentence: Sentence, matches: list[Match], actors: list[Actor], context: ArticleContext
) -> list[Actor]:
    """The actors, each titled person's span extended over the name that follows; the surnames learnt."""
    taught: list[Actor] = []
    claimed = 0  # the end of the last name taken: a name between two titles is the first one's
    for actor in actors:
        if actor.person and actor.source == "name":
            _learn_surname(sentence, actor, context)  # "وزير الدفاع الأميركي آشتون كارتر" … "كارتر"
        if not actor.person or actor.source not in ("title", "context") or actor.code == "UNK":
            taught.append(actor)
            continue
        after = _name_after(sentence, matches, actor.end)
        before = [] if after else _name_before(sentence, matches, actor.start)
        name = after or before
        if len(name) < 2 or len(name[-1][2]) < _MIN_SURNAME or name[0][0] < claimed:
            taught.append(actor)
            continue
        claimed = name[-1][1]
        context.aliases[name[-1][2]] = replace(actor, source="name")
        start, end = min(actor.start, name[0][0]), max(actor.end, name[-1][1])
        taught.append(replace(actor, start=start, end=end, text=sentence.display(start, end)))
    return taught


def named_again(
    sentence: Sentence, matches: list[Match], actors: list[Actor], context: ArticleContext
) -> list[Actor]:
    """Actors for the surnames the article taught, where they stand alone in this sentence."""
    if not context.aliases or not any(name in sentence.matching for name in context.aliases):
        return actors
    taken = [(a.start, a.end) for a in actors] + [(m.start, m.end) for m in matches]
    found = list(actors)
    for word in _WORD.finditer(sentence.matching):
        text, start = word.group(), word.start()
        for prefix in ("", "و", "ف", "ل", "ب", "ول", "وب"):
            if text.startswith(prefix) and text[len(prefix) :] in context.aliases:
                if any(s <= start < e for s, e in taken):
                    break
                known = context.aliases[text[len(prefix) :]]
                lead = "ل" if prefix.endswith("ل") else "ب" if prefix.endswith("ب") else ""
                found.append(
                    replace(known, start=start, end=word.end(), text=sentence.display(start, word.end()),
                            lead=lead, conjoined=prefix.startswith("و"))
                )  # fmt: skip
                break
    return sorted(found, key=lambda a: a.start)


def _learn_surname(sentence: Sentence, actor: Actor, context: ArticleContext) -> None:
    """The last word of a known person's full name, when it is no given name and no ordinary word."""
    found = _WORD.findall(sentence.matching[actor.start : actor.end])
    if len(found) < 2:
        return
    surname = found[-1]
    if len(surname) < _MIN_SURNAME or surname in _NOT_NAMES:
        return  # a given name is a surname too once the full name was read: "محمود عباس" … "عباس"
    context.aliases.setdefault(surname, actor)


def _given(text: str, start: int) -> bool:
    """Does a given name (one or two words: "بدر", "عبد الله") begin at `start`?"""
    found = _WORD.findall(text[start : start + 30])
    names = default_given_names()
    return bool(found) and (found[0] in names or " ".join(found[:2]) in names)


def _name_before(sentence: Sentence, matches: list[Match], start: int) -> list[tuple[int, int, str]]:
    """The words of a name right before a titled actor ("دعا موسى أبو مرزوق نائب رئيس …"), or none."""
    found = [w for w in _WORD.finditer(sentence.matching[:start])][-_MAX_NAME_WORDS:]
    name: list[tuple[int, int, str]] = []
    for word in reversed(found):
        text = word.group()
        gap = sentence.matching[word.end() : name[0][0] if name else start].strip()
        if gap or text in _NOT_NAMES or any(m.start <= word.start() < m.end for m in matches):
            break
        name.insert(0, (word.start(), word.end(), text))
    while name and not _given(sentence.matching, name[0][0]):
        name.pop(0)
    return name


def _name_after(sentence: Sentence, matches: list[Match], end: int) -> list[tuple[int, int, str]]:
    """The words of a person's name right after a title (at most a comma between), or none."""
    rest = sentence.matching[end:]
    skipped = len(rest) - len(rest.lstrip(" ،,"))
    if rest[:skipped].count("،") + rest[:skipped].count(",") > 1:
        return []
    position = end + skipped
    name: list[tuple[int, int, str]] = []
    for word in _WORD.finditer(sentence.matching, position):
        if word.start() != position or len(name) == _MAX_NAME_WORDS:
            break
        text = word.group()
        if text in _NOT_NAMES or any(m.start <= word.start() < m.end for m in matches):
            break
        if not name and not _given(sentence.matching, word.start()):
            break  # a name begins with a given name: "الرئيس الفلسطيني السفارة" names no one
        name.append((word.start(), word.end(), text))
        position = word.end() + 1
        if position > len(sentence.matching) or sentence.matching[word.end() : position] != " ":
            break
    return name
