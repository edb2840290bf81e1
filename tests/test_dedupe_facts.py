"""The decision "are these two articles the same story?" on team-written wire-style pairs.

Every text here is written by the team: short items in the style of agency copy, each pair built to pin
one rule of workers.dedupe.decision and one reading of workers.dedupe.facts.
"""

from __future__ import annotations

import time

import pytest

from workers.dedupe import _story_facts, _Text
from workers.dedupe.decision import CONTAINED, SIMILAR, Decision, decide, passage
from workers.dedupe.facts import FactKind, compare_facts, number_form, story_facts
from workers.dedupe.minhash import similarity

Article = tuple[str, str]  # title, body

CABLE = (
    "بعث خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز آل سعود برقية تهنئة لفخامة رئيس {state} "
    "بمناسبة ذكرى يوم الاستقلال لبلاده. وعبر الملك في البرقية عن أصدق التهاني وأطيب التمنيات بالصحة "
    "والسعادة لفخامته ولشعب {state} الشقيق المزيد من التقدم والازدهار."
)
FLIGHT = (
    "وصلت إلى مطار عدن الدولي اليوم الطائرة {ordinal} من طائرات الجسر الجوي الذي يسيره مركز الملك "
    "سلمان للإغاثة والأعمال الإنسانية، محملة بالمواد الغذائية والطبية والإيوائية للأشقاء في اليمن. "
    "ويأتي ذلك ضمن جهود المركز لتخفيف معاناة الشعب اليمني وإيصال المساعدات إلى مستحقيها."
)
WEATHER = (
    "توقعت الرئاسة العامة للأرصاد وحماية البيئة في تقريرها عن حالة الطقس ليوم {day} {date} أن يكون "
    "الطقس شديد الحرارة على شرق ووسط المملكة مع فرصة لتكون السحب الرعدية على مرتفعات جازان وعسير "
    "والباحة. وتكون الرياح السطحية على البحر الأحمر شمالية غربية بسرعة 20 إلى 40 كم في الساعة وارتفاع "
    "الموج من متر إلى متر ونصف."
)
VISIT = (
    "افتتح أمير منطقة القصيم اليوم مستشفى الولادة والأطفال الجديد في مدينة بريدة بطاقة 300 سرير "
    "وبتكلفة بلغت 450 مليون ريال."
)
VISIT_MORE = (
    " وتجول الأمير في أقسام المستشفى واستمع إلى شرح عن الخدمات الطبية التي يقدمها لسكان المنطقة. "
    "وأكد مدير الشؤون الصحية أن المستشفى يضم أحدث الأجهزة الطبية وغرف العمليات وأقسام العناية المركزة "
    "وأن العمل فيه يبدأ مطلع الشهر المقبل بعد اكتمال تجهيز الكوادر الطبية والتمريضية."
)
SIDE_ITEM = (
    "وفي سياق آخر دشنت الجمعية الخيرية في المحافظة حملة للتبرع بالدم بمشاركة عشرات المتطوعين من "
    "أبناء المنطقة، واستمرت الحملة ثلاثة أيام في مقر الجمعية بالتعاون مع بنك الدم المركزي."
)
STUDENTS = (
    "يشارك {count} في البرنامج الصيفي للموهوبين بجامعة الملك سعود هذا الأسبوع ضمن خطة المؤسسة "
    "لرعاية المبدعين."
)
PASSENGERS = (
    "أعلنت الهيئة العامة للطيران المدني نمو عدد المسافرين عبر مطارات المملكة بنسبة {share} في المئة "
    "خلال النصف الأول من العام مقارنة بالفترة نفسها من العام الماضي."
)

