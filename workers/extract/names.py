"""Names an article teaches: a person first named with a title ("وزير النقل اليمني بدر محمد باسملة",
"المرجع الديني محمود الصرخي") is later called by the surname alone ("وقال باسملة", "دعا الصرخي"). The
name after a titled actor is learnt for the rest of the article, and the surname is read as that actor
wherever it comes back. No lexicon lists such people: the article itself says who they are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from workers.extract.actor import Actor
from workers.extract.context import ArticleContext
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
     "الثاني", "السيد", "السيده", "الدكتور", "المهندس"}
)  # fmt: skip


def learn_names(
    sentence: Sentence, matches: list[Match], actors: list[Actor], context: ArticleContext
) -> list[Actor]:
    """The actors, each titled person's span extended over the name that follows; the surnames learnt."""
    taught: list[Actor] = []
    for actor in actors:
        if not actor.person or actor.source not in ("title", "context") or actor.code == "UNK":
            taught.append(actor)
            continue
        name = _name_after(sentence, matches, actor.end)
        if not name:
            taught.append(actor)
            continue
        end = name[-1][1]
        surname = name[-1][2]
        if len(surname) >= _MIN_SURNAME and len(name) >= 2:
            context.aliases[surname] = replace(actor, source="name")
        taught.append(replace(actor, end=end, text=sentence.display(actor.start, end)))
    return taught


def named_again(
    sentence: Sentence, matches: list[Match], actors: list[Actor], context: ArticleContext
) -> list[Actor]:
    """Actors for the surnames the article taught, where they stand alone in this sentence."""
    if not context.aliases:
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
        if not name and (text.startswith("ال") or text.startswith("و")):
            break  # a given name is indefinite: "الرئيس الفلسطيني السفارة" names no one
        name.append((word.start(), word.end(), text))
        position = word.end() + 1
        if position > len(sentence.matching) or sentence.matching[word.end() : position] != " ":
            break
    return name
