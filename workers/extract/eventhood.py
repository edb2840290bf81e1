"""Step 4, event-hood: did the event the candidate describes happen, as a political event?

A candidate is no event when it is negated or denied ("لم يلتق", "نفى أن"), hypothetical ("في حال وقوع
هجوم", "قد ينسحب"), only intended ("يعتزم الانسحاب"), a habit ("اعتاد زيارة"), what another event asks for
or refuses ("طالب بالإفراج عن", "رفض سحب"), a noun pointing back at an event already told ("الاجتماع"
alone, "لاحتجازه"), play in a football report, or history (dated more than a season before the article).
A meeting or visit announced for the future is an AGREE between its sides; a coercive act announced for
the future by its doer is a THREATEN. Each decision is a small function returning its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from workers.extract.frames import Candidate
from workers.extract.lexicon import Kind, Match
from workers.extract.mentions import WORDS
from workers.extract.roles import Roles
from workers.extract.text import Sentence, words

_DENIALS = frozenset({"نفي", "نفت", "ينفي", "تنفي", "نفيا", "ونفي", "ونفت", "نافيا", "نافيه"})
# A claim reported and then denied in its own sentence: "… طلب من بوتين …، وهو ما نفاه بيسكوف".
_DENIED_AFTER = ("ما نفاه", "ما نفته", "ما نفوه", "الذي نفاه", "الذي نفته", "ما نفياه", "وهو ما نفته")
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_FUTURE_REACH = 60
_DURING_IT = frozenset({"خلاله", "خلالها", "خلالهما", "فيه", "فيها", "اثناءه", "اثناءها"})
_FUTURE_VERB = re.compile(r"^[وف]?س[يتن]\w{3,}$")  # "سيعقد", "وستبدأ"; not "سياق", "سنة"
_TEASERS = (
    "للمزيد",
    "اقرا ايضا",
    "اقرا المزيد",
    "طالع ايضا",
    "شاهد ايضا",
    "اقرا كذلك",
)  # characters either side of a trigger a future cue governs
_HISTORY = timedelta(days=60)  # an event dated this long before the article is history, not news
# Events that ask, refuse, threaten or allege: a trigger inside what they are about is no event of its own.
_GOVERNING = frozenset({"REQUEST", "REJECT", "THREATEN", "ACCUSE", "AGREE"})
_CONTENT_REACH = 60
_THREAT_MODES = {"ASSAULT": "violence", "SANCTION": "sanction", "COERCE": "arrest", "MOBILIZE": "violence"}


@dataclass(frozen=True)
class Verdict:
    type: str
    mode: str | None
    symmetric: bool  # the event's sides are all actors (a meeting announced for later)


def judge(
    candidate: Candidate,
    roles: Roles,
    sentence: Sentence,
    matches: list[Match],
    candidates: list[Candidate],
    published: date | None,
    when: tuple[date | None, str],
) -> Verdict | str:
    """The event the candidate is, or why it is none."""
    match = candidate.match
    checks: tuple[tuple[str, Callable[[], bool]], ...] = (
        ("football", lambda: any(m.first(Kind.SPORT) for m in matches)),
        ("negated", lambda: _negated(sentence, matches, candidate)),
        ("denied", lambda: _denied(sentence, match)),
        ("habit", lambda: _before(matches, match, Kind.HABITUAL, 80)),
        ("conditional", lambda: _before(matches, match, Kind.CONDITIONAL, len(sentence.matching))),
        ("a teaser of another story", lambda: _teaser(sentence)),
        ("may happen", lambda: _modal(sentence, matches, match)),
        ("what another event is about", lambda: _content(sentence, candidates, candidate)),
        ("told before", lambda: _told_before(sentence, candidate, roles)),
        ("history", lambda: _history(sentence, published, when)),
    )
    for reason, test in checks:
        if test():
            return reason
    future = _future(sentence, matches, match)
    intended = _before(matches, match, Kind.INTENTION, 24) or _almost(sentence, match)
    if candidate.type == "CONSULT" and (future or intended):
        return Verdict("AGREE", None, symmetric=True)  # a meeting or visit announced
    if intended:
        return "only intended"
    if future and candidate.type in _THREAT_MODES and not candidate.noun:
        return Verdict("THREATEN", _THREAT_MODES[candidate.type], symmetric=False)
    if future and candidate.type in ("AID", "RETREAT", "PROTEST", "SUPPORT", "CONCEDE", "COOPERATE"):
        return "not yet"
    return Verdict(candidate.type, candidate.mode, symmetric=candidate.frame.symmetric)


def _before(matches: list[Match], trigger: Match, kind: Kind, reach: int) -> bool:
    return any(m.first(kind) is not None and 0 <= trigger.start - m.end <= reach for m in matches)


def _negated(sentence: Sentence, matches: list[Match], candidate: Candidate) -> bool:
    """A negation particle right before a verb, or before a noun in its clause ("لم يعقد أي لقاء")."""
    reach = 40 if candidate.noun else 12
    trigger = candidate.match
    for match in matches:
        if match.first(Kind.NEGATION) is None or not 0 <= trigger.start - match.end <= reach:
            continue
        between = sentence.matching[match.end : trigger.start]
        if not any(mark in between for mark in "،,؛:"):
            return True
    return False


def _denied(sentence: Sentence, trigger: Match) -> bool:
    if any(word in _DENIALS for word in words(sentence.matching[: trigger.start])):
        return True  # "نفى … أن يكون"
    return any(denial in sentence.matching[trigger.end :] for denial in _DENIED_AFTER)


def _modal(sentence: Sentence, matches: list[Match], trigger: Match) -> bool:
    """ "قد ينسحب", "ربما يلتقي": may happen. "قد" before a past verb ("وكان قد زار") is no doubt."""
    for match in matches:
        if match.first(Kind.MODAL) is None or not 0 <= trigger.start - match.end <= 20:
            continue
        if match.form == "قد":  # "قد ينسحب", "قد تشن هجوما"; not "قد انسحب" (emphasis)
            verb = words(sentence.matching[match.end : match.end + 16])[:1]
            return bool(verb) and verb[0].startswith(("ي", "ت"))
        return True
    return False


def _almost(sentence: Sentence, trigger: Match) -> bool:
    """ "قرر الانسحاب تقريباً": a decision almost taken (not "منذ عام تقريباً", about a year)."""
    decided = {"قرر", "قررت", "وقرر", "وقررت"} & set(
        words(sentence.matching[max(0, trigger.start - 14) : trigger.start])
    )
    return bool(decided) and "تقريبا" in words(sentence.matching[trigger.end : trigger.end + 40])


def _teaser(sentence: Sentence) -> bool:
    """ "للمزيد: …", "اقرأ أيضاً: …": a link to another story left in the body."""
    return sentence.matching.startswith(_TEASERS)


def _future(sentence: Sentence, matches: list[Match], trigger: Match) -> bool:
    if "س" in trigger.prefix:
        return True
    before = words(sentence.matching[max(0, trigger.start - 16) : trigger.start])[-1:]
    if before and _FUTURE_VERB.match(before[0]) and not before[0].endswith(("ه", "ات")):
        return True  # "وسيتبعها اجتماع", "ستعقد قمة": the verb that governs the noun is future
    for m in matches:
        if m.first(Kind.FUTURE) is None:
            continue
        if 0 <= trigger.start - m.end <= _FUTURE_REACH and not any(
            m.end <= other.start < trigger.start
            and other.first(Kind.CLAUSE)
            and not (other.form == "ان" and other.start - m.end <= 2)  # "من المقرر أن يلتقي"
            for other in matches
        ):
            return True  # "قرار ترامب عقد اجتماع"; not "جاء القرار بعد أن خرج آلاف"
        between = sentence.matching[trigger.end : m.start]
        if 0 <= m.start - trigger.end <= _FUTURE_REACH and not any(mark in between for mark in "،,؛:"):
            return True
    return False


def _content(sentence: Sentence, candidates: list[Candidate], candidate: Candidate) -> bool:
    """Is the candidate what an earlier request, refusal, threat or accusation of its clause is about
    ("طالبت بالإفراج عن", "رفض سحب قواته", "هدد بطرد", "اتهمه بتنفيذ هجوم")?"""
    for other in candidates:
        if other is candidate or other.type not in _GOVERNING or other.match.end > candidate.match.start:
            continue
        between = sentence.matching[other.match.end : candidate.match.start]
        if len(between) > _CONTENT_REACH or any(mark in between for mark in '،,؛:."«»'):
            continue
        if other.type == "AGREE" and other.frame.symmetric:
            continue  # "اتفقا على عقد اجتماع" is itself an agreement about the meeting
        return True
    return False


def _told_before(sentence: Sentence, candidate: Candidate, roles: Roles) -> bool:
    """ "الاجتماع", "اللقاء" with nobody named after them, and "لاحتجازه", "باعتقاله" (his detention) point
    back at an event already told."""
    match = candidate.match
    rest = WORDS.match(sentence.matching, match.end)
    if (
        rest is not None
        and rest.group() in ("ه", "ها", "هما", "هم", "هن")
        and match.prefix in ("ل", "ب", "ول", "وب")
    ):
        return True
    following = words(sentence.matching[match.end : match.end + 16])[:1]
    if candidate.type == "CONSULT" and following and following[0] in _DURING_IT:
        return True  # "اتصالا هاتفيا … بحثا خلاله": what was said in the call told before
    if candidate.type not in ("CONSULT", "AGREE", "SUPPORT") or not candidate.noun:
        return False
    definite = match.prefix.endswith(("ال", "لل")) or match.form.startswith("ال")
    return definite and not {"genitive", "مع", "بين"} & set(roles.slots)


def _history(sentence: Sentence, published: date | None, when: tuple[date | None, str]) -> bool:
    """Dated more than a season before the article, or in an earlier year only ("عام 2012")."""
    if published is None:
        return False
    day, precision = when
    if day is not None and precision == "day":
        return day < published - _HISTORY
    years = {int(y) for y in _YEAR.findall(sentence.matching)}
    return bool(years) and max(years) < published.year and published.month > 2