# A weekly reception: the lead stays, the list of those who attended changes.
RECEPTION = (
    "استقبل أمير منطقة الرياض في قصر الحكم أمس جموعا من المواطنين والمقيمين الذين قدموا للسلام عليه في "
    "مجلسه الأسبوعي المفتوح، واستمع إلى مطالبهم وشكاواهم ووجه الجهات الحكومية المختصة بدراستها وإنهائها "
    "في أسرع وقت. وأكد أن أبواب الإمارة مفتوحة للجميع. {attendees}"
)
SUNDAY_GUESTS = (
    "وحضر الاستقبال الأمير فيصل بن خالد بن سلطان والأمير تركي بن طلال بن عبدالعزيز والأمير سعود بن "
    "نايف بن عبدالعزيز."
)
MONDAY_GUESTS = (
    "وحضر الاستقبال الأمير خالد الفيصل بن عبدالعزيز والأمير محمد بن فهد بن عبدالعزيز والأمير عبدالعزيز "
    "بن سعود بن نايف."
)
# A market report updated later in the day: the lead stays, every figure after it changes.
GOLD = (
    "تراجعت أسعار الذهب في تعاملات اليوم مع صعود الدولار قبيل صدور بيانات اقتصادية أمريكية قد تعزز "
    "التوقعات برفع أسعار الفائدة قريبا، بعد أن تكبد المعدن الأصفر الشهر الماضي أكبر خسارة شهرية له منذ "
    "عامين في ظل ضعف الطلب. وانخفض سعر الذهب في المعاملات الفورية {spot} بالمئة إلى {price} دولارا "
    "للأوقية، ونزلت الفضة إلى {silver} دولار للأوقية، وهبط البلاتين إلى {platinum} دولارا."
)
MORNING = {"spot": "0.3", "price": "1093", "silver": "14.62", "platinum": "975"}
EVENING = {"spot": "0.9", "price": "1086.5", "silver": "14.48", "platinum": "961"}
# Two events of one prince on one evening; both leads open with the same long title formula.
FORMULA = "نائب خادم الحرمين الشريفين صاحب السمو الملكي الأمير محمد بن نايف بن عبدالعزيز آل سعود"
INSPECTION = (
    f"تفقد {FORMULA} مساء أمس مركز القيادة والسيطرة في المنطقة الشرقية، واطلع على سير العمل في غرفة "
    "العمليات وما تقدمه من خدمات للمواطنين والمقيمين. واستمع سموه إلى شرح من قائد المركز عن الأنظمة "
    "الحديثة التي يعمل بها وخطط تطويرها خلال العام المقبل."
)
RECEPTION_BUNDLE = (
    f"استقبل {FORMULA} في قصر السلام بجدة مساء أمس أسر الشهداء من منسوبي القوات المسلحة، وقدم لهم "
    "التعازي والمواساة، مؤكدا أن تضحيات أبنائهم محل تقدير القيادة والشعب. وعبر ذوو الشهداء عن شكرهم "
    "وتقديرهم لهذه اللفتة الكريمة، داعين الله أن يحفظ البلاد من كل سوء. وحضر الاستقبال عدد من الأمراء "
    "والمسؤولين وكبار ضباط القوات المسلحة. وكان سموه قد وجه في وقت سابق بتقديم كل أوجه الرعاية لأسر "
    "الشهداء وتسهيل أمورهم في الجهات الحكومية، ومتابعة أحوال أبنائهم في المدارس والجامعات، وصرف "
    "المستحقات المالية لهم دون تأخير، بما يليق بتضحيات ذويهم في الدفاع عن الوطن وحماية حدوده. " + INSPECTION
)


def judge(a: Article, b: Article) -> Decision:
    """The decision on two team-written articles, computed as the stage will: facts once per article."""
    text_a, text_b = f"{a[0]}\n{a[1]}", f"{b[0]}\n{b[1]}"
    body_a, body_b = a[1], b[1]
    facts = compare_facts(story_facts(a[0], body_a), story_facts(b[0], body_b))
    return decide(similarity(body_a, body_b, SIMILAR).value, passage(text_a, text_b), facts)


@pytest.mark.parametrize(
    ("written", "form"),
    [
        ("320", "32"),
        ("320.000", "32"),
        ("320,000", "32"),
        ("٣٢٠٬٠٠٠", "32"),
        ("٣٢٠", "32"),
        ("8.1", "81"),
        ("٨٫١", "81"),
        ("0140", "14"),
    ],
)
def test_number_form_is_the_same_however_a_paper_writes_the_figure(written: str, form: str) -> None:
    assert number_form(written) == form


