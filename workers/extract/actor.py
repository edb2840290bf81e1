"""An actor as a sentence names it: who (code, name, sector), where (span), and how it was recognised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    code: str  # ISO 3166-1 alpha-3, an organisation's code, or UNK
    name: str  # canonical English name of the person, state or body
    sector: str | None  # CAMEO sector: GOV, MIL, COP, REB, IGO …
    text: str  # the words of the sentence, in display form
    start: int  # matching-form offsets within the sentence
    end: int
    strong: bool = True  # a name, title or state; weak: a nationality adjective on some other noun
    lead: str = ""  # the preposition that introduces it, in matching form ("مع", "علي", "ل" …), or ""
    paired: bool = False  # read from "الجانبان" / "البلدين": the two sides named before
    venue: bool = False  # "قمة مجموعة العشرين": where it happened, not who took part
    conjoined: bool = False  # begins with the conjunction و: "والولايات المتحدة"
    role: str | None = None  # the office: head_of_state, foreign_minister … (titles.yaml, people_*.yaml)
    source: str = "name"  # how it was recognised: name, title, context, pronoun, pair, generic
    person: bool = False  # a person (named or by office), not a state, body or crowd
    feminine: bool = False  # the grammatical gender of its head word ("الحكومة", "روسيا", "وزيرة")
    oblique: bool = False  # in a form only an object takes: "الطرفين", "الجانبين" (not "الطرفان")
