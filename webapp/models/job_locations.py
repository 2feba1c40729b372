"""What a job location requires of the people working there, and who works there (decision 76)."""
from sqlalchemy import Column, ForeignKey, Index, Table

from webapp.extensions import db

# The employee certifications a job location requires of everyone assigned to work there.
job_location_certifications = Table(
    "job_location_certifications",
    db.metadata,
    Column("location_id", ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("certification_id", ForeignKey("certifications.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_job_location_certifications_certification", "certification_id"),
)

# The people assigned to work at a job location.
job_location_workers = Table(
    "job_location_workers",
    db.metadata,
    Column("location_id", ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_job_location_workers_user", "user_id"),
)