def test_story_facts_read_ordinal_date_weekday_number_and_place_from_the_lead() -> None:
    body = "وصلت إلى مطار عدن يوم الخميس 23 يوليو الطائرة الرابعة محملة بـ 40 طنا من المساعدات في عام 2015."
    lead = {(f.kind, f.value) for f in story_facts("وصول الطائرة الرابعة إلى عدن", body).lead}
    assert {
        (FactKind.ORDINAL, "4"),
        (FactKind.DATE, "7-23"),
        (FactKind.WEEKDAY, "الخميس"),
        (FactKind.NUMBER, "4"),
        (FactKind.YEAR, "2015"),
        (FactKind.PLACE, "Aden"),
    } <= lead
    assert (FactKind.NUMBER, "23") not in lead  # the day of a date is no figure of its own
    assert (FactKind.NUMBER, "2015") not in lead  # nor is a year


def test_story_facts_read_a_state_from_an_office_named_with_it() -> None:
    lead = {(f.kind, f.value) for f in story_facts(None, CABLE.format(state="جمهورية مالي")).lead}
    assert (FactKind.STATE, "MLI") in lead


def test_decide_keeps_cables_to_different_heads_of_state_apart() -> None:
    mali = ("برقية تهنئة لرئيس مالي", CABLE.format(state="جمهورية مالي"))
    chad = ("برقية تهنئة لرئيس تشاد", CABLE.format(state="جمهورية تشاد"))
    assert similarity(mali[1], chad[1], SIMILAR).value >= 0.6  # the wording is nearly the same
    decision = judge(mali, chad)
    assert not decision.duplicate
    assert decision.rule == "conflict"
    assert decision.why.startswith("different states in the lead")


def test_decide_keeps_the_fourth_and_the_sixth_relief_flight_apart() -> None:
    fourth = ("وصول الطائرة الرابعة إلى عدن", FLIGHT.format(ordinal="الرابعة"))
    sixth = ("وصول الطائرة السادسة إلى عدن", FLIGHT.format(ordinal="السادسة"))
    decision = judge(fourth, sixth)
    assert not decision.duplicate
    assert "ordinals" in decision.why


def test_decide_keeps_weather_bulletins_of_two_days_apart() -> None:
    monday = ("الأرصاد: طقس حار على شرق ووسط المملكة", WEATHER.format(day="الاثنين", date="20 يوليو"))
    tuesday = ("الأرصاد: طقس حار على شرق ووسط المملكة", WEATHER.format(day="الثلاثاء", date="21 يوليو"))
    decision = judge(monday, tuesday)
    assert not decision.duplicate
    assert decision.why == "different dates in the lead: 20 يوليو vs 21 يوليو"


def test_decide_keeps_reports_with_different_figures_in_the_lead_apart() -> None:
    hundred = ("100 طالب في برنامج الموهوبين", STUDENTS.format(count="100 طالب"))
    more = ("140 طالبا في برنامج الموهوبين", STUDENTS.format(count="140 طالبا"))
    decision = judge(hundred, more)
    assert not decision.duplicate
    assert decision.why == "different numbers in the lead: 100 vs 140"


def test_decide_keeps_receptions_with_different_attendees_apart() -> None:
    sunday = ("أمير الرياض يستقبل المواطنين", RECEPTION.format(attendees=SUNDAY_GUESTS))
    monday = ("أمير الرياض يستقبل المواطنين", RECEPTION.format(attendees=MONDAY_GUESTS))
    assert similarity(sunday[1], monday[1], SIMILAR).value >= SIMILAR  # the wording agrees
    decision = judge(sunday, monday)
    assert not decision.duplicate
    assert decision.why.startswith("different people named in each article and not the other: ")


def test_decide_links_a_copy_that_drops_one_of_the_people_named() -> None:
    full = ("أمير الرياض يستقبل المواطنين", RECEPTION.format(attendees=SUNDAY_GUESTS))
    fewer = SUNDAY_GUESTS.replace(" والأمير سعود بن نايف بن عبدالعزيز", "")
    cut = ("أمير منطقة الرياض يستقبل جموع المواطنين", RECEPTION.format(attendees=fewer))
    assert judge(full, cut).duplicate


