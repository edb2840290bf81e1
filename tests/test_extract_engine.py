"""The extraction engine on sentences written to show one behaviour each."""

from __future__ import annotations

from datetime import date

import pytest

from workers.extract import ExtractInput, extract_events
from workers.extract.engine import Event

PUBLISHED = date(2015, 11, 18)  # a Wednesday


def events(body: str, published: date | None = PUBLISHED) -> list[Event]:
    return list(extract_events(ExtractInput(1, body, "", "ar", published)).events)


def summary(found: list[Event]) -> list[tuple[str, str | None, list[str], list[str]]]:
    return [
        (e.type, e.mode, sorted(a.code for a in e.actors), sorted(r.code for r in e.recipients))
        for e in found
    ]


def test_phone_call_is_a_symmetric_consult_with_mode_phone() -> None:
    found = events(
        "أجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره الكازاخستاني نور سلطان نزارباييف."
    )
    assert summary(found) == [("CONSULT", "phone", ["KAZ", "RUS"], [])]


def test_title_adjective_and_name_merge_into_one_actor() -> None:
    (event,) = events("التقى الرئيس الروسي فلاديمير بوتين رئيس الوزراء البريطاني ديفيد كاميرون في أنطاليا.")
    texts = sorted(a.text for a in event.actors)
    assert texts == ["الرئيس الروسي فلاديمير بوتين", "رئيس الوزراء البريطاني ديفيد كاميرون"]
    assert [a.name for a in event.actors] == ["Vladimir Putin", "David Cameron"]


def test_meeting_abroad_on_the_sidelines_is_third_party_with_its_place() -> None:
    (event,) = events(
        "وعقد الرئيس الروسي والرئيس الصيني لقاء على هامش قمة مجموعة العشرين في أنطاليا التركية."
    )
    assert (event.type, event.mode) == ("CONSULT", "third-party")
    assert event.location is not None and (event.location.name, event.location.country) == ("Antalya", "TUR")


def test_visit_the_visitor_is_the_actor_and_the_host_the_recipient() -> None:
    found = events("زار وزير الخارجية الأردني القاهرة حيث التقى نظيره المصري سامح شكري.")
    assert ("CONSULT", "visit", ["JOR"], ["EGY"]) in summary(found)


def test_reception_the_one_received_is_the_actor() -> None:
    found = events("استقبل العاهل الأردني الملك عبد الله الثاني وزير الخارجية المصري سامح شكري.")
    assert summary(found) == [("CONSULT", "visit", ["EGY"], ["JOR"])]


def test_negated_event_is_no_event() -> None:
    assert events("ولم يلتق الرئيس الروسي نظيره الأمريكي خلال القمة.") == []


def test_meeting_announced_for_the_future_is_agree() -> None:
    found = events("وسيلتقي الرئيس التركي رجب طيب أردوغان نظيره الروسي فلاديمير بوتين الشهر المقبل.")
    assert summary(found) == [("AGREE", None, ["RUS", "TUR"], [])]


def test_directed_request_subject_and_recipients() -> None:
    found = events("دعا الأمين العام للأمم المتحدة بان كي مون روسيا والولايات المتحدة إلى التعاون.")
    assert summary(found) == [("REQUEST", None, ["UNO"], ["RUS", "USA"])]


def test_a_bare_statement_is_no_event() -> None:
    assert events("وقال وزير الخارجية الروسي سيرغي لافروف إن موسكو ترى الوضع في المنطقة معقدا.") == []


def test_the_same_event_stated_twice_is_one_event() -> None:
    body = (
        "أجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره الأمريكي دونالد ترامب.\n"
        "وبحث الرئيسان خلال المكالمة الهاتفية الوضع في سوريا."
    )
    assert summary(events(body)) == [("CONSULT", "phone", ["RUS", "USA"], [])]


def test_unnamed_attackers_take_the_armed_group_the_article_names() -> None:
    body = "وأعلن تنظيم داعش مسؤوليته عن الحادث.\nوفجر الإرهابيون طائرة روسية فوق شبه جزيرة سيناء."
    found = [e for e in events(body) if e.type == "ASSAULT"]
    assert summary(found) == [("ASSAULT", "explosives", ["ISIL"], ["RUS"])]
    assert found[0].location is not None and found[0].location.name == "Sinai"


