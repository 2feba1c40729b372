"""Scheduled notices (the daily scan), the administrators' digest, and notices in the app.

The daily scan streams users in chunks through `load_requirements` (a fixed number of
queries per chunk, bounded memory), then the assets', clients' and job locations' associations in
chunks (their notices go to the entity's responsible user), asks the rules which notice each
requirement is owed today, and inserts the missing ones with INSERT ... ON CONFLICT DO NOTHING on the outbox's
unique keys, in one transaction under an advisory lock: re-runs, restarts and a second
runner add nothing.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from webapp.batching import collector_paused
from webapp.extensions import db
from webapp.i18n import translated
from webapp.models import (
    Certification,
    CertificationRole,
    CompetencyCertificate,
    Entity,
    EntityRequirement,
    ModuleLevelPermission,
    Notice,
    RoleAssignment,
    User,
    utcnow,
)
from webapp.models.people import supervisor_links, user_module_levels
from webapp.permissions import Permission
from webapp.rules import Period, Status
from webapp.rules.entities import KINDS
from webapp.rules.notices import (
    DEFERRAL_ENDED,
    ENTITY_STAGE_KINDS,
    EXPIRED,
    FIRST_NOTICE,
    SECOND_NOTICE,
    STAGE_KINDS,
    TO_SUPERVISORS,
    TRAINING_ENDED,
    competency_notice_due,
    notice_event,
)
from webapp.rules.languages import N_
from webapp.rules.messages import Counted, message
from webapp.rules.status import training_end
from webapp.services.access import reaches_everyone, users_in_reach
from webapp.services.activity_notices import ACTIVITY_SETTING, activity_notice_rows
from webapp.services.audit import record_audit
from webapp.services.chunks import rows_by_key
from webapp.services.compliance import Requirement, load_requirements
from webapp.services.entities import association_line
from webapp.services.jobs import try_job_lock
from webapp.services.mail import external_url, insert_notices, render_mail
from webapp.services.privacy import Sights, sights_of
from webapp.services.settings import notification_defaults

CHUNK = 1000
DIGEST_LINES = 200
# Which notification setting sends a stage to the user, and to their supervisors.
USER_SETTING = {
    FIRST_NOTICE: "first_notice_user",
    SECOND_NOTICE: "second_notice_user",
    EXPIRED: "expired_user",
    DEFERRAL_ENDED: "hold_ended_user",
    TRAINING_ENDED: "hold_ended_user",
}
SUPERVISOR_SETTING = {SECOND_NOTICE: "second_notice_supervisors", EXPIRED: "expired_supervisors"}
SUBJECTS = {
    FIRST_NOTICE: N_("Due: %(certification)s expires %(expires)s"),
    SECOND_NOTICE: N_("Overdue: %(certification)s expires %(expires)s"),
    EXPIRED: N_("Expired: %(certification)s expired %(expires)s"),
    DEFERRAL_ENDED: N_("Deferral ended: %(certification)s is %(status)s"),
    TRAINING_ENDED: N_("Training ended: %(certification)s is %(status)s"),
}


@dataclass(frozen=True)
class _Person:
    id: int
    email: str
    first_name: str
    full_name: str
    language: str


@dataclass(frozen=True)
class DigestLine:
    user_id: int
    user_name: str
    certification: str
    status: Status
    expires_on: date
    new_today: bool


@dataclass
class ScanResult:
    requirements: int = 0
    queued: int = 0


def _user_chunks(chunk: int):
    """Active user ids in chunks, by keyset, so memory stays bounded however many there are."""
    last = 0
    while ids := list(db.session.scalars(
        select(User.id).where(User.active.is_(True), User.id > last).order_by(User.id).limit(chunk)
    )):
        yield ids
        last = ids[-1]


def _people(user_ids) -> dict[int, _Person]:
    return {
        row.id: _Person(row.id, row.email, row.first_name, f"{row.first_name} {row.last_name}", row.language)
        for row in db.session.execute(
            select(User.id, User.email, User.first_name, User.last_name, User.language).where(User.id.in_(user_ids))
        )
    }


def _supervisors(user_ids) -> dict[int, list[_Person]]:
    result: dict[int, list[_Person]] = defaultdict(list)
    for row in db.session.execute(
        select(supervisor_links.c.user_id, User.id, User.email, User.first_name, User.last_name, User.language)
        .join(User, User.id == supervisor_links.c.supervisor_id)
        .where(supervisor_links.c.user_id.in_(user_ids), User.active.is_(True))
        .order_by(User.last_name, User.id)
    ):
        result[row.user_id].append(_Person(row.id, row.email, row.first_name, f"{row.first_name} {row.last_name}",
                                           row.language))
    return result


def _existing_keys(user_ids, since: date) -> set[tuple]:
    """Keys already in the outbox, so the scan renders only new notices (the insert still ignores races)."""
    return set(map(tuple, db.session.execute(
        select(Notice.kind, Notice.user_id, Notice.certification_id, Notice.expiration_date, Notice.recipient_email)
        .where(Notice.user_id.in_(user_ids), Notice.kind.in_((*STAGE_KINDS, "competency")),
               Notice.expiration_date >= since)
    )))


def _row(kind, recipient: _Person, user_id, certification_id, key_date, mail, now, entity_id=None) -> dict:
    return {
        "kind": kind, "recipient_email": recipient.email, "recipient_user_id": recipient.id, "user_id": user_id,
        "entity_id": entity_id, "certification_id": certification_id, "expiration_date": key_date, "subject": mail.subject,
        "body_text": mail.text, "body_html": mail.html, "status": "queued", "attempts": 0,
        "next_attempt_at": now, "created_at": now,
    }


def _stage_rows(day, requirement: Requirement, person: _Person, supervisors, settings, existing, link, now, catch_up,
                sights: Sights):
    setting = requirement.setting
    status = requirement.status
    event = notice_event(
        day, status,
        deferred_until=setting.deferred_until if setting is not None and setting.state == "deferred" else None,
        training_until=training_end(requirement.sources.roles, requirement.sources.required_as_usual),
        catch_up_days=catch_up,
    )
    if event is None:
        return []
    recipients = [person] if settings[USER_SETTING[event.kind]] else []
    if event.kind in TO_SUPERVISORS and settings[SUPERVISOR_SETTING[event.kind]]:
        recipients += [s for s in supervisors if s.id != person.id]
    certification = requirement.certification
    rows = []
    for recipient in (r for r in recipients if sights.shows(r.id, certification.id)):
        key = (event.kind, person.id, certification.id, event.key_date, recipient.email)
        if key in existing:
            continue
        existing.add(key)
        subject = message(SUBJECTS[event.kind], certification=certification.name, status=message(status.status.label),
                          expires=status.expires_on or "")
        if recipient is not person:
            subject = message(N_("%(person)s: %(subject)s"), person=person.full_name, subject=subject)
        mail = render_mail("stage", partial(translated, subject), to=recipient, kind=event.kind, recipient=recipient,
                           person=person,
                           certification=certification, status=status, event=event, link=link)
        rows.append(_row(event.kind, recipient, person.id, certification.id, event.key_date, mail, now))
    return rows


def _competency_rows(day, user_ids, people, existing, link, now, catch_up):
    """One notice per user and competency expiration date, naming every role expiring then.

    Competency is held from the latest competency certificate (rules decision 37), else from the
    end of training in the role (or from the assignment), and renews every duration from then.
    """
    certified = {
        (user_id, role_id): completed_on
        for user_id, role_id, completed_on in db.session.execute(
            select(CompetencyCertificate.user_id, CompetencyCertificate.role_id, func.max(CompetencyCertificate.completed_on))
            .where(CompetencyCertificate.user_id.in_(user_ids), CompetencyCertificate.completed_on <= day)
            .group_by(CompetencyCertificate.user_id, CompetencyCertificate.role_id)
        )
    }
    due: dict[tuple[int, date], list[str]] = defaultdict(list)
    for row in db.session.execute(
        select(RoleAssignment.user_id, RoleAssignment.training_until, RoleAssignment.assigned_at, CertificationRole)
        .join(CertificationRole, CertificationRole.id == RoleAssignment.role_id)
        .where(RoleAssignment.user_id.in_(user_ids), CertificationRole.require_competency.is_(True),
               CertificationRole.competency_expires.is_(True))
    ):
        role = row.CertificationRole
        held_from = certified.get((row.user_id, role.id)) or row.training_until or row.assigned_at.date()
        expires_on = competency_notice_due(
            held_from, Period(role.competency_duration_amount, role.competency_duration_unit),
            Period(role.competency_lead_time_amount, role.competency_lead_time_unit), day, catch_up,
        )
        if expires_on is not None:
            due[(row.user_id, expires_on)].append(role.name)
    rows = []
    for (user_id, expires_on), roles in sorted(due.items()):
        person = people[user_id]
        key = ("competency", user_id, None, expires_on, person.email)
        if key in existing:
            continue
        subject = message(N_("Competency expires %(expires)s: %(roles)s"), expires=expires_on, roles=", ".join(sorted(roles)))
        mail = render_mail("competency", partial(translated, subject), to=person,
                           person=person, roles=sorted(roles), expires_on=expires_on, link=link)
        rows.append(_row("competency", person, user_id, None, expires_on, mail, now))
    return rows


def _digest_line(day, requirement: Requirement, person: _Person, window_end: date, oldest: date) -> DigestLine | None:
    status = requirement.status
    expires_on = status.expires_on
    if status.status not in (Status.VALID, Status.DUE, Status.OVERDUE, Status.EXPIRED) or expires_on is None:
        return None
    if not oldest <= expires_on <= window_end:
        return None
    new_today = day in (status.due_on, status.overdue_on, expires_on)
    return DigestLine(person.id, person.full_name, requirement.certification.name, status.status, expires_on, new_today)


def _administrators() -> list[User]:
    return list(db.session.scalars(
        select(User).where(
            User.active.is_(True),
            User.id.in_(
                select(user_module_levels.c.user_id)
                .join(ModuleLevelPermission,
                      ModuleLevelPermission.module_level_id == user_module_levels.c.module_level_id)
                .where(ModuleLevelPermission.permission == Permission.MANAGE_SETTINGS.value)
            ),
        ).order_by(User.id)
    ))


def _by_expiration(line: DigestLine):
    return line.expires_on, line.user_name, line.certification


def _by_status(line: DigestLine):
    return line.status.value, line.user_name, line.certification


def _keep_first(lines: list[DigestLine], line: DigestLine, key) -> None:
    """Add `line`, keeping at least the first DIGEST_LINES by `key` and never more than twice that."""
    lines.append(line)
    if len(lines) >= 2 * DIGEST_LINES:
        lines.sort(key=key)
        del lines[DIGEST_LINES:]


@dataclass
class _Digest:
    """One administrator's digest, collected as the scan streams users: the counts, and only the
    lines the mail shows, so memory stays bounded however large the organisation."""

    administrator: _Person
    reach: set[int] | None  # None: every user
    new: list[DigestLine] = field(default_factory=list)
    window: list[DigestLine] = field(default_factory=list)
    new_count: int = 0
    window_count: int = 0

    def add(self, line: DigestLine) -> None:
        if self.reach is not None and line.user_id not in self.reach:
            return
        self.window_count += 1
        _keep_first(self.window, line, _by_expiration)
        if line.new_today:
            self.new_count += 1
            _keep_first(self.new, line, _by_status)


def _digests(day) -> list[_Digest]:
    """The digests to collect: one per administrator who has not had today's yet."""
    done = set(db.session.scalars(select(Notice.user_id).where(Notice.kind == "digest", Notice.expiration_date == day)))
    return [
        _Digest(
            _Person(admin.id, admin.email, admin.first_name, admin.full_name, admin.language),
            None if reaches_everyone(admin) else set(
                db.session.scalars(users_in_reach(admin).with_only_columns(User.id))
            ),
        )
        for admin in _administrators()
        if admin.id not in done
    ]


