"""The canonical article of a cluster is the first published, not the first decided, over a real
PostgreSQL: a republication decided before its original is re-pointed to it when the original arrives,
its copies follow, the band index holds the original, and the events end as if the original had come
first. Without trusted dates (none, or only the file's time) or with equal ones, the first decided stays.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, insert, select, update

from db.models import Article, ArticleBand, ArticleDuplicate, Document, EventMention, InboxFile
from db.models import Event as EventRow
from db.session import Database
from tests.conftest import truncate_all
from tests.helpers import decide_at_the_same_moment
from workers.pipeline import run_document, run_documents

# Written by the team in the manner of wire copy; the facts are invented.
HEADLINE = "الملك الأردني يبحث مع الرئيس الفرنسي هاتفياً تطورات المنطقة"
BODY = (
    "عمّان - أجرى العاهل الأردني الملك عبدالله الثاني اليوم اتصالا هاتفيا مع الرئيس الفرنسي إيمانويل "
    "ماكرون تناول العلاقات الثنائية بين البلدين وسبل تعزيز التعاون في مجالات الطاقة والمياه والتعليم.\n\n"
    "وبحث الجانبان خلال الاتصال آخر المستجدات الإقليمية، وجهود التوصل إلى تهدئة شاملة في المنطقة، "
    "وضرورة إيصال المساعدات الإنسانية دون عوائق إلى المحتاجين.\n\n"
    "وأكد العاهل الأردني حرص بلاده على مواصلة التنسيق مع فرنسا إزاء مختلف القضايا ذات الاهتمام المشترك، "
    "فيما أشاد الرئيس الفرنسي بالدور الذي تقوم به المملكة في دعم الاستقرار.\n"
)
ORIGINAL = f"{HEADLINE}\n\n{BODY}"
PAPERS = ["الأفق", "الميدان", "الشروق الجديد", "صوت المدينة", "النهار العربي", "المرصد اليومي"]


def republished(paper: str) -> str:
    """The agency's story as a paper runs it: its own headline and a lead paragraph of its own."""
    return (
        f"اتصال أردني فرنسي يتناول المستجدات\n\nمتابعات - نقلت صحيفة {paper} عن بيان للديوان الملكي "
        f"أن الاتصال جاء بمبادرة من الجانب الفرنسي، وفق ما أورده مراسلها.\n\n{BODY}"
    )


def add(database: Database, items: list[tuple[str, dict[str, str]]]) -> list[int]:
    """Documents for (text, metadata) items, queued in this order, from one new inbox file."""
    with database.session() as session:
        files = session.execute(select(func.count()).select_from(InboxFile)).scalar_one()
        file_id = session.execute(
            insert(InboxFile)
            .values(
                name="f.jsonl", path="/x/f.jsonl", sha256=f"{files:064x}", size_bytes=1, status="processed"
            )
            .returning(InboxFile.id)
        ).scalar_one()
        rows = [
            {"inbox_file_id": file_id, "content_type": "text/plain", "raw_content": text, "sha256": "0" * 64,
             "status": "queued", "raw_meta": found}
            for text, found in items
        ]  # fmt: skip
        return list(
            session.execute(
                insert(Document).returning(Document.id, sort_by_parameter_order=True), rows
            ).scalars()
        )


def meta(outlet: str, published_at: str | None = None) -> dict[str, str]:
    slug = sum(map(ord, outlet))  # stable across processes, unlike hash()
    found = {"source": outlet, "url": f"https://news{slug}.example/jordan-france-call"}
    return found | ({"published_at": published_at} if published_at else {})


AGENCY = ("وكالة الأنباء", "2024-05-06T09:00:00Z")
COPIES = [("الأفق", "2024-05-07T06:00:00Z"), ("الميدان", "2024-05-07T11:30:00Z")]


SHOWN = (
    "type", "mode", "participants", "event_date", "evidence", "num_mentions", "num_articles", "num_sources",
    "source_urls",
)  # fmt: skip


def story(database: Database) -> dict[str, Any]:
    """The store as outlets see it (article ids differ between runs): each copy's canonical and method,
    who is indexed, who carries mentions, and each event's shown fields and counts."""
    with database.session() as session:
        outlet = dict(session.execute(select(Article.id, Article.source)).all())
        links = session.execute(select(ArticleDuplicate)).scalars().all()
        indexed = set(session.execute(select(ArticleBand.article_id)).scalars())
        mentions = session.execute(select(EventMention.article_id, EventMention.sentence)).all()
        events = session.execute(select(EventRow).order_by(EventRow.type, EventRow.participants)).scalars()
        shown = [tuple(getattr(e, column) for column in SHOWN) for e in events]
    return {
        "links": sorted((outlet[d.article_id], outlet[d.canonical_article_id], d.method) for d in links),
        "indexed": sorted(outlet[i] for i in indexed),
        "mentions": sorted((outlet[a], sentence) for a, sentence in mentions),
        "events": shown,
    }


def canonical_outlets(database: Database) -> list[str]:
    with database.session() as session:
        linked = select(ArticleDuplicate.article_id).where(ArticleDuplicate.article_id == Article.id)
        return sorted(session.execute(select(Article.source).where(~linked.exists())).scalars())