def test_a_city_qualified_by_its_region_is_where_it_happened() -> None:
    body = (
        "وقال المتحدث إن ما جرى في مسجد قوات الطوارئ بمدينة بيشة بمنطقة عسير ظهر اليوم من تفجير وقتل "
        "للمصلين جريمة نكراء."
    )
    found = [e for e in events(body) if e.type == "ASSAULT"]
    assert found and found[0].location is not None
    assert (found[0].location.name, found[0].location.country) == ("Qal‘at Bīshah", "SAU")
    assert found[0].location.geonameid is not None  # the GeoNames town, named in Arabic by regions.yaml


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("اليوم", date(2015, 11, 18)),
        ("أمس", date(2015, 11, 17)),
        ("يوم الاثنين", date(2015, 11, 16)),
        ("في 12 نوفمبر 2015", date(2015, 11, 12)),
    ],
)
def test_event_date_is_resolved_against_publication(when: str, expected: date) -> None:
    (event,) = events(f"التقى الرئيس الروسي فلاديمير بوتين نظيره الفرنسي فرانسوا هولاند {when}.")
    assert (event.date, event.date_precision) == (expected, "day")


def test_office_holder_is_coded_by_the_office_held_at_publication() -> None:
    (early,) = events("التقى ميدفيديف نظيره الفرنسي.", published=date(2010, 6, 1))
    assert next(a for a in early.actors if a.name == "Dmitry Medvedev").code == "RUS"


def test_non_arabic_articles_are_skipped_with_a_reason() -> None:
    extraction = extract_events(ExtractInput(1, "The presidents met in Antalya.", "", "en", PUBLISHED))
    assert extraction.events == () and "Arabic only" in (extraction.skipped_reason or "")


def test_offsets_point_at_the_trigger_in_the_body() -> None:
    body = "مقدمة الخبر هنا.\nأجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره الكازاخستاني."
    (event,) = events(body)
    assert body[event.char_start : event.char_end] == event.trigger == "اتصالا هاتفيا"


def test_a_ministry_is_not_a_visit() -> None:
    # "وزارة" in matching form reads و+زار+ه ("and he visited him"); its ة says otherwise.
    assert events("وأعلنت وزارة الخارجية الروسية في بيان أن موسكو ترحب بالمبادرة.") == []


def test_an_armed_group_is_one_of_the_two_sides() -> None:
    found = events(
        "أطلقت الحكومة الصومالية وحركة الشباب اليوم عشرات المحتجزين. "
        "ودعا المبعوث الأممي الطرفين إلى مواصلة الحوار."
    )
    assert ("REQUEST", None, ["UNO"], ["SHABAAB", "SOM"]) in summary(found)


def test_what_a_request_asks_for_is_no_event_of_its_own() -> None:
    found = events("وحث وزير الخارجية الأمريكي الجانبين على التهدئة والإسراع في الإفراج عن المعتقلين.")
    assert [e.type for e in found] == ["REQUEST"]


def test_a_detached_pronoun_object_is_the_one_just_named() -> None:
    found = events("واتهمت الجامعة العربية إيران بالتدخل في شؤون المنطقة، مطالبة إياها بالكف عن ذلك.")
    assert ("REQUEST", None, ["ARL"], ["IRN"]) in summary(found)


def test_the_word_city_is_not_medina() -> None:
    (event,) = events("والتقى وزير الخارجية الروسي نظيره التركي في مدينة دوما.")
    assert event.location is not None and event.location.country == "SYR"


def test_a_state_relief_agency_codes_its_state() -> None:
    found = events("سلم مركز الملك سلمان للإغاثة أمس 500 سلة غذائية للنازحين اليمنيين.")
    assert ("AID", None, ["SAU"], ["YEM"]) in summary(found)


def test_summoning_another_states_ambassador_is_a_protest() -> None:
    found = events("واستدعت وزارة الخارجية الفرنسية أمس السفير الإيراني في باريس.")
    assert ("ACCUSE", "disapprove", ["FRA"], ["IRN"]) in summary(found)


def test_recalling_ones_own_ambassador_is_not_summoning_anothers() -> None:
    found = events("وقررت الحكومة الفرنسية استدعاء سفيرها لدى إيران للتشاور.")
    assert not [e for e in found if e.type == "ACCUSE"]


