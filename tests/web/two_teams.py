"""Two teams (North and South), each an employee and their supervisor, with one of every object a route
can name, plus an administrator: the organisation the access-matrix and privacy crawls walk."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from webapp.extensions import db
from webapp.models import (
    ActivityDocument,
    Attachment,
    CertificationGroup,
    Comment,
    Course,
    Entity,
    EntityAttachment,
    EntityRecord,
    EntityRequirement,
    CoursePage,
    Form,
    FormEntry,
    FormField,
    ImportJob,
    LearningIntegration,
    ModuleLevel,
    Payment,
    PushSubscription,
    QuizQuestion,
    ScheduledReport,
    SharedReport,
)
from webapp.models.entities import ENTITY_KINDS
from webapp.services.people import notify_user
from webapp.services.sessions import start_session
from webapp.services.storage import CheckedUpload, store_file

PDF = b"%PDF-1.4 two teams"
TEAMS = ("North", "South")


@dataclass
class Team:
    """Ids and tokens (never ORM objects: each request may roll back) of one team's things."""

    employee: str  # session id, as Flask-Login stores it
    supervisor: str
    ids: dict[str, int | str] = field(default_factory=dict)


def _file(name: str, **owner) -> Attachment:
    stored = store_file(CheckedUpload(data=PDF + name.encode(), content_type="application/pdf", name=name))
    attachment = Attachment(kind="file", name=name, stored_file=stored, **owner)
    db.session.add(attachment)
    return attachment


