"""Engine and session factory, one per database URL and process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """A database URL with its engine and session factory, created lazily and rebuilt after fork.

    Celery's prefork pool forks worker processes; a connection pool inherited across fork is shared
    with the parent, so the engine is recreated when the process id changes.
    """

    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url = url
        self._pool_size = pool_size
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self._pid = 0

    @property
    def engine(self) -> Engine:
        if self._engine is None or self._pid != os.getpid():
            if self._engine is not None:
                self._engine.dispose(close=False)
            self._engine = create_engine(
                self.url,
                pool_pre_ping=True,
                pool_size=self._pool_size,
                connect_args={"connect_timeout": 5},
            )
            self._sessions = sessionmaker(self._engine, expire_on_commit=False)
            self._pid = os.getpid()
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        _ = self.engine
        assert self._sessions is not None
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def mask_password(url: str) -> str:
    """The URL with any password replaced by ***, for display."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given, minus anything after '@'
        return url.split("@")[-1]
