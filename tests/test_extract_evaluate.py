"""The scoring rules of EVENTS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED, marsad
from workers.errors import ConfigurationError
from workers.extract.evaluate import (
    article_file,
    error_lines,
    evaluate,
    half_members,
    load_split,
    parse_split,
    restrict_to,
)
from workers.extract.run import load_gold
from workers.settings import Settings


def event(
    doc: str, kind: str, actors: list[str], recipients: list[str] | None = None, **extra: object
) -> dict:
    return {"doc": doc, "type": kind, "actors": actors, "recipients": recipients or [], **extra}


def test_symmetric_gold_compares_the_union_of_participants() -> None:
    gold = [event("a", "CONSULT", ["RUS", "KAZ"])]
    found = [event("a", "CONSULT", ["KAZ"], ["RUS"])]
    assert evaluate(gold, found).overall.true_positives == 1


def test_directed_gold_compares_actors_and_recipients_apart() -> None:
    gold = [event("a", "REQUEST", ["UNO"], ["RUS"])]
    found = [event("a", "REQUEST", ["RUS"], ["UNO"])]
    report = evaluate(gold, found)
    assert (
        report.overall.true_positives,
        report.overall.false_positives,
        report.overall.false_negatives,
    ) == (0, 1, 1)


def test_each_gold_event_matches_one_extracted_event() -> None:
    gold = [event("a", "CONSULT", ["RUS", "GBR"])]
    found = [event("a", "CONSULT", ["RUS", "GBR"]), event("a", "CONSULT", ["GBR", "RUS"])]
    report = evaluate(gold, found)
    assert (report.overall.true_positives, report.overall.false_positives) == (1, 1)


def test_optional_gold_is_neither_missed_nor_a_false_alarm() -> None:
    gold = [
        event("a", "SUPPORT", ["GBR"], ["RUS"], optional=True),
        event("a", "AGREE", ["RUS", "TUR"], optional=True),
    ]
    found = [event("a", "SUPPORT", ["GBR"], ["RUS"])]
    report = evaluate(gold, found)
    assert (
        report.overall.true_positives,
        report.overall.false_positives,
        report.overall.false_negatives,
    ) == (0, 0, 0)


def test_events_of_another_article_do_not_match() -> None:
    report = evaluate([event("a", "CONSULT", ["RUS", "USA"])], [event("b", "CONSULT", ["RUS", "USA"])])
    assert (report.overall.false_negatives, report.overall.false_positives) == (1, 1)


def test_precision_recall_f1_and_per_type() -> None:
    gold = [event("a", "CONSULT", ["RUS", "USA"]), event("a", "ASSAULT", ["ISIL"], ["RUS"])]
    found = [event("a", "CONSULT", ["RUS", "USA"]), event("a", "REQUEST", ["UNO"])]
    report = evaluate(gold, found)
    assert (report.overall.precision, report.overall.recall, report.overall.f1) == (0.5, 0.5, 0.5)
    assert report.by_type["CONSULT"].f1 == 1.0 and report.by_type["ASSAULT"].recall == 0.0


def test_location_and_date_accuracy_are_measured_over_matched_events() -> None:
    gold = [
        event(
            "a", "CONSULT", ["RUS", "GBR"], location={"name": "Antalya", "country": "TUR"}, date="2015-11-16"
        ),
        event("a", "AGREE", ["RUS", "TUR"], location=None, date="2015-11-16"),
    ]
    found = [
        event(
            "a", "CONSULT", ["RUS", "GBR"], location={"name": "Antalya", "country": "TUR"}, date="2015-11-16"
        ),
        event("a", "AGREE", ["RUS", "TUR"], location={"name": "Moscow", "country": "RUS"}, date="2015-11-17"),
    ]
    report = evaluate(gold, found)
    assert (report.location_accuracy, report.date_accuracy) == (0.5, 0.5)


# --- Errors grouped by cause ----------------------------------------------------------------------------


CAUSES = ["wrong type", "wrong actor", "wrong recipient", "missing", "not an event"]


def causes(gold: list[dict], found: list[dict]) -> list[tuple[str, str | None, str | None]]:
    """(cause, gold type, found type) of each error, the way `evaluate` classifies them."""
    return [
        (
            str(case.cause),
            case.gold["type"] if case.gold else None,
            case.found["type"] if case.found else None,
        )
        for case in evaluate(gold, found).errors
    ]


def test_classify_errors_wrong_type_is_the_same_participants_under_another_type() -> None:
    gold = [event("a", "ACCUSE", ["RUS"], ["GBR"])]
    found = [event("a", "ASSAULT", ["GBR"], ["RUS"])]
    assert causes(gold, found) == [("wrong type", "ACCUSE", "ASSAULT")]


def test_classify_errors_wrong_actor_is_same_type_and_recipients_other_actors() -> None:
    gold = [event("a", "COERCE", ["MEX"], ["ITA"])]
    found = [event("a", "COERCE", ["ITA"], ["ITA"])]
    assert causes(gold, found) == [("wrong actor", "COERCE", "COERCE")]


def test_classify_errors_wrong_actor_compares_the_union_for_symmetric_gold() -> None:
    gold = [event("a", "CONSULT", ["SAU", "RUS"]), event("b", "CONSULT", ["SAU", "RUS"])]
    found = [event("a", "CONSULT", ["SAU"], ["QAT"]), event("b", "CONSULT", ["QAT", "EGY"])]
    assert causes(gold, found) == [
        ("wrong actor", "CONSULT", "CONSULT"),
        ("missing", "CONSULT", None),  # nobody in common: another meeting, not this one misread
        ("not an event", None, "CONSULT"),
    ]


def test_classify_errors_wrong_recipient_is_same_type_and_actors_other_recipients() -> None:
    gold = [event("a", "REQUEST", ["UNO"], ["SDN"])]
    found = [event("a", "REQUEST", ["UNO"])]
    assert causes(gold, found) == [("wrong recipient", "REQUEST", "REQUEST")]


def test_classify_errors_missing_is_required_gold_with_no_counterpart() -> None:
    gold = [event("a", "THREATEN", ["IRN"], ["USA"]), event("a", "AID", ["SAU"], ["YEM"], optional=True)]
    assert causes(gold, []) == [("missing", "THREATEN", None)]


def test_classify_errors_not_an_event_is_extracted_with_no_counterpart() -> None:
    gold = [event("a", "CONSULT", ["RUS", "USA"])]
    found = [
        event("a", "CONSULT", ["RUS", "USA"]),
        event("a", "RETREAT", ["TUR"]),
        event("b", "AID", ["SAU"]),
    ]
    assert causes(gold, found) == [("not an event", None, "RETREAT"), ("not an event", None, "AID")]


def test_classify_errors_pairs_each_event_at_most_once() -> None:
    gold = [event("a", "REQUEST", ["UNO"], ["SDN"])]
    found = [event("a", "REQUEST", ["UNO"]), event("a", "REQUEST", ["UNO"], ["EGY"])]
    assert causes(gold, found) == [
        ("wrong recipient", "REQUEST", "REQUEST"),
        ("not an event", None, "REQUEST"),
    ]


def test_classify_errors_prefers_a_pair_that_agrees_on_the_type() -> None:
    gold = [event("a", "REJECT", ["JOR"], ["JOR"])]
    found = [event("a", "REQUEST", ["JOR"], ["JOR"]), event("a", "REJECT", ["JOR"])]
    assert causes(gold, found) == [("wrong recipient", "REJECT", "REJECT"), ("not an event", None, "REQUEST")]


def test_classify_errors_lets_optional_gold_explain_a_false_event_without_a_miss() -> None:
    gold = [event("a", "SUPPORT", ["USA"], ["ISR"], optional=True)]
    found = [event("a", "PROTEST", ["ISR"], ["USA"])]
    report = evaluate(gold, found)
    assert causes(gold, found) == [("wrong type", "SUPPORT", "PROTEST")]
    assert (report.overall.false_positives, report.overall.false_negatives) == (1, 0)


def test_evaluate_errors_account_for_every_false_and_missed_event() -> None:
    gold = [
        event("a", "ACCUSE", ["RUS"], ["GBR"]),
        event("a", "COERCE", ["MEX"], ["ITA"]),
        event("a", "THREATEN", ["IRN"], ["USA"]),
        event("a", "AID", ["SAU"], ["YEM"], optional=True),
    ]
    found = [
        event("a", "ASSAULT", ["GBR"], ["RUS"]),
        event("a", "COERCE", ["ITA"], ["ITA"]),
        event("a", "RETREAT", ["TUR"]),
        event("a", "AID", ["SAU"], ["SYR"]),
    ]
    report = evaluate(gold, found)
    counts = report.as_dict()["error_counts"]
    assert counts == dict.fromkeys(CAUSES, 1)
    paired = sum(1 for case in report.errors if case.gold is not None and case.found is not None)
    required = sum(1 for case in report.errors if case.gold is not None and not case.gold.get("optional"))
    assert report.overall.false_positives == paired + counts["not an event"]
    assert report.overall.false_negatives == required


def test_report_as_dict_keeps_its_keys_and_groups_errors_by_cause() -> None:
    report = evaluate(
        [event("a", "REQUEST", ["UNO"], ["SDN"])], [event("a", "REQUEST", ["UNO"], step="roles")]
    )
    scores = report.as_dict()
    assert {"overall", "by_type", "location_accuracy", "date_accuracy", "matched"} <= set(scores)
    assert list(scores["errors"]) == list(scores["error_counts"]) == CAUSES
    (case,) = scores["errors"]["wrong recipient"]
    assert case["doc"] == "a" and case["gold"]["recipients"] == ["SDN"] and case["found"]["step"] == "roles"


def test_error_lines_show_counts_then_each_cause_with_trigger_step_and_note() -> None:
    note = "the UN demanded the sentence be annulled " * 5
    gold = [event("a", "REQUEST", ["UNO"], ["SDN"], note=note), event("a", "THREATEN", ["IRN"], ["USA"])]
    found = [
        event("a", "REQUEST", [{"code": "UNO"}], [], trigger="طالبت", step="roles"),
        event("a", "RETREAT", [{"code": "TUR"}], [], trigger="انسحاب"),
    ]
    lines = error_lines(evaluate(gold, found).errors)
    assert lines[:6] == [
        "errors by cause:",
        "  wrong type       0",
        "  wrong actor      0",
        "  wrong recipient  1",
        "  missing          1",
        "  not an event     1",
    ]
    pair = lines[lines.index("wrong recipient (1):") + 1 :][:2]
    head, shortened = pair[0].split("note: ")
    assert head == "  gold   a  REQUEST  UNO → SDN  " and len(shortened) == 100 and shortened.endswith("…")
    assert pair[1] == "    found  a  REQUEST  UNO → -  trigger: طالبت  step: roles"
    assert "  found  a  RETREAT  TUR → -  trigger: انسحاب" in lines  # no step on the record, none shown
    assert "  gold   a  THREATEN  IRN → USA" in lines


def test_date_accuracy_by_prefix_is_over_matched_events_with_a_gold_date() -> None:
    gold = [
        event("ant-1.json", "CONSULT", ["RUS", "USA"], date="2018-05-22"),
        event("ant-2.json", "CONSULT", ["RUS", "USA"], date="2018-05-22"),
        event("snn-1.json", "CONSULT", ["SAU", "RUS"], date=None),
        event("x.json", "AID", ["SAU"], ["YEM"], date="2015-07-23"),
    ]
    found = [
        event("ant-1.json", "CONSULT", ["RUS", "USA"], date="2018-05-22"),
        event("ant-2.json", "CONSULT", ["RUS", "USA"], date="2018-05-21"),
        event("snn-1.json", "CONSULT", ["SAU", "RUS"], date="2015-07-23"),
    ]
    report = evaluate(gold, found)
    assert report.date_accuracy_by_prefix == {"ant": 0.5, "snn": None, "x.json": None}
    assert report.as_dict()["date_accuracy_by_prefix"] == report.date_accuracy_by_prefix


# --- One half of a split --------------------------------------------------------------------------------


def test_half_members_are_the_files_of_that_half(tmp_path: Path) -> None:
    split = tmp_path / "split.tsv"
    split.write_text("one.json\ta\ntwo.json\tb\n\nthree.jsonl\ta\n", encoding="utf-8")
    assert half_members(load_split(split), "a") == {"one.json", "three.jsonl"}


def test_restrict_to_keeps_the_events_of_those_files_with_members_and_lines() -> None:
    events = [event("one.json", "AID", ["SAU"]), event("two.json", "AID", ["SAU"])]
    events += [event("three.jsonl:4", "AID", ["SAU"]), event("four.zip/x.jsonl:2", "AID", ["SAU"])]
    kept = restrict_to(events, frozenset({"one.json", "three.jsonl", "four.zip"}))
    assert [e["doc"] for e in kept] == ["one.json", "three.jsonl:4", "four.zip/x.jsonl:2"]


def test_half_members_unknown_half_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown half 'c'.*a, b"):
        half_members({"one.json": "a", "two.json": "b"}, "c")


def test_load_split_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"split\.tsv"):
        load_split(tmp_path / "split.tsv")


def test_parse_split_line_without_a_half_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"split\.tsv line 2"):
        parse_split("one.json\ta\ntwo.json\n", "split.tsv")


# --- `marsad eval` --------------------------------------------------------------------------------------

CALL = "عنوان\nأجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره الكازاخستاني نور سلطان نزارباييف."


def eval_inputs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two articles, one in half a and one in b; gold wants one event of a and two of b."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt"):
        (docs / name).write_text(CALL, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        '{"doc": "a.txt", "type": "CONSULT", "actors": ["RUS", "KAZ"], "recipients": []}\n'
        '{"doc": "b.txt", "type": "CONSULT", "actors": ["RUS", "KAZ"], "recipients": []}\n'
        '{"doc": "b.txt", "type": "AID", "actors": ["SAU"], "recipients": ["YEM"]}\n',
        encoding="utf-8",
    )
    split = tmp_path / "split.tsv"
    split.write_text("a.txt\ta\nb.txt\tb\n", encoding="utf-8")
    return gold, docs, split


@pytest.mark.parametrize(("half", "wanted"), [("a", 1), ("b", 2)])
def test_eval_half_scores_only_the_articles_of_that_half(
    settings: Settings, tmp_path: Path, half: str, wanted: int
) -> None:
    gold, docs, split = eval_inputs(tmp_path)
    args = ["eval", str(gold), "--docs", str(docs), "--split", str(split), "--half", half, "--json"]
    scores = json.loads(marsad(settings, *args).stdout)
    assert scores["overall"]["tp"] + scores["overall"]["fn"] == wanted
    cases = [case for items in scores["errors"].values() for case in items]
    assert {case["doc"] for case in cases} <= {f"{half}.txt"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--half", "a"], "--half needs --split"),
        (["--split", "{split}"], "--split needs --half"),
        (["--split", "{missing}", "--half", "a"], "no-such-split.tsv"),
        (["--split", "{split}", "--half", "c"], "unknown half 'c'"),
    ],
)
def test_eval_bad_split_usage_is_a_clear_error(
    settings: Settings, tmp_path: Path, options: list[str], message: str
) -> None:
    gold, docs, split = eval_inputs(tmp_path)
    filled = [o.format(split=split, missing=tmp_path / "no-such-split.tsv") for o in options]
    result = marsad(settings, "eval", str(gold), "--docs", str(docs), *filled, check=False)
    assert result.returncode == 1 and message in " ".join(result.stderr.split())


# --- The real development set (skipped when ../shared is absent) ----------------------------------------

DEV = SHARED / "dev"


@pytest.mark.skipif(not (DEV / "split.tsv").exists(), reason="../shared/dev is not beside this checkout")
def test_dev_split_halves_cover_the_gold_articles() -> None:
    split = load_split(DEV / "split.tsv")
    gold_files = {article_file(g["doc"]) for g in load_gold(DEV / "gold.events.jsonl")}
    assert gold_files <= half_members(split, "a") | half_members(split, "b")
    assert not half_members(split, "a") & half_members(split, "b")