def test_a_republication_decided_before_its_original_ends_pointing_at_the_original(
    database: Database,
) -> None:
    docs = add(database, [(republished(p), meta(p, at)) for p, at in COPIES] + [(ORIGINAL, meta(*AGENCY))])
    for doc_id in docs:  # one at a time: both copies are decided, and extracted, before the original
        run_document(database, doc_id)
    found = story(database)
    agency = AGENCY[0]
    assert found["links"] == sorted((paper, agency, "near") for paper, _ in COPIES)
    assert found["indexed"] == [agency]  # the band index holds the original's bands only
    assert {outlet for outlet, _ in found["mentions"]} == {agency}
    with database.session() as session:
        extracted = set(session.execute(select(Article.source).where(Article.extracted_at.is_not(None))))
    assert (agency,) in extracted


def test_a_republication_decided_first_leaves_the_events_as_if_the_original_had_come_first(
    database: Database,
) -> None:
    items = [(ORIGINAL, meta(*AGENCY))] + [(republished(p), meta(p, at)) for p, at in COPIES]
    for doc_id in add(database, items):
        run_document(database, doc_id)
    in_order = story(database)
    ((_, _, _, day, _, mentions, articles, sources, urls),) = in_order["events"]
    assert (day.isoformat(), mentions, articles, sources, len(urls)) == ("2024-05-06", 3, 3, 3, 3)

    truncate_all(database)
    for doc_id in add(database, items[1:] + items[:1]):  # the copies first, then the original
        run_document(database, doc_id)
    assert story(database) == in_order


def test_the_original_arriving_in_the_same_batch_after_its_copy_is_canonical(database: Database) -> None:
    paper, at = COPIES[0]
    docs = add(database, [(republished(paper), meta(paper, at)), (ORIGINAL, meta(*AGENCY))])
    run_documents(database, docs, max_attempts=3)
    assert story(database)["links"] == [(paper, AGENCY[0], "near")]
    assert canonical_outlets(database) == [AGENCY[0]]


def test_a_batch_holding_a_later_copy_and_the_original_of_a_stored_story_points_both_at_the_original(
    database: Database,
) -> None:
    """The stored canonical is a copy; a batch brings a later copy (decided against it first) and the
    original: the original takes the cluster over, with the copy the same batch just linked to it."""
    (first,) = add(database, [(republished(COPIES[0][0]), meta(*COPIES[0]))])
    run_document(database, first)
    later = add(database, [(republished(COPIES[1][0]), meta(*COPIES[1])), (ORIGINAL, meta(*AGENCY))])
    outcome = run_documents(database, later, max_attempts=3)
    assert not outcome.failed and not outcome.retry_later
    assert story(database)["links"] == sorted((paper, AGENCY[0], "near") for paper, _ in COPIES)
    assert canonical_outlets(database) == [AGENCY[0]]


@pytest.mark.parametrize(
    ("copy_published", "original_published", "canonical"),
    [
        pytest.param("2024-05-07T06:00:00Z", "2024-05-06T09:00:00Z", "original", id="original-earlier"),
        pytest.param("2024-05-07T06:00:00Z", None, "copy", id="original-undated"),
        pytest.param(None, "2024-05-06T09:00:00Z", "copy", id="copy-undated"),
        pytest.param("2024-05-06T09:00:00Z", "2024-05-06T09:00:00Z", "copy", id="same-time"),
    ],
)
def test_the_first_decided_stays_canonical_unless_the_other_was_trusted_to_be_published_first(
    database: Database, copy_published: str | None, original_published: str | None, canonical: str
) -> None:
    paper = COPIES[0][0]
    docs = add(database, [(republished(paper), meta(paper, copy_published))])
    run_document(database, docs[0])
    (original,) = add(database, [(ORIGINAL, meta(AGENCY[0], original_published))])
    run_document(database, original)
    assert canonical_outlets(database) == [AGENCY[0] if canonical == "original" else paper]


def test_a_file_time_is_not_a_publication_date_to_re_point_on(database: Database) -> None:
    paper, at = COPIES[0]
    (copy,) = add(database, [(republished(paper), meta(paper, at))])
    run_document(database, copy)
    (original,) = add(database, [(ORIGINAL, meta(AGENCY[0]))])
    with database.session() as session:  # only the file says when: years before, it proves nothing
        session.execute(
            update(Document).where(Document.id == original).values(file_modified_at="2019-01-01T00:00Z")
        )
    run_document(database, original)
    assert canonical_outlets(database) == [paper]


def test_copies_and_their_original_decided_at_the_same_moment_point_at_the_original(
    database: Database,
) -> None:
    # Each paper ran the agency's story a few hours after the one before; the first paper's copy is
    # decided (and extracted) alone, then the other copies and the original all at the same moment.
    items = [
        (republished(p), meta(p, f"2024-05-0{7 + n // 3}T{10 + n:02d}:00:00Z")) for n, p in enumerate(PAPERS)
    ]
    first, *others = add(database, [*items, (ORIGINAL, meta(*AGENCY))])
    run_document(database, first)
    decide_at_the_same_moment(database, others)
    found = story(database)
    agency = AGENCY[0]
    assert canonical_outlets(database) == [agency]
    assert found["links"] == sorted((paper, agency, "near") for paper in PAPERS)
    assert found["indexed"] == [agency]
    assert {outlet for outlet, _ in found["mentions"]} == {agency}
    ((*_, mentions, articles, sources, urls),) = found["events"]
    assert (mentions, articles, sources, len(urls)) == (7, 7, 7, 7)
