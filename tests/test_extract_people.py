"""Office-holders (people_*.yaml): the entries are well formed, and a sample of dated facts holds.

tests/test_extract_lexicon.py checks that every person loads and that every term's code is a known state
or organisation; this file checks the rest of an entry's shape, then pins facts that the extractor's
coding of 2015 and 2018 news depends on (who held which office on a day, which name a longer form beats).
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pytest
import yaml

from workers.clean.normalize import normalize_for_matching
from workers.extract.lexicon import LEXICON_DIR, ROLES, Kind, Person, default_lexicon, load_people

PATHS = sorted(LEXICON_DIR.glob("people_*.yaml"))
SECTORS = {"GOV", "MIL", "LEG", "REL", "IGO", "REB", "JUD", "COP", "OPP"}
TERM_KEYS = {"code", "role", "sector", "from", "to", "approx", "note"}
# Titles are read by titles.yaml; a name form must not carry one (أمير alone is also a given name).
TITLES = ("الأمير ", "الملك ", "الشيخ ", "السيد ", "الرئيس ", "وزير ", "الدكتور ", "اللواء ", "العميد ")
# The files written to these rules (the others may keep a title where it tells two namesakes apart).
MENA = ("people_mena.yaml", "people_gulf.yaml")


@cache
def people() -> dict[str, Person]:
    return {person.name: person for person in load_people(PATHS)}


def entries() -> list[tuple[str, dict]]:
    return [
        (path.name, entry)
        for path in PATHS
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["people"]
    ]


def test_every_entry_has_names_and_well_formed_terms() -> None:
    for file, entry in entries():
        where = f"{file}: {entry['name']}"
        assert entry["names"] and all(isinstance(n, str) and n.strip() for n in entry["names"]), where
        assert entry["terms"], where
        for term in entry["terms"]:
            assert set(term) <= TERM_KEYS, (where, set(term) - TERM_KEYS)
            assert term["role"] in ROLES, (where, term["role"])
            assert term.get("sector", "GOV") in SECTORS, (where, term.get("sector"))
            assert isinstance(term.get("approx", False), bool), where
            start, end = term["from"], term["to"]
            assert isinstance(start, date) and (end is None or isinstance(end, date)), where
            assert date(1940, 1, 1) <= start <= date(2025, 12, 31), where
            assert end is None or start <= end <= date(2025, 12, 31), where


@pytest.mark.parametrize("file", MENA)
def test_names_carry_no_title_and_no_variant_the_matcher_unifies(file: str) -> None:
    document = yaml.safe_load((LEXICON_DIR / file).read_text(encoding="utf-8"))
    for entry in document["people"]:
        for form in entry["names"]:
            assert not form.startswith(TITLES), (entry["name"], form)
        forms = [normalize_for_matching(n) for n in entry["names"]]
        assert len(forms) == len(set(forms)), entry["name"]  # "قائد" and "قايد" are one form


@pytest.mark.parametrize(
    ("name", "day", "code", "role", "sector"),
    [
        ("Mohammed bin Nayef", "2015-07-20", "SAU", "crown_prince", "GOV"),
        ("Mohammed bin Nayef", "2015-03-01", "SAU", "deputy_crown_prince", "GOV"),
        ("Mohammed bin Nayef", "2014-01-01", "SAU", "interior_minister", "GOV"),
        ("Mohammed bin Salman", "2015-07-20", "SAU", "deputy_crown_prince", "GOV"),
        ("Mohammed bin Salman", "2018-05-22", "SAU", "crown_prince", "GOV"),
        ("Mohammed bin Salman", "2023-01-01", "SAU", "head_of_government", "GOV"),
        ("Muqrin bin Abdulaziz Al Saud", "2015-02-01", "SAU", "crown_prince", "GOV"),
        ("Muqrin bin Abdulaziz Al Saud", "2014-06-01", "SAU", "deputy_crown_prince", "GOV"),
        ("Salman bin Abdulaziz Al Saud", "2013-06-01", "SAU", "crown_prince", "GOV"),
        ("Salman bin Abdulaziz Al Saud", "2015-07-20", "SAU", "head_of_state", "GOV"),
        ("Abdulaziz bin Saud bin Nayef", "2018-05-22", "SAU", "interior_minister", "GOV"),
        ("Faisal bin Bandar bin Abdulaziz", "2015-07-20", "SAU", "governor", "GOV"),
        ("Khalid al-Faisal", "2014-06-01", "SAU", "minister", "GOV"),
        ("Khalid al-Faisal", "2015-07-20", "SAU", "governor", "GOV"),
        ("Badr bin Sultan bin Abdulaziz", "2018-06-01", "SAU", "governor", "GOV"),
        ("Adel al-Jubeir", "2015-07-20", "SAU", "foreign_minister", "GOV"),
        ("Adel al-Jubeir", "2014-06-01", "SAU", "ambassador", "GOV"),
        ("Khalid bin Salman", "2018-05-22", "SAU", "ambassador", "GOV"),
        ("Abdulaziz Al al-Sheikh", "2018-05-22", "SAU", "religious_leader", "REL"),
        ("Ahmed Asiri", "2015-07-20", "SAU", "spokesperson", "MIL"),
        ("Mansour al-Turki", "2015-07-20", "SAU", "spokesperson", "GOV"),
        ("Turki al-Maliki", "2018-05-22", "SAU", "spokesperson", "MIL"),
        ("Abdulrahman Al-Bunyan", "2015-07-20", "SAU", "military_commander", "MIL"),
        ("Mohamed bin Zayed Al Nahyan", "2015-07-20", "ARE", "crown_prince", "GOV"),
        ("Mohamed bin Zayed Al Nahyan", "2023-01-01", "ARE", "head_of_state", "GOV"),
        ("Mohammed bin Rashid Al Maktoum", "2018-05-22", "ARE", "head_of_government", "GOV"),
        ("Anwar Gargash", "2018-05-22", "ARE", "foreign_minister", "GOV"),
        ("Mohammad Al-Khalid Al-Hamad Al-Sabah", "2015-07-20", "KWT", "interior_minister", "GOV"),
        ("Khalid Al-Jarrah Al-Sabah", "2018-05-22", "KWT", "interior_minister", "GOV"),
        ("Tamim bin Hamad Al Thani", "2012-01-01", "QAT", "crown_prince", "GOV"),
        ("Abdullatif bin Rashid Al Zayani", "2015-07-20", "GCC", "secretary_general", "IGO"),
        ("Iyad Madani", "2015-07-20", "OIC", "secretary_general", "IGO"),
        ("Yousef Al-Othaimeen", "2018-05-22", "OIC", "secretary_general", "IGO"),
        ("Abdul-Malik al-Houthi", "2015-07-20", "HOUTHI", "organization_head", "REB"),
        ("Saleh Ali al-Sammad", "2017-06-01", "HOUTHI", "head_of_state", "REB"),
        ("Ali Mohsen al-Ahmar", "2018-05-22", "YEM", "head_of_state", "GOV"),
        ("Abbas Araghchi", "2015-07-20", "IRN", "foreign_minister", "GOV"),
        ("Hassan Nasrallah", "2018-05-22", "HEZ", "organization_head", "REB"),
    ],
)
def test_office_held_on_a_day(name: str, day: str, code: str, role: str, sector: str) -> None:
    term = people()[name].term_at(date.fromisoformat(day))
    assert (term.code, term.role, term.sector) == (code, role, sector)


def test_a_former_president_keeps_his_state() -> None:
    """Ali Abdullah Saleh held no office after 2012: news of 2015 still codes him Yemeni."""
    term = people()["Ali Abdullah Saleh"].term_at(date(2015, 7, 20))
    assert (term.code, term.role) == ("YEM", "head_of_state")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("الأمير محمد بن نايف بن عبدالعزيز", "Mohammed bin Nayef"),  # not Nayef bin Abdulaziz
        ("الأمير عبدالعزيز بن سعود بن نايف", "Abdulaziz bin Saud bin Nayef"),  # not Saud bin Nayef
        ("الأمير عبد العزيز بن سلمان بن عبد العزيز", "Abdulaziz bin Salman"),  # not King Salman
        ("الأمير محمد بن عبدالرحمن بن عبدالعزيز", "Mohammed bin Abdulrahman bin Abdulaziz"),  # not Qatar's PM
        ("الأمير تركي بن عبدالله بن عبدالعزيز", "Turki bin Abdullah bin Abdulaziz"),  # not King Abdullah
        ("الشيخ حمدان بن محمد بن راشد", "Hamdan bin Mohammed Al Maktoum"),  # not his father
        ("الشيخ خالد بن محمد بن زايد", "Khaled bin Mohamed bin Zayed"),
        ("الشيخ صباح خالد الحمد الصباح", "Sabah Al-Khalid Al-Hamad Al-Sabah"),
    ],
)
def test_the_longest_name_names_the_person(text: str, name: str) -> None:
    matches = default_lexicon().find(normalize_for_matching(text))
    found = [e.person.name for m in matches for e in m.entries if e.kind is Kind.PERSON and e.person]
    assert found == [name]
