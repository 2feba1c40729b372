"""Secret keys kept in files beside the database, never in it (a database dump or backup must not carry
them): the signing keys of credentials, the VAPID keys of Web Push."""
from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

KEY_FILE_MODE = 0o600


@contextmanager
def key_file_lock(path: Path) -> Iterator[None]:
    """One change to the key file at a time, across workers: two first uses must not make two keys
    of which one is lost with what it signed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path.with_suffix(".lock"), os.O_WRONLY | os.O_CREAT, KEY_FILE_MODE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def write_key_file(path: Path, content: dict) -> None:
    """Written beside and renamed over, so a crash never leaves half a key file; created 600, never wider."""
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, KEY_FILE_MODE)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(content, handle, indent=1)
    os.chmod(partial, KEY_FILE_MODE)
    os.replace(partial, path)