@dataclass
class _Scan:
    """One day's scan: its settings, and what it has found so far."""

    day: date
    settings: dict
    catch_up: int
    link: str
    now: datetime
    digests: list[_Digest]
    result: ScanResult = field(default_factory=ScanResult)

    @property
    def window_days(self) -> int:
        return self.settings["digest_window_days"]


def _digest_rows(scan: _Scan) -> list[dict]:
    """A digest for each administrator on a day something in their reach turned due, overdue or expired."""
    rows = []
    link = external_url("reports.index")
    for digest in scan.digests:
        if not digest.new_count:
            continue
        new, window = sorted(digest.new, key=_by_status), sorted(digest.window, key=_by_expiration)
        subject = message(N_("Certification digest for %(day)s: %(new)s new, %(window)s within %(days)s"),
                          day=scan.day, new=digest.new_count, window=digest.window_count,
                          days=Counted(scan.window_days, "days"))
        mail = render_mail("digest", partial(translated, subject), to=digest.administrator,
                           person=digest.administrator, day=scan.day, new=new[:DIGEST_LINES],
                           window=window[:DIGEST_LINES], new_more=max(digest.new_count - DIGEST_LINES, 0),
                           window_more=max(digest.window_count - DIGEST_LINES, 0), window_days=scan.window_days,
                           link=link)
        rows.append(_row("digest", digest.administrator, digest.administrator.id, None, scan.day, mail, scan.now))
    return rows


