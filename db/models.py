"""The schema: Marsad's public API for everyone who queries Postgres.

`docs/SCHEMA.md` describes these tables for consumers; a test checks that every column is documented.
Statuses are stored as text constrained by CHECK so that SQL users can read and filter them directly.
"""

from __future__ import annotations

from datetime import date as date_type
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from workers.status import ACTIVE_DOCUMENT_STATUSES, DocumentStatus, DuplicateMethod, FileStatus

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(values: Any) -> str:
    return ", ".join(f"'{v}'" for v in sorted(str(v) for v in values))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class InboxFile(Base):
    """One file dropped in the inbox, whatever became of it."""

    __tablename__ = "inbox_files"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(FileStatus)})", name="status"),
        # The same bytes are ingested once; later drops are recorded as duplicates (or, if the
        # first copy was rejected, rejected again), so uniqueness holds over the ingested rows only.
        Index(
            "uq_inbox_files_sha256_ingested",
            "sha256",
            unique=True,
            postgresql_where=text("status IN ('received', 'processed')"),
        ),
        Index("ix_inbox_files_status_received_at", "status", "received_at"),
        {"comment": "One row per file dropped in the inbox: received, processed, rejected or duplicate."},
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, comment="File id.")
    name: Mapped[str] = mapped_column(
        Text,
        comment="File name as dropped; backslashes, control characters and bytes that are not UTF-8 "
        "escaped (\\\\, \\xNN, \\uNNNN).",
    )
    path: Mapped[str] = mapped_column(
        Text, comment="Absolute path where the watcher found the file, escaped as the name is."
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True, comment="SHA-256 of the file's bytes, hex.")
    size_bytes: Mapped[int] = mapped_column(BigInteger, comment="File size in bytes.")
    status: Mapped[str] = mapped_column(
        String(16),
        default=FileStatus.RECEIVED.value,
        comment="received (rows committed, file not moved yet), processed, rejected or duplicate.",
    )
    reason: Mapped[str | None] = mapped_column(
        String(32), comment="Reason code when the file, or some of its lines or members, were refused."
    )
    detail: Mapped[str | None] = mapped_column(Text, comment="What was wrong, in words.")
    duplicate_of_id: Mapped[int | None] = mapped_column(
        BigInteger,
        ForeignKey("inbox_files.id", ondelete="SET NULL"),
        comment="For a duplicate: the earlier file with the same bytes.",
    )
    documents_count: Mapped[int] = mapped_column(Integer, default=0, comment="Articles queued from the file.")
    rejected_count: Mapped[int] = mapped_column(
        Integer, default=0, comment="Lines or archive members refused (each has a documents row)."
    )
    moved_to: Mapped[str | None] = mapped_column(
        Text, comment="Where the file went once its rows committed (null: deleted or kept)."
    )
    move_attempts: Mapped[int] = mapped_column(
        Integer,
        server_default="0",
        default=0,
        comment="Failed attempts to move the file out of the inbox (permissions, a full disk).",
    )
    stuck_reason: Mapped[str | None] = mapped_column(
        Text,
        comment="Set when the file could not leave the inbox after the watcher's attempts: why. "
        "Cleared when it leaves.",
    )
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="When the watcher read the file."
    )
    finished_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When the file left the inbox."
    )


