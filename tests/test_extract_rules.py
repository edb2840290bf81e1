"""One test per rule of the extractor's steps (workers/extract: mentions, names, context, frames, roles,
event-hood, coding), each pinned by a short sentence in the manner of Arabic wire copy: real public
actors, invented facts."""

from __future__ import annotations

from datetime import date

import pytest

from workers.extract import Dropped, ExtractInput, extract_events
from workers.extract.engine import Event

PUBLISHED = date(2015, 11, 18)  # a Wednesday

Summary = list[tuple[str, str | None, list[str], list[str]]]


def events(
    body: str, published: date | None = PUBLISHED, article: dict[str, str] | None = None
) -> list[Event]:
    """The events of an article; `article` gives its dateline, agency or outlet."""
    return list(extract_events(ExtractInput(1, body, "", "ar", published, **(article or {}))).events)


def dropped(body: str) -> list[Dropped]:
    return list(extract_events(ExtractInput(1, body, "", "ar", PUBLISHED)).dropped)


def summary(found: list[Event]) -> Summary:
    return [
        (e.type, e.mode, sorted(a.code for a in e.actors), sorted(r.code for r in e.recipients))
        for e in found
    ]


def codes(found: list[Event]) -> set[str]:
    return {a.code for e in found for a in e.actors + e.recipients}


# --- mentions -----------------------------------------------------------------------------------------


def test_mentions_office_words_between_a_title_and_its_nationality() -> None:
    # "وزير الزراعة" is no title of its own: the office runs on to "اليمني", even in a Saudi-datelined story.
    (event,) = events(
        "واتهم وزير الزراعة اليمني إيران بتهريب الأسلحة إلى الحوثيين.", article={"dateline": "الرياض"}
    )
    assert summary([event]) == [("ACCUSE", "allege", ["YEM"], ["IRN"])]
    (minister,) = event.actors
    assert (minister.text, minister.role, minister.person) == ("وزير الزراعة اليمني", "minister", True)


def test_mentions_head_of_a_body_takes_the_bodys_state() -> None:
    (event,) = events("انتقد رئيس اللجنة الاقتصادية في البرلمان الإيراني الولايات المتحدة بشدة.")
    assert summary([event]) == [("ACCUSE", "disapprove", ["IRN"], ["USA"])]
    assert event.actors[0].text == "رئيس اللجنة الاقتصادية في البرلمان الإيراني"


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        ({"dateline": "الرياض"}, [("CONSULT", "visit", ["USA"], ["SAU"])]),
        ({"agency": "SPA"}, [("CONSULT", "visit", ["USA"], ["SAU"])]),
        ({"source": "okaz"}, [("CONSULT", "visit", ["USA"], ["SAU"])]),
        ({}, []),
    ],
)
def test_mentions_a_bare_title_takes_the_articles_state(article: dict[str, str], expected: Summary) -> None:
    found = events("واستقبل وزير الداخلية في مكتبه اليوم السفير الأمريكي.", article=article)
    assert summary(found) == expected


@pytest.mark.parametrize("seat", ["مكة المكرمة", "الرياض"])  # a city, and a capital
def test_mentions_a_governors_seat_gives_his_state(seat: str) -> None:
    (event,) = events(f"استقبل أمير منطقة {seat} اليوم القنصل العام الأمريكي.")
    assert summary([event]) == [("CONSULT", "visit", ["USA"], ["SAU"])]
    assert event.recipients[0].text == f"أمير منطقة {seat}"


def test_mentions_an_outlets_name_is_no_actor() -> None:
    # "ديلي" alone is Dili (Timor-Leste); in "ديلي تلغراف" it is a newspaper, so the refusal has no
    # one named to refuse and falls back on the government's own state.
    found = events("ورفضت الحكومة البريطانية ما نشرته صحيفة ديلي تلغراف.")
    assert summary(found) == [("REJECT", None, ["GBR"], ["GBR"])]


