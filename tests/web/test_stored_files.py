"""Stored files under load: two first uploads of the same bytes at once, and the indexes the lookups use."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, inspect, select, text
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import Certification, DirectRequirement, RoleAssignment, StoredFile, Submission, User
from webapp.services.storage import CheckedUpload, store_file
from webapp.services.submissions import submit_certification


def test_storing_the_same_bytes_twice_gives_one_row(app_context):
    upload = CheckedUpload(data=b"%PDF-1.4 card", content_type="application/pdf", name="card.pdf")
    first, second = store_file(upload), store_file(upload)
    db.session.commit()
    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1


@pytest.mark.postgres_only
def test_two_first_uploads_of_the_same_file_at_once_are_both_stored(factory, at_once, frozen_clock):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs concurrent transactions on PostgreSQL")
    certification_id = factory.certification(name="First Aid").id
    people = [factory.user().id, factory.user().id]
    db.session.commit()

    def submit(user_id, data, key):
        def job():
            upload = FileStorage(io.BytesIO(data), filename="card.pdf", content_type="application/pdf")
            return submit_certification(db.session.get(User, user_id), db.session.get(Certification, certification_id),
                                        date(2026, 6, 1), files=[upload], idempotency_key=key).id
        return job

    for round_ in range(4):
        data = f"%PDF-1.4 the same card, round {round_}".encode()
        outcomes = at_once(submit(people[0], data, f"a{round_}" * 8), submit(people[1], data, f"b{round_}" * 8))
        assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 8
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 4


def _plan(statement) -> str:
    """The database's plan for `statement`; PostgreSQL is told to avoid table scans, as it would on a large table."""
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        return "\n".join(db.session.scalars(text(f"EXPLAIN {compiled}")))
    return "\n".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


LOOKUPS = {
    "ix_submissions_user_status_certification": select(Submission.id, Submission.certification_id).where(
        Submission.user_id.in_([1, 2]), Submission.status == "approved"),
    "ix_submissions_pending": select(Submission.id).where(
        Submission.certification_id.in_([1, 2]), Submission.status == "pending"),
    "ix_submissions_records_expiring": select(Submission.id).where(
        Submission.status == "approved", Submission.revoked_at.is_(None),
        Submission.expires_on.between(date(2026, 6, 1), date(2026, 7, 1))),
    "ix_role_assignments_role": select(RoleAssignment.user_id).where(RoleAssignment.role_id == 1),
    "ix_direct_requirements_certification": select(DirectRequirement.user_id).where(
        DirectRequirement.certification_id == 1),
}


# On a table this small the planner may read a person's records through either of their two indexes,
# whichever its statistics of the moment favour; both start with the person, and neither scans the table.
ALSO_SERVES = {"ix_submissions_user_status_certification": ("ix_submissions_user_certification",)}


@pytest.mark.parametrize("index", LOOKUPS)
def test_the_status_expiration_and_pending_lookups_use_their_indexes(app_context, index):
    assert index in inspect_indexes(), "the migration makes the index"
    plan = _plan(LOOKUPS[index])
    assert any(name in plan for name in (index, *ALSO_SERVES.get(index, ()))), plan
    db.session.rollback()


def inspect_indexes() -> set[str]:
    inspector = inspect(db.engine)
    return {index["name"] for table in ("submissions", "role_assignments", "direct_requirements")
            for index in inspector.get_indexes(table)}
