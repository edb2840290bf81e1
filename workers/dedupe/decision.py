"""One decision: are two articles the same story? From their similarity, containment and facts.

Three things are measured of a candidate pair, and this module weighs them in one place:

- the estimated Jaccard similarity of their shingle sets (`workers.dedupe.minhash`);
- the containment of the shorter in the longer, |A∩B| / min(|A|, |B|), and whether the shared passage
  holds the longer article's opening (`passage`): a short wire item that is the lead of a longer story
  shares its opening, a short item that is only a side part of a bundle shares a later section;
- the facts of their titles and leads (`workers.dedupe.facts`): a template filled with other facts
  (another head of state, another flight, another day) conflicts, however similar the wording.

Rules, in order (the first that applies decides):

1. conflicting facts in the title and lead, or several people or figures each article names and the
   other never does (`workers.dedupe.facts`): distinct, whatever the wording shares. A short cable
   whose only change is the head of state is over 0.8 similar and still another story; a copy of one
   story cannot conflict, since a fact counts against a copy only when the copy never names it anywhere.
2. similar: similarity ≥ the stage's threshold (settings.dedupe_threshold; SIMILAR is its default).
3. contained lead: containment ≥ CONTAINED and the shared passage holds the longer article's opening
   (≥ LEAD_SHARED of its first LEAD_SHINGLES shingles): the short item is the lead of the longer story,
   or a trimmed copy of it. The stage finds such pairs through the bands of their openings
   (`workers.dedupe.minhash.lead_signature`), since their whole texts are seldom similar.
4. contained side part: containment ≥ CONTAINED, the opening not shared: a secondary part of a story
   led by another one. Distinct.
5. otherwise distinct: too little text in common.

Thresholds were chosen on half `a` of the team's judged real pairs (bench/dedupe_real_pairs.jsonl).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workers.dedupe.facts import FactComparison, FactKind
from workers.dedupe.minhash import SHINGLE_WORDS, shingles
from workers.settings import Settings

__all__ = [
    "CONTAINED",
    "LEAD_SHARED",
    "LEAD_SHINGLES",
    "SIMILAR",
    "Decision",
    "Passage",
    "decide",
    "may_link",
    "passage",
]

# Similar wording: the default of the stage's threshold (settings.dedupe_threshold), which the stage
# passes to `decide`.
SIMILAR: float = Settings.model_fields["dedupe_threshold"].default
# Rewrites and leads of longer stories keep most of the shorter text (containment 0.55-0.95 on the
# judged pairs); templates filled with other facts keep about half (0.2-0.6), and those above are told
# apart by their facts or by where the shared passage lies.
CONTAINED = 0.55
# The longer article's opening: its first 40 shingles (about 42 words, a wire lead's first sentence and
# the start of the next). Saudi leads open with a title formula of 15 words or more ("نائب خادم الحرمين
# الشريفين صاحب السمو الملكي الأمير …"): over 20 shingles, two events of one prince (a reception, an
# inspection) shared three quarters of their openings; over 40, the formula is the smaller part and what
# was done, where, decides. Chosen on half a: 35 to 45 shingles give the same decisions.
LEAD_SHINGLES = 40
LEAD_SHARED = 0.5  # share of that opening found in the shorter text for it to be the shared lead

# The order conflicts are told in: the most telling first.
_TOLD = (
    FactKind.NUMBER, FactKind.DATE, FactKind.ORDINAL, FactKind.PERSON, FactKind.STATE, FactKind.PLACE,
    FactKind.ORGANIZATION, FactKind.WEEKDAY, FactKind.YEAR,
)  # fmt: skip
_WORDS_OF = {
    FactKind.NUMBER: "numbers", FactKind.DATE: "dates", FactKind.ORDINAL: "ordinals",
    FactKind.PERSON: "people", FactKind.STATE: "states", FactKind.PLACE: "places",
    FactKind.ORGANIZATION: "bodies", FactKind.WEEKDAY: "weekdays", FactKind.YEAR: "years",
}  # fmt: skip
_WORDS = re.compile(r"\w+")  # as workers.dedupe.minhash reads words


@dataclass(frozen=True)
class Passage:
    """What the two texts share: the containment of the shorter, and whether it holds the longer's lead."""

    containment: float  # |A∩B| / min(|A|, |B|) of the shingle sets, 0..1
    lead_shared: (
        float  # share of the longer text's opening (LEAD_SHINGLES shingles at most) found in the shorter
    )


@dataclass(frozen=True)
class Decision:
    duplicate: bool
    rule: str  # conflict | similar | contained_lead | side_part | different
    why: str  # in words, for the article_duplicates row and `marsad similar`


def passage(a: str, b: str) -> Passage:
    """The shared passage of two normalised texts (exact, from their shingle sets)."""
    first, second = shingles(a), shingles(b)
    if not first or not second:
        return Passage(0.0, 0.0)
    shorter, longer = (a, b) if len(first) <= len(second) else (b, a)
    small, large = (first, second) if shorter is a else (second, first)
    # The opening is no longer than the shorter text: a trimmed copy of a short story cannot hold more.
    reach = min(LEAD_SHINGLES, len(small))
    opening = shingles(" ".join(_WORDS.findall(longer)[: reach + SHINGLE_WORDS - 1]))
    return Passage(round(len(small & large) / len(small), 3), round(len(opening & small) / len(opening), 3))


def may_link(similarity: float, shared: Passage, similar: float = SIMILAR) -> bool:
    """Whether `decide` could call the pair a duplicate: facts can only keep a pair apart, so when this
    is False their facts need not be read."""
    return similarity >= similar or (shared.containment >= CONTAINED and shared.lead_shared >= LEAD_SHARED)


def decide(similarity: float, shared: Passage, facts: FactComparison, similar: float = SIMILAR) -> Decision:
    """Whether two articles are the same story, by the rules of the module's docstring, and why.
    `similar` is the similarity from which agreeing facts make a duplicate (the stage's threshold)."""
    conflict = facts.conflict(*_TOLD)
    if conflict is not None:
        ours, theirs = "، ".join(conflict.ours[:3]), "، ".join(conflict.theirs[:3])
        where = "in the lead" if conflict.where == "lead" else "named in each article and not the other"
        return Decision(
            False, "conflict", f"different {_WORDS_OF[conflict.kind]} {where}: {ours} vs {theirs}"
        )
    if similarity >= similar:
        return Decision(True, "similar", f"similar wording (similarity {similarity:.2f}), facts agree")
    if shared.containment >= CONTAINED and shared.lead_shared >= LEAD_SHARED:
        return Decision(
            True,
            "contained_lead",
            f"short item is the lead of the longer story (containment {shared.containment:.2f})",
        )
    if shared.containment >= CONTAINED:
        return Decision(
            False,
            "side_part",
            f"short item is a side part of a longer story led by another "
            f"(containment {shared.containment:.2f}, its opening not shared)",
        )
    return Decision(
        False,
        "different",
        f"too little in common (similarity {similarity:.2f}, containment {shared.containment:.2f})",
    )
