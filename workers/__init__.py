"""Marsad's workers: the Celery app, the inbox watcher and the pipeline stages (clean, dedupe, extract)."""
