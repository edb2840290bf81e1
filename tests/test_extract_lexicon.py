"""The extractor's lexicons: every entry loads, and duplicates or conflicts are refused."""

from __future__ import annotations

from pathlib import Path

import pycountry
import pytest
import yaml

from workers.clean.normalize import normalize_for_matching
from workers.extract.lexicon import (
    LEXICON_DIR,
    PLOVER_TYPES,
    Entry,
    Kind,
    _Builder,
    adjective_forms,
    default_lexicon,
    load_people,
)

EVENTS_MD_CODES = {"UNO", "EUR", "NATO", "ASEAN", "G20", "ARL", "GCC", "OIC", "AFU", "EEU", "CSTO"}
EVENTS_MD_CODES |= {"ISIL", "AQ", "NUSRA", "HEZ", "HAMAS", "HOUTHI"}


def load(name: str) -> dict:
    return yaml.safe_load((LEXICON_DIR / name).read_text(encoding="utf-8"))


def test_the_whole_lexicon_builds_and_has_a_version() -> None:
    lexicon = default_lexicon()
    assert lexicon.version.startswith("lexicon-")
    assert len(lexicon.countries) == len(pycountry.countries)
    assert set(lexicon.organizations) >= EVENTS_MD_CODES


def test_every_country_code_is_iso_alpha3_and_has_a_name() -> None:
    countries = load("countries.yaml")["countries"]
    for code, entry in countries.items():
        assert pycountry.countries.get(alpha_3=code) is not None, code
        assert entry["names"], code


def test_every_person_loads_with_valid_terms() -> None:
    people = load_people(sorted(LEXICON_DIR.glob("people_*.yaml")))
    assert len(people) > 800
    codes = set(default_lexicon().countries) | set(default_lexicon().organizations)
    for person in people:
        for term in person.terms:
            assert term.code in codes, (person.name, term.code)


def test_every_trigger_type_is_a_plover_type_and_every_type_has_triggers() -> None:
    triggers = load("triggers.yaml")["triggers"]
    assert set(triggers) == set(PLOVER_TYPES)


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("الرئيس الروسي", Kind.ADJECTIVE, "RUS"),
        ("فلاديمير بوتين", Kind.PERSON, None),
        ("الكرملين", Kind.METONYM, "RUS"),
        ("الأمين العام للأمم المتحدة", Kind.ORGANIZATION_HEAD, "UNO"),
        ("تنظيم داعش", Kind.ORGANIZATION, "ISIL"),
        ("أمريكا اللاتينية", Kind.EXCLUDED, None),
        ("مكالمة هاتفية", Kind.TRIGGER, None),
        ("سيناء", Kind.PLACE, "EGY"),
        ("منطقة عسير", Kind.PLACE, "SAU"),
        ("عنيزة", Kind.PLACE, "SAU"),  # a GeoNames town named in Arabic by regions.yaml's arabic_names
    ],
)
def test_lexicon_finds(text: str, kind: Kind, code: str | None) -> None:
    matches = default_lexicon().find(normalize_for_matching(text))
    entries = [e for m in matches for e in m.entries if e.kind is kind]
    assert entries, text
    if code:
        assert any(e.code == code for e in entries)


@pytest.mark.parametrize(
    ("text", "negated"),
    [("ولم يلتق", True), ("فلن يلتقي", True), ("سلم المركز", False), ("بلم", False), ("لعدم التزامه", True)],
)
def test_a_negation_particle_takes_only_a_conjunction(text: str, negated: bool) -> None:
    matches = default_lexicon().find(normalize_for_matching(text))
    assert any(m.first(Kind.NEGATION) for m in matches) is negated


def test_a_name_given_to_two_owners_is_refused() -> None:
    builder = _Builder()
    builder.add("روسيا", Entry(Kind.COUNTRY, "RUS"), "test", "state", "RUS")
    with pytest.raises(ValueError, match="already belongs to RUS"):
        builder.add("روسيا", Entry(Kind.COUNTRY, "BLR"), "test", "state", "BLR")


def test_a_trigger_form_given_to_two_types_is_refused() -> None:
    builder = _Builder()
    builder.add("التقى", Entry(Kind.TRIGGER), "test", "trigger", "CONSULT/None")
    with pytest.raises(ValueError, match="already belongs"):
        builder.add("التقى", Entry(Kind.TRIGGER), "test", "trigger", "AGREE/None")


def test_load_people_refuses_bad_entries(tmp_path: Path) -> None:
    head = "people:\n  - {name: A, names: [أ ب], terms: [{code: RUS, "
    second = "  - {name: A, names: [ج د], terms: [{code: RUS, "
    term = "role: head_of_state, from: 2010-01-01}]}\n"
    for body, message in [
        (head + "role: king, from: 2010-01-01}]}\n", "role"),
        (head + "role: head_of_state, from: 2012-01-01, to: 2010-01-01}]}\n", "dates"),
        (head + term + second + term, "duplicate"),
    ]:  # fmt: skip
        path = tmp_path / "people_x.yaml"
        path.write_text(body, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            load_people([path])


def test_adjective_forms_inflect_a_nationality() -> None:
    forms = adjective_forms("روسي")
    for expected in ("روسي", "روسية", "الروسي", "الروسية", "الروسيان", "الروسيين"):
        assert expected in forms