def test_decide_keeps_a_market_report_and_its_update_with_other_figures_apart() -> None:
    morning = ("الذهب يتراجع مع صعود الدولار", GOLD.format(**MORNING))
    evening = ("الذهب يتراجع مع صعود الدولار", GOLD.format(**EVENING))
    assert similarity(morning[1], evening[1], SIMILAR).value >= SIMILAR
    decision = judge(morning, evening)
    assert not decision.duplicate
    assert decision.why.startswith("different numbers named in each article and not the other: ")


def test_decide_keeps_two_events_whose_leads_share_only_a_title_formula_apart() -> None:
    # The inspection is a later part of a story led by a reception: the two openings share the prince's
    # fifteen-word title, not what he did.
    shared = passage(INSPECTION, RECEPTION_BUNDLE)
    assert shared.containment >= CONTAINED
    decision = judge(
        ("الأمير محمد بن نايف يتفقد مركز القيادة", INSPECTION), ("يستقبل أسر الشهداء", RECEPTION_BUNDLE)
    )
    assert not decision.duplicate
    assert decision.rule == "side_part"


def test_the_number_of_an_item_in_a_list_is_no_fact() -> None:
    items = (
        "{} - تعيين سالم بن عبدالله العتيبي على وظيفة سفير بوزارة الخارجية.\n"
        "{} - تعيين فهد بن محمد القحطاني على وظيفة وكيل الوزارة بالمرتبة 15 بوزارة العمل."
    )
    agency = story_facts("مجلس الوزراء يوافق على تعيينات", items.format(3, 4))
    paper = story_facts("تعيينات بالمرتبة 15 ووظيفة سفير", items.format(1, 2))
    assert {f.value for f in agency.lead if f.kind is FactKind.NUMBER} == {"15"}
    assert compare_facts(agency, paper).conflicts == ()


CORRECTED = (
    "أنهت المديرية العامة للجوازات إجراءات تصحيح أوضاع {count} مقيما من أبناء الجمهورية اليمنية في جميع "
    "مراكز التصحيح حتى الساعة {time} من مساء اليوم الخميس {date}، ودعت من لم يراجع بعد إلى المبادرة."
)


def lead_values(title: str, body: str, kind: FactKind) -> set[str]:
    return {f.value for f in story_facts(title, body).lead if f.kind is kind}


def test_a_date_written_with_spaces_is_a_date_and_a_clock_time_no_figure() -> None:
    spaced = CORRECTED.format(count="363,378", time="02:00", date="28 / 02 / 1437")
    assert lead_values("", spaced, FactKind.NUMBER) == {"363378"}
    assert lead_values("", spaced, FactKind.DATE) == {"2-28"}


def test_a_round_figure_of_a_headline_or_an_approximation_is_no_conflict() -> None:
    exact = ("الجوازات: تصحيح أوضاع 363 ألف يمني", CORRECTED.format(count="363,378", time="01:00", date=""))
    rounded = ("تصحيح أوضاع 360 ألفا من اليمنيين", CORRECTED.format(count="363.378", time="01:00", date=""))
    about = ("تصحيح أوضاع أكثر من 360 ألف يمني", CORRECTED.format(count="نحو 360 ألف", time="01:00", date=""))
    assert compare_facts(story_facts(*exact), story_facts(*rounded)).conflicts == ()
    assert compare_facts(story_facts(*exact), story_facts(*about)).conflicts == ()
    assert lead_values(*about, FactKind.NUMBER) == set()
    # A figure in the body's lead still tells two reports apart (test above: 100 and 140 students).


def test_the_place_a_copy_was_filed_from_is_no_fact() -> None:
    body = "تشهد مدينة سيئون بمحافظة حضرموت اليوم توزيع دفعة جديدة من المساعدات الغذائية على الأسر المحتاجة."
    for filed in ("الرياض: ", "الرياض - واس - ", "الرياض 25 شوال 1436 هـ واس "):
        places = {f.value for f in story_facts("توزيع مساعدات في حضرموت", filed + body).lead}
        assert "Riyadh" not in places, filed
        assert "Hadramawt" in places
    assert "Riyadh" in {f.value for f in story_facts("", "وصل الرئيس إلى الرياض اليوم في زيارة رسمية.").lead}


