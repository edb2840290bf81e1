"""Per-article dedupe cost with 10k, 100k and 1M articles already stored.

The store is grown in bulk, in SQL (documents, canonical articles with a 512-byte signature, and their
72 LSH band rows each (42 of the text, 30 of its opening), the indexes dropped during the load and
rebuilt after), in the database `marsad_bench`
of the PostgreSQL server BENCH_PG_URL (default: the local one). 500 real originals are stored through the
dedupe stage itself. At each size, the timed work is the dedupe stage as the pipeline runs it (signature
of the normalised text, advisory locks, candidate lookup, confirmation, band rows of new originals) over
1,000 articles in batches of 20, one transaction a batch, rolled back so every size measures the same
thing: 500 republications of the stored originals (each must be found) and 500 new articles (none may be).

    .venv/bin/python bench/dedupe_scale.py --sizes 10000,100000,1000000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import insert, text  # noqa: E402

from db.migrate import upgrade  # noqa: E402
from db.models import Article, Document, InboxFile  # noqa: E402
from db.session import Database  # noqa: E402
from tests.dedupe_pairs import random_article, synthetic_pairs, vocabulary  # noqa: E402
from workers.clean import RawDocument, clean_document  # noqa: E402
from workers.dedupe import ArticleKey, deduplicate  # noqa: E402
from workers.dedupe.minhash import BANDS, LEAD_BANDS, lead_signature, signature, to_bytes  # noqa: E402
from workers.extract.lexicon import default_lexicon  # noqa: E402

PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME = "marsad_bench"
PROBES = 500  # republications measured, and as many new articles
BATCH = 20  # documents a pipeline message carries by default
THRESHOLD = 0.4
DECIDED = "SELECT count(*) FROM articles WHERE deduplicated_at IS NOT NULL"

BULK_LOAD = [
    "ALTER TABLE article_bands DROP CONSTRAINT fk_article_bands_article_id_articles",
    "ALTER TABLE article_bands DROP CONSTRAINT pk_article_bands",
    "DROP INDEX ix_article_bands_hash",
]
REBUILD = [
    "ALTER TABLE article_bands ADD CONSTRAINT pk_article_bands PRIMARY KEY (article_id, band)",
    "CREATE INDEX ix_article_bands_hash ON article_bands (hash) INCLUDE (article_id)",
    "ALTER TABLE article_bands ADD CONSTRAINT fk_article_bands_article_id_articles FOREIGN KEY "
    "(article_id) REFERENCES articles (id) ON DELETE CASCADE NOT VALID",
]


def fresh_database() -> tuple[str, str]:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {NAME}")
    libpq = PG.rsplit("/", 1)[0] + f"/{NAME}"
    url = libpq.replace("postgresql://", "postgresql+psycopg://")
    database = Database(url, pool_size=1)
    upgrade(database)
    database.dispose()
    return url, libpq


def grow(libpq: str, count: int) -> float:
    """`count` more stored articles (after the highest id), each canonical with its bands; seconds."""
    began = time.perf_counter()
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        row = conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
        first = int(row[0]) + 1 if row else 1
        span = (first, first + count - 1)
        for statement in BULK_LOAD:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO documents (id, inbox_file_id, content_type, raw_content, sha256, status, raw_meta) "
            "SELECT n, 1, 'text/plain', 'synthetic ' || n, md5(n::text) || md5(n::text), 'done', '{}' "
            "FROM generate_series(%s::bigint, %s::bigint) AS n",
            span,
        )
        conn.execute(
            "INSERT INTO articles (id, document_id, body, normalized_text, language, text_sha256, minhash, "
            "deduplicated_at) SELECT n, n, 'synthetic', 'synthetic', 'ar', "
            "md5(n::text) || md5((n + 1)::text), convert_to(repeat(md5(n::text), 16), 'UTF8'), now() "
            "FROM generate_series(%s::bigint, %s::bigint) AS n",
            span,
        )
        conn.execute(
            "INSERT INTO article_bands (article_id, band, hash) "
            "SELECT n, b, hashtextextended(n::text || ':' || b::text, 20261123) "
            "FROM generate_series(%s::bigint, %s::bigint) AS n, generate_series(0, %s) AS b",
            (*span, BANDS + LEAD_BANDS - 1),
        )
        for statement in REBUILD:
            conn.execute(statement)
        for sequence, table in (("documents_id_seq", "documents"), ("articles_id_seq", "articles")):
            conn.execute(f"SELECT setval('{sequence}', (SELECT max(id) FROM {table}))")
        conn.execute("VACUUM ANALYZE documents, articles, article_bands")
    return time.perf_counter() - began


def add_articles(database: Database, texts: list[str]) -> list[tuple[int, str, str]]:
    """Articles not yet deduplicated: (id, text hash, normalised text) each."""
    cleaned = [clean_document(RawDocument(t, "text/plain", {}, None)) for t in texts]
    with database.session() as session:
        document_ids = session.execute(
            insert(Document).returning(Document.id, sort_by_parameter_order=True),
            [
                {
                    "inbox_file_id": 1,
                    "content_type": "text/plain",
                    "raw_content": t,
                    "sha256": "0" * 64,
                    "status": "cleaned",
                    "raw_meta": {},
                }
                for t in texts
            ],
        ).scalars()
        rows = session.execute(
            insert(Article).returning(Article.id, sort_by_parameter_order=True),
            [
                {
                    "document_id": document_id,
                    "body": c.body,
                    "normalized_text": c.normalized_text,
                    "language": c.language,
                    "text_sha256": c.text_sha256,
                }
                for document_id, c in zip(document_ids, cleaned, strict=True)
            ],
        ).scalars()
        return [(i, c.text_sha256, c.normalized_text) for i, c in zip(rows, cleaned, strict=True)]


def decide(database: Database, articles: list[tuple[int, str, str]], commit: bool) -> tuple[float, set[int]]:
    """Run the stage over the articles in batches; returns (seconds, ids found to be duplicates)."""
    found: set[int] = set()
    began = time.perf_counter()
    for start in range(0, len(articles), BATCH):
        with database.session() as session:
            keys = [
                ArticleKey(i, h, signature(t), None, lead_signature(t))
                for i, h, t in articles[start : start + BATCH]
            ]
            found.update(deduplicate(session, keys, THRESHOLD))
            if not commit:
                session.rollback()
                continue
            session.execute(
                text("UPDATE articles SET minhash = :m, deduplicated_at = now() WHERE id = :i"),
                [{"m": to_bytes(k.minhash), "i": k.article_id} for k in keys],
            )
    return time.perf_counter() - began, found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="stored articles, ascending")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    url, libpq = fresh_database()
    database = Database(url, pool_size=2)
    with database.session() as session:
        session.execute(
            insert(InboxFile).values(
                id=1, name="bench", path="/bench", sha256="0" * 64, size_bytes=1, status="processed"
            )
        )
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {PG.rsplit('/', 1)[0]}/{NAME}")
    pairs = synthetic_pairs(PROBES, seed=11)
    rng = random.Random(13)
    words = vocabulary()
    # The 500 real originals, stored through the stage itself; then the articles to be timed.
    originals = add_articles(database, [p.a for p in pairs])
    decide(database, originals, commit=True)
    copies = add_articles(database, [p.b for p in pairs])
    new = add_articles(database, [random_article(rng, words) for _ in range(PROBES)])
    probes = copies + new
    default_lexicon()  # the facts' recognition: a worker loads it once at start, not per article
    rows = []
    for size in sizes:
        with database.session() as session:
            stored = int(session.execute(text(DECIDED)).scalar_one())
        grown = grow(libpq, size - stored) if size > stored else 0.0
        with database.session() as session:
            stored = int(session.execute(text(DECIDED)).scalar_one())
            indexed = int(session.execute(text("SELECT count(*) FROM article_bands")).scalar_one())
        timings = []
        for _ in range(args.runs):
            elapsed, found = decide(database, probes, commit=False)
            missed = len({i for i, _, _ in copies} - found)
            linked = len({i for i, _, _ in new} & found)
            if missed or linked:
                raise SystemExit(f"at {stored:,} stored: {missed} republications missed, {linked} new linked")
            timings.append(elapsed * 1000 / len(probes))
        median = statistics.median(timings)
        rows.append((stored, median))
        print(
            f"{stored:>9,} stored ({indexed:,} band rows; grown in {grown:.0f} s): {median:.2f} ms each "
            f"(runs {', '.join(f'{t:.2f}' for t in timings)}); {PROBES} of {PROBES} republications found, "
            f"0 of {PROBES} new articles linked",
            flush=True,
        )
    for stored, median in rows:
        print(f"{stored:>9,} stored: {median / rows[0][1]:.2f}× the cost at {rows[0][0]:,}")
    database.dispose()


if __name__ == "__main__":
    main()
