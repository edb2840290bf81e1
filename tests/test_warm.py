"""The stages are loaded in the worker's main process before its pool forks (`workers.warm`)."""

from __future__ import annotations

import gc

from celery.signals import worker_init

import workers.tasks  # noqa: F401  (connects the worker_init handler)
from workers.extract.lexicon import default_lexicon
from workers.warm import warm_up


def test_the_warm_up_article_goes_through_every_stage_to_an_event() -> None:
    assert warm_up() >= 1


def test_a_starting_worker_loads_the_lexicon_and_freezes_it_before_forking() -> None:
    default_lexicon.cache_clear()
    gc.unfreeze()
    try:
        worker_init.send(sender=None)
        assert default_lexicon.cache_info().currsize == 1
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
