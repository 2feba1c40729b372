"""Work that runs outside the request that asked for it (checking and importing a file), so a long
job never holds up a web worker; its progress lives in the database, which every process can read.

JOBS_INLINE runs each job at once, in the request: for tests and the command line.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app

log = logging.getLogger(__name__)

_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="fieldcert-job")


def run_job(job: Callable[..., None], on_failure: Callable[[], None], *args) -> None:
    """Run `job(*args)` in a worker thread with the app's context; `on_failure` runs if it raises."""
    app = current_app._get_current_object()
    if app.config["JOBS_INLINE"]:
        _run(app, job, on_failure, *args)
    else:
        _executor.submit(_run, app, job, on_failure, *args)


def _run(app: Flask, job: Callable[..., None], on_failure: Callable[[], None], *args) -> None:
    with app.app_context():
        try:
            job(*args)
        except Exception:
            log.exception("background job %s failed", getattr(job, "__name__", job))
            on_failure()