def test_mentions_a_proper_name_takes_no_article() -> None:
    # "السيول" is the floods, not Seoul: the aid goes to Sudan, the place named after it.
    found = events("وقدمت الإمارات مساعدات عاجلة للمتضررين من السيول في السودان.")
    assert summary(found) == [("AID", None, ["ARE"], ["SDN"])]
    assert "KOR" not in codes(found)


@pytest.mark.parametrize(
    ("guest", "expected"),
    [
        ("السفير التركي", [("CONSULT", "visit", ["TUR"], ["EGY"])]),
        ("عبدالله بن محمد التركي", []),  # a family name: no Turkish side
    ],
)
def test_mentions_a_nisba_after_a_persons_name_is_no_state(guest: str, expected: Summary) -> None:
    found = events(f"واستقبل الرئيس المصري عبد الفتاح السيسي في القاهرة {guest}.")
    assert summary(found) == expected


def test_mentions_an_adjective_on_a_place_noun_places_the_event() -> None:
    (event,) = events("وشنت حركة طالبان هجوما على مقر للشرطة غرب العاصمة الأفغانية.")
    assert summary([event]) == [("ASSAULT", None, ["TALIBAN"], ["AFG"])]
    assert event.location is not None and event.location.country == "AFG"


def test_mentions_two_named_office_holders_side_by_side_are_two_actors() -> None:
    found = events("استقبل العاهل الأردني الملك عبد الله الثاني رئيس الوزراء عبد الله النسور.")
    assert summary(found) == [("CONSULT", "visit", ["JOR"], ["JOR"])]
    assert [a.text for a in found[0].actors + found[0].recipients] == [
        "رئيس الوزراء عبد الله النسور",
        "العاهل الأردني الملك عبد الله الثاني",
    ]


# --- names --------------------------------------------------------------------------------------------


def test_names_a_titled_persons_surname_alone_is_that_actor() -> None:
    body = (
        "وصل وزير النقل اليمني بدر محمد باسملة إلى لندن أمس.\n"
        "والتقى رئيس الوزراء البريطاني ديفيد كاميرون باسملة في وقت لاحق."
    )
    (event,) = events(body)
    assert summary([event]) == [("CONSULT", None, ["GBR", "YEM"], [])]
    assert "باسملة" in [a.text for a in event.actors]


