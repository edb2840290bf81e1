"""article_bands also holds 30 bands of each canonical article's opening (its first 30 words)

A short wire item that is the lead of a longer story is found through the bands of the two openings
(workers.dedupe.minhash.lead_signature): band numbers 42-71. Articles indexed before this revision get
theirs here, computed from their stored normalised text, so that a lead arriving later finds them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 20:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from workers.dedupe.minhash import BANDS, band_hashes, lead_signature, signature

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_COMMENT = "Band number, 0-41."
NEW_COMMENT = "Band number: 0-41 of the text's signature, 42-71 of its opening's (its first 30 words)."
BATCH = 1000

_INDEXED = sa.text(
    "SELECT a.id, a.normalized_text FROM articles AS a WHERE a.id > :after AND EXISTS "
    "(SELECT 1 FROM article_bands AS b WHERE b.article_id = a.id AND b.band = 0) "
    "AND NOT EXISTS (SELECT 1 FROM article_bands AS b WHERE b.article_id = a.id AND b.band = :first) "
    "ORDER BY a.id LIMIT :batch"
)
_INSERT = sa.text("INSERT INTO article_bands (article_id, band, hash) VALUES (:article_id, :band, :hash)")


def upgrade() -> None:
    op.alter_column(
        "article_bands",
        "band",
        existing_type=sa.SmallInteger(),
        comment=NEW_COMMENT,
        existing_comment=OLD_COMMENT,
    )
    connection = op.get_bind()
    after = 0
    while True:
        rows = connection.execute(_INDEXED, {"after": after, "first": BANDS, "batch": BATCH}).all()
        if not rows:
            return
        values = []
        for article_id, normalized in rows:
            opening = band_hashes(signature(normalized), lead_signature(normalized))[BANDS:]
            values += [
                {"article_id": article_id, "band": BANDS + i, "hash": bucket}
                for i, bucket in enumerate(opening)
            ]
        if values:
            connection.execute(_INSERT, values)
        after = rows[-1][0]


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM article_bands WHERE band >= :first").bindparams(first=BANDS))
    op.alter_column(
        "article_bands",
        "band",
        existing_type=sa.SmallInteger(),
        comment=OLD_COMMENT,
        existing_comment=NEW_COMMENT,
    )
