"""The scoring rules of EVENTS.md."""

from __future__ import annotations

from workers.extract.evaluate import evaluate


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
