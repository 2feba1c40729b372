"""Figures for the home page: one's own requirements, one's team, the organisation."""
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Certification, CertificationRole, Company, User
from webapp.models.people import supervisor_links
from webapp.rules import Status
from webapp.services.compliance import load_requirements


@dataclass(frozen=True)
class OrganisationSummary:
    active_users: int
    hidden_users: int
    certifications: int
    roles: int
    companies: int


def count_statuses(user_ids: list[int], day: date) -> Counter:
    """How many requirements of these users are in each status on `day`."""
    counts: Counter = Counter()
    for requirements in load_requirements(user_ids, day).values():
        counts.update(requirement.status.status for requirement in requirements)
    return counts


def count_team_statuses(supervisor: User, day: date) -> Counter:
    team = db.session.scalars(
        select(supervisor_links.c.user_id).where(supervisor_links.c.supervisor_id == supervisor.id)
    ).all()
    return count_statuses(list(team), day)


def summarise_organisation() -> OrganisationSummary:
    def count(query):
        return db.session.scalar(query)

    return OrganisationSummary(
        active_users=count(select(func.count(User.id)).where(User.active)),
        hidden_users=count(select(func.count(User.id)).where(User.hidden)),
        certifications=count(select(func.count(Certification.id))),
        roles=count(select(func.count(CertificationRole.id))),
        companies=count(select(func.count(Company.id))),
    )


OUTSTANDING = tuple(status for status in Status if status.is_outstanding)
