"""Who must hold what, and in which status: database facts in, rules-module statuses out.

Everything that shows a status (pages, reports, notices, exports) loads it here,
in a fixed number of queries however many people and requirements there are.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, or_, select

from webapp.batching import collector_paused
from webapp.extensions import db
from webapp.models import (
    Acknowledgement,
    Entity,
    ActivityDocument,
    Certification,
    CertificationRole,
    Company,
    DirectRequirement,
    RequirementSetting,
    RoleAssignment,
    RoleRequirement,
    Submission,
    User,
)
from webapp.models.job_locations import job_location_certifications, job_location_workers
from webapp.rules import (
    DocumentFacts,
    ParentFacts,
    Period,
    RecordFacts,
    RequirementFacts,
    RequirementSources,
    RequirementStatus,
    TrackingPolicy,
    resolve_requirements,
    status_on,
)
from webapp.rules.languages import N_
from webapp.rules.messages import Message, message


def _period(amount: int | None, unit: str | None) -> Period | None:
    return Period(amount, unit) if amount is not None and unit is not None else None


def tracking_policy(certification: Certification) -> TrackingPolicy:
    """The rules-module policy for a certification's tracking settings."""
    if not certification.expires:
        return TrackingPolicy(expires=False)
    refresher = None
    if certification.has_refresher:
        refresher = TrackingPolicy(
            expires=True,
            duration=_period(certification.refresher_duration_amount, certification.refresher_duration_unit),
            extend_to=certification.refresher_extend_to,
            first_notice=_period(certification.refresher_first_notice_amount, certification.refresher_first_notice_unit),
            second_notice=_period(
                certification.refresher_second_notice_amount, certification.refresher_second_notice_unit
            ),
        )
    window = certification.existing_window_opens
    if window == "custom":
        window = _period(certification.existing_window_amount, certification.existing_window_unit)
    return TrackingPolicy(
        expires=True,
        duration=_period(certification.duration_amount, certification.duration_unit),
        extend_to=certification.extend_to,
        forced_expiration=certification.forced_expiration,
        existing_window_opens=window,
        existing_grace=_period(certification.existing_grace_amount, certification.existing_grace_unit),
        first_notice=_period(certification.first_notice_amount, certification.first_notice_unit),
        second_notice=_period(certification.second_notice_amount, certification.second_notice_unit),
        refresher=refresher,
        expiry_as_printed=certification.expiry_as_printed,
    )


@dataclass
class Requirement:
    """One (user, certification) requirement with everything a page shows about it."""

    user_id: int
    certification: Certification
    sources: RequirementSources
    status: RequirementStatus
    setting: RequirementSetting | None = None
    current_record_id: int | None = None

    @property
    def source_names(self) -> list[str | Message]:
        """Role names, then the direct assignment and job locations as message ids (translated where shown)."""
        names: list[str | Message] = [role.role_name for role in self.sources.roles]
        if self.sources.direct:
            names.append(N_("Other Required Certification"))  # shown translated, as every role name may not be
        names += [message(N_("Job Location %(name)s"), name=site) for site in self.sources.sites]
        return names


@dataclass(frozen=True)
class SettingsOverride:
    """Statuses as they would be under other tracking settings of one certification: its new
    policy, and the recalculated expiration of some of its records (record id -> expiration)."""

    certification_id: int
    policy: TrackingPolicy
    expirations: Mapping[int, date | None]


