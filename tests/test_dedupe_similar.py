"""Near-duplicate similarity (MinHash) and `marsad similar`, on articles written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_dedupe_facts import CABLE
from tests.test_dedupe_templates import wire
from workers.clean.normalize import normalize_for_matching
from workers.dedupe.minhash import shingles, signature, similarity

THRESHOLD = 0.5

FIXTURES = REPO / "tests" / "fixtures" / "dedupe"
STORY = (FIXTURES / "water_ministers.txt").read_text(encoding="utf-8")

# The same meeting written independently by another desk.
OTHER_STORY_SAME_EVENT = (FIXTURES / "water_ministers_other_desk.txt").read_text(encoding="utf-8")


def republished(text: str) -> str:
    """The same story as another paper runs it: new headline, its furniture, last paragraph dropped."""
    paragraphs = text.strip().split("\n\n")
    body = "\n\n".join(paragraphs[1:-1])
    return f"الجفاف يجمع وزراء المياه في عمان\n\n{body}\n\nاقرأ أيضا: أسعار الذهب اليوم\nتابعونا على تلغرام\n"


def spelled_otherwise(text: str) -> str:
    """Hamza dropped, final ي written ى, ة written ه and a few diacritics: how scraped copies differ."""
    variant = text.replace("أ", "ا").replace("إ", "ا").replace(" في ", " فى ")
    return variant.replace("اجتماعا", "اجْتِماعاً").replace("المياه في", "المياة في")


def norm(text: str) -> str:
    return normalize_for_matching(text)


def test_a_republication_with_new_headline_furniture_and_a_dropped_paragraph_is_a_duplicate() -> None:
    found = similarity(norm(STORY), norm(republished(STORY)), THRESHOLD)
    assert found.duplicate and 0.5 <= found.value < 1.0


def test_spelling_variants_do_not_hide_a_copy() -> None:
    found = similarity(norm(STORY), norm(spelled_otherwise(STORY)), THRESHOLD)
    assert found.duplicate and found.value >= 0.9


def test_an_independent_story_of_the_same_event_is_not_a_duplicate() -> None:
    found = similarity(norm(STORY), norm(OTHER_STORY_SAME_EVENT), THRESHOLD)
    assert not found.duplicate and found.value < 0.2


def test_signatures_are_the_same_in_every_process() -> None:
    script = (
        "from workers.dedupe.minhash import signature;"
        "import sys; print(list(signature(sys.argv[1]).hashvalues[:8]))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script, norm(STORY)], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert runs == {str(list(signature(norm(STORY)).hashvalues[:8])) + "\n"}


def test_shingles_of_a_short_text_are_the_text_itself() -> None:
    assert shingles("وصل الوفد") == {"وصل الوفد".encode()}
    assert shingles("") == set()


def test_a_threshold_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        similarity("a b c d", "a b c d", 1.5)


def marsad_similar(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workers.cli", "similar", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(cwd)},
    )


def test_similar_prints_the_verdict_for_two_files_and_one_json_line_per_pair(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "b.txt").write_text(republished(STORY), encoding="utf-8")
    (tmp_path / "c.txt").write_text(OTHER_STORY_SAME_EVENT, encoding="utf-8")
    two = marsad_similar("a.txt", "b.txt", cwd=tmp_path)
    assert two.returncode == 0 and "→ duplicate" in two.stdout
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "a.txt", "b": "b.txt"}\n{"a": "a.txt", "b": "c.txt"}\n', encoding="utf-8")
    result = marsad_similar("--pairs", str(pairs), cwd=REPO)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [(Path(line["a"]).name, Path(line["b"]).name, line["duplicate"]) for line in lines] == [
        ("a.txt", "b.txt", True),
        ("a.txt", "c.txt", False),
    ]
    keys = {
        "a",
        "b",
        "similarity",
        "candidate",
        "containment",
        "lead_shared",
        "facts",
        "duplicate",
        "rule",
        "why",
    }
    assert all(set(line) == keys for line in lines)
    assert lines[0]["rule"] == "similar" and lines[1]["rule"] == "different"


def test_similar_says_a_template_filled_with_other_facts_is_distinct_and_which_facts_conflict(
    tmp_path: Path,
) -> None:
    (tmp_path / "mali.txt").write_text(
        wire("برقية تهنئة لرئيس مالي", CABLE.format(state="جمهورية مالي")), encoding="utf-8"
    )
    (tmp_path / "chad.txt").write_text(
        wire("برقية تهنئة لرئيس تشاد", CABLE.format(state="جمهورية تشاد")), encoding="utf-8"
    )
    shown = marsad_similar("mali.txt", "chad.txt", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "→ distinct (conflict)" in shown.stdout
    assert "conflicting states: " in shown.stdout and "مالي" in shown.stdout and "تشاد" in shown.stdout
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "mali.txt", "b": "chad.txt"}\n', encoding="utf-8")
    (line,) = [json.loads(x) for x in marsad_similar("--pairs", str(pairs), cwd=tmp_path).stdout.splitlines()]
    assert line["similarity"] >= 0.4 and not line["duplicate"]
    assert line["rule"] == "conflict" and line["why"].startswith("different states in the lead")
    (states,) = [c for c in line["facts"]["conflicts"] if c["kind"] == "state"]
    assert any("مالي" in shown for shown in states["a"]) and any("تشاد" in shown for shown in states["b"])
    assert line["facts"]["shared"]  # the sender and the occasion are the same


def test_similar_names_a_bad_pairs_line_and_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "bad.jsonl").write_text('{"a": "a.txt"}\n', encoding="utf-8")
    bad = marsad_similar("--pairs", "bad.jsonl", cwd=tmp_path)
    assert bad.returncode != 0 and "bad.jsonl:1" in bad.stderr
    missing = marsad_similar("a.txt", "missing.txt", cwd=tmp_path)
    assert missing.returncode != 0 and "missing.txt" in missing.stderr