def _queue_chunk(scan: _Scan, user_ids: list[int]) -> None:
    """Queue the notices owed to one chunk of users and add their lines to the digests."""
    day, settings, catch_up, link, now = scan.day, scan.settings, scan.catch_up, scan.link, scan.now
    requirements = load_requirements(user_ids, day)
    people = _people(user_ids)
    supervisors = _supervisors(user_ids)
    oldest = day - timedelta(days=catch_up)
    window_end = day + timedelta(days=scan.window_days)
    existing = _existing_keys(user_ids, oldest)
    sights = sights_of({*user_ids, *(s.id for theirs in supervisors.values() for s in theirs),
                        *(digest.administrator.id for digest in scan.digests)})
    rows = []
    for user_id in user_ids:
        person = people[user_id]
        for requirement in requirements[user_id]:
            scan.result.requirements += 1
            rows += _stage_rows(day, requirement, person, supervisors[user_id], settings, existing, link, now, catch_up,
                                sights)
            if scan.digests:
                line = _digest_line(day, requirement, person, window_end, oldest)
                if line is not None:
                    for digest in scan.digests:
                        if sights.shows(digest.administrator.id, requirement.certification.id):
                            digest.add(line)
    if settings["competency_user"]:
        rows += _competency_rows(day, user_ids, people, existing, link, now, catch_up)
    if settings[ACTIVITY_SETTING]:
        rows += activity_notice_rows(requirements, people, sights, now)
    insert_notices(rows)
    scan.result.queued += len(rows)