class Document(Base):
    """One article as it arrived (one per file, per JSONL line, per archive member)."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"status IN ({_in(DocumentStatus)})", name="status"),
        Index("ix_documents_status", "status"),
        # The reconciler's query: active documents whose last enqueue is old.
        Index(
            "ix_documents_active_enqueued_at",
            "enqueued_at",
            postgresql_where=text(f"status IN ({_in(ACTIVE_DOCUMENT_STATUSES)})"),
        ),
        Index("ix_documents_inbox_file_id", "inbox_file_id"),
        {"comment": "One row per article received, with its raw content and pipeline status."},
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, comment="Document id.")
    inbox_file_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("inbox_files.id", ondelete="CASCADE"),
        comment="The file the article came from.",
    )
    origin_member: Mapped[str | None] = mapped_column(Text, comment="Member name inside a .zip.")
    origin_line: Mapped[int | None] = mapped_column(Integer, comment="1-based line in a .jsonl/.ndjson.")
    content_type: Mapped[str] = mapped_column(String(32), comment="text/plain or text/html.")
    encoding: Mapped[str | None] = mapped_column(
        String(32),
        comment="How the bytes were decoded: utf-8, utf-8+replace (a few bad bytes replaced), utf-16, "
        "utf-16-le or utf-16-be (no byte-order mark), windows-1256.",
    )
    raw_content: Mapped[str] = mapped_column(Text, comment="The article as received, decoded to text.")
    raw_meta: Mapped[dict[str, Any]] = mapped_column(
        JSONB,
        default=dict,
        server_default=text("'{}'::jsonb"),
        comment="Metadata that came with the article (title, url, source, published_at), and under "
        "decoding what decoding stripped or replaced (padding NULs, bytes that are not UTF-8).",
    )
    sha256: Mapped[str] = mapped_column(String(64), comment="SHA-256 of raw_content as UTF-8, hex.")
    file_modified_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True),
        comment="Modification time of the file it came from: the publication date of last resort.",
    )
    status: Mapped[str] = mapped_column(
        String(16),
        default=DocumentStatus.QUEUED.value,
        comment="queued, cleaned, deduplicated, done; failed (gave up) or rejected (unreadable).",
    )
    reason: Mapped[str | None] = mapped_column(String(32), comment="Reason code when failed or rejected.")
    attempts: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", comment="Processing attempts so far."
    )
    last_error: Mapped[str | None] = mapped_column(Text, comment="The most recent processing error.")
    enqueued_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When a message for it was last sent to the queue."
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="When the row was written."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.now(),
        onupdate=func.now(),
        comment="When the row last changed.",
    )
    finished_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When it reached done, failed or rejected."
    )


class Article(Base):
    """The cleaned article of one document."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_text_sha256", "text_sha256"),
        {"comment": "One row per cleaned article (duplicates included; see article_duplicates)."},
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, comment="Article id.")
    document_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("documents.id", ondelete="CASCADE"),
        unique=True,
        comment="The document it was cleaned from.",
    )
    title: Mapped[str | None] = mapped_column(Text, comment="Headline.")
    body: Mapped[str] = mapped_column(
        Text, comment="Display text: the original letters, invisible controls removed."
    )
    normalized_text: Mapped[str] = mapped_column(
        Text, comment="Matching form: no diacritics or tatweel, unified alef/yeh/teh marbuta, ASCII digits."
    )
    language: Mapped[str] = mapped_column(String(8), comment="ar, en or other.")
    author: Mapped[str | None] = mapped_column(Text, comment="Byline, when the article has one.")
    agency: Mapped[str | None] = mapped_column(
        String(16), comment="News agency code from the dateline or source line (SANA, INA, AFP, ...)."
    )
    dateline: Mapped[str | None] = mapped_column(Text, comment="Place the story was filed from.")
    source: Mapped[str | None] = mapped_column(Text, comment="Outlet or agency, when known.")
    url: Mapped[str | None] = mapped_column(Text, comment="Where the article was published, when known.")
    published_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="Publication time, when known."
    )
    published_source: Mapped[str | None] = mapped_column(
        String(16),
        comment="Where published_at came from: metadata, html, text (a date line) or file_time.",
    )
    cleaning: Mapped[dict[str, Any]] = mapped_column(
        JSONB,
        default=dict,
        server_default=text("'{}'::jsonb"),
        comment="Audit of cleaning: rules version and every dropped line with the rule that dropped it.",
    )
    text_sha256: Mapped[str] = mapped_column(
        String(64), comment="SHA-256 of normalized_text: the exact-duplicate key."
    )
    minhash: Mapped[bytes | None] = mapped_column(
        LargeBinary,
        comment="MinHash signature of normalized_text (128 little-endian uint32, 3-word shingles); "
        "null when the text has no words or dedupe has not run.",
    )
    deduplicated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When the dedupe stage decided about it."
    )
    extracted_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), comment="When event extraction ran on it (null for duplicates)."
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="When the row was written."
    )