# --- frames -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "وشددت الولايات المتحدة العقوبات المالية على كوريا الشمالية.",
            [("SANCTION", None, ["USA"], ["PRK"])],
        ),
        ("وتضررت الصادرات الروسية من العقوبات الأوروبية.", []),  # sanctions talked of, none imposed
    ],
)
def test_frames_sanctions_require_a_word_that_imposes_them(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("وقاطعت أحزاب المعارضة المصرية الانتخابات البرلمانية.", [("PROTEST", "boycott", ["EGY"], ["EGY"])]),
        ("وجرت الانتخابات المحلية في مقاطعة كيبيك الكندية أمس.", []),  # a province
    ],
)
def test_frames_in_muqataa_is_a_province_not_a_boycott(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("وحشدت تركيا قواتها على الحدود السورية.", [("MOBILIZE", "troops", ["TUR"], [])]),
        ("وألقى الرئيس التركي رجب طيب أردوغان كلمة أمام حشد كبير في إسطنبول.", []),  # a crowd
    ],
)
def test_frames_before_a_crowd_is_no_mobilisation(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "وأدانت محكمة إيرانية الصحفي الأمريكي جيسون رضائيان بتهمة التجسس.",
            [("SANCTION", "convict", ["IRN"], ["USA"])],
        ),
        (
            "وأدانت الحكومة المصرية بشدة تصريحات وزير الخارجية القطري.",
            [("ACCUSE", "disapprove", ["EGY"], ["QAT"])],
        ),
    ],
)
def test_frames_a_court_condemning_is_a_conviction(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "وهاجم الرئيس التركي رجب طيب أردوغان في كلمة متلفزة إسرائيل بشدة.",
            [("ACCUSE", "disapprove", ["TUR"], ["ISR"])],
        ),
        ("وهاجمت حركة الشباب قاعدة عسكرية كينية في جنوب الصومال.", [("ASSAULT", None, ["SHABAAB"], ["KEN"])]),
    ],
)
def test_frames_attacking_in_words_is_an_accusation(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "ودخل وقف إطلاق النار بين الحكومة اليمنية والحوثيين حيز التنفيذ منتصف الليل.",
            [("RETREAT", "ceasefire", ["HOUTHI", "YEM"], [])],
        ),
        ("وقالت مصادر محلية إن الهدنة بين الحكومة اليمنية والحوثيين هشة.", []),
    ],
)
def test_frames_a_ceasefire_only_when_it_takes_effect(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


# --- roles --------------------------------------------------------------------------------------------


def test_roles_a_feminine_state_after_a_masculine_verb_is_its_object() -> None:
    # "حث" does not agree with "روسيا": the subject is left out, the one the sentence before named.
    body = "وأكد الرئيس الفلسطيني محمود عباس تمسكه بحل الدولتين.\nوحث روسيا على لعب دور أكبر في عملية السلام."
    assert summary(events(body)) == [("REQUEST", None, ["PSE"], ["RUS"])]


def test_roles_the_oblique_pair_is_an_object() -> None:
    body = (
        "والتقى الرئيس السوداني عمر البشير رئيس جنوب السودان سلفاكير ميارديت في أديس أبابا.\n"
        "وقال الأمين العام للأمم المتحدة بان كي مون إن اللقاء خطوة مهمة.\n"
        "وحث الطرفين على مواصلة الحوار."
    )
    found = [e for e in events(body) if e.type == "REQUEST"]
    assert summary(found) == [("REQUEST", None, ["UNO"], ["SDN", "SSD"])]


def test_roles_a_coordinated_verb_keeps_the_subject() -> None:
    found = events(
        "وأدان وزير الخارجية الفرنسي لوران فابيوس الهجوم على السفارة، ودعا مجلس الأمن إلى عقد جلسة طارئة."
    )
    assert ("REQUEST", None, ["FRA"], ["UNO"]) in summary(found)


def test_roles_a_relative_clause_takes_its_antecedent_as_subject() -> None:
    found = events(
        "وقال وزير الخارجية المصري سامح شكري، الذي يزور العراق حاليا، إن العلاقات بين البلدين متينة."
    )
    assert summary(found) == [("CONSULT", "visit", ["EGY"], ["IRQ"])]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "وشن تنظيم داعش هجوما على قوات الأمن المصرية في العريش.\n"
            "وأدان الرئيس الفرنسي فرانسوا هولاند الهجوم بشدة.",
            ["ISIL"],
        ),
        ("وأدان الرئيس الفرنسي فرانسوا هولاند الهجوم الذي استهدف مسجدا في الكويت.", ["UNK"]),
    ],
)
def test_roles_condemning_an_attack_is_aimed_at_its_doer(body: str, expected: list[str]) -> None:
    found = [e for e in events(body) if e.type == "ACCUSE"]
    assert summary(found) == [("ACCUSE", "disapprove", ["FRA"], expected)]


@pytest.mark.parametrize(
    ("addressed", "expected"),
    [
        ("جميع الأطراف إلى ضبط النفس", [("REQUEST", None, ["RUS"], [])]),
        ("إلى تعزيز التعاون الاقتصادي", []),  # nobody asked
    ],
)
def test_roles_a_request_needs_someone_asked_or_everyone(addressed: str, expected: Summary) -> None:
    assert summary(events(f"ودعا وزير الخارجية الروسي سيرغي لافروف {addressed}.")) == expected