def _entity_requirement_chunks(chunk: int):
    """The associations whose notices go to someone (not revoked; entity in use with a responsible
    user; certification not archived), loaded with their entity, owner, certification and records,
    a chunk at a time by keyset."""
    ids = (
        select(EntityRequirement.id)
        .join(Entity, Entity.id == EntityRequirement.entity_id)
        .join(Certification, Certification.id == EntityRequirement.certification_id)
        .where(EntityRequirement.revoked_at.is_(None), Entity.archived_at.is_(None), Entity.owner_id.is_not(None),
               Certification.archived_at.is_(None))
    )
    for rows in rows_by_key(ids, EntityRequirement.id, chunk):
        yield list(db.session.scalars(
            select(EntityRequirement).where(EntityRequirement.id.in_([row.id for row in rows]))
            .options(joinedload(EntityRequirement.entity).joinedload(Entity.owner),
                     joinedload(EntityRequirement.certification), selectinload(EntityRequirement.records))
            .order_by(EntityRequirement.id)
        ))


def _existing_entity_keys(entity_ids, since: date) -> set[tuple]:
    return {tuple(row) for row in db.session.execute(
        select(Notice.kind, Notice.entity_id, Notice.certification_id, Notice.expiration_date, Notice.recipient_email)
        .where(Notice.entity_id.in_(entity_ids), Notice.kind.in_(ENTITY_STAGE_KINDS.values()),
               Notice.expiration_date >= since)
    )}


def _entity_rows(scan: _Scan, requirements: list[EntityRequirement]) -> list[dict]:
    """The 1st notice, 2nd notice and expiration of each association, to the entity's responsible user
    (decision 74), once per (stage, entity, certification, expiration)."""
    existing = _existing_entity_keys({r.entity_id for r in requirements}, scan.day - timedelta(days=scan.catch_up))
    sights = sights_of({r.entity.owner_id for r in requirements})
    rows = []
    for requirement in requirements:
        entity, owner, certification = requirement.entity, requirement.entity.owner, requirement.certification
        status = association_line(requirement, scan.day).status
        event = notice_event(scan.day, status, catch_up_days=scan.catch_up)
        if (event is None or not owner.active or not scan.settings[USER_SETTING[event.kind]]
                or not sights.shows(owner.id, certification.id)):
            continue
        kind = ENTITY_STAGE_KINDS[event.kind]
        key = (kind, entity.id, certification.id, event.key_date, owner.email)
        if key in existing:
            continue
        existing.add(key)
        words = KINDS[entity.kind]
        recipient = _Person(owner.id, owner.email, owner.first_name, owner.full_name, owner.language)
        subject = message(N_("%(entity)s (%(identifier)s): %(subject)s"), entity=entity.name,
                          identifier=entity.identifier,
                          subject=message(SUBJECTS[event.kind], certification=certification.name,
                                          status=message(status.status.label), expires=status.expires_on or ""))
        mail = render_mail("entity_stage", partial(translated, subject), to=recipient, kind=event.kind,
                           recipient=recipient, entity=entity, kind_name=words.singular,
                           certification=certification, status=status,
                           link=external_url("entities.detail", kind=entity.kind, entity_id=entity.id))
        rows.append(_row(kind, recipient, None, certification.id, event.key_date, mail, scan.now, entity.id))
    return rows