class ArticleDuplicate(Base):
    """An article that repeats an earlier (canonical) one; it adds a source, not new events."""

    __tablename__ = "article_duplicates"
    __table_args__ = (
        CheckConstraint(f"method IN ({_in(DuplicateMethod)})", name="method"),
        Index("ix_article_duplicates_canonical_article_id", "canonical_article_id"),
        {"comment": "Articles that repeat an earlier one, and which one."},
    )

    article_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The repeating article.",
    )
    canonical_article_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("articles.id", ondelete="CASCADE"),
        comment="The canonical article of the cluster (the same or nearly the same text): the first "
        "published where publication dates are trusted (not the file's time), else the first decided.",
    )
    method: Mapped[str] = mapped_column(String(8), comment="exact (same normalised text) or near.")
    similarity: Mapped[float] = mapped_column(Float, comment="1.0 for exact; estimated Jaccard for near.")
    rule: Mapped[str | None] = mapped_column(
        String(16),
        comment="The rule that linked it: exact (same normalised text), similar (similar wording, facts "
        "agree), contained_lead (the lead of the longer story, or a trimmed copy), repointed (a copy "
        "moved with its cluster to an original published before it); null for near links made before 0008.",
    )
    why: Mapped[str | None] = mapped_column(
        Text,
        comment="Why, in words: the similarity, containment or facts the decision rested on "
        "(workers.dedupe.decision); null for near links made before 0008.",
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="When the link was made."
    )


BAND_COMMENT = "Band number: 0-41 of the text's signature, 42-71 of its opening's (its first 30 words)."


class ArticleBand(Base):
    """One LSH band of a canonical article's MinHash signature: the near-duplicate index."""

    __tablename__ = "article_bands"
    __table_args__ = (
        Index("ix_article_bands_hash", "hash", postgresql_include=["article_id"]),
        {
            "comment": "LSH index of canonical articles: an article sharing a (band, hash) with one "
            "is a near-duplicate candidate."
        },
    )

    article_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("articles.id", ondelete="CASCADE"),
        primary_key=True,
        comment="The canonical article.",
    )
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True, comment=BAND_COMMENT)
    hash: Mapped[int] = mapped_column(
        BigInteger, comment="64-bit hash of the band number and the band's 3 signature values."
    )