def test_roles_during_a_meeting_the_main_subject_met() -> None:
    # The last actor before "خلال" is Damascus; the one who met is the subject of the sentence.
    found = events(
        "وأكد الرئيس الروسي فلاديمير بوتين وقوف موسكو إلى جانب دمشق خلال لقاء مع نظيره الإيراني حسن روحاني."
    )
    assert summary(found) == [("CONSULT", None, ["IRN", "RUS"], [])]


def test_roles_on_receiving_him_the_host_is_the_main_clauses_subject() -> None:
    found = events(
        "ولدى استقباله وزير الخارجية الأمريكي جون كيري، قال خادم الحرمين الشريفين إن المملكة حريصة على أمن "
        "المنطقة."
    )
    assert summary(found) == [("CONSULT", "visit", ["USA"], ["SAU"])]


def test_roles_who_was_there_to_receive_him_is_the_host() -> None:
    found = events(
        "ووصل وزير الخارجية الأمريكي جون كيري إلى بيروت حيث كان في استقباله رئيس الوزراء اللبناني تمام سلام."
    )
    assert summary(found) == [("CONSULT", "visit", ["USA"], ["LBN"])]


def test_mentions_no_office_words_after_a_nationality() -> None:
    found = events("وقصف الجيش الروسي مواقع لتنظيم داعش في سوريا.")
    assert summary(found) == [("ASSAULT", "aerial", ["RUS"], ["ISIL"])]
    assert [a.text for a in found[0].actors] == ["الجيش الروسي"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "ومن المقرر أن يلتقي الرئيس الفرنسي فرانسوا هولاند نظيره الأمريكي باراك أوباما.",
            [("AGREE", None, ["FRA", "USA"], [])],
        ),
        ("ومن المقرر أن يزور الرئيس الصيني شي جين بينغ إيران.", [("AGREE", None, ["CHN", "IRN"], [])]),
    ],
)
def test_eventhood_a_meeting_it_is_planned_that_is_an_agreement(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


@pytest.mark.parametrize(
    ("body", "dateline", "expected"),
    [
        # an article naming Jordan: عمان is its capital
        ("وطالب آلاف المحتجين في عمان الحكومة الأردنية بسحب مشروع قانون الضريبة.", None, ("JOR", "Amman")),
        # set in Amman by its dateline
        ("وتظاهر آلاف المحتجين في عمان ضد مشروع قانون الضريبة.", "عمان", ("JOR", "Amman")),
        # an article naming Oman another way keeps Oman
        ("ووصل وزير الخارجية الإيراني إلى سلطنة عمان واجتمع مع نظيره العماني في عمان.", None, ("OMN", None)),
    ],
)
def test_mentions_amman_and_oman_are_told_apart_by_the_article(
    body: str, dateline: str | None, expected: tuple[str, str | None]
) -> None:
    found = events(body, article={"dateline": dateline} if dateline else None)
    assert found
    location = found[0].location
    assert location is not None and location.country == expected[0]
    assert expected[1] is None or location.name == expected[1]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "وأدانت رابطة العالم الإسلامي التفجير الإرهابي الذي استهدف مسجدا في الكويت.",
            ("ACCUSE", ["MWL"], ["UNK"]),
        ),
        (
            "وأعلنت وحدات شرق كردستان أن مقاتليها هاجموا موقعا للحرس الثوري الإيراني.",
            ("ASSAULT", ["PJAK"], ["IRN"]),
        ),
        ("وهاجم متمردو إم 23 مدينة غوما شرقي الكونغو الديمقراطية.", ("ASSAULT", ["M23"], ["COD"])),
    ],
)
def test_mentions_organisations_of_the_manual_s_table(
    sentence: str, expected: tuple[str, list[str], list[str]]
) -> None:
    found = [
        (e.type, sorted(a.code for a in e.actors), sorted(r.code for r in e.recipients))
        for e in events(sentence)
    ]
    assert found == [expected]


