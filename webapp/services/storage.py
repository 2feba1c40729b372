"""File storage: uploads checked by content, stored under content-addressed names, on disk or in an
S3-compatible bucket (`FILE_STORE`).

Only this module touches the store.
"""
from __future__ import annotations

from flask_babel import gettext
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

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError
from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import StoredFile
from webapp.models.base import upsert_insert, utcnow

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
        raise UploadError(gettext("%(name)s is empty.", name=name))
    if len(data) > limit:
        raise UploadError(gettext("%(name)s is larger than %(limit)s MB.", name=name, limit=current_app.config["MAX_UPLOAD_MB"]))
    content_type = sniff_content_type(data[:64], name)
    if content_type is None:
        raise UploadError(gettext("%(name)s is not a type we accept (PDF, image, video, Office document, text).", name=name))
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


def store_file(checked: CheckedUpload) -> StoredFile:
    """Write the content once (same bytes, same file) and return its row.

    Insert-or-get in one statement (`ON CONFLICT DO NOTHING`, then read): two requests storing the
    same new bytes at once share one row, where two plain inserts would fail the second request's
    whole transaction on the unique hash.
    """
    sha256 = hashlib.sha256(checked.data).hexdigest()
    write_content(sha256, checked.data)
    insert = upsert_insert(db.engine.dialect.name)
    db.session.execute(
        insert(StoredFile)
        .values(sha256=sha256, size=len(checked.data), content_type=checked.content_type, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=[StoredFile.sha256])
    )
    return db.session.scalars(select(StoredFile).where(StoredFile.sha256 == sha256)).one()


def write_content(sha256: str, data: bytes) -> None:
    """Put `data` in the store under its hash unless it is there already; a reader never sees half a file.

    Raises StorageUnavailable when the store cannot take it (disk full, read-only, not ours; S3 refusing).
    """
    file_store().write(sha256, data)


def read_content(stored: StoredFile) -> bytes | None:
    """The file's bytes, or None when the store has lost it."""
    return file_store().read(stored.sha256)


def stored_names() -> list[str]:
    """The hash of every whole file in the store, in a fixed order."""
    return sorted(file_store().names())


def remove_orphan_files(older_than: timedelta = ORPHAN_AGE) -> int:
    """Delete what killed requests left in the store: `.partial` files, and files no StoredFile row names
    (written before a transaction that then failed). Only files untouched for `older_than`, so a request
    still writing or about to commit is never robbed of its file. Returns how many were deleted."""
    known = set(db.session.scalars(select(StoredFile.sha256)))
    return file_store().remove_orphans(known, time.time() - older_than.total_seconds())


def check_store() -> None:
    """Raise StorageUnavailable unless the store can be written (the readiness check)."""
    file_store().check()


def file_path(stored: StoredFile) -> Path:
    """Where the disk store keeps the file (the disk store only)."""
    return file_store().path(stored.sha256)


def file_store() -> DiskStore | S3Store:
    """The app's store: `FILE_STORE=s3` (shared by several app hosts) or the disk's upload folder."""
    config = current_app.config
    if config["FILE_STORE"] != "s3":
        return DiskStore(Path(config["UPLOAD_FOLDER"]))
    # One client per process: boto3 makes them slowly, and they are thread-safe.
    store = current_app.extensions.get("file_store")
    if store is None:
        store = S3Store(config["S3_BUCKET"], config["S3_PREFIX"], endpoint_url=config["S3_ENDPOINT_URL"],
                        region=config["S3_REGION"])
        current_app.extensions["file_store"] = store
    return store


class DiskStore:
    """Files in a folder, under `ab/abcdef...` (their hash), written through a partial file and a rename."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / sha256

    def write(self, sha256: str, data: bytes) -> None:
        path = self.path(sha256)
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

    def read(self, sha256: str) -> bytes | None:
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            return None

    def names(self) -> Iterator[str]:
        for path in self.folder.glob("??/*"):
            if _CONTENT_NAME.fullmatch(path.name) and path.parent.name == path.name[:2] and path.is_file():
                yield path.name

    def remove_orphans(self, known: set[str], cutoff: float) -> int:
        removed = 0
        for path in sorted(self.folder.glob("??/*")):
            orphan = path.suffix == PARTIAL_SUFFIX or (_CONTENT_NAME.fullmatch(path.name) and path.name not in known)
            if orphan and path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def check(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise StorageUnavailable(errno.EACCES, "The upload folder cannot be written.")


class S3Store:
    """Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2...), under `<prefix>ab/abcdef...`, so several
    app hosts share them. A put is whole or absent, so there are no partial files to clean up. Credentials
    come the way boto3 finds them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role)."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, region: str | None = None,
                 client=None) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            config=BotoConfig(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
        )

    def key(self, sha256: str) -> str:
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def _unavailable(self, error: Exception) -> StorageUnavailable:
        return StorageUnavailable(errno.EIO, f"The file store (bucket {self.bucket}) cannot be reached: {error}")

    def write(self, sha256: str, data: bytes) -> None:
        key = self.key(sha256)
        try:
            if self._exists(key):
                # Fresh again (see DiskStore.write): copying an object onto itself renews its LastModified.
                self.client.copy_object(Bucket=self.bucket, Key=key, CopySource={"Bucket": self.bucket, "Key": key},
                                        MetadataDirective="REPLACE")
                return
            self.client.put_object(Bucket=self.bucket, Key=key, Body=data)
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable(error) from error

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def read(self, sha256: str) -> bytes | None:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))["Body"].read()
        except ClientError as error:
            if error.response["Error"]["Code"] in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise self._unavailable(error) from error
        except BotoCoreError as error:
            raise self._unavailable(error) from error

    def _objects(self) -> Iterator[dict]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            yield from page.get("Contents", [])

    def names(self) -> Iterator[str]:
        for item in self._objects():
            name = item["Key"][len(self.prefix):]
            if _CONTENT_NAME.fullmatch(name[3:]) and name[:3] == f"{name[3:5]}/":
                yield name[3:]

    def remove_orphans(self, known: set[str], cutoff: float) -> int:
        removed = 0
        for item in list(self._objects()):
            name = item["Key"][len(self.prefix) + 3:]
            if _CONTENT_NAME.fullmatch(name) and name not in known and item["LastModified"].timestamp() < cutoff:
                self.client.delete_object(Bucket=self.bucket, Key=item["Key"])
                removed += 1
        return removed

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise self._unavailable(error) from error
