"""Time of an analyst's `v_events` query for one actor over 30 days, with 1,000,000 events stored.

A fresh database `marsad_bench_events` on the PostgreSQL server BENCH_PG_URL (default: the local one),
migrated to head, is filled in bulk, in SQL: N events over 5 years (dates following their ids, as they
arrive), 200 actor codes drawn with a Zipf-like skew (the most frequent is in 13 % of draws, the 200th
in 0.09 %), 70 % directed (one actor, one recipient) and 30 % symmetric (two actors), 16 PLOVER types
weighted as news reports them, 70 % with a place; as many canonical articles as events (each with its
document), a fifth of them republished once or twice (article_duplicates, the copies being articles
too), and 1 to 3 event_mentions an event (1.5 on average) pointing at those articles. `v_events`
computes `evidence` and `source_urls` from the mentions, articles and copies, so they are all there.
Indexes and foreign keys are dropped for the load and rebuilt after, then `VACUUM ANALYZE`.

Timed: the query an analyst writes for one actor's last 30 days, for a frequent actor (RUS) and a rare
one (the 180th code), as the median of --runs runs after one warm-up (one run when the warm-up took over
10 s), client-side including the fetch; then `EXPLAIN (ANALYZE, BUFFERS)` of it, summarised. A query
still running after --timeout seconds is cancelled, and its time estimated from EXPLAIN ANALYZE of its
first 3 rows. Each query runs with PostgreSQL's JIT compilation on (the default) and off. With
--recipes, each SQL recipe of docs/QUERYING.md is timed too (once, after a warm-up). The database is
dropped at the end unless --keep.

    .venv/bin/python bench/events_query.py --events 1000000 --runs 5 --recipes
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from db.migrate import upgrade  # noqa: E402
from db.session import Database  # noqa: E402
from workers.extract.lexicon import QUAD, default_lexicon  # noqa: E402

PG = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NAME = "marsad_bench_events"
LAST_DAY = date(2026, 11, 22)  # the newest events; the data covers the 5 years before it
DAYS = 5 * 365
CODE_COUNT = 200
FREQUENT, RARE = "RUS", 180  # an actor code, and the rank of the rare one
# The head of the distribution: the actors Arabic news names most; the rest of the 200 are other
# countries and organisations in alphabetical order.
HEAD = [
    "USA", "RUS", "ISR", "IRN", "SYR", "IRQ", "TUR", "EGY", "SAU", "UKR", "CHN", "LBN", "PSE", "YEM",
    "HAMAS", "JOR", "ARE", "QAT", "UNO", "LBY", "SDN", "FRA", "GBR", "DEU", "HEZ", "DZA", "MAR", "TUN",
    "KWT", "OMN", "BHR", "HOUTHI", "EUR", "NATO", "ARL", "AFG", "PAK", "IND", "JPN", "ISIL",
]  # fmt: skip
# Relative frequency of each type in the news (consultations and accusations dominate).
TYPE_WEIGHTS = {
    "CONSULT": 30, "SUPPORT": 8, "AGREE": 6, "CONCEDE": 1, "COOPERATE": 4, "AID": 5, "RETREAT": 2,
    "REQUEST": 9, "ACCUSE": 11, "REJECT": 4, "THREATEN": 3, "PROTEST": 3, "SANCTION": 2, "MOBILIZE": 2,
    "COERCE": 3, "ASSAULT": 7,
}  # fmt: skip
MODES = {"CONSULT": ["phone", "visit", None, None], "ASSAULT": ["aerial", "shelling", None]}
SCORES = {1: 2.0, 2: 6.0, 3: -3.0, 4: -8.0}
OUTLETS = 60
TABLES = ("documents", "articles", "article_duplicates", "events", "event_mentions")


# source_urls without the OR in its join, which makes PostgreSQL read every article for every mention.
def recipes() -> dict[str, str]:
    """The SQL recipes of docs/QUERYING.md, by heading."""
    page = (REPO / "docs" / "QUERYING.md").read_text()
    blocks = re.findall(r"^### (.*)\n(?:(?!### ).*\n)*?```sql\n((?:.*\n)*?)```$", page, flags=re.M)
    return dict(blocks)


def codes_and_names() -> tuple[list[str], list[str]]:
    lexicon = default_lexicon()
    names = {**lexicon.countries, **lexicon.organizations}
    rest = sorted(code for code in names if code not in HEAD)
    codes = (HEAD + rest)[:CODE_COUNT]
    return codes, [str(names[code]) for code in codes]


def fresh_database() -> str:
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {NAME}")
    libpq = PG.rsplit("/", 1)[0] + f"/{NAME}"
    database = Database(libpq.replace("postgresql://", "postgresql+psycopg://"), pool_size=1)
    upgrade(database)
    database.dispose()
    return libpq


def drop_for_load(conn: psycopg.Connection[Any]) -> list[str]:
    """Drop the foreign keys and secondary indexes of the loaded tables; the statements that rebuild them."""
    tables = list(TABLES)
    rebuild: list[str] = []
    for table, name, definition in conn.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        (tables,),
    ).fetchall():
        conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        rebuild.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    for name, definition in conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        (tables,),
    ).fetchall():
        conn.execute(f"DROP INDEX {name}")
        rebuild.insert(0, definition)  # indexes first: the foreign keys' checks use them
    return rebuild


def fill(libpq: str, events: int) -> tuple[float, dict[str, int]]:
    """Store `events` events with their articles, copies and mentions; (seconds, rows per table)."""
    codes, names = codes_and_names()
    types = [t for t, weight in TYPE_WEIGHTS.items() for _ in range(weight)]
    params = {
        "n": events,
        "codes": codes,
        "names": names,
        "types": types,
        "quads": [QUAD[t] for t in types],
        "scores": [SCORES[QUAD[t]] for t in types],
        "modes": [MODES.get(t, [None])[i % len(MODES.get(t, [None]))] for i, t in enumerate(types)],
        "last": LAST_DAY,
        "days": DAYS,
        "outlets": OUTLETS,
    }
    began = time.perf_counter()
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET work_mem = '256MB'")
        rebuild = drop_for_load(conn)
        conn.execute("ALTER TABLE events DISABLE TRIGGER events_notify")
        conn.execute(
            "INSERT INTO inbox_files (id, name, path, sha256, size_bytes, status, documents_count, "
            "rejected_count) VALUES (1, 'bench', '/bench', repeat('0', 64), 1, 'processed', 0, 0)"
        )
        # Canonical articles 1..n, dated like the events (one article a event, in order), and their copies.
        conn.execute(
            "CREATE TEMP TABLE all_articles AS "
            "SELECT n AS id, NULL::bigint AS canonical FROM generate_series(1, %(n)s::bigint) AS n "
            "UNION ALL "
            "SELECT %(n)s + row_number() OVER (ORDER BY c, k), c "
            "FROM generate_series(5, %(n)s::bigint, 5) AS c, "
            "generate_series(1, CASE WHEN c %% 25 = 0 THEN 2 ELSE 1 END) AS k",
            params,
        )
        conn.execute(
            "INSERT INTO documents (id, inbox_file_id, content_type, raw_content, sha256, status, raw_meta) "
            "SELECT id, 1, 'text/plain', 'نص الخبر رقم ' || coalesce(canonical, id), "
            "md5(id::text) || md5((id + 1)::text), 'done', '{}' FROM all_articles"
        )
        conn.execute(
            "INSERT INTO articles (id, document_id, title, body, normalized_text, language, source, url, "
            "published_at, published_source, text_sha256, minhash, deduplicated_at, extracted_at) "
            "SELECT id, id, 'عنوان الخبر رقم ' || k, 'نص الخبر رقم ' || k, 'نص الخبر رقم ' || k, 'ar', "
            "'Outlet ' || (id %% %(outlets)s), "
            "'https://outlet' || (id %% %(outlets)s) || '.example/news/' || id, "
            "(%(last)s::date - (%(days)s * (%(n)s - k) / %(n)s)::int) + time '10:00', 'metadata', "
            "md5(k::text) || md5((k + 1)::text), convert_to(repeat(md5(k::text), 16), 'UTF8'), now(), "
            "CASE WHEN canonical IS NULL THEN now() END "
            "FROM (SELECT id, canonical, coalesce(canonical, id) AS k FROM all_articles) AS a",
            params,
        )
        conn.execute(
            "INSERT INTO article_duplicates (article_id, canonical_article_id, method, similarity) "
            "SELECT id, canonical, 'exact', 1.0 FROM all_articles WHERE canonical IS NOT NULL"
        )
        conn.execute(
            """
            INSERT INTO events (id, type, mode, quad, score, actor_codes, recipient_codes, actors,
                recipients, event_date, date_precision, location_name, location_country, latitude,
                longitude, geonameid, context, lexicon_version, participants, num_mentions,
                num_articles, num_sources, first_seen, last_seen, created_at, updated_at, evidence,
                source_urls)
            WITH draw AS (
                SELECT n,
                       floor(exp(random() * ln(cardinality(%(codes)s::text[]) + 1)))::int AS a,
                       floor(exp(random() * ln(cardinality(%(codes)s::text[]) + 1)))::int AS b,
                       random() < 0.3 AS sym,
                       1 + floor(random() * cardinality(%(types)s::text[]))::int AS t,
                       %(last)s::date - (%(days)s * (%(n)s - n) / %(n)s)::int
                           - floor(random() * 3)::int AS day,
                       random() AS r, random() AS lat, random() AS lon,
                       CASE WHEN n %% 10 < 6 THEN 1 WHEN n %% 10 < 9 THEN 2 ELSE 3 END AS mentions
                FROM generate_series(1, %(n)s::bigint) AS n
            ), sides AS (
                SELECT d.*, c1, c2,
                       CASE WHEN sym THEN ARRAY[least(c1, c2), greatest(c1, c2)]
                            ELSE ARRAY[c1] END AS actor_codes,
                       CASE WHEN sym THEN '{}'::text[] ELSE ARRAY[c2] END AS recipient_codes
                FROM draw AS d
                CROSS JOIN LATERAL (
                    SELECT (%(codes)s::text[])[d.a] AS c1,
                           (%(codes)s::text[])[CASE WHEN d.b = d.a THEN d.a %% cardinality(%(codes)s::text[])
                                                    + 1 ELSE d.b END] AS c2
                ) AS c
            )
            SELECT n, (%(types)s::text[])[t], (%(modes)s::text[])[t], (%(quads)s::int[])[t],
                   (%(scores)s::float8[])[t], actor_codes, recipient_codes,
                   (SELECT jsonb_agg(jsonb_build_object('code', x, 'name',
                        (%(names)s::text[])[array_position(%(codes)s::text[], x)], 'sector', 'GOV',
                        'text', x) ORDER BY x) FROM unnest(actor_codes) AS x),
                   coalesce((SELECT jsonb_agg(jsonb_build_object('code', x, 'name',
                        (%(names)s::text[])[array_position(%(codes)s::text[], x)], 'sector', NULL,
                        'text', x) ORDER BY x) FROM unnest(recipient_codes) AS x), '[]'),
                   CASE WHEN r < 0.98 THEN day END,
                   CASE WHEN r < 0.88 THEN 'day' WHEN r < 0.95 THEN 'month' WHEN r < 0.98 THEN 'year'
                        ELSE 'unknown' END,
                   CASE WHEN r < 0.7 THEN 'City ' || (n %% 500) END,
                   CASE WHEN r < 0.7 THEN (SELECT x FROM unnest(ARRAY[c2, c1]) AS x
                                           WHERE length(x) = 3 LIMIT 1) END,
                   CASE WHEN r < 0.7 THEN round((lat * 50 - 5)::numeric, 5)::float8 END,
                   CASE WHEN r < 0.7 THEN round((lon * 80 - 20)::numeric, 5)::float8 END,
                   CASE WHEN r < 0.35 THEN 100000 + n %% 50000 END,
                   CASE WHEN r < 0.1 THEN ARRAY['economic']::varchar(24)[] ELSE '{}' END,
                   'bench',
                   CASE WHEN sym THEN array_to_string(actor_codes, ',') ELSE c1 || '>' || c2 END,
                   mentions, mentions, mentions,
                   day + time '10:00', day + time '10:00' + (mentions - 1) * interval '3 hours',
                   day + time '10:00', day + time '10:00' + (mentions - 1) * interval '3 hours',
                   'وقال مصدر رسمي إن الجانبين بحثا العلاقات الثنائية والتطورات في المنطقة، في الخبر رقم '
                       || n || ' (1)',
                   ARRAY(SELECT 'https://news' || ((n + k) %% 40) || '.example/' || n || '/' || k
                         FROM generate_series(1, mentions) AS k)
            FROM sides
            """,
            params,
        )
        conn.execute(
            """
            INSERT INTO event_mentions (event_id, article_id, sentence, trigger, char_start, char_end,
                confidence, lexicon_version, details)
            SELECT e.id, (e.id - 1 + (k - 1) * 7) %% %(n)s + 1,
                   'وقال مصدر رسمي إن الجانبين بحثا العلاقات الثنائية والتطورات في المنطقة، في الخبر رقم '
                       || e.id || ' (' || k || ')',
                   'بحثا', 24, 28, round((0.5 + random() * 0.5)::numeric, 2)::float8, 'bench',
                   jsonb_build_object('mode', NULL::text, 'date', e.event_date, 'date_precision',
                       e.date_precision, 'date_anchored', true, 'window', NULL::text, 'location', NULL::text,
                       'context', '[]'::jsonb, 'actors', e.actors, 'recipients', e.recipients)
            FROM events AS e, generate_series(1, e.num_mentions) AS k
            ORDER BY e.id, k
            """,
            params,
        )
        for statement in rebuild:
            conn.execute(statement)
        conn.execute("ALTER TABLE events ENABLE TRIGGER events_notify")
        for table in ("documents", "articles", "events", "event_mentions"):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        conn.execute(f"VACUUM ANALYZE {', '.join(TABLES)}")
        counts = {
            table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index]
            for table in TABLES
        }
    return time.perf_counter() - began, counts


def plan_summary(conn: psycopg.Connection[Any], query: str) -> tuple[float, list[str]]:
    """Execution time (ms) and the plan's main lines (scans, subplans, sorts, JIT), without estimates."""
    lines = [row[0] for row in conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}").fetchall()]
    executed = next(float(line.split()[-2]) for line in lines if line.startswith("Execution Time"))
    wanted = re.compile(r"Limit|Scan|SubPlan|Sort|Join|Nested Loop|Aggregate|BitmapAnd|BitmapOr|Timing:")
    kept = [re.sub(r"  \(cost=[^)]*\)", "", line.rstrip()) for line in lines if wanted.search(line)]
    return executed, kept