def test_roles_and_in_his_reception_was_names_the_host_after_it() -> None:
    found = events(
        "ووصل وزير الخارجية الأمريكي جون كيري إلى الرياض، وكان في استقباله وزير الخارجية السعودي عادل الجبير."
    )
    assert summary(found) == [("CONSULT", "visit", ["USA"], ["SAU"])]


RIYADH = {"dateline": "الرياض"}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a title that names its state by itself, then a guest's office
        ("استقبل خادم الحرمين الشريفين وزير الخارجية الأمريكي جون كيري.", ("CONSULT", ["USA"], ["SAU"])),
        # a complete office, then a definite title with a nationality of its own
        ("واستقبل وزير الداخلية السفير الأمريكي.", ("CONSULT", ["USA"], ["SAU"])),
        ("استقبل محافظ جدة السفير الأمريكي.", ("CONSULT", ["USA"], ["SAU"])),
        # a governor's seat ends his office, whatever title follows
        ("استقبل أمير منطقة الرياض سفير جمهورية البيرو لدى المملكة.", ("CONSULT", ["PER"], ["SAU"])),
        # a definite office takes no genitive: the state after it is the object
        ("وانتقد خادم الحرمين الشريفين إيران بشدة.", ("ACCUSE", ["SAU"], ["IRN"])),
        ("وانتقد وزير الداخلية إيران بشدة.", ("ACCUSE", ["SAU"], ["IRN"])),
    ],
)
def test_mentions_a_second_office_is_a_second_actor(
    sentence: str, expected: tuple[str, list[str], list[str]]
) -> None:
    found = [
        (e.type, sorted(a.code for a in e.actors), sorted(r.code for r in e.recipients))
        for e in events(sentence, article=RIYADH)
    ]
    assert found == [expected]


@pytest.mark.parametrize(
    "sentence",
    [
        "استقبل ولي ولي العهد النائب الثاني لرئيس مجلس الوزراء وزير الدفاع الأمير محمد بن سلمان "
        "السفير الأمريكي.",
        "استقبل خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز السفير الأمريكي.",
    ],
)
def test_mentions_a_chain_of_one_person_s_offices_stays_one_actor(sentence: str) -> None:
    (event,) = events(sentence, article=RIYADH)
    assert [a.code for a in event.actors] == ["USA"] and [a.code for a in event.recipients] == ["SAU"]
    assert (
        event.recipients[0].text.startswith(sentence.split()[1]) and "السفير" not in event.recipients[0].text
    )


def test_mentions_a_rank_before_a_name_is_the_same_person() -> None:
    body = "وطالب المتحدث الرسمي باسم الوزارة السفير أحمد أبو زيد إيران بالكف عن التدخل."
    (event,) = events(body, article={"dateline": "القاهرة"})
    assert [a.code for a in event.recipients] == ["IRN"]
    assert event.actors[0].text == "المتحدث الرسمي باسم الوزارة السفير أحمد أبو زيد"


def test_names_a_name_between_two_titles_is_the_first_one_s() -> None:
    found = events(
        "التقى وزير النقل اليمني بدر باسملة السفير البريطاني في عدن.\nواتهم باسملة إيران بتهريب الأسلحة."
    )
    assert ("ACCUSE", None, ["YEM"], ["IRN"]) in [(t, None, a, r) for t, _, a, r in summary(found)]
    assert found[0].actors[0].text == "السفير البريطاني"


