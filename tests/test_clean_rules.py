"""The boilerplate rules and agency table: every entry loads, and each rule drops what it says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workers.clean.lines import clean_lines
from workers.clean.normalize import normalize_for_matching
from workers.clean.rules import RuleKind, default_agencies, default_rules, load_agencies, load_rules

RULES = default_rules().rules
STORY = (
    "وقال الوزير في مؤتمر صحفي عقده اليوم في العاصمة إن المحادثات بين الجانبين تناولت سبل تعزيز "
    "التعاون الاقتصادي والتجاري بين البلدين."
)


def test_every_rule_loads_with_a_description_and_examples() -> None:
    assert len(RULES) >= 9
    for rule in RULES:
        assert rule.description and rule.examples, rule.name


def test_every_rule_is_written_in_matching_form() -> None:
    for rule in RULES:
        for run in re.findall(r"[\u0600-\u06ff]+", rule.pattern.pattern):
            assert normalize_for_matching(run) == run, (
                f"{rule.name}: write {run!r} as {normalize_for_matching(run)!r}"
            )


@pytest.mark.parametrize(
    ("rule_name", "example"), [(r.name, e) for r in RULES for e in r.examples], ids=lambda v: str(v)[:30]
)
def test_rule_drops_its_examples(rule_name: str, example: str) -> None:
    found = default_rules().first_match(normalize_for_matching(example), in_head=True)
    assert found is not None and found[0].name == rule_name


@pytest.mark.parametrize(
    ("rule_name", "story_line"), [(r.name, k) for r in RULES for k in r.keeps], ids=lambda v: str(v)[:30]
)
def test_rule_keeps_story_lines(rule_name: str, story_line: str) -> None:
    assert default_rules().first_match(normalize_for_matching(story_line), in_head=True) is None


@pytest.mark.parametrize("rule", [r for r in RULES if r.kind is not RuleKind.BLOCK], ids=lambda r: r.name)
def test_rule_drops_its_example_inside_an_article_and_reports_it(rule: object) -> None:
    example = rule.examples[0]  # type: ignore[attr-defined]
    cleaned = clean_lines(f"عنوان الخبر\n{example}\n{STORY}\n{STORY}")
    assert example not in cleaned.body.split("\n")
    assert any(d.rule == rule.name for d in cleaned.dropped)  # type: ignore[attr-defined]


def test_section_labels_count_only_in_the_head() -> None:
    cleaned = clean_lines(f"عنوان الخبر\nسياسة\n{STORY}\nسياسة\n{STORY}")
    assert [d.rule for d in cleaned.dropped] == ["section_label"]
    assert cleaned.body.count("سياسة") == 1


def test_related_links_drop_the_heading_and_the_list_under_it_only() -> None:
    text = (
        f"عنوان الخبر\n{STORY}\nاقرأ أيضا:\nالرئيس يستقبل وفدا برلمانيا\nhttps://news.example/a/2\n"
        "وزير المالية يعلن ميزانية العام المقبل …\n"
        f"{STORY} وأضاف أن الاجتماع المقبل سيعقد الشهر القادم في العاصمة الأخرى للبلدين."
    )
    cleaned = clean_lines(text)
    assert [d.rule for d in cleaned.dropped] == [
        "related_links",
        "related_links",
        "bare_link",
        "related_links",
    ]
    assert cleaned.body.count("وقال الوزير") == 2


def test_source_line_is_kept_as_metadata_and_names_the_agency() -> None:
    cleaned = clean_lines(f"عنوان الخبر\n{STORY}\nالمصدر: رويترز")
    assert (cleaned.source, cleaned.agency) == ("رويترز", "REUTERS")
    assert "المصدر" not in cleaned.body


def test_generic_agencies_credit_names_no_agency() -> None:
    cleaned = clean_lines(f"عنوان الخبر\n{STORY}\nالمصدر: وكالات")
    assert (cleaned.source, cleaned.agency) == ("وكالات", None)


@pytest.mark.parametrize(
    ("opening", "dateline", "agency"),
    [
        ("موسكو-سانا", "موسكو", "SANA"),
        ("موسكو-واشنطن-سانا", "موسكو-واشنطن", "SANA"),
        ("بغداد – INA/", "بغداد", "INA"),
        ("دمشق (رويترز) -", "دمشق", "REUTERS"),
        ("القاهرة - (وكالات) -", "القاهرة", None),
        ("(أ ف ب) -", None, "AFP"),
        ("الرياض - واس -", "الرياض", "SPA"),
        ("عمّان، 21 تموز (بترا) -", "عمّان", "PETRA"),
        ("الدوحة-قنا:", "الدوحة", "QNA"),
        ("بيروت - أ.ف.ب -", "بيروت", "AFP"),
        ("الدوحة في 16 نوفمبر /قنا/", "الدوحة", "QNA"),
        ("الكويت - 3 - 10 (كونا) --", "الكويت", "KUNA"),
        ("عمان 24 تشرين الثاني (بترا)-", "عمان", "PETRA"),
        ("ود مدني - سونا -", "ود مدني", "SUNA"),
        ("كركوك - السومرية نيوز -", "كركوك", None),
    ],
)
def test_dateline_and_agency_are_lifted_from_the_first_paragraph(
    opening: str, dateline: str | None, agency: str | None
) -> None:
    cleaned = clean_lines(f"عنوان الخبر\n{opening} {STORY}\n{STORY}")
    assert (cleaned.dateline, cleaned.agency) == (dateline, agency)
    assert cleaned.body.startswith("وقال الوزير")


def test_dateline_on_its_own_line_is_dropped_as_dateline() -> None:
    cleaned = clean_lines(f"عنوان الخبر\nطرابلس-وال\n{STORY}")
    assert (cleaned.dateline, cleaned.agency) == ("طرابلس", "LANA")
    assert [d.rule for d in cleaned.dropped] == ["dateline"]


@pytest.mark.parametrize("opening", ["ونقلت (أ ف ب) عن مسؤول قوله ", "قال المتحدث إن الوزير/ رويترز\n"])
def test_a_citation_of_an_agency_is_not_a_dateline(opening: str) -> None:
    cleaned = clean_lines(f"عنوان الخبر\n{opening}{STORY}")
    assert (cleaned.dateline, cleaned.agency) == (None, None)


def test_a_furniture_title_given_by_the_page_is_ignored() -> None:
    cleaned = clean_lines(f"العنوان الحقيقي\nالخرطوم - سونا - {STORY}", known_title="اترك تعليقاً")
    assert (cleaned.title, cleaned.agency) == ("العنوان الحقيقي", "SUNA")


@pytest.mark.parametrize(
    ("opening", "author"),
    [
        ("سامي يوسف: ", "سامي يوسف"),
        ("بقلم: ليلى حسن عبد الله\n", "ليلى حسن عبد الله"),
        ("كتب - مراد خليل\n", "مراد خليل"),
    ],
)
def test_byline_is_lifted_from_the_first_paragraph(opening: str, author: str) -> None:
    cleaned = clean_lines(f"عنوان الخبر\n{opening}{STORY}")
    assert cleaned.author == author
    assert cleaned.body.startswith("وقال الوزير")


@pytest.mark.parametrize("opening", ["الكرملين: ", "رئيس الوزراء: ", "بوتين: "])
def test_speaker_before_a_colon_is_not_a_byline(opening: str) -> None:
    assert clean_lines(f"عنوان الخبر\n{opening}{STORY}").author is None


def test_title_repeated_in_the_body_is_dropped() -> None:
    cleaned = clean_lines(f"عنوان الخبر\n\nعنوان الخبر\n{STORY}")
    assert cleaned.title == "عنوان الخبر" and cleaned.body == STORY
    assert [d.rule for d in cleaned.dropped] == ["repeated_title"]


def test_given_title_is_used_and_dropped_from_the_body() -> None:
    cleaned = clean_lines(f"عنوان آخر\n{STORY}", known_title="عنوان آخر")
    assert cleaned.title == "عنوان آخر" and cleaned.body == STORY


def test_whitespace_only_lines_are_reported() -> None:
    cleaned = clean_lines(f"عنوان الخبر\n\u00a0\n{STORY}\n \u200f \n{STORY}")
    assert [d.rule for d in cleaned.dropped] == ["whitespace_only", "whitespace_only"]


def test_stray_symbols_at_the_edge_of_a_line_are_removed() -> None:
    assert clean_lines(f"&عنوان الخبر\n{STORY}").title == "عنوان الخبر"


def test_load_rules_fails_loudly_on_a_bad_entry(tmp_path: Path) -> None:
    for body, message in [
        ("version: 1\nrules:\n  - {name: a, kind: line, description: d, pattern: '('}\n", "rule #1"),
        ("version: 1\nrules:\n  - {name: a, kind: sideways, description: d, pattern: 'x'}\n", "sideways"),
        ("version: 1\nrules:\n  - {name: a, kind: line, pattern: 'x'}\n", "description"),
        ("version: 1\nrules:\n  - {name: a, kind: source, description: d, pattern: 'x'}\n", "source"),
        (
            "version: 1\nrules:\n  - {name: a, kind: line, description: d, pattern: x}\n"
            "  - {name: a, kind: line, description: d, pattern: y}\n",
            "duplicate",
        ),
    ]:
        path = tmp_path / "rules.yaml"
        path.write_text(body, encoding="utf-8")
        with pytest.raises(ValueError, match=message):
            load_rules(path)


def test_every_agency_loads_and_names_are_unique() -> None:
    table = default_agencies()
    assert len(table.agencies) >= 25
    for agency in table.agencies:
        for name in agency.names:
            assert table.lookup(name) is agency
            assert table.pattern.search(f"({name})"), name


def test_load_agencies_refuses_a_name_given_to_two_agencies(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(
        "version: 1\nagencies:\n  A: {names: [سانا], description: x}\n  B: {names: [سانا], description: y}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="also belongs to A"):
        load_agencies(path)
