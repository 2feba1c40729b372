"""Import jobs: an uploaded file checked, previewed and imported outside the request that sent it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.extensions import db
from webapp.models.base import UTCDateTime, one_of, utcnow
from webapp.models.people import User

# checking -> checked -> importing -> imported; checking or importing -> failed (the file could not be
# read, or the server stopped). A check that finds errors stays "checked" with its errors to show.
IMPORT_STATES = ("checking", "checked", "importing", "imported", "failed")


class ImportJob(db.Model):
    """One uploaded file on its way in. The preview kept here is only for showing: confirming checks
    the file again against the data as it is then, and imports only what the preview promised."""

    __tablename__ = "import_jobs"
    __table_args__ = (one_of("state", IMPORT_STATES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Each step writes it, so a job nobody has moved for a while is known to have stopped.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    # Deferred: the job page polls the state, never the file. Emptied once the file is imported.
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(20), default="checking")
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    # {"create": n, "update": n, "unchanged": n, "errors": n, "digest": "...", "rows": [...], "error_rows": [...]}
    preview: Mapped[dict | None] = mapped_column(JSON)
    # Why it failed, or what changed since the preview: shown on the job page.
    message: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User] = relationship()