def test_a_detention_named_as_a_reason_is_no_new_event() -> None:
    found = events("وقال وزير الخارجية البريطاني إنه لا يرى أي أساس لاحتجازه في إيران.")
    assert not [e for e in found if e.type == "COERCE"]


def test_police_without_the_article_are_the_states_police() -> None:
    found = events("وأعلنت قيادة شرطة الأنبار اعتقال ثلاثة عناصر من تنظيم داعش في الرمادي.")
    assert ("COERCE", "arrest", ["IRQ"], ["ISIL"]) in summary(found)


def test_a_nationality_word_after_a_definite_title_is_a_given_name() -> None:
    found = events("وانتقد الأمير تركي الفيصل إيران بشدة.")
    assert all("TUR" not in [a.code for a in e.actors] for e in found)


def test_an_indefinite_nationality_adjective_still_codes_its_state() -> None:
    found = events("وانتقد مسؤول تركي إيران بشدة.")
    assert ("ACCUSE", "disapprove", ["TUR"], ["IRN"]) in summary(found)


def test_rejecting_the_agreement_is_aimed_at_those_who_signed_it() -> None:
    found = events(
        "ووقع وزيرا خارجية قبرص واليونان اليوم اتفاقا لتعيين الحدود البحرية. "
        "ورفضت وزارة الخارجية التركية الاتفاق واعتبرته باطلا."
    )
    assert ("REJECT", None, ["TUR"], ["CYP", "GRC"]) in summary(found)


def test_a_football_match_is_no_political_event() -> None:
    found = events(
        "وشن المنتخب الجزائري هجمات متتالية في الشوط الثاني على مرمى المنتخب المغربي. "
        "ويلتقي المنتخب الوطني نظيره التونسي في المباراة المقبلة."
    )
    assert found == []


def test_the_president_elect_is_no_football_team() -> None:
    found = events("وانتقد الرئيس الأمريكي المنتخب الصين بشدة.")
    assert summary(found) == [("ACCUSE", "disapprove", ["USA"], ["CHN"])]


def test_a_visitors_own_leader_named_after_the_visit_is_not_the_host() -> None:
    found = events("ووصل وزير الخارجية المصري إلى بكين أمس في زيارة رسمية، حاملا رسالة من الرئيس المصري.")
    assert ("CONSULT", "visit", ["EGY"], ["CHN"]) in summary(found)


def test_a_claim_denied_in_its_own_sentence_is_no_event() -> None:
    found = events("وزعمت صحيفة أن أردوغان طلب من بوتين وقف الغارات، وهو ما نفاه الكرملين.")
    assert not [e for e in found if e.type == "REQUEST"]


def test_what_someone_used_to_do_is_no_event() -> None:
    assert events("واعتاد وزير الخارجية الفرنسي أن يزور لبنان مرتين في العام.") == []
    assert events("ودأب الرئيس الفرنسي على زيارة بيروت كل عام.") == []


def test_a_committee_is_not_the_town_of_djenne() -> None:
    (event,) = events("دعا رئيس لجنة الشؤون الخارجية في البرلمان الروسي واشنطن إلى الحوار.")
    assert event.location is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # an active killing names its killer; the killed are the recipient's side
        (
            "قتلت القوات الإسرائيلية فلسطينيا قرب السياج الحدودي شرقي غزة يوم الأحد.",
            ("ASSAULT", ["ISR"], ["PSE"]),
        ),
        # a vehicle driven into people is an attack
        ("نفذت حركة طالبان عملية دهس استهدفت جنودا أفغانا في قندهار.", ("ASSAULT", ["TALIBAN"], ["AFG"])),
        # holding someone in custody is an arrest
        ("تحتجز الشرطة الكندية المشتبه به منذ مساء الاثنين في تورونتو.", ("COERCE", ["CAN"], ["CAN"])),
    ],
)
def test_killing_ramming_and_custody_words(body: str, expected: tuple[str, list[str], list[str]]) -> None:
    found = [
        (e.type, sorted(a.code for a in e.actors), sorted(r.code for r in e.recipients)) for e in events(body)
    ]
    assert expected in found


def test_were_killed_after_the_victims_names_no_killer() -> None:
    assert events("وقالت مصادر أمنية إن عشرة من عناصر تنظيم داعش قتلوا في مواجهات قرب الرمادي.") == []
