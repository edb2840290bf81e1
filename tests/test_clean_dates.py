"""Dates in Arabic news text: month-name families, digits, numeric and Hijri forms, date lines, data file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hijridate import Hijri

from workers.clean.dates import MONTHS_FILE, FoundDate, find_dates, load_months, parse_date_line

NAMES = load_months()
FAMILIES = ("egyptian", "levantine", "maghreb")


def only_date(text: str) -> FoundDate:
    found = find_dates(text)
    assert len(found) == 1, found
    return found[0]


def matched(text: str) -> list[str]:
    return [text[f.start : f.end] for f in find_dates(text)]


# --- find_dates: forms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "month", "name"),
    [
        (family, month, name)
        for family in FAMILIES
        for month, names in NAMES.gregorian[family].items()
        for name in names
    ],
)
def test_find_dates_reads_every_gregorian_month_name(family: str, month: int, name: str) -> None:
    found = only_date(f"وصل الوفد إلى العاصمة في 12 {name} 2016 لإجراء محادثات")
    assert (found.value, found.calendar) == (date(2016, month, 12), "gregorian")


@pytest.mark.parametrize(
    ("month", "name"), [(month, name) for month, names in NAMES.hijri.items() for name in names]
)
def test_find_dates_reads_every_hijri_month_name(month: int, name: str) -> None:
    found = only_date(f"صدر المرسوم في 12 {name} 1437 هـ")
    assert (found.value, found.calendar) == (Hijri(1437, month, 12).to_gregorian(), "hijri")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("عقد المؤتمر في 21 سبتمبر 2018 بالقاهرة", date(2018, 9, 21)),
        ("عقد المؤتمر في 21 أيلول 2018 ببيروت", date(2018, 9, 21)),
        ("عقد المؤتمر في 21 سبتمبر، 2018 بالرباط", date(2018, 9, 21)),
        ("افتتح المعرض في 3 جانفي 2017 بالجزائر", date(2017, 1, 3)),
        ("افتتح المعرض في 3 جويلية 2017 بتونس", date(2017, 7, 3)),
        ("جرت الانتخابات في 7 ماي 2017 بالمغرب", date(2017, 5, 7)),
        ("جرت الانتخابات في 16 نوفمبر عام 2015", date(2015, 11, 16)),
    ],
)
def test_find_dates_reads_day_month_year(text: str, expected: date) -> None:
    assert only_date(text).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21 أيلول/سبتمبر 2018", date(2018, 9, 21)),
        ("16 نوفمبر/تشرين الثاني 2015", date(2015, 11, 16)),
        ("16 تشرين الثاني/نوفمبر 2015", date(2015, 11, 16)),
        ("21 كانون الأول/ ديسمبر 2018", date(2018, 12, 21)),
        ("21 كانون الأول /ديسمبر 2018", date(2018, 12, 21)),
        ("21 كانون الأول / ديسمبر 2018", date(2018, 12, 21)),
        ("4 كانون الثاني (يناير) 2016", date(2016, 1, 4)),
    ],
)
def test_find_dates_reads_paired_month_names(text: str, expected: date) -> None:
    found = only_date(f"أعلنت الحكومة في {text} عن خطة جديدة")
    assert found.value == expected
    assert (found.end - found.start) == len(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سبتمبر 21, 2018", date(2018, 9, 21)),
        ("سبتمبر 21، 2018", date(2018, 9, 21)),
        ("كانون الأول 21، 2018", date(2018, 12, 21)),
        ("تشرين الأول/أكتوبر 9، 2017", date(2017, 10, 9)),
    ],
)
def test_find_dates_reads_month_day_year(text: str, expected: date) -> None:
    assert matched(f"نشر التقرير {text}") == [text]
    assert only_date(text).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015/11/16", date(2015, 11, 16)),
        ("2015-11-16", date(2015, 11, 16)),
        ("16/11/2015", date(2015, 11, 16)),
        ("16-11-2015", date(2015, 11, 16)),
        ("16.11.2015", date(2015, 11, 16)),
        ("5/3/2016", date(2016, 3, 5)),
    ],
)
def test_find_dates_reads_numeric_dates(text: str, expected: date) -> None:
    found = only_date(f"أغلقت البورصة في {text} على ارتفاع")
    assert (found.value, found.calendar) == (expected, "gregorian")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("٢١ سبتمبر ٢٠١٨", date(2018, 9, 21)),  # Egyptian month, Arabic-Indic digits
        ("٢١ أيلول/سبتمبر ٢٠١٨", date(2018, 9, 21)),  # Levantine
        ("١٤ جويلية ٢٠١٦", date(2016, 7, 14)),  # Maghreb
        ("۲۱ سبتمبر ۲۰۱۸", date(2018, 9, 21)),  # Persian digits
        ("سبتمبر ٢١، ٢٠١٨", date(2018, 9, 21)),  # month day, year
        ("١٦/١١/٢٠١٥", date(2015, 11, 16)),  # numeric
        ("۲۰۱۵-۱۱-۱۶", date(2015, 11, 16)),
        ("٥ صفر ١٤٣٧ هـ", date(2015, 11, 17)),  # Hijri, named
        ("١٤٣٧/٢/٥ هـ", date(2015, 11, 17)),  # Hijri, numeric
    ],
)
def test_find_dates_reads_eastern_arabic_digits(text: str, expected: date) -> None:
    assert only_date(text).value == expected


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("16 كانون الثاني 2016", 1),
        ("16 كانون الأول 2016", 12),
        ("16 تشرين الأول 2016", 10),
        ("16 تشرين الثاني 2016", 11),
        ("16 كانون  الثاني 2016", 1),  # two spaces inside the name
    ],
)
def test_find_dates_reads_multi_word_months_whole(text: str, month: int) -> None:
    found = only_date(text)
    assert found.value.month == month
    assert (found.start, found.end) == (0, len(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9 ابريل 2016", date(2016, 4, 9)),
        ("9 إبريل 2016", date(2016, 4, 9)),
        ("9 اذار 2016", date(2016, 3, 9)),
        ("9 يونيه 2016", date(2016, 6, 9)),
        ("9 نوفمـــبر 2016", date(2016, 11, 9)),  # tatweel
        ("9 نُوفَمْبَر 2016", date(2016, 11, 9)),  # diacritics
        ("9 جويليه 2016", date(2016, 7, 9)),  # ه for ة
        ("5 جمادي الاولي 1437 هـ", date(2016, 2, 14)),  # ي for ى
        ("5 ذو الحجه 1437 هـ", date(2016, 9, 6)),
    ],
)
def test_find_dates_reads_spelling_variants(text: str, expected: date) -> None:
    assert only_date(text).value == expected


# --- find_dates: Hijri --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "5 صفر 1437 هـ",
        "5 صفر 1437هـ",
        "5 صفر 1437 ه",
        "5 صفر 1437 للهجرة",
        "5 صفر 1437",  # the Hijri month name is marker enough
        "1437/2/5 هـ",
        "1437/2/5هـ",
        "5/2/1437هـ",
        "5/2/1437 هـ",
    ],
)
def test_find_dates_reads_hijri_forms(text: str) -> None:
    found = only_date(f"قال البيان الصادر في {text} إن")
    assert (found.value, found.calendar) == (date(2015, 11, 17), "hijri")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Umm al-Qura tables (as used by hijridate): the Saudi calendar put the new year on 14 October.
        ("1 محرم 1437 هـ", date(2015, 10, 14)),
        ("5 صفر 1437 هـ", date(2015, 11, 17)),
        ("1 رمضان 1437 هـ", date(2016, 6, 6)),
    ],
)
def test_find_dates_converts_hijri_to_gregorian(text: str, expected: date) -> None:
    assert only_date(text).value == expected


def test_find_dates_finds_hijri_and_gregorian_pair() -> None:
    text = "الاثنين 5 صفر 1437 هـ الموافق 16 نوفمبر 2015"
    found = find_dates(text)
    assert [(f.value, f.calendar) for f in found] == [
        (date(2015, 11, 17), "hijri"),
        (date(2015, 11, 16), "gregorian"),
    ]
    assert matched(text) == ["5 صفر 1437 هـ", "16 نوفمبر 2015"]


@pytest.mark.parametrize("text", ["1437/2/5", "5/2/1437", "5/2/2015 هـ"])
def test_find_dates_needs_marker_and_range_for_numeric_hijri(text: str) -> None:
    assert find_dates(text) == []


# --- find_dates: offsets and order ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قالَ الوزيرُ أيضاً إن الاتفاق وُقِّع في 16 نوفمبر 2015 بحضور الوفدين", "16 نوفمبر 2015"),
        ("وأكّد ـــــ في بيان ـــــ أن الجلسة حُدِّدت 16 نوفمـــبر 2015 موعدا", "16 نوفمـــبر 2015"),
        ("أرجئت الجلسة إلى ١٦ تشرين الثاني/نوفمبر ٢٠١٥ بطلب من الدفاع", "١٦ تشرين الثاني/نوفمبر ٢٠١٥"),
        ("وكان القرار قد صدر في 5 صفر 1437هـ ثم عُدِّل", "5 صفر 1437هـ"),
        ("انتهت المهلة يوم 16/11/2015م دون رد", "16/11/2015م"),
    ],
)
def test_find_dates_offsets_cover_the_date_text(text: str, expected: str) -> None:
    assert matched(text) == [expected]


def test_find_dates_leaves_weekday_out_of_the_match() -> None:
    assert matched("أعلن الجيش الأربعاء 18 نوفمبر 2015 انتهاء العملية") == ["18 نوفمبر 2015"]


def test_find_dates_lists_dates_in_order_of_appearance() -> None:
    text = (
        "بدأت المحاكمة في 2014/3/2 وأرجئت إلى 9 أيار 2014 ثم إلى حزيران 1، 2014 وصدر الحكم في 5 رجب 1435 هـ"
    )
    assert [f.value for f in find_dates(text)] == [
        date(2014, 3, 2),
        date(2014, 5, 9),
        date(2014, 6, 1),
        date(2014, 5, 4),
    ]


# --- find_dates: what is not a date -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2015/13/16",  # month 13
        "30/2/2016",  # 30 February
        "29 فبراير 2015",  # not a leap year
        "31 نيسان 2016",  # April has 30 days
        "0 يناير 2016",
        "30 صفر 1437 هـ",  # Safar 1437 has 29 days
        "21 أيلول/أكتوبر 2018",  # two different months
        "5 نوفمبر 1437 هـ",  # Gregorian month, Hijri year
    ],
)
def test_find_dates_ignores_impossible_dates(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "16 نوفمبر 15",  # two-digit year
        "16/11/15",
        "16 نوفمبر 1850",
        "16 نوفمبر 2150",
        "5 صفر 1250 هـ",
        "5 صفر 1550 هـ",
    ],
)
def test_find_dates_ignores_years_out_of_range(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "قتل 16 شخصا في نوفمبر 2015",  # no day next to the month
        "بلغ عدد المشاركين 2015 شخصا في 16 دولة",
        "قال الوزير إن الاجتماع سيعقد في نوفمبر المقبل",
        "سجل المؤشر 12.5.2 نقطة",
        "الرقم 16/11/20155",
        "الكتاب 5 آبار 2015",  # a word that starts with a month name
    ],
)
def test_find_dates_ignores_incomplete_or_non_dates(text: str) -> None:
    assert find_dates(text) == []


# --- parse_date_line --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("16 نوفمبر 2015", date(2015, 11, 16)),
        ("الاثنين 16 نوفمبر 2015", date(2015, 11, 16)),
        ("الإثنين، 16 تشرين الثاني/نوفمبر 2015 - 10:30", date(2015, 11, 16)),
        ("نشر في: الاثنين 16 نوفمبر 2015 - 10:30 م", date(2015, 11, 16)),
        ("نشر بتاريخ 16/11/2015 | 09:15 ص", date(2015, 11, 16)),
        ("تاريخ النشر: 2015-11-16 10:30:00", date(2015, 11, 16)),
        ("آخر تحديث: الأحد 15 نوفمبر 2015 | 11:05 PM", date(2015, 11, 15)),
        ("بتاريخ ١٦ أيلول ٢٠١٥", date(2015, 9, 16)),
        ("الجمعة 4 جوان 2016 - 18:20 GMT", date(2016, 6, 4)),
        ("  السبت 5 صفر 1437 هـ  ", date(2015, 11, 17)),
        ("الخميس , 3 مارس , 2016 الساعة 8:45 مساء بتوقيت مكة المكرمة", date(2016, 3, 3)),
    ],
)
def test_parse_date_line_reads_date_lines(line: str, expected: date) -> None:
    assert parse_date_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "الاثنين 5 صفر 1437 هـ الموافق 16 نوفمبر 2015",
        "الاثنين 5 صفر 1437 هـ - الموافق لـ 16 نوفمبر 2015 م",
    ],
)
def test_parse_date_line_prefers_gregorian_of_hijri_pair(line: str) -> None:
    assert parse_date_line(line) == date(2015, 11, 16)


@pytest.mark.parametrize(
    "line",
    [
        "التقى الرئيسان الاثنين 16 نوفمبر 2015 في أنطاليا",
        "القاهرة - 16 نوفمبر 2015",
        "وكانت الهدنة قد انهارت في 16/11/2015",
        "16 نوفمبر 2015 12",
    ],
)
def test_parse_date_line_rejects_sentences_containing_dates(line: str) -> None:
    assert parse_date_line(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "",
        "نشر في: الاثنين",
        "آخر تحديث: 10:30 م",
        "نشر في نوفمبر 2015",
        "الاثنين 16 نوفمبر",
        "أكدت مصادر مطلعة أن المفاوضات ستستأنف قريبا",
    ],
)
def test_parse_date_line_rejects_lines_without_a_complete_date(line: str) -> None:
    assert parse_date_line(line) is None


def test_parse_date_line_rejects_long_lines() -> None:
    line = "نشر في: الاثنين 16 نوفمبر 2015" + " -" * 30
    assert len(line.strip()) > 80
    assert parse_date_line(line) is None


# --- load_months ----------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_load_months_names_every_month_of_each_gregorian_family(family: str) -> None:
    months = NAMES.gregorian[family]
    assert sorted(months) == list(range(1, 13))
    assert all(names for names in months.values())


def test_load_months_names_every_hijri_month() -> None:
    assert sorted(NAMES.hijri) == list(range(1, 13))
    assert all(names for names in NAMES.hijri.values())


def test_load_months_reads_every_entry_of_the_data_file() -> None:
    raw = yaml.safe_load(MONTHS_FILE.read_text(encoding="utf-8"))
    assert {f: {m: list(n) for m, n in months.items()} for f, months in NAMES.gregorian.items()} == raw[
        "gregorian"
    ]
    assert {m: list(n) for m, n in NAMES.hijri.items()} == raw["hijri"]
    assert list(NAMES.weekdays) == raw["weekdays"]
    assert list(NAMES.date_line_prefixes) == raw["date_line_prefixes"]
    assert list(NAMES.date_line_connectors) == raw["date_line_connectors"]


def _gregorian_family(data: dict[str, Any]) -> dict[Any, Any]:
    family: dict[Any, Any] = data["gregorian"]["egyptian"]
    return family


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        pytest.param(
            lambda d: _gregorian_family(d).__setitem__(13, ["شهر"]), "month number 13", id="month-13"
        ),
        pytest.param(lambda d: _gregorian_family(d).__setitem__(0, ["شهر"]), "month number 0", id="month-0"),
        pytest.param(
            lambda d: _gregorian_family(d).__setitem__("3", ["شهر"]), "month number '3'", id="month-as-text"
        ),
        pytest.param(
            lambda d: _gregorian_family(d)[4].append(""), "egyptian month 4: empty", id="empty-name"
        ),
        pytest.param(
            lambda d: _gregorian_family(d)[4].append("  "), "egyptian month 4: empty", id="blank-name"
        ),
        pytest.param(lambda d: d["hijri"][2].append(None), "hijri month 2: empty", id="non-text-name"),
        pytest.param(
            lambda d: _gregorian_family(d)[4].append("مايو"),
            "month 5: 'مايو' is already month 4",
            id="name-in-two-months",
        ),
        pytest.param(
            lambda d: d["gregorian"]["maghreb"][6].append("أيار"),
            "'أيار' is already month 5",
            id="name-in-two-families",
        ),
        pytest.param(
            lambda d: d["hijri"][3].append("صفر"), "'صفر' is already month 2", id="hijri-name-in-two-months"
        ),
        pytest.param(
            lambda d: d["hijri"][9].append("نوفمبر"), "both Gregorian and Hijri", id="name-in-both-calendars"
        ),
        pytest.param(lambda d: _gregorian_family(d).pop(7), r"no names for months \[7\]", id="missing-month"),
        pytest.param(
            lambda d: d["hijri"].__setitem__(5, []), "hijri month 5: expected a non-empty list", id="no-names"
        ),
        pytest.param(lambda d: d.__setitem__("weekdays", []), "weekdays", id="no-weekdays"),
        pytest.param(lambda d: d.pop("date_line_prefixes"), "expected exactly the keys", id="missing-key"),
    ],
)
def test_load_months_rejects_malformed_entry(corrupt: Any, message: str, tmp_path: Path) -> None:
    data = yaml.safe_load(MONTHS_FILE.read_text(encoding="utf-8"))
    corrupt(data)
    path = tmp_path / "months.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_months(path)


def test_load_months_accepts_a_valid_copy(tmp_path: Path) -> None:
    path = tmp_path / "months.yaml"
    path.write_text(MONTHS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_months(path) == NAMES
