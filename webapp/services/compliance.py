"""Who must hold what, and in which status: database facts in, rules-module statuses out.

Everything that shows a status (pages, reports, notices, exports) loads it here,
in a fixed number of queries however many people and requirements there are.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Date,
    Integer,
    Select,
    Text,
    bindparam,
    case,
    cast,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

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
from webapp.models.base import UTCDateTime
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
    setting: SettingFacts | None = None
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


@dataclass(frozen=True)
class SettingFacts:
    """A requirement's setting as the pages and the rules read it (RequirementSetting's state,
    deferral date and notes)."""

    state: str
    deferred_until: date | None
    notes: str | None


@dataclass(frozen=True)
class _Document:
    """The current revision of a document certification, as the rules read it."""

    id: int
    title: str
    revision: str


@dataclass
class _Facts:
    assignments: dict[int, list[tuple[str, date | None]]] = field(default_factory=lambda: defaultdict(list))
    # (user, role name) -> the certifications the role requires at the user's company
    role_requirements: dict[tuple[int, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    direct: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    # user -> job location label -> the certifications it requires (decision 76)
    sites: dict[int, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    settings: dict[tuple[int, int], SettingFacts] = field(default_factory=dict)
    records: dict[tuple[int, int], list[RecordFacts]] = field(default_factory=lambda: defaultdict(list))
    pending: set[tuple[int, int]] = field(default_factory=set)
    documents: dict[int, _Document] = field(default_factory=dict)
    acknowledged: set[tuple[int, int]] = field(default_factory=set)  # (user, document)
    acknowledged_at: dict[tuple[int, int], datetime] = field(default_factory=dict)  # (user, certification) -> latest


def site_label():
    """How a job location is named among a person's requirement sources: its name and identifier,
    so two job locations of one name stay two."""
    return (Entity.name + " (" + Entity.identifier + ")").label("site")


# The kinds of row of _facts_query, and the columns a row may fill (the others are NULL).
_ROLE, _ROLE_REQUIREMENT, _DIRECT, _SITE, _SETTING, _RECORD, _PENDING, _ACKNOWLEDGEMENT = range(8)
_FACT_COLUMNS = {
    "certification_id": Integer(), "name": Text(), "order_name": Text(), "number": Integer(),
    "first": Date(), "second": Date(), "text": Text(), "moment": UTCDateTime(),
}


def _fact_rows(kind, user_id, **columns) -> Select:
    """One kind of row of _facts_query: `kind`, `user_id`, then _FACT_COLUMNS (those not given are NULL,
    typed: PostgreSQL resolves a union's column types pair by pair, an untyped NULL as text)."""
    return select(
        kind.label("kind") if isinstance(kind, ColumnElement) else literal_column(str(kind)).label("kind"),
        user_id.label("user_id"),
        *(columns[name].label(name) if name in columns else cast(null(), type_).label(name)
          for name, type_ in _FACT_COLUMNS.items()),
    )


def _facts_query() -> CompoundSelect:
    """Every fact the rules need about the people `user_ids` (a parameter), but the certifications',
    in one query: their roles (with training ends), what those roles require at their company, their
    direct requirements, the job locations they work at and what those require, their requirement
    settings, their approved records and pending submissions, and their acknowledgements of documents.
    Archived roles, companies, job locations and certifications require nothing (decision 55). Rows
    come ordered as the rules read them: roles by name, job locations by name, records by completion."""
    user_ids = bindparam("user_ids", expanding=True)
    current_certification = Certification.archived_at.is_(None)
    return union_all(
        _fact_rows(_ROLE, RoleAssignment.user_id, name=CertificationRole.name, order_name=CertificationRole.name,
                   first=RoleAssignment.training_until)
        .join(CertificationRole, CertificationRole.id == RoleAssignment.role_id)
        .where(RoleAssignment.user_id.in_(user_ids), CertificationRole.archived_at.is_(None)),
        _fact_rows(_ROLE_REQUIREMENT, RoleAssignment.user_id, certification_id=RoleRequirement.certification_id,
                   name=CertificationRole.name)
        .join(CertificationRole, CertificationRole.id == RoleAssignment.role_id)
        .join(User, User.id == RoleAssignment.user_id)
        .join(RoleRequirement, (RoleRequirement.role_id == RoleAssignment.role_id)
              & (RoleRequirement.company_id == User.company_id))
        .join(Company, Company.id == RoleRequirement.company_id)
        .join(Certification, Certification.id == RoleRequirement.certification_id)
        .where(RoleAssignment.user_id.in_(user_ids), CertificationRole.archived_at.is_(None),
               Company.archived_at.is_(None), current_certification),
        _fact_rows(_DIRECT, DirectRequirement.user_id, certification_id=DirectRequirement.certification_id)
        .join(Certification, Certification.id == DirectRequirement.certification_id)
        .where(DirectRequirement.user_id.in_(user_ids), current_certification),
        _fact_rows(_SITE, job_location_workers.c.user_id,
                   certification_id=job_location_certifications.c.certification_id, name=site_label(),
                   order_name=Entity.name, number=Entity.id)
        .select_from(job_location_workers)
        .join(Entity, Entity.id == job_location_workers.c.location_id)
        .join(job_location_certifications,
              job_location_certifications.c.location_id == job_location_workers.c.location_id)
        .join(Certification, Certification.id == job_location_certifications.c.certification_id)
        .where(job_location_workers.c.user_id.in_(user_ids), Entity.archived_at.is_(None), current_certification),
        _fact_rows(_SETTING, RequirementSetting.user_id, certification_id=RequirementSetting.certification_id,
                   name=RequirementSetting.notes, first=RequirementSetting.deferred_until,
                   text=RequirementSetting.state)
        .where(RequirementSetting.user_id.in_(user_ids)),
        _fact_rows(case((Submission.status == "pending", _PENDING), else_=_RECORD), Submission.user_id,
                   certification_id=Submission.certification_id, number=Submission.id,
                   first=Submission.completed_on, second=Submission.expires_on, text=Submission.revoked_reason)
        .where(Submission.user_id.in_(user_ids), Submission.status.in_(("approved", "pending"))),
        _fact_rows(_ACKNOWLEDGEMENT, Acknowledgement.user_id, certification_id=ActivityDocument.certification_id,
                   number=Acknowledgement.document_id, moment=Acknowledgement.acknowledged_at)
        .join(ActivityDocument, ActivityDocument.id == Acknowledgement.document_id)
        .where(Acknowledgement.user_id.in_(user_ids)),
    ).order_by("kind", "order_name", "first", "number")


# Built once: building a statement costs more than running it (its compiled form is cached).
_FACTS = _facts_query()


def _gather_facts(user_ids: list[int], override: SettingsOverride | None) -> _Facts:
    """_facts_query's rows, sorted into _Facts (a record's expiration as the `override` recalculates it)."""
    facts = _Facts()
    for kind, user_id, certification_id, name, _, number, first, second, text, moment in db.session.execute(
        _FACTS, {"user_ids": user_ids}
    ):
        key = (user_id, certification_id)
        if kind == _RECORD:
            if override is not None and certification_id == override.certification_id:
                second = override.expirations.get(number, second)
            facts.records[key].append(RecordFacts(first, second, text, number))
        elif kind == _PENDING:
            facts.pending.add(key)
        elif kind == _ROLE:
            facts.assignments[user_id].append((name, first))
        elif kind == _ROLE_REQUIREMENT:
            facts.role_requirements[(user_id, name)].append(certification_id)
        elif kind == _DIRECT:
            facts.direct[user_id].append(certification_id)
        elif kind == _SITE:
            facts.sites[user_id][name].append(certification_id)
        elif kind == _SETTING:
            facts.settings[key] = SettingFacts(text, first, name)
        else:
            facts.acknowledged.add((user_id, number))
            facts.acknowledged_at[key] = max(moment, facts.acknowledged_at.get(key, moment))
    return facts


def _certifications_query() -> Select:
    """The certifications `certification_ids` (a parameter) and their parents, with the current revision
    of each document certification."""
    certification_ids = bindparam("certification_ids", expanding=True)
    return (
        select(Certification, ActivityDocument.id, ActivityDocument.title, ActivityDocument.revision)
        .outerjoin(ActivityDocument, (ActivityDocument.certification_id == Certification.id)
                   & ActivityDocument.current.is_(True) & (Certification.activity_type == "document"))
        .where(Certification.id.in_(certification_ids)
               | Certification.id.in_(select(Certification.parent_id).where(Certification.id.in_(certification_ids))
                                      .correlate(None)))
        .order_by(ActivityDocument.id)
    )


_CERTIFICATIONS = _certifications_query()


def _load_certifications(certification_ids: set[int], facts: _Facts) -> dict[int, Certification]:
    """The certifications and their parents, in one query; the current revisions of documents go to `facts`."""
    certifications = {}
    for certification, document_id, title, revision in db.session.execute(
        _CERTIFICATIONS, {"certification_ids": list(certification_ids)}
    ):
        certifications[certification.id] = certification
        if document_id is not None:
            facts.documents[certification.id] = _Document(document_id, title, revision)
    return certifications


@collector_paused()
def load_requirements(user_ids: Iterable[int], day: date,
                      override: SettingsOverride | None = None) -> dict[int, list[Requirement]]:
    """Every requirement of each user, with its status on `day` (under the `override`, when given),
    in two queries: the people's facts, then the certifications they must hold."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return {}
    facts = _gather_facts(user_ids, override)
    resolved = {
        user_id: resolve_requirements(
            facts.assignments[user_id],
            {role_name: facts.role_requirements[(user_id, role_name)] for role_name, _ in facts.assignments[user_id]},
            facts.direct[user_id],
            facts.sites[user_id],
        )
        for user_id in user_ids
    }
    certification_ids = {cid for by_certification in resolved.values() for cid in by_certification}
    if not certification_ids:
        return {user_id: [] for user_id in user_ids}
    certifications = _load_certifications(certification_ids, facts)
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


def _document_facts(user_id: int, certification_id: int, facts: _Facts) -> DocumentFacts | None:
    document = facts.documents.get(certification_id)
    if document is None:
        return None
    acknowledged_at = facts.acknowledged_at.get((user_id, certification_id))
    return DocumentFacts(
        document.title,
        document.revision,
        (user_id, document.id) in facts.acknowledged,
        acknowledged_at.date() if acknowledged_at is not None else None,
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