def test_decide_links_a_trimmed_republication_with_the_same_facts() -> None:
    original = ("افتتاح مستشفى الولادة في بريدة", VISIT + VISIT_MORE)
    trimmed = ("أمير القصيم يفتتح مستشفى الولادة والأطفال", VISIT)
    decision = judge(original, trimmed)
    assert decision.duplicate
    assert decision.rule in ("similar", "contained_lead")


def test_decide_takes_a_figure_a_paper_rounded_for_the_same_figure() -> None:
    exact = ("نمو الركاب 8.1 في المئة", PASSENGERS.format(share="8.1"))
    rounded = ("نمو الركاب 8 في المئة", PASSENGERS.format(share="8"))
    comparison = compare_facts(story_facts(*exact), story_facts(*rounded))
    assert comparison.conflict(FactKind.NUMBER) is None
    assert judge(exact, rounded).duplicate


def test_decide_links_a_short_item_that_is_the_lead_of_the_longer_story() -> None:
    short = ("أمير القصيم يفتتح مستشفى الولادة", VISIT)
    longer = ("أمير القصيم يفتتح مستشفى الولادة والأطفال ويتجول في أقسامه", VISIT + VISIT_MORE + VISIT_MORE)
    shared = passage(f"{short[0]}\n{short[1]}", f"{longer[0]}\n{longer[1]}")
    assert shared.containment >= CONTAINED
    decision = judge(short, longer)
    assert decision.duplicate
    assert decision.rule == "contained_lead"
    assert decision.why.startswith("short item is the lead of the longer story")


def test_decide_keeps_a_short_item_that_is_a_side_part_of_a_bundle_apart() -> None:
    side = ("حملة للتبرع بالدم في المحافظة", SIDE_ITEM.removeprefix("وفي سياق آخر "))
    bundle = ("أمير القصيم يفتتح مستشفى الولادة والأطفال", VISIT + VISIT_MORE + " " + SIDE_ITEM)
    decision = judge(side, bundle)
    assert not decision.duplicate
    assert decision.rule == "side_part"


def test_compare_facts_ignores_a_fact_only_one_side_names() -> None:
    # A copy that adds a figure to its lead is a wrapped copy, not another story.
    plain = story_facts("افتتاح مستشفى الولادة في بريدة", VISIT)
    added = story_facts("افتتاح مستشفى الولادة في بريدة بحضور 200 مدعو", VISIT)
    assert compare_facts(plain, added).conflicts == ()


def test_compare_facts_and_decide_take_well_under_a_millisecond_per_pair() -> None:
    first = story_facts("برقية تهنئة لرئيس مالي", CABLE.format(state="جمهورية مالي"))
    second = story_facts("برقية تهنئة لرئيس تشاد", CABLE.format(state="جمهورية تشاد"))
    shared = passage(CABLE.format(state="جمهورية مالي"), CABLE.format(state="جمهورية تشاد"))
    started = time.perf_counter()
    for _ in range(1000):
        decide(0.5, shared, compare_facts(first, second))
    assert (time.perf_counter() - started) / 1000 < 0.001


def test_a_stored_articles_facts_are_read_once_and_again_when_its_text_changes() -> None:
    def report(killed: int) -> _Text:
        body = f"الموصل - قتل {killed} شخصا في انفجار سيارة مفخخة في سوق شعبي بالمدينة يوم الأحد."
        return _Text(body, "انفجار في الموصل", body, None, None)

    first = _story_facts(7, report(12))
    assert _story_facts(7, report(12)) is first  # kept: not read again
    reprocessed = _story_facts(7, report(15))  # the same article, cleaned anew to another text
    assert (FactKind.NUMBER, "15") in reprocessed.named and (FactKind.NUMBER, "12") not in reprocessed.named
    assert _story_facts(8, report(12)) is not first  # another article
