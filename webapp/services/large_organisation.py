"""A large organisation for measuring scale: N people in companies, with supervisors, roles and
years of chained records in every status, written with bulk inserts beside the demo organisation.

Deterministic: the same seed, size and day give the same rows (each person draws from their own
random stream, so the people are planned and written a chunk at a time in bounded memory).
Expirations come from the rules (`expiration_for`), as when a record is approved in the app.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterator

from sqlalchemy import insert, select, text

from webapp.extensions import db
from webapp.models import (
    Certification,
    CertificationRole,
    Company,
    CompanyRole,
    DirectRequirement,
    RequirementSetting,
    RoleAssignment,
    RoleRequirement,
    Submission,
    User,
    new_token,
    utcnow,
)
from webapp.models.people import supervisor_links, user_module_levels
from webapp.rules import TrackingPolicy, expiration_for
from webapp.services.accounts import hash_password
from webapp.services.compliance import tracking_policy
from webapp.services.organisation import ensure_built_in_module_levels

PEOPLE_PER_COMPANY = 500
PEOPLE_PER_SUPERVISOR = 20
CERTIFICATIONS = 40
ROLES = 12
CERTIFICATIONS_PER_ROLE = 12
DIRECT_PER_PERSON = 6
CHUNK = 500
PREFIX = "Large"

_M, _W, _D, _Y = "months", "weeks", "days", "years"


def _expiring(amount: int, unit: str, first=(1, _M), second=(1, _W), **extra) -> dict:
    return dict(expires=True, duration_amount=amount, duration_unit=unit, first_notice_amount=first[0],
                first_notice_unit=first[1], second_notice_amount=second[0], second_notice_unit=second[1], **extra)


# Cycled over the generated certifications: every expiration rule appears.
_SETTINGS = (
    _expiring(1, _Y),
    _expiring(2, _Y, first=(2, _M), second=(2, _W)),
    _expiring(6, _M, first=(30, _D), second=(7, _D), allow_upcoming=True),
    _expiring(3, _Y, extend_to="year"),
    _expiring(1, _Y, extend_to="month"),
    _expiring(1, _Y, forced_expiration=date(2025, 7, 1), existing_window_opens="first_notice",
              existing_grace_amount=2, existing_grace_unit=_W),
    _expiring(2, _Y, first=(3, _M), second=(1, _M), existing_window_opens="second_notice"),
    dict(expires=False),
)


@dataclass(frozen=True)
class GeneratedOrganisation:
    people: int
    companies: int
    requirements: int
    records: int


@dataclass
class PersonPlan:
    """One generated person's rows, by index: certifications and roles are positions in the lists."""
    number: int
    roles: list[tuple[int, date | None]]
    direct: list[int]
    settings: list[tuple[int, str, date | None]]
    records: list[tuple[int, date, date | None, str, str | None, str]]  # cert, completed, expires, status, revoked, why


def organisation_generated() -> bool:
    return db.session.scalar(select(Company.id).where(Company.name == f"{PREFIX} Company 001")) is not None


def _certification_settings() -> list[tuple[str, dict]]:
    return [(f"{PREFIX} Certification {i + 1:02d}", _SETTINGS[i % len(_SETTINGS)]) for i in range(CERTIFICATIONS)]


def _role_certifications(role: int) -> list[int]:
    return [(role * 3 + k) % CERTIFICATIONS for k in range(CERTIFICATIONS_PER_ROLE)]


def plan_person(number: int, seed: int, day: date, policies: list[tuple[TrackingPolicy, bool]]) -> PersonPlan:
    """The roles, direct requirements, settings and record chains of person `number` (pure, deterministic);
    `policies` gives each certification's tracking policy and whether it allows upcoming records."""
    rng = random.Random(f"{seed}-{number}")
    first_role = rng.randrange(ROLES)
    roles = [first_role, (first_role + 5) % ROLES]
    training = day + timedelta(days=rng.randint(5, 60)) if rng.random() < 0.03 else None
    required = {c for role in roles for c in _role_certifications(role)}
    direct = rng.sample(sorted(set(range(CERTIFICATIONS)) - required), DIRECT_PER_PERSON)
    plan = PersonPlan(number, [(roles[0], training), (roles[1], None)], direct, [], [])
    for certification in sorted(required | set(direct)):
        _plan_requirement(plan, certification, *policies[certification], rng, day)
    return plan