@dataclass
class _Facts:
    assignments: dict[int, list[tuple[str, date | None]]] = field(default_factory=lambda: defaultdict(list))
    role_requirements: dict[tuple[int, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    direct: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # user -> job location label -> the certifications it requires (decision 76)
    sites: dict[int, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    settings: dict[tuple[int, int], RequirementSetting] = field(default_factory=dict)
    records: dict[tuple[int, int], list[RecordFacts]] = field(default_factory=lambda: defaultdict(list))
    pending: set[tuple[int, int]] = field(default_factory=set)
    documents: dict[int, ActivityDocument] = field(default_factory=dict)
    acknowledged: set[tuple[int, int]] = field(default_factory=set)  # (user, current document)
    acknowledged_on: dict[tuple[int, int], date] = field(default_factory=dict)  # (user, certification) -> latest


def site_label():
    """How a job location is named among a person's requirement sources: its name and identifier,
    so two job locations of one name stay two."""
    return (Entity.name + " (" + Entity.identifier + ")").label("site")


def _archived_certifications():
    """The ids of the archived certifications: required of nobody while archived (decision 55)."""
    return select(Certification.id).where(Certification.archived_at.is_not(None))


@collector_paused()
def load_requirements(user_ids: Iterable[int], day: date,
                      override: SettingsOverride | None = None) -> dict[int, list[Requirement]]:
    """Every requirement of each user, with its status on `day` (under the `override`, when given),
    in ten queries at most (two more when a document or video is to be acknowledged)."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return {}
    company_of = dict(db.session.execute(select(User.id, User.company_id).where(User.id.in_(user_ids))).all())
    facts = _Facts()
    role_ids = set()
    for user_id, role_id, role_name, training_until in db.session.execute(
        select(RoleAssignment.user_id, RoleAssignment.role_id, CertificationRole.name, RoleAssignment.training_until)
        .join(CertificationRole, CertificationRole.id == RoleAssignment.role_id)
        .where(RoleAssignment.user_id.in_(user_ids), CertificationRole.archived_at.is_(None))
        .order_by(CertificationRole.name)
    ):
        facts.assignments[user_id].append((role_name, training_until))
        role_ids.add(role_id)
    companies = {company for company in company_of.values() if company is not None}
    if role_ids and companies:
        for company_id, role_name, certification_id in db.session.execute(
            select(RoleRequirement.company_id, CertificationRole.name, RoleRequirement.certification_id)
            .join(CertificationRole, CertificationRole.id == RoleRequirement.role_id)
            .where(RoleRequirement.role_id.in_(role_ids), RoleRequirement.company_id.in_(companies),
                   RoleRequirement.certification_id.not_in(_archived_certifications()),
                   RoleRequirement.company_id.not_in(select(Company.id).where(Company.archived_at.is_not(None))))
        ):
            facts.role_requirements[(company_id, role_name)].append(certification_id)
    for user_id, certification_id in db.session.execute(
        select(DirectRequirement.user_id, DirectRequirement.certification_id).where(
            DirectRequirement.user_id.in_(user_ids),
            DirectRequirement.certification_id.not_in(_archived_certifications()),
        )
    ):
        facts.direct[user_id].append(certification_id)
    for user_id, site, certification_id in db.session.execute(
        select(job_location_workers.c.user_id, site_label(), job_location_certifications.c.certification_id)
        .join(Entity, Entity.id == job_location_workers.c.location_id)
        .join(job_location_certifications,
              job_location_certifications.c.location_id == job_location_workers.c.location_id)
        .where(job_location_workers.c.user_id.in_(user_ids), Entity.archived_at.is_(None),
               job_location_certifications.c.certification_id.not_in(_archived_certifications()))
        .order_by(Entity.name, Entity.id)
    ):
        facts.sites[user_id][site].append(certification_id)

    resolved = {
        user_id: resolve_requirements(
            facts.assignments[user_id],
            {
                role_name: facts.role_requirements[(company_of[user_id], role_name)]
                for role_name, _ in facts.assignments[user_id]
            },
            facts.direct[user_id],
            facts.sites[user_id],
        )
        for user_id in user_ids
    }
    certification_ids = {cid for by_certification in resolved.values() for cid in by_certification}
    if not certification_ids:
        return {user_id: [] for user_id in user_ids}
    certifications = {
        c.id: c for c in db.session.scalars(select(Certification).where(Certification.id.in_(certification_ids)))
    }
    parent_ids = {c.parent_id for c in certifications.values() if c.parent_id}
    if parent_ids - certifications.keys():
        certifications.update(
            (c.id, c)
            for c in db.session.scalars(select(Certification).where(Certification.id.in_(parent_ids - certifications.keys())))
        )
    relevant = certification_ids | parent_ids
    for setting in db.session.scalars(
        select(RequirementSetting).where(
            RequirementSetting.user_id.in_(user_ids), RequirementSetting.certification_id.in_(certification_ids)
        )
    ):
        facts.settings[(setting.user_id, setting.certification_id)] = setting
    # The approved records of the relevant certifications and the pending submissions, in one query.
    for record_id, user_id, certification_id, completed_on, expires_on, revoked_reason, status in db.session.execute(
        select(
            Submission.id,
            Submission.user_id,
            Submission.certification_id,
            Submission.completed_on,
            Submission.expires_on,
            Submission.revoked_reason,
            Submission.status,
        )
        .where(
            Submission.user_id.in_(user_ids),
            or_(
                and_(Submission.status == "approved", Submission.certification_id.in_(relevant)),
                Submission.status == "pending",
            ),
        )
        .order_by(Submission.completed_on, Submission.id)
    ):
        if status == "pending":
            facts.pending.add((user_id, certification_id))
            continue
        if override is not None and certification_id == override.certification_id:
            expires_on = override.expirations.get(record_id, expires_on)
        facts.records[(user_id, certification_id)].append(
            RecordFacts(completed_on, expires_on, revoked_reason, record_id)
        )
    _load_documents(facts, user_ids, [cid for cid in certification_ids if certifications[cid].activity_type == "document"])

    policies = {cid: tracking_policy(c) for cid, c in certifications.items()}
    if override is not None and override.certification_id in policies:
        policies[override.certification_id] = override.policy
    parent_of = {cid: c.parent_id for cid, c in certifications.items()}
    alphabetical = sorted(certifications, key=lambda cid: certifications[cid].name.lower())
    by_name = {cid: rank for rank, cid in enumerate(alphabetical)}
    return {
        user_id: [
            _requirement(user_id, certification_id, resolved[user_id][certification_id], facts, policies,
                         certifications, parent_of, day)
            for certification_id in sorted(resolved[user_id], key=by_name.__getitem__)
        ]
        for user_id in user_ids
    }


def _load_documents(facts: _Facts, user_ids: list[int], certification_ids: list[int]) -> None:
    """The current revision of each document certification and the users' acknowledgements, in two queries."""
    if not certification_ids:
        return
    facts.documents = {
        document.certification_id: document
        for document in db.session.scalars(
            select(ActivityDocument).where(
                ActivityDocument.certification_id.in_(certification_ids), ActivityDocument.current.is_(True)
            )
        )
    }
    if not facts.documents:
        return
    for user_id, document_id, certification_id, acknowledged_at in db.session.execute(
        select(
            Acknowledgement.user_id,
            Acknowledgement.document_id,
            ActivityDocument.certification_id,
            Acknowledgement.acknowledged_at,
        )
        .join(ActivityDocument, ActivityDocument.id == Acknowledgement.document_id)
        .where(Acknowledgement.user_id.in_(user_ids), ActivityDocument.certification_id.in_(list(facts.documents)))
        .order_by(Acknowledgement.acknowledged_at, Acknowledgement.id)
    ):
        facts.acknowledged.add((user_id, document_id))
        facts.acknowledged_on[(user_id, certification_id)] = acknowledged_at.date()


def _document_facts(user_id: int, certification_id: int, facts: _Facts) -> DocumentFacts | None:
    document = facts.documents.get(certification_id)
    if document is None:
        return None
    return DocumentFacts(
        document.title,
        document.revision,
        (user_id, document.id) in facts.acknowledged,
        facts.acknowledged_on.get((user_id, certification_id)),
    )


def _requirement(user_id, certification_id, sources, facts: _Facts, policies, certifications, parent_of,
                 day) -> Requirement:
    # Certification attributes are read once per chunk (parent_of): the daily notice scan comes
    # through here for every requirement in the organisation.
    parent_id = parent_of[certification_id]
    key = (user_id, certification_id)
    setting = facts.settings.get(key)
    records = tuple(facts.records.get(key, ()))
    parent = None
    if parent_id:
        parent = ParentFacts(
            certifications[parent_id].name, policies[parent_id], tuple(facts.records.get((user_id, parent_id), ()))
        )
    status = status_on(
        day,
        RequirementFacts(
            policy=policies[certification_id],
            roles=sources.roles,
            direct=sources.required_as_usual,
            records=records,
            parent=parent,
            pending=key in facts.pending,
            deferred_until=setting.deferred_until if setting and setting.state == "deferred" else None,
            deferral_notes=setting.notes if setting else None,
            not_applicable=bool(setting and setting.state == "not_applicable"),
            document=_document_facts(user_id, certification_id, facts) if facts.documents else None,
        ),
    )
    # A parent certification's record can decide the status, but it is not this requirement's record.
    record = status.source_record
    current_record_id = record.record_id if record is not None and record in records else None
    return Requirement(user_id, certifications[certification_id], sources, status, setting, current_record_id)


def _records_on_file(certification: Certification):
    return select(Submission).where(
        Submission.certification_id == certification.id,
        Submission.status == "approved",
        Submission.revoked_at.is_(None),
    )


def current_record(user: User, certification: Certification, *, completed_before: date | None = None,
                   excluding: Submission | None = None) -> Submission | None:
    """The user's newest approved, non-revoked record of the certification.

    With `completed_before` and `excluding`: the record that was current before another one (when that
    one's completion date changes, the rules look at this one as the existing record)."""
    query = _records_on_file(certification).where(Submission.user_id == user.id)
    if completed_before is not None:
        query = query.where(Submission.completed_on < completed_before)
    if excluding is not None:
        query = query.where(Submission.id != excluding.id)
    return db.session.scalar(query.order_by(Submission.completed_on.desc(), Submission.id.desc()).limit(1))


def _holding_by_role(certification_id: int, *columns) -> Select:
    """`columns` of each role assignment whose role requires the certification at its holder's company."""
    return (
        select(*columns)
        .select_from(RoleAssignment)
        .join(User, User.id == RoleAssignment.user_id)
        .join(RoleRequirement, (RoleRequirement.role_id == RoleAssignment.role_id)
              & (RoleRequirement.company_id == User.company_id))
        .where(RoleRequirement.certification_id == certification_id)
    )


def roles_requiring(certification_id: int) -> dict[int, list[str]]:
    """User id -> the names of their roles that require the certification (decision 79), in one query."""
    names: dict[int, list[str]] = defaultdict(list)
    for user_id, role_name in db.session.execute(
        _holding_by_role(certification_id, RoleAssignment.user_id, CertificationRole.name)
        .join(CertificationRole, CertificationRole.id == RoleAssignment.role_id)
        .where(CertificationRole.archived_at.is_(None))
        .order_by(CertificationRole.name)
    ):
        names[user_id].append(role_name)
    return dict(names)


def required_to_hold(certification_id: int) -> ColumnElement[bool]:
    """A condition on User: they must hold the certification, by a role at their company or directly
    (what load_requirements resolves, as SQL, for one certification)."""
    by_role = _holding_by_role(certification_id, RoleAssignment.user_id)
    direct = select(DirectRequirement.user_id).where(DirectRequirement.certification_id == certification_id)
    by_site = (
        select(job_location_workers.c.user_id)
        .join(job_location_certifications,
              job_location_certifications.c.location_id == job_location_workers.c.location_id)
        .join(Entity, Entity.id == job_location_workers.c.location_id)
        .where(job_location_certifications.c.certification_id == certification_id, Entity.archived_at.is_(None))
    )
    return or_(User.id.in_(by_role), User.id.in_(direct), User.id.in_(by_site))


def current_records(user_ids: Iterable[int], certification: Certification) -> dict[int, Submission]:
    """current_record for many users, in one query: user id -> their current record (if any)."""
    newest_first = _records_on_file(certification).where(Submission.user_id.in_(list(user_ids))).order_by(
        Submission.completed_on.desc(), Submission.id.desc()
    )
    current: dict[int, Submission] = {}
    for record in db.session.scalars(newest_first):
        current.setdefault(record.user_id, record)
    return current


def load_user_requirements(user: User, day: date) -> list[Requirement]:
    return load_requirements([user.id], day)[user.id]