def test_roles_who_carried_an_attack_out_comes_before_the_clause_s_subject() -> None:
    body = "وشهدت تركيا موجة من العنف بعد تفجير انتحاري يشتبه بأنه من تنفيذ تنظيم داعش في مدينة أنقرة."
    assert summary(events(body)) == [("ASSAULT", "explosives", ["ISIL"], ["TUR"])]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the blaming word with its article and preposition: "بالإرهابي الجبان"
        (
            "ووصف وزير الخارجية الأردني الهجوم على المسجد بالإرهابي الجبان.",
            [("ACCUSE", "disapprove", ["JOR"], ["UNK"])],
        ),
        # a description that blames no one is no event
        ("ووصف وزير الخارجية الأردني المحادثات بالمثمرة والبناءة.", []),
    ],
)
def test_frames_describing_is_blame_only_with_a_word_of_blame(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a story on Yemen: the Saudi-led coalition
        (
            "وشنت طائرات التحالف غارات على مواقع الحوثيين في صعدة.\nوتواصلت المعارك في تعز اليمنية.",
            ("ASSAULT", "aerial", ["SAU"], ["HOUTHI"]),
        ),
        # a story on Syria: the US-led coalition, and its title runs no further than "التحالف"
        (
            "وقصفت طائرات التحالف مواقع تنظيم داعش قرب الرقة السورية.",
            ("ASSAULT", "aerial", ["USA"], ["ISIL"]),
        ),
    ],
)
def test_mentions_the_coalition_is_the_one_at_war_in_the_story(
    body: str, expected: tuple[str, str, list[str], list[str]]
) -> None:
    assert expected in summary(events(body))


def test_mentions_the_coalition_of_a_story_on_no_war_is_no_one() -> None:
    found = events("وشنت طائرات التحالف غارات على مواقع المتمردين.", article={"source": "okaz"})
    assert [a.code for e in found for a in e.actors] == ["UNK"]  # not the outlet's state