@dataclass
class Measurement:
    rows: int  # rows the query returns (counted on events alone when it was cancelled)
    timings: list[float]  # ms, client-side with the fetch; empty when the warm-up was cancelled
    executed: float  # ms, EXPLAIN ANALYZE (of the first SAMPLE rows when cancelled)
    plan: list[str]

    @property
    def median(self) -> float | None:
        return statistics.median(self.timings) if self.timings else None

    @property
    def estimate(self) -> float:
        """ms for all rows, from EXPLAIN ANALYZE of the first SAMPLE rows (cancelled queries)."""
        return self.executed / max(1, min(SAMPLE, self.rows)) * self.rows


SAMPLE = 3  # rows a cancelled query is explained on, to estimate its time per row


def measure(conn: psycopg.Connection[Any], query: str, count: str, runs: int, timeout: int) -> Measurement:
    """Median of `runs` after a warm-up; a warm-up cancelled after `timeout` s is estimated instead."""
    conn.execute(f"SET statement_timeout = '{timeout}s'")
    began = time.perf_counter()
    try:
        rows = len(conn.execute(query).fetchall())
    except psycopg.errors.QueryCanceled:
        conn.execute("SET statement_timeout = 0")
        row = conn.execute(count).fetchone()
        executed, plan = plan_summary(conn, f"{query} LIMIT {SAMPLE}")
        return Measurement(int(row[0]) if row else 0, [], executed, plan)
    conn.execute("SET statement_timeout = 0")
    if time.perf_counter() - began > 10:
        runs = 1  # far too slow already: one timed run says by how much
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        rows = len(conn.execute(query).fetchall())
        timings.append((time.perf_counter() - began) * 1000)
    executed, plan = plan_summary(conn, query)
    return Measurement(rows, timings, executed, plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=120, help="seconds before a query is cancelled")
    parser.add_argument("--recipes", action="store_true", help="also time docs/QUERYING.md's recipes")
    parser.add_argument("--keep", action="store_true", help="keep the database marsad_bench_events")
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {PG.rsplit('/', 1)[0]}/{NAME}")
    libpq = fresh_database()
    try:
        seconds, counts = fill(libpq, args.events)
        print(f"filled in {seconds:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()), flush=True)
        codes, _ = codes_and_names()
        first, last = LAST_DAY - timedelta(days=29), LAST_DAY
        # (view, jit): JIT compilation is on by default; it is tried off too.
        variants = [("v_events", True), ("v_events", False)]
        with psycopg.connect(libpq, autocommit=True) as conn:
            settings = conn.execute(
                "SELECT current_setting('server_version'), current_setting('shared_buffers'), "
                "current_setting('jit')"
            ).fetchone()
            print("PostgreSQL {}, shared_buffers {}, jit {}".format(*(settings or ("?", "?", "?"))))
            for code in (FREQUENT, codes[RARE - 1]):
                where = (
                    f"actor_codes @> ARRAY['{code}']::varchar(16)[] "
                    f"AND event_date BETWEEN '{first}' AND '{last}'"
                )
                in_all = conn.execute(
                    "SELECT count(*) FROM events WHERE actor_codes @> ARRAY[%s]::varchar(16)[]", (code,)
                ).fetchone()
                for view, jit in variants:
                    conn.execute(f"SET jit = {'on' if jit else 'off'}")
                    query = f"SELECT * FROM {view} WHERE {where} ORDER BY event_date"
                    count = f"SELECT count(*) FROM events WHERE {where}"
                    m = measure(conn, query, count, args.runs, args.timeout)
                    if m.median is not None:
                        figure = (
                            f"median {m.median:.1f} ms (runs {', '.join(f'{t:.1f}' for t in m.timings)}); "
                            f"EXPLAIN ANALYZE {m.executed:.1f} ms"
                        )
                    else:
                        figure = (
                            f"cancelled after {args.timeout} s; EXPLAIN ANALYZE of the first {SAMPLE} rows "
                            f"{m.executed:.0f} ms, so about {m.estimate / 1000:,.0f} s for all"
                        )
                    total = in_all[0] if in_all else 0
                    label = view if jit else f"{view} (jit off)"
                    print(f"\n{label} for {code} ({total:,} events in all): {m.rows:,} rows; {figure}")
                    print(f"  {query}")
                    print("\n".join(f"  | {line}" for line in m.plan), flush=True)
            conn.execute("SET jit = on")
            for heading, sql in recipes().items() if args.recipes else ():
                conn.execute(sql).fetchall()  # warm-up
                began = time.perf_counter()
                rows = len(conn.execute(sql).fetchall())
                print(f"recipe {heading!r}: {rows:,} rows in {(time.perf_counter() - began) * 1000:.1f} ms")
    finally:
        if not args.keep:
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
