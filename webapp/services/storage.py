"""File storage: uploads checked by content, stored on disk under content-addressed names.

Only this module touches the disk, so an object store can replace it later.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import StoredFile

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
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "video/mp4", "video/webm"})
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.heic,.heif,.mp4,.webm,.zip,.docx,.xlsx,.pptx,.txt,.csv,image/*"


class UploadError(ValueError):
    """An upload refused, with a message fit to show on the form."""


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


def store_file(checked: CheckedUpload) -> StoredFile:
    """Write the content once (same bytes, same file) and return its row, added to the session."""
    sha256 = hashlib.sha256(checked.data).hexdigest()
    stored = db.session.scalar(select(StoredFile).where(StoredFile.sha256 == sha256))
    path = _path_for(sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(checked.data)
        partial.replace(path)  # atomic: a reader never sees half a file
    if stored is None:
        stored = StoredFile(sha256=sha256, size=len(checked.data), content_type=checked.content_type)
        db.session.add(stored)
    return stored


def file_path(stored: StoredFile) -> Path:
    return _path_for(stored.sha256)
