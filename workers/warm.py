"""Load what the stages read before a worker forks its pool, so the pool processes share it.

The lexicons, the gazetteer, the cleaning rules and the regular expressions the stages compile on first
use take about 70 MB and two seconds a process. Celery's prefork pool forks its processes from the
worker's main process: loaded there first (`celery.signals.worker_init`), they are shared copy-on-write
instead of loaded again by every pool process, and the first article a process takes does not wait two
seconds. `gc.freeze()` moves what is loaded out of the collector's reach, so that a collection in a pool
process does not write to (and so copy) the shared pages.
"""

from __future__ import annotations

import gc

from workers.clean import RawDocument, clean_document
from workers.dedupe.minhash import lead_signature, signature
from workers.extract import extract_events
from workers.extract.lexicon import default_lexicon
from workers.extract.run import extract_input

# A team-written line that goes through every stage (a dateline, an actor, a place, an event).
WARM_UP = "بغداد - التقى وزير الخارجية العراقي في بغداد اليوم وزير الخارجية الأردني وبحثا العلاقات الثنائية."


def warm_up() -> int:
    """Load the stages' data and run one article through them; returns the events it gave."""
    default_lexicon()
    cleaned = clean_document(RawDocument(WARM_UP, "text/plain", {}, None))
    signature(cleaned.normalized_text)
    lead_signature(cleaned.normalized_text)
    return len(extract_events(extract_input(-1, cleaned)).events)


def warm_up_before_fork() -> int:
    """`warm_up`, then freeze what is loaded so that pool processes keep sharing it."""
    events = warm_up()
    gc.collect()
    gc.freeze()
    return events
