"""The cleaner on team-written fixtures: invented Arabic news stories in realistic web furniture.

Each file of tests/fixtures/clean/ has one line in expected.jsonl saying what `clean_file` must find:
title, author, agency, dateline, publication date and its source, language, passages of the story that
must stay in the body, furniture that must not, and the rules that must be seen dropping lines.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from workers.clean.report import clean_file
from workers.clean.rules import load_rules

FIXTURES = Path(__file__).parent / "fixtures" / "clean"
EXPECTED_FILE = FIXTURES / "expected.jsonl"
MAX_BYTES = 50_000_000
MAX_ARTICLE_CHARS = 2_000_000
# Rules the cleaner applies in code rather than from boilerplate.yaml.
CODE_RULES = ("whitespace_only", "date_line", "repeated_title", "dateline", "byline")
UTF16_FIXTURE = "mena_cairo_diabetes_utf16.txt"
CP1256_FIXTURE = "afp_tunis_olive_oil_cp1256.txt"
HTML_SIZE_RANGE = (20_000, 120_000)
_WHITESPACE = re.compile(r"\s+")  # \s covers no-break and other Unicode spaces


def _load_expected() -> list[dict[str, Any]]:
    lines = EXPECTED_FILE.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


EXPECTED = _load_expected()


def _folded(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _clean(name: str) -> dict[str, Any]:
    reports = list(clean_file(FIXTURES / name, MAX_BYTES, MAX_ARTICLE_CHARS))
    assert len(reports) == 1, f"{name}: expected one article, got {len(reports)}"
    report = reports[0]
    assert "error" not in report, f"{name}: {report.get('error')}"
    return report


def _mismatches(expected: dict[str, Any], report: dict[str, Any]) -> list[str]:
    problems = []
    for key in ("title", "author", "agency", "dateline", "language"):
        if report[key] != expected[key]:
            problems.append(f"{key}: expected {expected[key]!r}, got {report[key]!r}")
    if expected["published"] is None:
        # The article does not say: no date, or the file's time as a fallback.
        if report["published"] is not None and report["published_source"] != "file_time":
            problems.append(
                f"published: expected none (or the file time), got {report['published']!r} "
                f"from {report['published_source']!r}"
            )
    else:
        if report["published"] != expected["published"]:
            problems.append(f"published: expected {expected['published']!r}, got {report['published']!r}")
        if report["published_source"] != expected["published_source"]:
            problems.append(
                f"published_source: expected {expected['published_source']!r}, "
                f"got {report['published_source']!r}"
            )
    body = _folded(report["body"])
    missing = [p for p in expected["must_keep"] if _folded(p) not in body]
    left = [p for p in expected["must_drop"] if _folded(p) in body]
    problems += [f"must_keep missing from body: {p!r}" for p in missing]
    problems += [f"must_drop left in body: {p!r}" for p in left]
    dropped_rules = {d["rule"] for d in report["dropped"]}
    problems += [f"rule never dropped a line: {r!r}" for r in expected["rules"] if r not in dropped_rules]
    return problems


@pytest.mark.parametrize("expected", EXPECTED, ids=[e["doc"] for e in EXPECTED])
def test_clean_file_meets_fixture_expectations(expected: dict[str, Any]) -> None:
    report = _clean(expected["doc"])
    problems = _mismatches(expected, report)
    assert not problems, f"{expected['doc']}:\n  " + "\n  ".join(problems)


def test_fixtures_expected_lists_every_fixture_file_once() -> None:
    docs = [e["doc"] for e in EXPECTED]
    files = sorted(p.name for p in FIXTURES.iterdir() if p.is_file() and p != EXPECTED_FILE)
    assert len(docs) == len(set(docs))
    assert sorted(docs) == files


def test_fixtures_expected_lines_are_well_formed() -> None:
    keys = {"doc", "title", "author", "agency", "dateline", "published", "language"}
    keys |= {"must_keep", "must_drop", "rules"}
    for expected in EXPECTED:
        assert keys <= expected.keys(), expected["doc"]
        assert len(expected["must_keep"]) >= 3, expected["doc"]
        assert expected["language"] in ("ar", "en", "other"), expected["doc"]
        if expected["published"] is not None:
            assert expected.get("published_source") in ("metadata", "html", "text"), expected["doc"]


def test_fixtures_exercise_every_rule() -> None:
    names = {rule.name for rule in load_rules().rules} | set(CODE_RULES)
    exercised = {rule for e in EXPECTED for rule in e["rules"]}
    assert exercised <= names, f"unknown rule names in expected.jsonl: {sorted(exercised - names)}"
    assert names <= exercised, f"rules no fixture exercises: {sorted(names - exercised)}"


def test_fixtures_are_in_the_encodings_claimed() -> None:
    utf16 = (FIXTURES / UTF16_FIXTURE).read_bytes()
    assert utf16.startswith((b"\xff\xfe", b"\xfe\xff"))
    assert "القاهرة" in utf16.decode("utf-16")
    cp1256 = (FIXTURES / CP1256_FIXTURE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        cp1256.decode("utf-8")
    assert "تونس" in cp1256.decode("cp1256")
    for path in FIXTURES.iterdir():
        if path.name not in (UTF16_FIXTURE, CP1256_FIXTURE):
            data = path.read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf"), path.name
            data.decode("utf-8")  # the others are plain UTF-8


def test_fixtures_html_pages_are_full_pages() -> None:
    pages = sorted(FIXTURES.glob("*.html"))
    assert len(pages) >= 6
    low, high = HTML_SIZE_RANGE
    for page in pages:
        size = page.stat().st_size
        assert low <= size <= high, f"{page.name}: {size:,} bytes"