def queue_scheduled_notices(day: date, *, chunk: int = CHUNK) -> ScanResult | None:
    """Queue every notice owed on `day`; None when another runner holds the job (nothing done)."""
    if not try_job_lock("queue_scheduled_notices"):
        db.session.rollback()
        return None
    settings = notification_defaults()
    scan = _Scan(day, settings, current_app.config["NOTICE_CATCH_UP_DAYS"],
                 external_url("my_account.certifications"), utcnow(),
                 _digests(day) if settings["digest_administrators"] else [])
    for user_ids in _user_chunks(chunk):
        with collector_paused():
            _queue_chunk(scan, user_ids)
    for requirements in _entity_requirement_chunks(chunk):
        scan.result.requirements += len(requirements)
        rows = _entity_rows(scan, requirements)
        insert_notices(rows)
        scan.result.queued += len(rows)
    digests = _digest_rows(scan)
    insert_notices(digests)
    scan.result.queued += len(digests)
    db.session.commit()
    return scan.result


# In the app: a person's own notices, and the administrators' outbox ("Sent mail").

IN_APP_EXCLUDED = ("password_reset", "invitation")


def _own(user_id):
    """The conditions on Notice that keep `user_id`'s own notices (a user id or a parameter)."""
    return Notice.recipient_user_id == user_id, Notice.kind.not_in(IN_APP_EXCLUDED)


def _own_notices(user: User):
    return select(Notice).where(*_own(user.id))


# Every signed-in page counts them (the Notices link): built once, as building the query cost more than running it.
_UNREAD = select(func.count(Notice.id)).where(*_own(bindparam("user_id")), Notice.read_at.is_(None))


def count_unread_notices(user: User) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id})


def list_user_notices(user: User, limit: int = 100) -> list[Notice]:
    return list(db.session.scalars(_own_notices(user).order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)))


def get_user_notice(user: User, notice_id: int) -> Notice | None:
    return db.session.scalar(_own_notices(user).where(Notice.id == notice_id))


def mark_notice_read(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.commit()


def mark_all_notices_read(user: User) -> int:
    result = db.session.execute(
        update(Notice)
        .where(Notice.recipient_user_id == user.id, Notice.kind.not_in(IN_APP_EXCLUDED), Notice.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount


OUTBOX_FILTERS = ("all", "queued", "failed", "sent")
OUTBOX_PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxPage:
    notices: list[Notice]
    number: int
    first: int  # position of the first row shown, counting from 1 (0 when the page is empty)
    has_older: bool


def list_outbox(status: str, page: int = 1, page_size: int = OUTBOX_PAGE_SIZE) -> OutboxPage:
    """A page of outbox rows, newest first, of one status or all ('queued' includes rows being sent)."""
    page = max(page, 1)
    query = select(Notice).order_by(Notice.created_at.desc(), Notice.id.desc())
    if status == "queued":
        query = query.where(Notice.status.in_(("queued", "sending")))
    elif status != "all":
        query = query.where(Notice.status == status)
    offset = (page - 1) * page_size
    notices = list(db.session.scalars(query.offset(offset).limit(page_size + 1)))
    return OutboxPage(notices[:page_size], page, offset + 1 if notices else 0, len(notices) > page_size)


def count_outbox() -> dict[str, int]:
    counts = dict(db.session.execute(select(Notice.status, func.count()).group_by(Notice.status)).all())
    return {"queued": counts.get("queued", 0) + counts.get("sending", 0), "failed": counts.get("failed", 0),
            "sent": counts.get("sent", 0), "all": sum(counts.values())}


def retry_notice(actor: User, notice: Notice, now: datetime | None = None) -> bool:
    """Queue a failed notice again, with a fresh set of attempts; False if it is not failed."""
    if notice.status != "failed":
        return False
    notice.status, notice.attempts, notice.next_attempt_at = "queued", 0, now or utcnow()
    record_audit(actor, "notice.retry", notice, f"Queued again: {notice.subject} to {notice.recipient_email}",
                 before={"status": "failed", "last_error": notice.last_error}, after={"status": "queued"})
    db.session.commit()
    return True
