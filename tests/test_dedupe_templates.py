"""Through the real dedupe stage: templates filled with different facts stay apart, however similar their
wording; a trimmed republication is linked, and its `article_duplicates` row says why.

The texts are the team's own wire-style items (tests/test_dedupe_facts.py), stored as text files with
the headline on the first line, and run through the pipeline one at a time.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import func, select

from db.migrate import alembic_config, upgrade
from db.models import Article, ArticleBand, ArticleDuplicate
from db.session import Database
from tests.test_dedupe_canonical import AGENCY, COPIES, add, meta, republished
from tests.test_dedupe_canonical import ORIGINAL as CALL
from tests.test_dedupe_facts import CABLE, FLIGHT, VISIT, VISIT_MORE, WEATHER
from workers.dedupe.minhash import BANDS, LEAD_BANDS, band_hashes, estimate, from_bytes, signature
from workers.pipeline import run_document
from workers.settings import get_settings


def wire(title: str, body: str) -> str:
    return f"{title}\n\n{body}\n"


TEMPLATE_PAIRS = {
    "cables to two heads of state": (
        wire("برقية تهنئة لرئيس مالي", CABLE.format(state="جمهورية مالي")),
        wire("برقية تهنئة لرئيس تشاد", CABLE.format(state="جمهورية تشاد")),
    ),
    "the fourth and the sixth relief flight": (
        wire("وصول الطائرة الرابعة إلى عدن", FLIGHT.format(ordinal="الرابعة")),
        wire("وصول الطائرة السادسة إلى عدن", FLIGHT.format(ordinal="السادسة")),
    ),
    "weather bulletins of two days": (
        wire("الأرصاد: طقس حار على شرق ووسط المملكة", WEATHER.format(day="الاثنين", date="20 يوليو")),
        wire("الأرصاد: طقس حار على شرق ووسط المملكة", WEATHER.format(day="الثلاثاء", date="21 يوليو")),
    ),
}
ORIGINAL = wire("افتتاح مستشفى الولادة في بريدة", VISIT + VISIT_MORE)
TRIMMED = wire("أمير القصيم يفتتح مستشفى الولادة والأطفال", VISIT)  # the lead alone, re-headlined
# A paper's long report that opens with the agency's lead and goes on with its own reporting: the lead
# alone shares a tenth of its text, too little for the bands of the whole texts to meet.
LONG_REPORT = wire(
    "مستشفى جديد للولادة والأطفال في بريدة يستقبل مرضاه الشهر المقبل",
    VISIT
    + VISIT_MORE
    + "\n\nوقال مدير المستشفى في حديث للصحيفة إن المبنى أقيم على مساحة تزيد على ستين ألف متر مربع، ويضم "
    "عيادات خارجية لأمراض النساء والولادة وطب الأطفال وحديثي الولادة، إضافة إلى قسم للطوارئ يعمل على "
    "مدار الساعة ومختبرات وصيدلية مركزية وبنك للدم. وأوضح أن المستشفى سيخفف الضغط عن مستشفيات "
    "المنطقة الأخرى التي كانت تستقبل الحالات المحولة من المحافظات المجاورة، وأن خطة التشغيل تبدأ "
    "بالعيادات ثم تنتقل إلى الأقسام الداخلية على ثلاث مراحل.\n\n"
    "وأشار إلى أن إدارة المستشفى تعاقدت مع عدد من الكوادر الطبية المتخصصة من داخل المملكة وخارجها، "
    "وأن برامج التدريب للممرضات والفنيين بدأت منذ أشهر في مستشفيات المنطقة، لافتا إلى أن المستشفى "
    "سيرتبط إلكترونيا بمراكز الرعاية الأولية لتسهيل حجز المواعيد ونقل الملفات الطبية.\n\n"
    "من جهتهم عبر عدد من سكان الأحياء المجاورة عن ارتياحهم لافتتاح المستشفى، مؤكدين أنه سيوفر عليهم "
    "عناء السفر إلى مدن أخرى لمتابعة حالات الحمل وعلاج الأطفال، وطالبوا بتوفير مواقف كافية للسيارات "
    "وخطوط للنقل العام تربط المستشفى بوسط المدينة والأحياء البعيدة.\n\n"
    "ويعد المستشفى واحدا من خمسة مستشفيات جديدة تنفذها وزارة الصحة في المنطقة ضمن خطتها لرفع عدد "
    "الأسرة وتحسين الخدمات الصحية، ومن المنتظر أن يكتمل تنفيذ بقيتها خلال العامين المقبلين.",
)


def decide_one_at_a_time(
    database: Database, texts: list[str], metas: list[dict[str, str]] | None = None
) -> list[int]:
    """The articles' ids, each decided after the one before it was."""
    docs = add(database, list(zip(texts, metas or [{}] * len(texts), strict=True)))
    for doc_id in docs:
        run_document(database, doc_id)
    with database.session() as session:
        by_document = dict(
            session.execute(
                select(Article.document_id, Article.id).where(Article.document_id.in_(docs))
            ).all()
        )
    return [by_document[d] for d in docs]


