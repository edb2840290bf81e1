"""One rooted exception hierarchy with stable reason codes.

Reason codes are what `inbox_files.reason`, `documents.reason` and the `<name>.error.txt` files show;
they never change meaning once released. Foreign errors are translated at the boundary with
`raise ... from`.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a file, an archive member or a line was refused, or a document failed."""

    EMPTY_FILE = "empty_file"
    UNKNOWN_TYPE = "unknown_type"
    BINARY_CONTENT = "binary_content"
    UNDECODABLE = "undecodable"
    OVERSIZE = "oversize"
    BAD_JSON = "bad_json"
    DEEP_JSON = "deep_json"
    MISSING_TEXT = "missing_text"
    BAD_FIELD = "bad_field"
    BAD_ARCHIVE = "bad_archive"
    NESTED_ARCHIVE = "nested_archive"
    UNSAFE_PATH = "unsafe_path"
    NO_ARTICLES = "no_articles"
    NOT_REGULAR_FILE = "not_regular_file"
    SYMLINK = "symlink"
    PROCESSING_ERROR = "processing_error"
    TOO_MANY_ATTEMPTS = "too_many_attempts"


class MarsadError(Exception):
    """Root of every error Marsad raises on purpose."""


class ConfigurationError(MarsadError):
    """Settings are missing or wrong; raised at start-up."""


class RejectedInput(MarsadError):
    """Input Marsad cannot read: a file, an archive member or one JSONL line.

    `reason` is a stable code; the message says what was wrong in words a person can act on.
    """

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return f"{self.reason}: {self.message}"


class TransientError(MarsadError):
    """A failure worth retrying as it is: a database or broker that is briefly unreachable."""


class StageError(MarsadError):
    """A pipeline stage failed on one document.

    A permanent error (the input can never succeed) fails the document at once; any other is counted
    against its attempts and retried with backoff.
    """

    def __init__(self, stage: str, message: str, *, permanent: bool = False) -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage
        self.permanent = permanent


class ServiceError(MarsadError):
    """An embedded or configured service (PostgreSQL, Redis) could not be started or reached."""


class AlreadyRunningError(MarsadError):
    """Another process already holds what this one needs to itself (the state folder of `marsad up`)."""
