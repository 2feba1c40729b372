"""What a job location requires of the people working there, who works there, and whether each of them
is cleared for the site (decisions 76 and 77): the certifications it requires are requirements of its
workers (compliance.load_requirements), and "cleared for this site?" is answered as for a role."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, insert, or_, select

from webapp.extensions import db
from webapp.models import Certification, Entity, User, job_location_certifications, job_location_workers
from webapp.rules.verdicts import Verdict, VerdictItem, verdicts_by_holder
from webapp.services.access import users_in_reach
from webapp.services.audit import record_audit
from webapp.services.compliance import Requirement, load_requirements, site_label
from webapp.services.invalid import Invalid
from webapp.services.known import employee_certifications


@dataclass(frozen=True)
class SiteVerdict:
    """Whether a person is cleared for one job location they work at."""

    location_id: int
    name: str
    verdict: Verdict


@dataclass
class WorkerClearance:
    """A person working at the job location, and whether they are cleared for it today."""

    user: User
    verdict: Verdict


def get_job_location(location_id: int) -> Entity | None:
    return db.session.scalar(select(Entity).where(Entity.id == location_id, Entity.kind == "location"))


def site_certifications(location: Entity) -> list[Certification]:
    """The employee certifications the job location requires, by name."""
    return list(db.session.scalars(
        select(Certification)
        .join(job_location_certifications, job_location_certifications.c.certification_id == Certification.id)
        .where(job_location_certifications.c.location_id == location.id)
        .order_by(func.lower(Certification.name))
    ))


def requirable_certifications() -> list[Certification]:
    """What a job location may require of its workers: the employee certifications in use."""
    return list(db.session.scalars(employee_certifications().order_by(func.lower(Certification.name))))


def site_workers(location: Entity) -> list[User]:
    """The people assigned to work at the job location, by name."""
    return list(db.session.scalars(
        select(User).join(job_location_workers, job_location_workers.c.user_id == User.id)
        .where(job_location_workers.c.location_id == location.id)
        .order_by(User.last_name, User.first_name, User.id)
    ))


def set_site_certifications(actor: User, location: Entity, certification_ids: Iterable[int]) -> None:
    """The job location requires exactly these employee certifications of its workers (each one in use);
    refused as a whole, with nothing changed, when one is not."""
    wanted = set(certification_ids)
    allowed = {certification.id: certification for certification in requirable_certifications()}
    if wanted - allowed.keys():
        raise Invalid({"certifications": "Choose employee certifications in use: one of those chosen is not."})
    before = [c.name for c in site_certifications(location)]
    db.session.execute(delete(job_location_certifications).where(job_location_certifications.c.location_id == location.id))
    if wanted:
        db.session.execute(insert(job_location_certifications),
                           [{"location_id": location.id, "certification_id": cid} for cid in sorted(wanted)])
    after = sorted((allowed[cid].name for cid in wanted), key=str.lower)
    record_audit(actor, "job_location.certifications", location,
                 f"Set what job location {location.name} requires of its workers: {', '.join(after) or 'nothing'}",
                 before={"certifications": before}, after={"certifications": after})
    db.session.commit()


def _person_named(actor: User, who: str) -> User | None:
    """The active person in `actor`'s reach whose username or e-mail is `who` (any case)."""
    who = who.strip().lower()
    return db.session.scalar(
        users_in_reach(actor, "manage_requirements")
        .where(User.active.is_(True), or_(func.lower(User.username) == who, func.lower(User.email) == who))
    )


def add_site_worker(actor: User, location: Entity, who: str) -> User:
    """Assign the person named by username or e-mail to work at the job location: they must then hold what
    it requires. Refused (nothing changed) for nobody, someone outside the actor's reach for managing
    requirements, or someone already assigned."""
    if not who.strip():
        raise Invalid({"who": "Enter the username or e-mail address of the person who works there."})
    person = _person_named(actor, who)
    if person is None:
        raise Invalid({"who": f"No active person you manage the requirements of has the username or e-mail {who.strip()}."})
    if person.id in {worker.id for worker in site_workers(location)}:
        raise Invalid({"who": f"{person.full_name} already works at {location.name}."})
    db.session.execute(insert(job_location_workers), [{"location_id": location.id, "user_id": person.id}])
    record_audit(actor, "job_location.worker_add", person, f"Assigned {person.full_name} to work at {location.name}",
                 after={"job_location": location.name})
    db.session.commit()
    return person


def remove_site_worker(actor: User, location: Entity, user_id: int) -> User | None:
    """No longer assigned to the job location; None (nothing changed) when they were not, or are out of reach."""
    person = db.session.scalar(users_in_reach(actor, "manage_requirements").where(User.id == user_id))
    if person is None or person.id not in {worker.id for worker in site_workers(location)}:
        return None
    db.session.execute(delete(job_location_workers).where(job_location_workers.c.location_id == location.id,
                                                          job_location_workers.c.user_id == person.id))
    record_audit(actor, "job_location.worker_remove", person,
                 f"{person.full_name} no longer works at {location.name}", before={"job_location": location.name})
    db.session.commit()
    return person


def _items(requirements: list[Requirement], shown) -> list[tuple[VerdictItem, tuple[str, ...]]]:
    return [(VerdictItem(r.certification.name, r.status, shown(r.certification)), r.sources.sites)
            for r in requirements if r.sources.sites]


def site_verdicts(user: User, requirements: list[Requirement], day: date, shown) -> list[SiteVerdict]:
    """A verdict for each job location `user` works at (decision 77), over their `requirements` (as
    load_requirements gave them); `shown(certification)` says whether the reader may see it."""
    locations = db.session.execute(
        select(Entity.id, Entity.name, site_label())
        .join(job_location_workers, job_location_workers.c.location_id == Entity.id)
        .where(job_location_workers.c.user_id == user.id, Entity.archived_at.is_(None))
        .order_by(Entity.name, Entity.id)
    ).all()
    verdicts = verdicts_by_holder([label for _, _, label in locations], _items(requirements, shown), day)
    return [SiteVerdict(location_id, name, verdicts[label]) for location_id, name, label in locations]


def site_clearance(location: Entity, workers: list[User], day: date, shown) -> list[WorkerClearance]:
    """Whether each worker is cleared for the job location today, in a fixed number of queries."""
    label = db.session.scalar(select(site_label()).where(Entity.id == location.id))
    requirements = load_requirements([worker.id for worker in workers], day)
    return [WorkerClearance(worker, verdicts_by_holder([label], _items(requirements[worker.id], shown), day)[label])
            for worker in workers]
