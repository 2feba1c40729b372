"""Factories for test data: each builds a valid object with sensible defaults, overridable by keyword."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timezone

from werkzeug.security import generate_password_hash

from webapp.extensions import db
from webapp.models import (
    Entity,
    EntityRecord,
    EntityRequirement,
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
)
from webapp.rules import expiration_for
from webapp.services.compliance import tracking_policy
from webapp.services.organisation import create_user, ensure_built_in_module_levels

PASSWORD = "correct horse battery staple"
# pbkdf2 with few rounds: fast tests; production hashes use scrypt.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
YEARLY = dict(
    expires=True, duration_amount=1, duration_unit="years",
    first_notice_amount=1, first_notice_unit="months", second_notice_amount=1, second_notice_unit="weeks",
)


class Factory:
    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self.levels = ensure_built_in_module_levels()
        db.session.commit()

    def _n(self) -> int:
        return next(self._numbers)

    def company(self, **fields) -> Company:
        company = Company(name=fields.pop("name", f"Company {self._n()}"), **fields)
        db.session.add(company)
        db.session.commit()
        return company

    def user(self, *levels: str, supervisors=(), company=None, **fields) -> User:
        n = self._n()
        user = create_user(
            username=fields.pop("username", f"user{n}"),
            email=fields.pop("email", f"user{n}@example.test"),
            first_name=fields.pop("first_name", "Test"),
            last_name=fields.pop("last_name", f"User{n}"),
            password_hash=PASSWORD_HASH,
            company=company,
            **fields,
        )
        user.module_levels = [self.levels[name] for name in (levels or ("Employee",))]
        user.supervisors = list(supervisors)
        db.session.commit()
        return user

    def certification(self, **fields) -> Certification:
        certification = Certification(name=fields.pop("name", f"Certification {self._n()}"), **fields)
        db.session.add(certification)
        db.session.commit()
        return certification

    def yearly_certification(self, **fields) -> Certification:
        return self.certification(**{**YEARLY, **fields})

    def role(self, *certifications: Certification, companies=(), **fields) -> CertificationRole:
        role = CertificationRole(name=fields.pop("name", f"Role {self._n()}"), **fields)
        db.session.add(role)
        for company in companies:
            company_role = CompanyRole(company=company, role=role)
            company_role.requirements = [RoleRequirement(certification=c) for c in certifications]
            db.session.add(company_role)
        db.session.commit()
        return role

    def assign(self, user: User, role: CertificationRole, training_until: date | None = None) -> RoleAssignment:
        assignment = RoleAssignment(user=user, role=role, training_until=training_until)
        db.session.add(assignment)
        db.session.commit()
        return assignment

    def require(self, user: User, certification: Certification) -> DirectRequirement:
        requirement = DirectRequirement(user=user, certification=certification)
        db.session.add(requirement)
        db.session.commit()
        return requirement

    def setting(self, user: User, certification: Certification, state: str, **fields) -> RequirementSetting:
        setting = RequirementSetting(user=user, certification=certification, state=state, **fields)
        db.session.add(setting)
        db.session.commit()
        return setting

    def record(self, user: User, certification: Certification, completed_on: date, *, status="approved", **fields) -> Submission:
        """A submission; approved by default, with the expiration the rules give."""
        if "expires_on" not in fields:
            fields["expires_on"] = expiration_for(tracking_policy(certification), completed_on).expires_on
        submission = Submission(user=user, certification=certification, completed_on=completed_on, status=status,
                                submitted_by=user, **fields)
        db.session.add(submission)
        db.session.commit()
        return submission

    def entity(self, kind: str = "asset", **fields) -> Entity:
        n = self._n()
        entity = Entity(kind=kind, name=fields.pop("name", f"{kind.title()} {n}"),
                        identifier=fields.pop("identifier", f"{kind[:2].upper()}-{n}"), **fields)
        db.session.add(entity)
        db.session.commit()
        return entity

    def associate(self, entity: Entity, certification: Certification, **fields) -> EntityRequirement:
        """The entity must hold the certification; `revoked_reason=` revokes it."""
        if fields.get("revoked_reason"):
            fields.setdefault("revoked_at", datetime(2026, 6, 1, tzinfo=timezone.utc))
        requirement = EntityRequirement(entity=entity, certification=certification, **fields)
        db.session.add(requirement)
        db.session.commit()
        return requirement

    def entity_record(self, requirement: EntityRequirement, completed_on: date, **fields) -> EntityRecord:
        """A record of the entity's certification, with the expiration the rules give."""
        if "expires_on" not in fields:
            fields["expires_on"] = expiration_for(tracking_policy(requirement.certification), completed_on).expires_on
        record = EntityRecord(requirement=requirement, completed_on=completed_on, **fields)
        db.session.add(record)
        db.session.commit()
        return record