def _plan_requirement(plan: PersonPlan, certification: int, policy: TrackingPolicy, allow_upcoming: bool,
                      rng: random.Random, day: date) -> None:
    roll = rng.random()
    if roll < 0.02:
        plan.settings.append((certification, "not_applicable", None))
    elif roll < 0.04:
        plan.settings.append((certification, "deferred", day + timedelta(days=rng.randint(1, 90))))
    if 0.04 <= roll < 0.10:
        return  # nothing on file
    if 0.10 <= roll < 0.12 and allow_upcoming:
        completed = day + timedelta(days=rng.randint(1, 30))
        plan.records.append((certification, completed, expiration_for(policy, completed).expires_on,
                             "approved", None, ""))
        return
    completed = day - timedelta(days=rng.randint(365, 3 * 365))
    existing = None
    while completed <= day:
        result = expiration_for(policy, completed, existing)
        plan.records.append((certification, completed, result.expires_on, "approved", None, result.explanation))
        existing = result.expires_on
        if existing is None:
            break
        # Most renew a little before expiring; some lapse for a while; some stop altogether.
        if rng.random() < 0.12:
            break
        completed = existing + timedelta(days=rng.randint(-40, 25) if rng.random() < 0.8 else rng.randint(26, 200))
    if 0.12 <= roll < 0.14:
        certification, completed, expires, _, _, why = plan.records[-1]
        plan.records[-1] = (certification, completed, expires, "approved", "Certificate found to be forged.", why)
    if roll > 0.93:
        plan.records.append((certification, day - timedelta(days=rng.randint(0, 20)), None, "pending", None, None))
    elif roll > 0.91:
        plan.records.append((certification, day - timedelta(days=rng.randint(1, 60)), None, "declined", None, None))


def _plans(people: int, seed: int, day: date, policies: list[tuple[TrackingPolicy, bool]]) -> Iterator[list[PersonPlan]]:
    for start in range(0, people, CHUNK):
        yield [plan_person(n, seed, day, policies) for n in range(start, min(start + CHUNK, people))]