# Rules of any step that one sentence shows whole: the sentence, the events it must give, the rule's name.
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        pytest.param(
            "وأشاد خادم الحرمين الشريفين بجهود الحكومة الأردنية في استضافة اللاجئين.",
            [("SUPPORT", None, ["SAU"], ["JOR"])],
            id="mentions_custodian_of_the_two_holy_mosques_is_saudi",
        ),
        pytest.param(
            "وانتقد وزير الخارجية الروسي سيرغي لافروف الولايات المتحدة بشدة.",
            [("ACCUSE", "disapprove", ["RUS"], ["USA"])],
            id="roles_verb_subject_object",
        ),
        pytest.param(
            "وذكرت وكالة الأنباء الرسمية أن إيران احتجزت بحارة أمريكيين في الخليج.",
            [("COERCE", "arrest", ["IRN"], ["USA"])],
            id="roles_subject_before_the_verb_after_an",
        ),
        pytest.param(
            "وقتل 15 جنديا في هجوم تبناه تنظيم داعش على قاعدة للجيش العراقي في الأنبار.",
            [("ASSAULT", None, ["ISIL"], ["IRQ"])],
            id="roles_the_claimant_of_an_attack_is_its_actor",
        ),
        pytest.param(
            "وقصفت طائرات إسرائيلية فجر اليوم مواقع تابعة لحركة حماس في قطاع غزة.",
            [("ASSAULT", "aerial", ["ISR"], ["HAMAS"])],
            id="roles_the_owner_of_a_target_is_the_recipient",
        ),
        pytest.param(
            "واعتقلت الشرطة التركية أمس شبكة تنتمي لتنظيم داعش في إسطنبول.",
            [("COERCE", "arrest", ["TUR"], ["ISIL"])],
            id="roles_those_arrested_are_the_group_they_belong_to",
        ),
        pytest.param(
            "وطالب المتظاهرون العراقيون بمحاسبة الفاسدين.",
            [("REQUEST", None, ["IRQ"], ["IRQ"])],
            id="roles_citizens_demand_of_their_own_state",
        ),
        pytest.param(
            "وقتل خمسة مدنيين في غارة جوية لحلف شمال الأطلسي على قرية في أفغانستان.",
            [("ASSAULT", "aerial", ["NATO"], ["AFG"])],
            id="roles_a_lam_right_after_an_attack_noun_is_its_doer",
        ),
        pytest.param(
            "وسقط مسلحون حوثيون جراء غارات مكثفة لطائرات التحالف بقيادة السعودية على مأرب.",
            [("ASSAULT", "aerial", ["SAU"], ["HOUTHI"])],
            id="roles_the_struck_named_before_an_owned_attack_noun_are_its_recipient",
        ),
        pytest.param(
            "وشن تنظيم داعش هجوما على مقر للشرطة المصرية في العريش.",
            [("ASSAULT", None, ["ISIL"], ["EGY"])],
            id="roles_a_lam_after_the_target_is_the_target_s_owner_not_the_doer",
        ),
        pytest.param(
            "وقصفت طائرات حربية إسرائيلية مطارا عسكريا قرب حمص انطلاقا من الأجواء اللبنانية.",
            [("ASSAULT", "aerial", ["ISR"], ["SYR"])],
            id="roles_where_an_attack_came_from_is_no_target",
        ),
        pytest.param(
            "وطرد الاتحاد الأوروبي الدبلوماسيين الروس ردا على الهجوم.",
            [("SANCTION", "expel", ["EUR"], ["RUS"])],
            id="frames_expelling_diplomats_with_the_article",
        ),
        pytest.param(
            "وانطلقت مظاهرات حاشدة في مدينة البصرة احتجاجا على انقطاع الكهرباء.",
            [("PROTEST", "demo", ["IRQ"], ["IRQ"])],
            id="roles_a_protest_with_no_one_named_is_the_people_of_where_it_gathers",
        ),
        pytest.param(
            "ويزور الرئيس الصيني شي جين بينغ إيران الشهر المقبل.",
            [("AGREE", None, ["CHN", "IRN"], [])],
            id="eventhood_a_meeting_announced_for_later_is_an_agreement",
        ),
        pytest.param(
            "وطالبت الحكومة الأمريكية إيران بالإفراج عن الصحفي جيسون رضائيان.",
            [("REQUEST", None, ["USA"], ["IRN"])],
            id="eventhood_what_a_demand_asks_for_is_no_event",
        ),
    ],
)
def test_one_sentence_reads_as_its_rule(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


# --- event-hood ---------------------------------------------------------------------------------------


def test_eventhood_negated() -> None:
    assert events("ولم تفرض الولايات المتحدة عقوبات جديدة على إيران.") == []


def test_eventhood_denied() -> None:
    body = "ونفى الكرملين أن يكون الرئيس الروسي فلاديمير بوتين قد التقى نظيره الأوكراني بيترو بوروشينكو."
    assert events(body) == []


def test_eventhood_conditional_holds_for_the_rest_of_the_sentence() -> None:
    body = (
        "وقال المسؤول إنه في حال فرض الاتحاد الأوروبي عقوبات على روسيا، فإن موسكو ستطرد دبلوماسيين أوروبيين."
    )
    assert events(body) == []
    assert {(d.type, d.reason) for d in dropped(body)} == {("SANCTION", "conditional")}


@pytest.mark.parametrize(
    ("verb", "expected"),
    [
        ("قد ينسحب", []),  # may withdraw
        ("قد انسحب", [("RETREAT", "withdraw", ["RUS"], [])]),  # has withdrawn
    ],
)
def test_eventhood_qad_before_a_present_verb_is_doubt(verb: str, expected: Summary) -> None:
    assert summary(events(f"وأكدت مصادر أن الجيش الروسي {verb} من سوريا.")) == expected


def test_eventhood_an_obligation_is_no_event() -> None:
    assert events("وقال وزير الخارجية الأمريكي جون كيري إنه يتعين على إيران الانسحاب من سوريا.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "وحاول انتحاري تفجير سيارة مفخخة قرب السفارة الأمريكية في كابول.",
        "وأحبطت الشرطة الفرنسية محاولة لتفجير كنيسة في باريس.",
    ],
)
def test_eventhood_an_attempt_or_a_foiled_attack_is_no_event(sentence: str) -> None:
    assert events(sentence) == []