class Event(Base):
    """A real-world event: who did what to whom, where and when (PLOVER)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_type_event_date", "type", "event_date"),
        Index("ix_events_actor_codes", "actor_codes", postgresql_using="gin"),
        Index("ix_events_recipient_codes", "recipient_codes", postgresql_using="gin"),
        Index("ix_events_type_participants", "type", "participants"),
        Index("ix_events_event_date", "event_date"),
        Index("ix_events_updated_at", "updated_at"),
        {
            "comment": "One row per real-world event, however many articles reported it; each report is "
            "an event_mentions row."
        },
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, comment="Event id.")
    type: Mapped[str] = mapped_column(String(16), comment="PLOVER event type (CONSULT, ASSAULT, ...).")
    mode: Mapped[str | None] = mapped_column(String(24), comment="PLOVER mode (phone, visit, aerial, ...).")
    quad: Mapped[int] = mapped_column(
        Integer, comment="Quad class: 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict."
    )
    score: Mapped[float] = mapped_column(
        Float, comment="Intensity from -10 (most hostile) to +10 (most cooperative)."
    )
    actor_codes: Mapped[list[str]] = mapped_column(
        ARRAY(String(16)), comment="Codes of the actors (ISO alpha-3 or organisation)."
    )
    recipient_codes: Mapped[list[str]] = mapped_column(
        ARRAY(String(16)), comment="Codes of the recipients; empty for symmetric events."
    )
    actors: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, comment="Actors: code, name, sector, text.")
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, comment="Recipients: code, name, sector, text."
    )
    event_date: Mapped[date_type | None] = mapped_column(
        Date, comment="Day the event happened, when resolved."
    )
    date_precision: Mapped[str] = mapped_column(String(8), comment="day, month, year or unknown.")
    location_name: Mapped[str | None] = mapped_column(Text, comment="Where it happened (gazetteer name).")
    location_country: Mapped[str | None] = mapped_column(String(3), comment="ISO alpha-3 of the location.")
    latitude: Mapped[float | None] = mapped_column(Float, comment="Latitude of the location.")
    longitude: Mapped[float | None] = mapped_column(Float, comment="Longitude of the location.")
    geonameid: Mapped[int | None] = mapped_column(
        BigInteger, comment="GeoNames id of the location, when a city."
    )
    context: Mapped[list[str]] = mapped_column(
        ARRAY(String(24)), comment="Context tags (terrorism, economic, ...)."
    )
    lexicon_version: Mapped[str] = mapped_column(
        String(40), comment="Version of the lexicons that extracted it."
    )
    participants: Mapped[str] = mapped_column(
        Text,
        comment="Merge key of the participants: 'A,B' for symmetric events (all sides), "
        "'A>B' for directed ones (actors > recipients), codes sorted.",
    )
    num_mentions: Mapped[int] = mapped_column(
        Integer, comment="Reports of the event: its mentions, each counted once more per republished copy."
    )
    num_articles: Mapped[int] = mapped_column(
        Integer,
        comment="Distinct articles that carried it, republished copies (article_duplicates) included.",
    )
    num_sources: Mapped[int] = mapped_column(
        Integer,
        comment="Distinct outlets that carried it (source, else URL host; an article with neither counts "
        "as one), copies included.",
    )
    evidence: Mapped[str | None] = mapped_column(
        Text, comment="The sentence of its most confident mention (the earliest on a tie)."
    )
    source_urls: Mapped[list[str]] = mapped_column(
        ARRAY(Text),
        comment="Distinct URLs, sorted, of the articles that carried it (mentions and their copies).",
    )
    first_seen: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), comment="When Marsad stored the first article that carried it."
    )
    last_seen: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), comment="When Marsad stored the latest article that carried it."
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="When the row was written."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True),
        server_default=func.now(),
        comment="When a merged mention, a new copy or a reprocess last changed the row.",
    )


class EventMention(Base):
    """One article's report of an event: the sentence, trigger and offsets that are its evidence."""

    __tablename__ = "event_mentions"
    __table_args__ = (
        Index("ix_event_mentions_event_id", "event_id"),
        Index("ix_event_mentions_article_id", "article_id"),
        {"comment": "Evidence of an event in one article."},
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, comment="Mention id.")
    event_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("events.id", ondelete="CASCADE"), comment="The event mentioned."
    )
    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), comment="The article mentioning it."
    )
    sentence: Mapped[str] = mapped_column(Text, comment="The evidence sentence.")
    trigger: Mapped[str] = mapped_column(Text, comment="The word that signals the event.")
    char_start: Mapped[int] = mapped_column(Integer, comment="Offset of the trigger in articles.body.")
    char_end: Mapped[int] = mapped_column(Integer, comment="End offset of the trigger in articles.body.")
    confidence: Mapped[float] = mapped_column(Float, comment="Extractor's confidence, 0 to 1.")
    lexicon_version: Mapped[str] = mapped_column(
        String(40),
        comment="Version of the lexicons that found this mention as it is (kept when a later version "
        "finds it unchanged).",
    )
    details: Mapped[dict[str, Any]] = mapped_column(
        JSONB,
        default=dict,
        server_default=text("'{}'::jsonb"),
        comment="What this article says of the event (EVENTS.md record: mode, score, actors, recipients, "
        "date, date_precision, location, context) and date_anchored (false when the article's "
        "publication date was unknown or only the file time).",
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="When the row was written."
    )
