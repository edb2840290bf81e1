"""What Flower shows as a pipeline task's arguments: each document's id, file and title, not bare ids.

The label goes out as the message's `argsrepr`, which Celery puts in the task-sent and task-received
events that Flower records (and searches) as the task's arguments. The arguments themselves stay
`[document_ids]`, so messages queued before, and workers of an older version, read them unchanged.

A document's title is the cleaned article's when it has been cleaned (a retry, a reconciler resend),
else the one its metadata gave, else the first line of its text or a page's <title>: what an operator
would call the article, not necessarily what the cleaning stage will keep.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from db.models import Article, Document, InboxFile
from db.session import Database

log = logging.getLogger(__name__)

Describe = Callable[[Sequence[int]], str]

TITLE_CHARS = 60
# Celery's own limit for a repr it makes; Flower shows the whole string in its task list.
LABEL_CHARS = 1000
# Enough of a document's start to find its first line or its page's <title>.
_HEAD_CHARS = 8000
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class DocumentLabel:
    """How one document is named in Flower."""

    document_id: int
    file_name: str
    line: int | None = None
    member: str | None = None
    title: str | None = None

    def __str__(self) -> str:
        where = self.file_name
        if self.member:
            where += f"/{self.member}"
        if self.line is not None:
            where += f":{self.line}"
        title = f" «{self.title}»" if self.title else ""
        return f"#{self.document_id} {where}{title}"


def shorten(text: str, limit: int = TITLE_CHARS) -> str:
    """One line of at most `limit` characters, ending in … when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def title_guess(content: str, content_type: str) -> str | None:
    """A page's <title>, else the first line of text; None when there is neither."""
    if content_type == "text/html":
        found = _HTML_TITLE.search(content)
        text = html.unescape(_TAG.sub(" ", found.group(1))) if found else ""
        return shorten(text) or None
    for line in content.splitlines():
        if line.strip():
            return shorten(line)
    return None


def labels_text(document_ids: Sequence[int], labels: Sequence[DocumentLabel]) -> str:
    """The labels in the order of `document_ids` (a bare `#id` for one not found), at most LABEL_CHARS."""
    by_id = {label.document_id: str(label) for label in labels}
    parts = [by_id.get(document_id, f"#{document_id}") for document_id in document_ids]
    text = ""
    for shown, part in enumerate(parts):
        more = f" (+{len(parts) - shown} more)"
        candidate = f"{text}, {part}" if text else part
        if len(candidate) + len(more) > LABEL_CHARS and shown:
            return text + more
        text = candidate
    return text[:LABEL_CHARS]


def load_labels(database: Database, document_ids: Sequence[int]) -> list[DocumentLabel]:
    """One query for the labels of `document_ids`."""
    query = (
        select(
            Document.id,
            InboxFile.name,
            Document.origin_line,
            Document.origin_member,
            Article.title,
            Document.raw_meta["title"].astext,
            Document.content_type,
            func.left(Document.raw_content, _HEAD_CHARS),
        )
        .join(InboxFile, InboxFile.id == Document.inbox_file_id)
        .outerjoin(Article, Article.document_id == Document.id)
        .where(Document.id.in_(list(document_ids)))
    )
    with database.session() as session:
        rows = session.execute(query).all()
    return [
        DocumentLabel(
            document_id=document_id,
            file_name=name,
            line=line,
            member=member,
            title=shorten(cleaned or given) if (cleaned or given) else title_guess(head or "", content_type),
        )
        for document_id, name, line, member, cleaned, given, content_type, head in rows
    ]


def describe_documents(database: Database) -> Describe:
    """A `Describe` that reads the labels from `database`; with the database away, bare ids."""

    def describe(document_ids: Sequence[int]) -> str:
        try:
            return labels_text(document_ids, load_labels(database, document_ids))
        except SQLAlchemyError as exc:  # a label is a courtesy: the message goes out without one
            log.debug("no labels for documents %s: %s", list(document_ids), exc)
            return labels_text(document_ids, [])

    return describe
