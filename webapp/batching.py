"""Building many small objects at once (a status per requirement, a mail per notice).

Python's cyclic garbage collector runs after every few hundred allocations and, as the
objects pile up, re-scans everything the process holds, the app's own modules and ORM
state included: a third of the daily notice scan went there. Nothing built in these
loops forms reference cycles (reference counting frees it), so the collector can wait
until the loop ends.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested or concurrent uses are fine:
    whoever paused it turns it back on)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
