"""File storage: uploads checked by content, stored on disk under content-addressed names.

Only this module touches the disk, so an object store can replace it later.
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import StoredFile
from webapp.models.base import utcnow

# Content signatures of the types we accept: what the bytes are, not what the name says.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftypheic", 4, "image/heic"),
    (b"ftypheix", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heif"),
    (b"ftypisom", 4, "video/mp4"),
    (b"ftypmp42", 4, "video/mp4"),
    (b"\x1a\x45\xdf\xa3", 0, "video/webm"),
    (b"PK\x03\x04", 0, "application/zip"),  # also .docx/.xlsx, told apart by name below
)
_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
PARTIAL_SUFFIX = ".partial"
_CONTENT_NAME = re.compile(r"[0-9a-f]{64}")
ORPHAN_AGE = timedelta(days=1)
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/webm"})
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.heic,.heif,.mp4,.webm,.zip,.docx,.xlsx,.pptx,.txt,.csv,image/*"


class UploadError(ValueError):
    """An upload refused, with a message fit to show on the form."""


class StorageUnavailable(OSError):
    """The upload folder cannot take a file (full, read-only, not ours to write): an operator's
    problem, not the user's, answered with a 503 and nothing saved."""


# Write failures that say the folder cannot take files now; any other OSError is a defect.
_UNAVAILABLE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


@dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    content_type: str
    name: str


def sniff_content_type(head: bytes, name: str) -> str | None:
    for signature, offset, content_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if content_type == "application/zip":
                return _OFFICE.get(Path(name).suffix.lower(), content_type)
            return content_type
    if Path(name).suffix.lower() in {".txt", ".csv"}:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/csv" if name.lower().endswith(".csv") else "text/plain"
    return None


def check_upload(upload: FileStorage) -> CheckedUpload:
    """Read and check one upload: not empty, within the size limit, of an accepted type."""
    name = os.path.basename(upload.filename or "").strip() or "upload"
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    data = upload.stream.read(limit + 1)
    if not data:
        raise UploadError(f"{name} is empty.")
    if len(data) > limit:
        raise UploadError(f"{name} is larger than {current_app.config['MAX_UPLOAD_MB']} MB.")
    content_type = sniff_content_type(data[:64], name)
    if content_type is None:
        raise UploadError(f"{name} is not a type we accept (PDF, image, video, Office document, text).")
    return CheckedUpload(data=data, content_type=content_type, name=name[:255])


def check_uploads(files: Iterable[FileStorage | None]) -> tuple[list[CheckedUpload], list[str]]:
    """Check several uploads, skipping empty file inputs: (the accepted ones, a message per refused one)."""
    checked, errors = [], []
    for upload in files:
        # A file input posted as plain text (a script, not a browser) is no file either.
        if not isinstance(upload, FileStorage) or not upload.filename:
            continue
        try:
            checked.append(check_upload(upload))
        except UploadError as error:
            errors.append(str(error))
    return checked, errors


def _path_for(sha256: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / sha256[:2] / sha256


_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def store_file(checked: CheckedUpload) -> StoredFile:
    """Write the content once (same bytes, same file) and return its row.

    Insert-or-get in one statement (`ON CONFLICT DO NOTHING`, then read): two requests storing the
    same new bytes at once share one row, where two plain inserts would fail the second request's
    whole transaction on the unique hash.
    """
    sha256 = hashlib.sha256(checked.data).hexdigest()
    write_content(sha256, checked.data)
    insert = _INSERTS[db.engine.dialect.name]
    db.session.execute(
        insert(StoredFile)
        .values(sha256=sha256, size=len(checked.data), content_type=checked.content_type, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[StoredFile.sha256])
    )
    return db.session.scalars(select(StoredFile).where(StoredFile.sha256 == sha256)).one()


def write_content(sha256: str, data: bytes) -> None:
    """Put `data` on disk under its hash unless it is there already; a reader never sees half a file.

    Raises StorageUnavailable when the folder is full, read-only or not ours to write.
    """
    path = _path_for(sha256)
    if path.exists():
        # Fresh again: an orphan about to gain a row must not look old to remove_orphan_files meanwhile.
        # A read-only store cannot be touched, but then the clean-up cannot delete either.
        with contextlib.suppress(OSError):
            os.utime(path)
        return
    # A name of its own: two requests storing the same bytes at once must not share (or delete) one partial.
    partial = path.with_name(f"{path.name}.{secrets.token_hex(6)}{PARTIAL_SUFFIX}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        if error.errno in _UNAVAILABLE:
            raise StorageUnavailable(error.errno, f"The upload folder cannot take files: {error}") from error
        raise
    finally:
        # A disk that filled half-way leaves a partial behind; the clean-up job gets what this cannot.
        partial.unlink(missing_ok=True)


def stored_content() -> Iterator[tuple[str, Path]]:
    """Every whole file in the store, as (sha256, path), in a fixed order."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    for path in sorted(folder.glob("??/*")):
        if _CONTENT_NAME.fullmatch(path.name) and path.parent.name == path.name[:2] and path.is_file():
            yield path.name, path


def remove_orphan_files(older_than: timedelta = ORPHAN_AGE) -> int:
    """Delete what killed requests left in the store: `.partial` files, and files no StoredFile row names
    (written before a transaction that then failed). Only files untouched for `older_than`, so a request
    still writing or about to commit is never robbed of its file. Returns how many were deleted."""
    known = set(db.session.scalars(select(StoredFile.sha256)))
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for path in sorted(Path(current_app.config["UPLOAD_FOLDER"]).glob("??/*")):
        orphan = path.suffix == PARTIAL_SUFFIX or (_CONTENT_NAME.fullmatch(path.name) and path.name not in known)
        if orphan and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def file_path(stored: StoredFile) -> Path:
    return _path_for(stored.sha256)
