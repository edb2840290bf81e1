"""bench/e2e_profile.py sums py-spy's collapsed stacks into the shares of the pipeline's parts."""

from __future__ import annotations

import pytest

from bench.e2e_profile import PARTS, frame_names, shares, table

TASK = "worker_main (celery/x.py:1);process_documents (workers/tasks.py:45);run_documents (p.py:9)"


def test_a_stack_is_read_as_its_function_names() -> None:
    assert frame_names("a (x.py:1);Session.execute (orm/session.py:2)") == ["a", "Session.execute"]


def test_each_sample_counts_for_every_part_it_is_under() -> None:
    lines = [
        f"{TASK};extract_step (p.py:1);extract_events (e.py:2);read_article (e.py:3) 6\n",
        f"{TASK};extract_step (p.py:1);replace_events (s.py:2);Session.execute (s.py:3) 2\n",
        "worker_main (celery/x.py:1);on_message (kombu/y.py:7) 2\n",
    ]
    total, found = shares(lines)
    assert total == 10
    assert found["extract step"] == pytest.approx(0.8)
    assert found["· extraction (extract_events: the stage)"] == pytest.approx(0.6)
    assert found["· event store (replace_events)"] == pytest.approx(0.2)
    assert found["SQL: statements built, sent, results read"] == pytest.approx(0.2)
    assert found["Celery outside the task (messages, acks, events)"] == pytest.approx(0.2)
    assert found["stages"] == pytest.approx(0.6)
    rendered = table(total, found)
    assert all(label in rendered for label, _ in PARTS) and "| 60.0 % |" in rendered
