"""The backoff function and the classification of transient errors."""

from __future__ import annotations

import random

import pytest
import redis.exceptions
import sqlalchemy.exc

from workers.errors import StageError
from workers.retry import compute_backoff, is_transient


@pytest.mark.parametrize(
    ("attempt", "delay"), [(1, 2.0), (2, 4.0), (3, 8.0), (6, 64.0), (7, 100.0), (30, 100.0)]
)
def test_compute_backoff_doubles_up_to_the_cap(attempt: int, delay: float) -> None:
    assert compute_backoff(attempt, base=2.0, cap=100.0) == delay


def test_compute_backoff_jitter_only_shortens_within_its_fraction() -> None:
    rng = random.Random(7)
    delays = [compute_backoff(3, base=1.0, cap=60.0, jitter=0.25, rng=rng) for _ in range(200)]
    assert all(3.0 <= d <= 4.0 for d in delays)  # 1·2² = 4, less up to 25 %
    assert len(set(delays)) > 100


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("connection refused")), True),
        (redis.exceptions.ConnectionError("down"), True),
        (ConnectionRefusedError(), True),
        (StageError("clean", "bad"), False),
        (ValueError("bug"), False),
        (sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("dup")), False),
    ],
)
def test_is_transient(error: BaseException, transient: bool) -> None:
    assert is_transient(error) is transient
