"""Required-at-login activities reach the person's phone (issue 23 part 3, decision 92).

When a person must complete a required-at-login document or form (a role or a direct requirement
gave it to them, an administrator marked it required at login, a new revision came), one
`activity_required` notice is queued for them: mailed by the outbox and pushed to their phones by
services.push like every pushed kind, opening the activity's page. The outbox's unique key
(kind, person, certification, key date, recipient) with the key date of rules.activities
.activity_notice_date makes it once per document revision and once per time a form is due,
however often the scan runs and however many processes run it.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import Acknowledgement, ActivityDocument, Certification, User, utcnow
from webapp.rules import Status
from webapp.rules.activities import HOLDING_ACTIVITIES, activity_notice_date
from webapp.services.compliance import Requirement, load_requirements
from webapp.services.mail import external_url, insert_notices, render_mail
from webapp.services.privacy import Sights, sights_of
from webapp.services.settings import notification_defaults

ACTIVITY_REQUIRED = "activity_required"
ACTIVITY_SETTING = "activity_required_user"


def _held_key(requirement: Requirement, documents: dict[int, ActivityDocument],
              acknowledged: set[tuple[int, int]]) -> date | None:
    """The notice key date when `requirement` holds its person at sign-in, else None (as
    services.activities.held_certifications decides for one person)."""
    certification, status = requirement.certification, requirement.status
    if status.status == Status.NOT_APPLICABLE:
        return None
    if certification.activity_type == "document":
        document = documents.get(certification.id)
        if document is None or (requirement.user_id, document.id) in acknowledged:
            return None
        return activity_notice_date("document", revision_date=document.revision_date, expires_on=None)
    if certification.form_links and status.status.is_outstanding:
        return activity_notice_date("form", revision_date=None, expires_on=status.expires_on)
    return None


def activity_notice_rows(requirements: dict[int, list[Requirement]], people: dict, sights: Sights,
                         now: datetime) -> list[dict]:
    """The activity_required notices owed to `people` (by id: anyone with `id`, `email`, `first_name`)
    over their `requirements`, as outbox rows; queries the current documents and the acknowledgements
    of them (two queries) when a required-at-login activity exists."""
    activities = {c.id: c for c in db.session.scalars(
        select(Certification).options(selectinload(Certification.form_links))
        .where(Certification.required_at_login.is_(True), Certification.activity_type.in_(HOLDING_ACTIVITIES),
               Certification.archived_at.is_(None)))}
    if not activities or not people:
        return []
    documents = {document.certification_id: document for document in db.session.scalars(
        select(ActivityDocument).where(ActivityDocument.certification_id.in_(activities),
                                       ActivityDocument.current.is_(True)))}
    acknowledged = {(user_id, document_id) for user_id, document_id in db.session.execute(
        select(Acknowledgement.user_id, Acknowledgement.document_id)
        .where(Acknowledgement.user_id.in_(people), Acknowledgement.document_id.in_([d.id for d in documents.values()]))
    )} if documents else set()
    rows = []
    for user_id, person in people.items():
        for requirement in requirements.get(user_id, ()):
            certification = activities.get(requirement.certification.id)
            if certification is None or not sights.shows(user_id, certification.id):
                continue
            key_date = _held_key(requirement, documents, acknowledged)
            if key_date is None:
                continue
            mail = render_mail("activity_required", _l("Required before anything else: %(name)s",
                                                       name=certification.name), to=person, person=person, certification=certification,
                               link=external_url("activities.show", certification_id=certification.id))
            rows.append({"kind": ACTIVITY_REQUIRED, "recipient_email": person.email, "recipient_user_id": person.id,
                         "user_id": person.id, "certification_id": certification.id, "expiration_date": key_date,
                         "subject": mail.subject, "body_text": mail.text, "body_html": mail.html, "status": "queued",
                         "attempts": 0, "next_attempt_at": now, "created_at": now})
    return rows


def queue_activity_notices(user_ids: Iterable[int], day: date) -> None:
    """Queue the activity_required notices owed to `user_ids` (the active ones) on `day`, when the
    organisation sends them (Module Settings); called where a person is given requirements, in the
    caller's transaction (the caller commits). The daily scan does the same for everyone."""
    if not notification_defaults()[ACTIVITY_SETTING]:
        return
    people = {person.id: person for person in db.session.scalars(
        select(User).where(User.id.in_(list(user_ids)), User.active.is_(True)))}
    if not people:
        return
    rows = activity_notice_rows(load_requirements(people, day), people, sights_of(people), utcnow())
    insert_notices(rows)
