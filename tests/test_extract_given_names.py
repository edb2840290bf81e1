"""The given-names data file (workers/extract/lexicon/given_names.yaml) and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from workers.clean.normalize import normalize_for_matching
from workers.extract.given_names import GIVEN_NAMES_PATH, default_given_names, load_given_names


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "given_names.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_entry_loads() -> None:
    names = load_given_names()
    document = yaml.safe_load(GIVEN_NAMES_PATH.read_text(encoding="utf-8"))
    entries = [entry for section in ("arabic", "compound", "foreign") for entry in document[section]]
    assert len(names) == len(entries) > 1000
    assert default_given_names() == names
    assert default_given_names() is default_given_names()  # read once


def test_section_sizes() -> None:
    document = yaml.safe_load(GIVEN_NAMES_PATH.read_text(encoding="utf-8"))
    assert document["version"] == 1
    assert 600 <= len(document["arabic"]) <= 900
    assert 100 <= len(document["compound"]) <= 250
    assert 500 <= len(document["foreign"]) <= 800


@pytest.mark.parametrize(
    "name",
    ["محمد", "امحمد", "عبد الله", "عبدالله", "عبد العزيز", "عبدالعزيز", "سيرغي", "سيرجي", "أنغيلا", "أنجيلا",
     "إيمانويل", "ايمانويل", "دونالد", "فلاديمير", "بدر", "محمود", "فيصل", "بندر", "تركي", "سلطان", "نايف",
     "مشعل", "خالد", "سعود", "نور الدين", "صلاح الدين", "سيف الإسلام", "بنيامين", "أفيغدور", "رجب",
     "تيريزا", "حمزة", "حمزه", "فاطمة", "جان لوك"],
)  # fmt: skip
def test_known_names_are_in(name: str) -> None:
    assert normalize_for_matching(name) in default_given_names()


@pytest.mark.parametrize(
    "word",
    ["في", "اليوم", "أمل", "سلام", "على", "علي", "باسم", "الآن", "صباح", "يحيى", "أمير", "أمين", "ملك",
     "الشيخ", "السيد", "أبو", "أبو بكر", "إسلام", "إسرائيل", "جورجيا", "أسماء", "شي", "لي"],
)  # fmt: skip
def test_ordinary_words_and_titles_are_not(word: str) -> None:
    assert normalize_for_matching(word) not in default_given_names()


def test_forms_are_normalised() -> None:
    for form in default_given_names():
        assert form == normalize_for_matching(form)
        assert 1 <= len(form.split(" ")) <= 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "arabic: [حمزة]\ncompound: []\nforeign: [حمزه]", "حمزه", id="duplicate-after-normalisation"
        ),
        pytest.param("arabic: [أحمد, محمد, احمد]", "احمد", id="duplicate-within-a-section"),
        pytest.param("arabic: [محمد]\nforeign: [Donald]", "Donald", id="latin-form"),
        pytest.param("arabic: [محمد2]", "محمد2", id="digits"),
        pytest.param("arabic: [گلناز]", "گلناز", id="persian-letters"),
        pytest.param('arabic: [محمد, ""]', "empty", id="empty-string"),
        pytest.param("arabic: [محمد, '\u064e']", "empty", id="only-a-diacritic"),
        pytest.param("arabic: [محمد, null]", "empty", id="null"),
        pytest.param("compound: [عبد الله, محمد بن سلمان]", "محمد بن سلمان", id="more-than-two-words"),
    ],
)
def test_a_bad_file_is_refused_naming_the_form(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, f"version: 1\n{text}\n")
    with pytest.raises(ValueError, match=message):
        load_given_names(path)


def test_a_small_good_file_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\narabic: [أحمد, فاطمة]\ncompound: [عبد الله]\nforeign: [سيرغي]\n")
    assert load_given_names(path) == frozenset({"احمد", "فاطمه", "عبد الله", "سيرغي"})