def test_eventhood_an_intention_is_no_event() -> None:
    body = "وتعتزم الولايات المتحدة الانسحاب من أفغانستان."
    assert events(body) == []
    assert [(d.type, d.reason) for d in dropped(body)] == [("RETREAT", "only intended")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "وقال الرئيس الأمريكي باراك أوباما إن الولايات المتحدة ستطرد السفير الروسي.",
            [("THREATEN", "sanction", ["USA"], ["RUS"])],
        ),
        ("وسيهاجم الجيش السوري مواقع المعارضة في حلب.", [("THREATEN", "violence", ["SYR"], ["SYR"])]),
    ],
)
def test_eventhood_a_coercive_act_announced_by_its_doer_is_a_threat(sentence: str, expected: Summary) -> None:
    assert summary(events(sentence)) == expected


def test_eventhood_a_teaser_of_another_story_is_no_event() -> None:
    body = "للمزيد: الرئيس الروسي فلاديمير بوتين يلتقي نظيره الفرنسي فرانسوا هولاند في موسكو."
    assert events(body) == []


def test_eventhood_talks_during_a_call_are_the_call_told_before() -> None:
    body = (
        "وأجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره التركي رجب طيب أردوغان، "
        "بحثا خلاله الأزمة السورية."
    )
    assert summary(events(body)) == [("CONSULT", "phone", ["RUS", "TUR"], [])]
    assert [(d.type, d.reason, d.trigger) for d in dropped(body)] == [("CONSULT", "told before", "بحثا")]


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (date(2015, 11, 18), []),  # two years on: history
        (date(2013, 4, 22), [("CONSULT", "visit", ["USA"], ["SAU"])]),  # news that week
    ],
)
def test_eventhood_a_sentence_dated_years_back_is_history(published: date, expected: Summary) -> None:
    found = events("وزار الرئيس الأمريكي باراك أوباما السعودية في 20 أبريل 2013.", published=published)
    assert summary(found) == expected


# --- coding -------------------------------------------------------------------------------------------


def test_coding_a_meeting_in_one_sides_state_is_the_others_visit() -> None:
    (event,) = events("والتقى وزير الخارجية الإيراني محمد جواد ظريف نظيره العراقي إبراهيم الجعفري في بغداد.")
    assert summary([event]) == [("CONSULT", "visit", ["IRN"], ["IRQ"])]
    assert event.location is not None and (event.location.name, event.location.country) == ("Baghdad", "IRQ")


def test_coding_a_protest_at_home_is_located_in_that_state() -> None:
    (event,) = events("وتظاهر آلاف المحتجين اللبنانيين أمام مقر الحكومة.")
    assert summary([event]) == [("PROTEST", "demo", ["LBN"], ["LBN"])]
    assert event.location is not None
    assert (event.location.country, event.location.lat, event.location.geonameid) == ("LBN", None, None)


@pytest.mark.parametrize(
    ("sentence", "article"),
    [
        ("وأجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا في موسكو مع نظيره الفرنسي فرانسوا هولاند.", {}),
        (
            "وأجرى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا مع نظيره الفرنسي فرانسوا هولاند.",
            {"dateline": "موسكو"},
        ),
    ],
)
def test_coding_a_phone_call_has_no_place(sentence: str, article: dict[str, str]) -> None:
    (event,) = events(sentence, article=article)
    assert summary([event]) == [("CONSULT", "phone", ["FRA", "RUS"], [])]
    assert event.location is None


def test_coding_a_date_carries_into_the_next_sentence() -> None:
    body = "ووصل وزير الخارجية الأمريكي جون كيري إلى القاهرة يوم الاثنين.\nوانتقد الوزير الأمريكي إيران بشدة."
    found = [e for e in events(body) if e.type == "ACCUSE"]
    assert summary(found) == [("ACCUSE", "disapprove", ["USA"], ["IRN"])]
    assert (found[0].date, found[0].date_precision) == (date(2015, 11, 16), "day")