def generate_organisation(people: int, seed: int, day: date) -> GeneratedOrganisation:
    """Add `people` generated people (and their companies, roles and certifications) in bulk.

    Refuses (ValueError) when a generated organisation is there already; the demo's people are
    left as they are.
    """
    if people < 1:
        raise ValueError("The organisation needs at least one person.")
    if organisation_generated():
        raise ValueError("A generated organisation is there already.")
    levels = ensure_built_in_module_levels()
    password_hash = hash_password(f"{PREFIX.lower()}-{seed}")
    companies = [Company(name=f"{PREFIX} Company {i + 1:03d}") for i in range(max(1, -(-people // PEOPLE_PER_COMPANY)))]
    certifications = [Certification(name=name, **settings) for name, settings in _certification_settings()]
    roles = [CertificationRole(name=f"{PREFIX} Role {i + 1:02d}") for i in range(ROLES)]
    db.session.add_all(companies + certifications + roles)
    db.session.flush()
    db.session.execute(insert(CompanyRole), [
        {"company_id": company.id, "role_id": role.id} for company in companies for role in roles
    ])
    db.session.execute(insert(RoleRequirement), [
        {"company_id": company.id, "role_id": role.id, "certification_id": certifications[c].id}
        for company in companies for r, role in enumerate(roles) for c in _role_certifications(r)
    ])
    policies = [(tracking_policy(c), bool(c.allow_upcoming)) for c in certifications]
    requirements = records = 0
    now = utcnow()
    supervisor_ids: dict[int, int] = {}
    for plans in _plans(people, seed, day, policies):
        ids = _insert_people(plans, companies, password_hash)
        db.session.execute(insert(user_module_levels), [
            {"user_id": ids[p.number], "module_level_id": levels[level].id}
            for p in plans
            for level in (("Supervisor", "Employee") if p.number % PEOPLE_PER_SUPERVISOR == 0 else ("Employee",))
        ])
        supervisor_ids.update((p.number, ids[p.number]) for p in plans if p.number % PEOPLE_PER_SUPERVISOR == 0)
        links = [{"supervisor_id": supervisor_ids[p.number - p.number % PEOPLE_PER_SUPERVISOR], "user_id": ids[p.number]}
                 for p in plans if p.number % PEOPLE_PER_SUPERVISOR]
        if links:
            db.session.execute(insert(supervisor_links), links)
        db.session.execute(insert(RoleAssignment), [
            {"user_id": ids[p.number], "role_id": roles[role].id, "training_until": until}
            for p in plans for role, until in p.roles
        ])
        db.session.execute(insert(DirectRequirement), [
            {"user_id": ids[p.number], "certification_id": certifications[c].id} for p in plans for c in p.direct
        ])
        settings = [
            {"user_id": ids[p.number], "certification_id": certifications[c].id, "state": state, "deferred_until": until,
             "notes": "Generated." if state == "deferred" else None}
            for p in plans for c, state, until in p.settings
        ]
        if settings:
            db.session.execute(insert(RequirementSetting), settings)
        rows = [
            {"user_id": ids[p.number], "certification_id": certifications[c].id, "completed_on": completed,
             "expires_on": expires, "expiration_explanation": why, "status": status, "source": "import",
             "submitted_by_id": ids[p.number], "revoked_reason": revoked,
             "revoked_at": now if revoked else None,
             "decided_by_id": None if status == "pending" else supervisor_ids[p.number - p.number % PEOPLE_PER_SUPERVISOR],
             "decline_comment": "Please upload a readable copy." if status == "declined" else None}
            for p in plans for c, completed, expires, status, revoked, why in p.records
        ]
        db.session.execute(insert(Submission), rows)
        requirements += sum(len({c for r, _ in p.roles for c in _role_certifications(r)} | set(p.direct)) for p in plans)
        records += len(rows)
    db.session.commit()
    # What autovacuum does to a database in use, at once: the planner's statistics (stale after a bulk load, they
    # would mislead it) and, on PostgreSQL, the visibility map, without which no count reads an index alone.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE"))
    return GeneratedOrganisation(people, len(companies), requirements, records)


def _insert_people(plans: list[PersonPlan], companies: list[Company], password_hash: str) -> dict[int, int]:
    """Insert the chunk's users; their ids by person number."""
    names = {p.number: f"{PREFIX.lower()}{p.number:05d}" for p in plans}
    db.session.execute(insert(User), [
        {"username": names[p.number], "email": f"{names[p.number]}@large.fieldcert.test",
         "first_name": _FIRST_NAMES[p.number % len(_FIRST_NAMES)], "last_name": f"{_LAST_NAMES[p.number % len(_LAST_NAMES)]}",
         "password_hash": password_hash, "company_id": companies[p.number // PEOPLE_PER_COMPANY].id,
         "job_title": "Site supervisor" if p.number % PEOPLE_PER_SUPERVISOR == 0 else "Field technician",
         "qr_token": new_token(), "calendar_token": new_token(), "active": True, "hidden": p.number % 97 == 96}
        for p in plans
    ])
    by_name = dict(db.session.execute(select(User.username, User.id).where(User.username.in_(names.values()))).all())
    return {number: by_name[name] for number, name in names.items()}


_FIRST_NAMES = ("Alex", "Blake", "Casey", "Dana", "Eli", "Frankie", "Gray", "Harper", "Indy", "Jules", "Kai", "Lee",
                "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sky", "Taylor", "Val", "Wren", "Yael")
_LAST_NAMES = ("Abbott", "Barker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen", "Khan",
               "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Silva", "Tanaka", "Ueda",
               "Varga", "Weber", "Xu", "Young", "Zhou")