def stored_similarity(database: Database, first: int, second: int) -> float:
    with database.session() as session:
        signatures = dict(
            session.execute(select(Article.id, Article.minhash).where(Article.id.in_([first, second]))).all()
        )
    return estimate(from_bytes(signatures[first]), from_bytes(signatures[second]))


@pytest.mark.parametrize(("first", "second"), TEMPLATE_PAIRS.values(), ids=list(TEMPLATE_PAIRS))
def test_dedupe_keeps_a_template_filled_with_other_facts_apart_above_the_threshold(
    database: Database, first: str, second: str
) -> None:
    ids = decide_one_at_a_time(database, [first, second])
    assert stored_similarity(database, *ids) >= get_settings().dedupe_threshold  # the wording agrees
    with database.session() as session:
        linked = session.execute(select(func.count()).select_from(ArticleDuplicate)).scalar_one()
        indexed = session.execute(select(func.count(func.distinct(ArticleBand.article_id)))).scalar_one()
        extracted = session.execute(
            select(func.count()).select_from(Article).where(Article.extracted_at.is_not(None))
        ).scalar_one()
    assert linked == 0
    assert indexed == 2  # both are canonical: a third bulletin is compared with each
    assert extracted == 2  # each carries its own event


def test_dedupe_links_a_trimmed_republication_and_records_why(database: Database) -> None:
    original, trimmed = decide_one_at_a_time(database, [ORIGINAL, TRIMMED])
    with database.session() as session:
        (link,) = session.execute(select(ArticleDuplicate)).scalars().all()
    assert (link.article_id, link.canonical_article_id, link.method) == (trimmed, original, "near")
    assert link.rule == "contained_lead"
    assert link.why.startswith("short item is the lead of the longer story")
    assert link.similarity == round(stored_similarity(database, original, trimmed), 3)


def test_dedupe_finds_the_lead_of_a_long_report_through_the_bands_of_their_openings(
    database: Database,
) -> None:
    report, lead = decide_one_at_a_time(database, [LONG_REPORT, TRIMMED])
    with database.session() as session:
        texts = dict(session.execute(select(Article.id, Article.normalized_text)).all())
        (link,) = session.execute(select(ArticleDuplicate)).scalars().all()
    whole = [band_hashes(signature(texts[i])) for i in (report, lead)]
    assert set(whole[0]).isdisjoint(whole[1])  # the bands of the whole texts do not meet
    assert (link.article_id, link.canonical_article_id, link.rule) == (lead, report, "contained_lead")
    assert stored_similarity(database, report, lead) < 0.2


def test_migration_0009_gives_articles_indexed_before_it_the_bands_of_their_openings(
    database: Database,
) -> None:
    (report,) = decide_one_at_a_time(database, [LONG_REPORT])
    indexed = stored_bands(database)
    assert len(indexed) == BANDS + LEAD_BANDS
    try:
        with database.engine.begin() as connection:
            config = alembic_config(database.url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0008")
        assert set(stored_bands(database)) == set(range(BANDS))  # as an article indexed before 0009
    finally:
        upgrade(database)
    assert stored_bands(database) == indexed
    (lead,) = decide_one_at_a_time(database, [TRIMMED])
    with database.session() as session:
        (link,) = session.execute(select(ArticleDuplicate)).scalars().all()
    assert (link.article_id, link.canonical_article_id, link.rule) == (lead, report, "contained_lead")


def stored_bands(database: Database) -> dict[int, int]:
    with database.session() as session:
        return dict(session.execute(select(ArticleBand.band, ArticleBand.hash)).all())


def test_dedupe_records_why_an_exact_copy_is_linked(database: Database) -> None:
    original, copy = decide_one_at_a_time(database, [ORIGINAL, ORIGINAL])
    with database.session() as session:
        (link,) = session.execute(select(ArticleDuplicate)).scalars().all()
    assert (link.article_id, link.canonical_article_id, link.method) == (copy, original, "exact")
    assert (link.rule, link.why) == ("exact", "same normalised text")


def test_dedupe_says_why_a_copy_moved_with_its_cluster_to_an_earlier_original(database: Database) -> None:
    texts = [republished(paper) for paper, _ in COPIES] + [CALL]
    metas = [meta(paper, at) for paper, at in COPIES] + [meta(*AGENCY)]
    first_copy, second_copy, original = decide_one_at_a_time(database, texts, metas)
    with database.session() as session:
        found = {
            row.article_id: (row.canonical_article_id, row.rule, row.why)
            for row in session.execute(select(ArticleDuplicate)).scalars()
        }
    assert found[first_copy][:2] == (original, "similar")  # decided against the original itself
    assert found[second_copy][:2] == (original, "repointed")  # it followed the copy it repeated
    assert found[second_copy][2].startswith(f"a copy of article {first_copy} (similar wording (similarity ")
    assert found[second_copy][2].endswith("), which republishes this earlier article")