def build_two_teams(factory) -> tuple[dict[str, Team], dict[str, int | str], str]:
    """The teams, the ids of things no team owns (certifications, roles, ...) and the administrator's session id."""
    administrator = factory.user("Administrator", last_name="Admin")
    company = factory.company(name="Acme")
    crane = factory.yearly_certification(name="Crane Operation", activity_type="document")
    ladder = factory.yearly_certification(name="Ladder Safety")
    role = factory.role(crane, companies=[company], name="Rigger")
    # An Asset, a Client and a Job Location certification, each held by each team's entity of that kind.
    entity_certifications = {kind: factory.yearly_certification(name=f"{kind.title()} check", type=kind)
                             for kind in ENTITY_KINDS}
    stored = store_file(CheckedUpload(data=PDF, content_type="application/pdf", name="policy.pdf"))
    document = ActivityDocument(certification_id=crane.id, title="Policy", revision="1", revision_date=date(2026, 1, 1),
                                stored_file=stored, file_name="policy.pdf")
    form = Form(name="Pre-start", fields=[FormField(position=1, label="Odometer", kind="text")])
    course = Course(name="Rigging", pages=[CoursePage(position=1, title="Slings", body="Check them.")],
                    questions=[QuizQuestion(position=1, prompt="Safe?", choices=["Yes", "No"], correct_choice=0)])
    group = CertificationGroup(name="Lifting")
    level = ModuleLevel(name="Auditor")
    integration = LearningIntegration(name="LMS", secret="s" * 40)
    organisation_report = SharedReport(title="Organisation report", created_by=administrator, roles=[role])
    db.session.add_all([document, form, course, group, level, integration, organisation_report])
    db.session.commit()
    shared = {
        "certification_id": crane.id, "role_id": role.id, "company_id": company.id, "group_id": group.id,
        "level_id": level.id, "form_id": form.id, "field_id": form.fields[0].id, "course_id": course.id,
        "page_id": course.pages[0].id, "question_id": course.questions[0].id, "integration_id": integration.id,
        "document_id": document.id, "certificate_token": "no-such-certificate", "reset_token": "no-such-reset",
        "filename": "css/app.css", "name": "people", "file_format": "csv",
        "asset_certification_id": entity_certifications["asset"].id,
    }
    teams = {}
    for name in TEAMS:
        supervisor = factory.user("Supervisor", last_name=f"{name}Boss", company=company)
        employee = factory.user(supervisors=[supervisor], last_name=f"{name}Worker", company=company)
        assignment = factory.assign(employee, role)
        factory.require(employee, ladder)
        record = factory.record(employee, crane, date(2026, 1, 10))
        pending = factory.record(employee, crane, date(2026, 6, 1), status="pending")
        record_file = _file(f"{name.lower()}-record.pdf", submission=record)
        _file(f"{name.lower()}-pending.pdf", submission=pending)
        inbox_file = _file(f"{name.lower()}-inbox.pdf", inbox_owner_id=supervisor.id)
        comment = Comment(submission_id=record.id, author_id=supervisor.id, body=f"{name} comment")
        report = SharedReport(title=f"{name} report", created_by=supervisor, roles=[role])
        scheduled = ScheduledReport(title=f"{name} weekly", owner=supervisor, frequency="weekly", recipients=[supervisor],
                                    filters={"status": None, "within_days": 30, "certification_id": None, "role_id": None,
                                             "company_id": None, "supervisor_id": None})
        entry = FormEntry(form=form, user_id=employee.id, certification_id=crane.id, status="submitted", answers={},
                          submitted_at=datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc))
        payment = Payment(form_entry=entry, amount=10, currency="USD")
        import_job = ImportJob(kind="people", created_by=supervisor, filename=f"{name.lower()}.csv", content=b"x",
                               state="checked", preview={"create": 0, "update": 0, "unchanged": 0, "errors": 0,
                                                         "digest": "", "rows": [], "error_rows": []})
        subscription = PushSubscription(user=employee, endpoint=f"https://fcm.googleapis.com/{name}",
                                        endpoint_hash=name.lower() * 8, p256dh="k", auth="a", device=f"{name} phone",
                                        notices_since=datetime(2026, 6, 1, tzinfo=timezone.utc))
        db.session.add_all([comment, report, entry, payment, import_job, subscription, scheduled])
        db.session.commit()
        notice = notify_user(employee, supervisor, f"{name} notice")
        entity_ids = _entities(name, supervisor, entity_certifications)
        teams[name] = Team(_session_key(employee), _session_key(supervisor), {
            "user_id": employee.id, "record_id": record.id, "submission_id": pending.id, "comment_id": comment.id,
            "assignment_id": assignment.id, "attachment_id": record_file.id, "file_id": inbox_file.id,
            "report_id": report.id, "notice_id": notice.id, "payment_id": payment.id,
            "qr_token": employee.qr_token, "calendar_token": employee.calendar_token, "shared_token": report.token,
            "direct_certification_id": ladder.id, "job_id": import_job.id,
            "subscription_id": subscription.id, "scheduled_id": scheduled.id, **entity_ids,
        })
    return teams, shared, _session_key(administrator)


def _entities(team: str, owner, certifications) -> dict[str, int | str]:
    """The team's asset, client and job location (its supervisor responsible), each associated with its
    kind's certification with a record; the asset's record has a file. Their ids by `<kind>_id`,
    `<kind>_requirement_id`, and the asset's file and QR token."""
    ids = {}
    for kind, certification in certifications.items():
        entity = Entity(kind=kind, name=f"{team} {kind}", identifier=f"{team}-{kind}", owner_id=owner.id)
        requirement = EntityRequirement(entity=entity, certification=certification)
        record = EntityRecord(requirement=requirement, completed_on=date(2026, 1, 10), expires_on=date(2027, 1, 10))
        db.session.add(record)
        db.session.flush()
        ids.update({f"{kind}_id": entity.id, f"{kind}_requirement_id": requirement.id})
        if kind == "asset":
            stored = store_file(CheckedUpload(data=PDF + team.encode(), content_type="application/pdf", name="a.pdf"))
            attachment = EntityAttachment(record=record, stored_file=stored, name=f"{team.lower()}-inspection.pdf")
            db.session.add(attachment)
            db.session.flush()
            ids.update(entity_attachment_id=attachment.id, asset_token=entity.qr_token)
    db.session.commit()
    return ids


def _session_key(user) -> str:
    """What an actor's session cookie carries: a live session on the server, as the sign-in form opens."""
    return start_session(user, address="127.0.0.1", user_agent="pytest", remember=False).key
