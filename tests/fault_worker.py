"""`marsad worker` with a cleaner that misbehaves on marked articles, for the fault tests.

Articles containing ⏳ are cleaned slowly (FAULT_SLOW_SECONDS); articles containing ☠ always raise.
Everything else runs the real pipeline.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from workers import pipeline

SLOW_MARK = "⏳"
POISON_MARK = "☠"
_real_clean = pipeline.clean_document


def _clean(raw: Any) -> Any:
    if SLOW_MARK in raw.content:
        time.sleep(float(os.environ.get("FAULT_SLOW_SECONDS", "4")))
    if POISON_MARK in raw.content:
        raise RuntimeError("poisoned article: the cleaner always fails on it")
    return _real_clean(raw)


if __name__ == "__main__":
    pipeline.clean_document = _clean
    from workers.cli import main

    sys.argv = ["marsad", "worker", *sys.argv[1:]]
    main()
